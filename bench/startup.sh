#!/usr/bin/env bash
# bench/startup.sh: what pbxauth's start-up costs against a baseline in the same
# run. `pbxauth --help` against a Go hello-world, and `pbxauth call
# retrieveMetadata` against curl fetching the same answer from the floor server
# (bench/floor) on loopback. Each pair alternates for --runs runs; it prints the
# median wall time of each, the CPU time (user+system, over a batch of the same
# runs) and the peak RSS, and the ratios.
#
#   bench/startup.sh               # 20 runs of each
#   bench/startup.sh --runs 50 --out /tmp/startup.md
#
# PBXAUTH_BIN=path measures a built pbxauth. Needs Go and curl. Exit status: 0
# when call is within 1.5× curl's wall time and --help within 3× the
# hello-world's, 1 when not, 2 setup.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
cache=${PBXAUTH_BENCH_CACHE:-/tmp/pbxauth-bench}
runs=20 out=""
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	-h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/startup.sh: unknown flag $1" >&2; exit 2 ;;
	esac
done
die() { echo "bench/startup.sh: $*" >&2; exit 2; }
command -v go >/dev/null || die "missing Go"
command -v curl >/dev/null || die "missing curl"

mkdir -p "$cache"
work=$(mktemp -d)
floor_pid=""
cleanup() {
	[ -n "$floor_pid" ] && { kill "$floor_pid" 2>/dev/null; wait "$floor_pid" 2>/dev/null; }
	rm -rf "$work"
}
trap cleanup EXIT

pbxauth=${PBXAUTH_BIN:-}
if [ -z "$pbxauth" ]; then
	pbxauth="$cache/pbxauth"
	go build -o "$pbxauth" . || die "go build . failed"
fi
go build -o "$cache/floor" ./bench/floor || die "go build ./bench/floor failed"
mkdir -p "$work/hellosrc"
cat >"$work/hellosrc/main.go" <<'EOF'
package main

import "fmt"

func main() { fmt.Println("hello, world") }
EOF
(cd "$work/hellosrc" && go mod init hello >/dev/null 2>&1 && go build -o "$cache/hello" .) || die "building the hello-world failed"

port=$(( 20000 + RANDOM % 20000 ))
"$cache/floor" -addr "127.0.0.1:$port" >/dev/null 2>&1 &
floor_pid=$!
for _ in $(seq 50); do curl -fso /dev/null "http://127.0.0.1:$port/api/info" && break; sleep 0.1; done
curl -fso /dev/null "http://127.0.0.1:$port/api/info" || die "the floor did not start"

# wall CMD...: one run's wall time in ms.
wall() {
	local t0=$EPOCHREALTIME
	"$@" >/dev/null 2>&1 || true
	local t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", (b - a) * 1000}'
}
# cpu CMD...: user+system ms per run over a batch of $runs runs, and peak RSS in KiB.
cpu() {
	/usr/bin/time -f '%U %S %M' -o "$work/t" bash -c 'for _ in $(seq '"$runs"'); do "$@" >/dev/null 2>&1 || true; done' _ "$@"
	local rss
	/usr/bin/time -f '%M' -o "$work/m" "$@" >/dev/null 2>&1 || true
	rss=$(cat "$work/m")
	awk -v n="$runs" -v rss="$rss" '{printf "%.2f %d\n", ($1 + $2) * 1000 / n, rss}' "$work/t"
}
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'; }

call=("$pbxauth" call retrieveMetadata --url "http://127.0.0.1:$port")
curlc=(curl -fs "http://127.0.0.1:$port/api/info")
help=("$pbxauth" --help)
hello=("$cache/hello")
for cmd in call curlc help hello; do : >"$work/$cmd"; done
"${call[@]}" >/dev/null || die "pbxauth call failed against the floor"
for i in $(seq "$runs"); do
	if [ $((i % 2)) = 0 ]; then
		wall "${call[@]}" >>"$work/call"; wall "${curlc[@]}" >>"$work/curlc"
		wall "${help[@]}" >>"$work/help"; wall "${hello[@]}" >>"$work/hello"
	else
		wall "${curlc[@]}" >>"$work/curlc"; wall "${call[@]}" >>"$work/call"
		wall "${hello[@]}" >>"$work/hello"; wall "${help[@]}" >>"$work/help"
	fi
done

report() {
	echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(uname -m)), $(go env GOVERSION); $runs alternating runs each; wall: median; CPU: user+system per run over a batch of $runs; RSS: peak of one run."
	echo
	echo "| command | wall ms | CPU ms | peak RSS MiB | wall vs baseline | CPU vs baseline | target |"
	echo "|---|--:|--:|--:|--:|--:|---|"
	local ok=1
	row() { # name file cmd-array-name baseline-wall baseline-cpu target
		local name=$1 w=$2 c=$3 r=$4 bw=$5 bc=$6 target=$7 ratio cratio mark=""
		ratio=$(awk -v a="$w" -v b="$bw" 'BEGIN {printf "%.2f", a / b}')
		cratio=$(awk -v a="$c" -v b="$bc" 'BEGIN {if (b > 0) printf "%.2f×", a / b; else print "–"}')
		if [ -n "$target" ]; then
			if awk -v a="$ratio" -v t="$target" 'BEGIN {exit !(a <= t)}'; then mark="≤ ${target}× wall ✓"; else mark="≤ ${target}× wall ✗"; ok=0; fi
			ratio="${ratio}×"
		else
			ratio="" cratio=""
		fi
		printf '| %s | %.2f | %.2f | %.1f | %s | %s | %s |\n' "$name" "$w" "$c" "$(awk -v k="$r" 'BEGIN {print k / 1024}')" "$ratio" "$cratio" "$mark"
	}
	local cw uw hw ow cc uc hc oc cr ur hr or
	cw=$(median <"$work/call"); uw=$(median <"$work/curlc"); hw=$(median <"$work/help"); ow=$(median <"$work/hello")
	read -r cc cr < <(cpu "${call[@]}"); read -r uc ur < <(cpu "${curlc[@]}")
	read -r hc hr < <(cpu "${help[@]}"); read -r oc or < <(cpu "${hello[@]}")
	row "pbxauth call retrieveMetadata" "$cw" "$cc" "$cr" "$uw" "$uc" 1.5
	row "curl (same answer)" "$uw" "$uc" "$ur" "$uw" "$uc" ""
	row "pbxauth --help" "$hw" "$hc" "$hr" "$ow" "$oc" 3
	row "Go hello-world" "$ow" "$oc" "$or" "$ow" "$oc" ""
	echo
	if [ $ok = 1 ]; then echo "Targets met."; else echo "Target missed."; fi
	[ $ok = 1 ]
}
status=0
if [ -n "$out" ]; then report | tee "$out" || status=1; else report || status=1; fi
exit $status
