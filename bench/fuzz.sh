#!/usr/bin/env bash
# bench/fuzz.sh: run every Go fuzz target of the repository (func FuzzX in a
# *_test.go file) for FUZZTIME each (default 5m), one after the other, and report
# crashes. A crash leaves its input in the package's testdata/fuzz/FuzzX/, where
# `go test` replays it from then on.
#
#   bench/fuzz.sh                       # every target, 5 minutes each
#   FUZZTIME=30s bench/fuzz.sh          # quick pass
#   bench/fuzz.sh --match Decode        # only targets whose name contains Decode
#   bench/fuzz.sh --save-corpus 20      # also copy up to 20 new interesting inputs
#                                       # per target from the fuzz cache into the
#                                       # package's testdata/fuzz (to commit)
#   FUZZPARALLEL=1 bench/fuzz.sh        # one worker (politer on a shared machine)
#
# Exit status: 0 no crash, 1 a target crashed or failed to build, 2 usage.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
fuzztime=${FUZZTIME:-5m}
parallel=${FUZZPARALLEL:-$(nproc)}
match="" save=0
while [ $# -gt 0 ]; do
	case "$1" in
	--match) match=$2; shift 2 ;;
	--save-corpus) save=$2; shift 2 ;;
	-h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/fuzz.sh: unknown flag $1" >&2; exit 2 ;;
	esac
done

cache=$(go env GOCACHE)/fuzz
module=$(go list -m)
targets=$(grep -rHo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]*' . | sed 's/:func /:/' | sort -u)
[ -n "$targets" ] || { echo "bench/fuzz.sh: no fuzz target in the repository"; exit 0; }

logdir=${PBXAUTH_BENCH_CACHE:-/tmp/pbxauth-bench}/fuzz
mkdir -p "$logdir"
status=0
printf '| target | package | time | result | execs | new interesting | corpus saved |\n|---|---|--:|---|--:|--:|--:|\n' >"$logdir/summary.md"
for t in $targets; do
	file=${t%%:*} name=${t##*:}
	[ -z "$match" ] || [[ $name == *"$match"* ]] || continue
	pkg=./$(dirname "${file#./}")
	log="$logdir/$name.log"
	echo "bench/fuzz.sh: $name in $pkg for $fuzztime (log: $log)" >&2
	if go test -run '^$' -fuzz "^$name\$" -fuzztime "$fuzztime" -parallel "$parallel" "$pkg" >"$log" 2>&1; then
		result=ok
	else
		result=CRASH
		grep -q 'cannot find package\|build failed\|setup failed' "$log" && result="BUILD FAILED"
		status=1
	fi
	# The last progress line reads: "fuzz: elapsed: 5m0s, execs: 123456 (411/sec), new interesting: 12 (total: 40)".
	last=$(grep -E '^fuzz: elapsed' "$log" | tail -1)
	execs=$(sed -nE 's/.*execs: ([0-9]+).*/\1/p' <<<"$last")
	newint=$(sed -nE 's/.*new interesting: ([0-9]+).*/\1/p' <<<"$last")
	saved=0
	if [ "$save" -gt 0 ] && [ "$result" = ok ]; then
		src="$cache/$module/${pkg#./}/$name"
		dst="$pkg/testdata/fuzz/$name"
		if [ -d "$src" ]; then
			mkdir -p "$dst"
			# Newest first: the inputs this run found.
			for f in $(ls -t "$src"); do
				[ "$saved" -ge "$save" ] && break
				[ -e "$dst/$f" ] && continue
				cp "$src/$f" "$dst/" && saved=$((saved + 1))
			done
		fi
	fi
	printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$name" "${pkg#./}" "$fuzztime" "$result" "${execs:-?}" "${newint:-?}" "$saved" >>"$logdir/summary.md"
	if [ "$result" != ok ]; then
		grep -E -A15 -- '--- FAIL|panic:|Failing input' "$log" | head -40 >&2
	fi
done
cat "$logdir/summary.md"
exit $status
