#!/usr/bin/env bash
# bench/soak.sh: mixed-flow soak of the mock PBX (sign-in, 2FA with the code from
# the outbox, who-am-I, refresh rotation, sign-out, forgot/reset, web sessions,
# metadata, bad logins) with 64 virtual users, clean and then with faults injected
# (3 s latency past a 1 s client timeout, forced 500, dropped connections, 503s);
# then the runner's own load mode (pbxauth run --load) the same two ways. Fails on
# any 5xx in a clean run, any unexpected outcome, any call past its timeout, a
# fault not reported as its own failure, and any goroutine left after the load.
#
#   bench/soak.sh                  # 60 s per run: ~6 minutes in all
#   bench/soak.sh --short          # 5 s per run: for CI
#   bench/soak.sh --duration 30s --concurrency 32 --only standalone|inprocess
#   PBXAUTH_BIN=/tmp/pbxauth bench/soak.sh --short   # use a built binary
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
cache=${PBXAUTH_BENCH_CACHE:-/tmp/pbxauth-bench}
duration=60s fault_duration="" concurrency=64 only=""
while [ $# -gt 0 ]; do
	case "$1" in
	--short) duration=5s; shift ;;
	--duration) duration=$2; shift 2 ;;
	--fault-duration) fault_duration=$2; shift 2 ;;
	--concurrency) concurrency=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	-h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/soak.sh: unknown flag $1" >&2; exit 2 ;;
	esac
done
fault_duration=${fault_duration:-$duration}
mkdir -p "$cache"
pbxauth=${PBXAUTH_BIN:-}
if [ -z "$pbxauth" ]; then
	pbxauth="$cache/pbxauth"
	go build -o "$pbxauth" . || { echo "bench/soak.sh: go build . failed" >&2; exit 2; }
fi
go build -o "$cache/soak" ./bench/soak || { echo "bench/soak.sh: go build ./bench/soak failed" >&2; exit 2; }
args=(-duration "$duration" -fault-duration "$fault_duration" -concurrency "$concurrency")
status=0

# runner_load URL: the runner's own load mode (`pbxauth run --load`, every
# loadable built-in scenario) against the standalone mock, clean and then with
# faults. Clean: no error at all. Faults: each injected fault shows up as its own
# failure in the breakdown (timeout, HTTP 500, dropped connection), and the run
# ends on time: within its duration plus one step timeout plus 5 s.
runner_load() {
	local url=$1 out start end took limit
	out="$cache/soak-runner.txt"
	echo "## pbxauth run --load --duration $duration --concurrency $concurrency --url $url"
	echo
	curl -fsS -X POST -H 'Content-Type: application/json' "$url/_mock/reset" >/dev/null
	"$pbxauth" run --load --duration "$duration" --concurrency "$concurrency" --url "$url" --timeout 5s >"$out" 2>&1
	local rc=$?
	sed 's/^/    /' "$out"
	if [ $rc -ne 0 ] || ! grep -q '^  errors       none' "$out" || grep -Eq '^  statuses .*\b5[0-9][0-9]×' "$out"; then
		echo "runner clean load: FAIL (exit $rc, errors or 5xx above)"
		return 1
	fi
	echo "runner clean load: PASS"
	echo
	curl -fsS -X POST -H 'Content-Type: application/json' "$url/_mock/reset" >/dev/null
	curl -fsS -X POST -H 'Content-Type: application/json' "$url/_mock/faults" -d '{
		"retrieveMetadata": {"latency": "3s"},
		"getLoginStatus": {"status": 500},
		"signInWithCredentials": {"drop": true, "error_rate": 0.3}}' >/dev/null
	echo "faults: retrieveMetadata 3s latency (step timeout 1s), getLoginStatus 500, 30 % of signInWithCredentials dropped"
	start=$(date +%s.%N)
	"$pbxauth" run --load --duration "$fault_duration" --concurrency "$concurrency" --url "$url" --timeout 1s >"$out" 2>&1
	rc=$?
	end=$(date +%s.%N)
	curl -fsS -X DELETE -H 'Content-Type: application/json' "$url/_mock/faults" >/dev/null
	sed 's/^/    /' "$out"
	took=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}')
	limit=$(awk -v d="${fault_duration%s}" 'BEGIN {print d + 1 + 5}')
	local ok=1
	for want in 'timeout' 'HTTP 500' 'network: connection dropped'; do
		grep -Eq "^ +[0-9]+  $want" "$out" || { echo "runner fault load: no '$want' in the error breakdown"; ok=0; }
	done
	awk -v t="$took" -v l="$limit" 'BEGIN {exit !(t <= l)}' || { echo "runner fault load: took ${took}s, past ${limit}s"; ok=0; }
	[ $rc -eq 1 ] || [ $rc -eq 3 ] || { echo "runner fault load: exit $rc, want 1 (failures) or 3 (network)"; ok=0; }
	echo "runner fault load: took ${took}s for a ${fault_duration} run (limit ${limit}s), exit $rc"
	if [ $ok = 1 ]; then echo "runner fault load: PASS"; else echo "runner fault load: FAIL"; return 1; fi
}

if [ "$only" != inprocess ]; then
	# Port 0: the mock takes a free port and prints it in its first line.
	log="$cache/soak-mock.log"
	"$pbxauth" mock --addr 127.0.0.1:0 >"$log" 2>&1 &
	mock=$!
	trap 'kill "$mock" 2>/dev/null || true' EXIT
	port=""
	for _ in $(seq 100); do
		port=$(sed -nE '1,5s#.*listening on https?://127\.0\.0\.1:([0-9]+).*#\1#p' "$log" | head -1)
		[ -n "$port" ] && curl -fsS "http://127.0.0.1:$port/api/info" >/dev/null 2>&1 && break
		kill -0 "$mock" 2>/dev/null || { echo "bench/soak.sh: pbxauth mock exited:" >&2; tail "$log" >&2; exit 2; }
		sleep 0.1
	done
	[ -n "$port" ] || { echo "bench/soak.sh: pbxauth mock printed no address:" >&2; head "$log" >&2; exit 2; }
	"$cache/soak" -url "http://127.0.0.1:$port" "${args[@]}" || status=1
	echo
	runner_load "http://127.0.0.1:$port" || status=1
	# The mock must still be up and answering after the soak.
	if ! curl -fsS "http://127.0.0.1:$port/api/info" >/dev/null; then
		echo "bench/soak.sh: pbxauth mock stopped answering after the soak (log: $log)" >&2
		status=1
	fi
	rss=$(awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' "/proc/$mock/status" 2>/dev/null || echo "?")
	echo "pbxauth mock RSS after the soak: $rss (its log: $log)"
	kill "$mock" 2>/dev/null || true
	wait "$mock" 2>/dev/null || true
	trap - EXIT
	# One line per request adds up to hundreds of MB: keep the banner, the warnings
	# (5xx, dropped connections) and the last lines.
	if [ "$(stat -c %s "$log")" -gt 10000000 ]; then
		{ head -n 20 "$log"; echo "[... trimmed by bench/soak.sh: warnings and the last 50 lines follow ...]"
			grep -m 200 'level=WARN\|level=ERROR' "$log"; tail -n 50 "$log"; } >"$log.trim"
		mv "$log.trim" "$log"
	fi
	echo
fi
if [ "$only" != standalone ]; then
	"$cache/soak" -inprocess "${args[@]}" || status=1
fi
exit $status
