#!/usr/bin/env bash
# bench/soak.sh: mixed-flow soak of the mock PBX (sign-in, 2FA with the code from
# the outbox, who-am-I, refresh rotation, sign-out, forgot/reset, web sessions,
# metadata, bad logins) with 64 virtual users, clean and then with faults injected
# (3 s latency past a 1 s client timeout, forced 500, dropped connections, 20 % 503).
# Fails on any 5xx in the clean run, any unexpected outcome, any call past its
# timeout, and any goroutine left behind after the load.
#
#   bench/soak.sh                  # 60 s clean + 60 s faults, against `pbxauth mock`
#                                  # and then in-process (goroutine check): ~5 minutes
#   bench/soak.sh --short          # 5 s each: for CI
#   bench/soak.sh --duration 30s --concurrency 32 --only standalone|inprocess
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
go build -o "$cache/pbxauth" . || { echo "bench/soak.sh: go build . failed" >&2; exit 2; }
go build -o "$cache/soak" ./bench/soak || { echo "bench/soak.sh: go build ./bench/soak failed" >&2; exit 2; }
args=(-duration "$duration" -fault-duration "$fault_duration" -concurrency "$concurrency")
status=0

if [ "$only" != inprocess ]; then
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18887)
	log="$cache/soak-mock.log"
	"$cache/pbxauth" mock --addr "127.0.0.1:$port" >"$log" 2>&1 &
	mock=$!
	trap 'kill "$mock" 2>/dev/null || true' EXIT
	for _ in $(seq 100); do
		curl -fsS "http://127.0.0.1:$port/api/info" >/dev/null 2>&1 && break
		kill -0 "$mock" 2>/dev/null || { echo "bench/soak.sh: pbxauth mock exited:" >&2; tail "$log" >&2; exit 2; }
		sleep 0.1
	done
	"$cache/soak" -url "http://127.0.0.1:$port" "${args[@]}" || status=1
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
	echo
fi
if [ "$only" != standalone ]; then
	"$cache/soak" -inprocess "${args[@]}" || status=1
fi
exit $status
