-- Shared by the harness's wrk scripts: done() prints one machine-readable line that
-- bench/harness parses (latencies in microseconds). Loaded with dofile(), so run
-- wrk from the repository root or set BENCH_WRK_DIR.
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
