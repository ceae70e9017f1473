-- GET /info: wrk -s bench/wrk/info.lua http://127.0.0.1:8887/api/info
dofile((os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/report.lua")
