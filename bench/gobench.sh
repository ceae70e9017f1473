#!/usr/bin/env bash
# bench/gobench.sh: run the Go benchmarks (testing.B, -benchmem) of every package
# that has some, and print median ns/op, B/op and allocs/op with each time as a
# multiple of the floor's GET /info handler measured in the same run. Nothing here
# asserts an absolute time: compare ratios, or feed the raw file to benchstat.
#
#   bench/gobench.sh                        # every package, -count 5, -benchtime 300ms
#   bench/gobench.sh --count 10 --bench 'Handler|Store'
#   bench/gobench.sh --pkgs './mockserver ./apiclient/spec'
#   bench/gobench.sh --baseline FloorHandler/sign_in
#
# The raw `go test` output is kept in $PBXAUTH_BENCH_CACHE/gobench.txt (default
# /tmp/pbxauth-bench) for benchstat.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
cache=${PBXAUTH_BENCH_CACHE:-/tmp/pbxauth-bench}
count=5 benchtime=300ms bench=. pkgs="" baseline=FloorHandler/info
while [ $# -gt 0 ]; do
	case "$1" in
	--count) count=$2; shift 2 ;;
	--benchtime) benchtime=$2; shift 2 ;;
	--bench) bench=$2; shift 2 ;;
	--pkgs) pkgs=$2; shift 2 ;;
	--baseline) baseline=$2; shift 2 ;;
	-h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/gobench.sh: unknown flag $1" >&2; exit 2 ;;
	esac
done
if [ -z "$pkgs" ]; then
	pkgs=$(grep -rl --include='*_test.go' '^func Benchmark' . | xargs -n1 dirname | sort -u | tr '\n' ' ')
fi
# The baseline package always runs, so every run has its own reference.
case " $pkgs " in *" ./bench/floor "*) ;; *) pkgs="./bench/floor $pkgs" ;; esac
baseline_re="^Benchmark${baseline%%/*}\$"
mkdir -p "$cache"
raw="$cache/gobench.txt"
echo "bench/gobench.sh: go test -bench '$bench' -benchmem -count $count -benchtime $benchtime $pkgs" >&2
# shellcheck disable=SC2086 # $pkgs is a list of packages
go test -run '^$' -bench "$bench|$baseline_re" -benchmem -count "$count" -benchtime "$benchtime" $pkgs | tee "$raw" |
	grep -E '^(ok|FAIL|---|panic)' >&2 || true
go run ./bench/benchratio -baseline "$baseline" <"$raw"
grep -q '^FAIL' "$raw" && { echo "bench/gobench.sh: a benchmark failed (see $raw)" >&2; exit 1; }
exit 0
