#!/usr/bin/env bash
# bench/load.sh: pbxauth's load mode against vegeta and wrk, on the same floor
# server (bench/floor, GET /api/info) on loopback, alternating tools round after
# round. Prints a markdown table of medians: requests/s, p99, p99 with the floor
# frozen (SIGSTOP) for 1 s mid-run, and the load generator's own CPU time per
# request (user+system of its process over the run), with ratios to vegeta and wrk.
#
#   bench/load.sh                  # 3 rounds × 10 s (~5 minutes)
#   bench/load.sh --quick          # 3 rounds × 3 s
#   bench/load.sh --rounds 5 --duration 10s --rate 4000 --concurrency 64 --out /tmp/load.md
#
# Two runs per tool and round: open loop at --rate (pbxauth --rate, vegeta -rate;
# wrk has no fixed rate), and flat out (pbxauth closed loop, vegeta -rate=0, wrk);
# each open-loop run is repeated with the stall. All use --concurrency connections
# or in-flight requests. PBXAUTH_BIN=path measures a built pbxauth. Needs Go and
# wrk (apt-get when root); vegeta v12.13.0 is installed with go install into
# $PBXAUTH_BENCH_CACHE (default /tmp/pbxauth-bench). Exit status: 0 pbxauth's
# CPU per request is at most vegeta's in both runs, 1 it is not, 2 setup.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
cache=${PBXAUTH_BENCH_CACHE:-/tmp/pbxauth-bench}
rounds=3 duration=10s rate=4000 conc=64 out=""
usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--rate) rate=$2; shift 2 ;;
	--concurrency) conc=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--quick) duration=3s; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "bench/load.sh: unknown flag $1" >&2; usage >&2; exit 2 ;;
	esac
done
die() { echo "bench/load.sh: $*" >&2; exit 2; }
say() { echo "bench/load.sh: $*" >&2; }
secs=${duration%s}
case "$secs" in '' | *[!0-9]*) die "--duration takes whole seconds, like 10s" ;; esac
[ "$secs" -ge 3 ] || die "--duration must be at least 3s (the stall is 1 s mid-run)"

command -v go >/dev/null || die "missing Go"
if ! command -v wrk >/dev/null; then
	[ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || die "missing wrk: sudo apt-get install wrk"
	say "installing wrk with apt-get"
	(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >&2 || die "apt-get install wrk failed"
fi
mkdir -p "$cache/bin" "$cache/load"
vegeta="$cache/bin/vegeta"
if ! [ -x "$vegeta" ]; then
	say "installing vegeta v12.13.0 into $cache/bin"
	GOBIN="$cache/bin" go install github.com/tsenart/vegeta/v12@v12.13.0 >&2 || die "go install vegeta failed"
fi
pbxauth=${PBXAUTH_BIN:-}
if [ -z "$pbxauth" ]; then
	pbxauth="$cache/pbxauth"
	go build -o "$pbxauth" . || die "go build . failed"
fi
go build -o "$cache/floor" ./bench/floor || die "go build ./bench/floor failed"

work=$(mktemp -d)
floor_pid=""
cleanup() {
	[ -n "$floor_pid" ] && { kill -CONT "$floor_pid" 2>/dev/null; kill "$floor_pid" 2>/dev/null; wait "$floor_pid" 2>/dev/null; }
	rm -rf "$work"
}
trap cleanup EXIT
port=$(( 20000 + RANDOM % 20000 ))
"$cache/floor" -addr "127.0.0.1:$port" >"$work/floor.log" 2>&1 &
floor_pid=$!
for _ in $(seq 50); do curl -fso /dev/null "http://127.0.0.1:$port/api/info" && break; sleep 0.1; done
curl -fso /dev/null "http://127.0.0.1:$port/api/info" || die "the floor did not start"
url="http://127.0.0.1:$port/api/info"
cat >"$work/info.yaml" <<'EOF'
name: info
tags: [readonly]
steps:
  - call: retrieveMetadata
    expect: {status: 200}
EOF

# stall: freeze the floor for 1 s from the middle of the run.
stall() { sleep "$(awk -v s="$secs" 'BEGIN {print s/2 - 0.5}')"; kill -STOP "$floor_pid"; sleep 1; kill -CONT "$floor_pid"; }

# run TOOL MODE STALL: prints "rps p99_ms cpu_us_per_req requests".
run() {
	local tool=$1 mode=$2 stalled=$3 t="$work/time" spid=""
	[ "$stalled" = 1 ] && { stall & spid=$!; }
	case "$tool" in
	pbxauth)
		local extra=()
		[ "$mode" = rate ] && extra=(--rate "$rate")
		/usr/bin/time -f '%U %S' -o "$t" "$pbxauth" run --load --url "http://127.0.0.1:$port" --duration "$duration" \
			--concurrency "$conc" "${extra[@]}" --json "$work/p.json" "$work/info.yaml" >/dev/null 2>"$work/p.err" || true
		local req rps p99
		req=$(grep -m1 '"requests":' "$work/p.json" | tr -dc '0-9')
		rps=$(grep -m1 '"rps":' "$work/p.json" | sed 's/.*: *//; s/,//')
		p99=$(grep -m1 '"p99":' "$work/p.json" | sed 's/.*: *//; s/,//')
		;;
	vegeta)
		local r=$rate
		[ "$mode" = max ] && r=0
		echo "GET $url" | /usr/bin/time -f '%U %S' -o "$t" "$vegeta" attack -rate="$r" -duration="$duration" \
			-workers="$conc" -max-workers="$conc" -connections="$conc" >"$work/v.bin"
		"$vegeta" report -type=json <"$work/v.bin" >"$work/v.json"
		req=$(grep -o '"requests":[0-9]*' "$work/v.json" | tr -dc '0-9')
		rps=$(grep -o '"throughput":[0-9.e+-]*' "$work/v.json" | sed 's/.*://')
		p99=$(grep -o '"99th":[0-9]*' "$work/v.json" | sed 's/.*://' | awk '{print $1/1e6}')
		;;
	wrk)
		/usr/bin/time -f '%U %S' -o "$t" wrk -t2 -c"$conc" -d"$duration" --latency "$url" >"$work/w.txt"
		req=$(awk '/requests in/ {print $1}' "$work/w.txt")
		rps=$(awk '/^Requests\/sec/ {print $2}' "$work/w.txt")
		p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) print v/1000; else if (v ~ /ms$/) print v+0; else print v*1000}' "$work/w.txt")
		;;
	esac
	[ -n "$spid" ] && wait "$spid"
	awk -v req="$req" -v rps="$rps" -v p99="$p99" '{cpu = ($1 + $2) * 1e6; printf "%s %s %.2f %s\n", rps, p99, (req > 0 ? cpu / req : 0), req}' "$t"
}

tools_rate=(pbxauth vegeta)
tools_max=(pbxauth vegeta wrk)
: >"$work/samples"
say "floor on :$port; $rounds round(s) × $duration; open loop at $rate/s and flat out; $conc in flight"
for r in $(seq "$rounds"); do
	for i in "${!tools_max[@]}"; do
		tool=${tools_max[$(( (i + r) % ${#tools_max[@]} ))]}
		echo "max $tool 0 $(run "$tool" max 0)" >>"$work/samples"
		if [ "$tool" != wrk ]; then
			echo "rate $tool 0 $(run "$tool" rate 0)" >>"$work/samples"
			echo "rate $tool 1 $(run "$tool" rate 1)" >>"$work/samples"
		fi
		tail -n 3 "$work/samples" | grep " $tool " | sed 's/^/  /' >&2
	done
done

# Medians per (mode, tool, stall) of rps, p99, cpu/req.
median() { sort -g | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'; }
col() { awk -v m="$1" -v t="$2" -v s="$3" -v c="$4" '$1 == m && $2 == t && $3 == s {print $c}' "$work/samples" | median; }
report() {
	echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores ($(uname -m)), $(go env GOVERSION); floor GET /api/info on loopback, $conc connections/in flight, $rounds round(s) × $duration alternating tools; medians over rounds. CPU: the load generator's user+system time / its requests."
	echo
	echo "| run | tool | req/s | p99 | p99, floor frozen 1 s | CPU µs/req | CPU vs vegeta | CPU vs wrk |"
	echo "|---|---|--:|--:|--:|--:|--:|--:|"
	local ok=1
	for mode in rate max; do
		local vcpu wcpu
		vcpu=$(col "$mode" vegeta 0 6)
		wcpu=$(col max wrk 0 6)
		for tool in pbxauth vegeta wrk; do
			[ "$mode" = rate ] && [ "$tool" = wrk ] && continue
			local rps p99 p99s cpu label
			rps=$(col "$mode" "$tool" 0 4); p99=$(col "$mode" "$tool" 0 5); cpu=$(col "$mode" "$tool" 0 6)
			p99s="–"
			[ "$mode" = rate ] && p99s=$(printf '%.1f ms' "$(col "$mode" "$tool" 1 5)")
			label="flat out"
			[ "$mode" = rate ] && label="open loop $rate/s"
			printf '| %s | %s | %s | %.2f ms | %s | %.1f | %s | %s |\n' "$label" "$tool" "$(printf '%.0f' "$rps")" "$p99" "$p99s" "$cpu" \
				"$(awk -v a="$cpu" -v b="$vcpu" 'BEGIN {printf "%.2f×", a / b}')" "$(awk -v a="$cpu" -v b="$wcpu" 'BEGIN {printf "%.2f×", a / b}')"
			if [ "$tool" = pbxauth ] && awk -v a="$cpu" -v b="$vcpu" 'BEGIN {exit !(a > b)}'; then ok=0; fi
		done
	done
	echo
	if [ $ok = 1 ]; then echo "Target met: pbxauth's CPU per request ≤ vegeta's in both runs."; else echo "Target missed: pbxauth's CPU per request > vegeta's."; fi
	[ $ok = 1 ]
}
status=0
if [ -n "$out" ]; then report | tee "$out" || status=1; else report || status=1; fi
exit $status
