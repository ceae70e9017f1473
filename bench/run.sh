#!/usr/bin/env bash
# bench/run.sh: measure `pbxauth mock` against a floor net/http server and Stoplight
# Prism with wrk on loopback, then flood the mock with sign-ins and follow its RSS
# through token expiry. Prints a markdown table of medians and ratios.
#
#   bench/run.sh                       # default: 3 rounds × 5 s, 60 s flood (~4 minutes)
#   bench/run.sh --rounds 5 --duration 10s
#   bench/run.sh --quick               # 3 rounds × 2 s, 10 s flood
#   bench/run.sh --no-prism            # skip Prism (no Node.js / npm on the machine)
#   bench/run.sh --targets floor,prism # any subset of mock,floor,prism
#   bench/run.sh --mock-args '--token-ttl 5m' --out /tmp/perf.md
#
# PBXAUTH_BIN=path measures an already built pbxauth instead of building one.
# Needs: Go, wrk (installed with apt-get when run as root), and for Prism Node.js
# with npm (Prism 5.14 is installed into $PBXAUTH_BENCH_CACHE, default
# /tmp/pbxauth-bench). Exit status: 0 all targets met, 1 a target missed, 2 setup.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
cache=${PBXAUTH_BENCH_CACHE:-/tmp/pbxauth-bench}
reference=${PBXAUTH_REFERENCE:-$repo/../shared/reference/portsip-auth-openapi.json}
prism_version=5.14

rounds=3 duration=5s flood=60s settle=30s targets=mock,floor,prism out="" mock_args=""
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift 2 ;;
	--duration) duration=$2; shift 2 ;;
	--flood) flood=$2; shift 2 ;;
	--settle) settle=$2; shift 2 ;;
	--targets) targets=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--mock-args) mock_args=$2; shift 2 ;;
	--no-prism) targets=$(echo "$targets" | sed 's/,\{0,1\}prism//; s/^,//'); shift ;;
	--quick) rounds=3 duration=2s flood=10s settle=10s; shift ;;
	-h | --help) usage; exit 0 ;;
	*) echo "bench/run.sh: unknown flag $1" >&2; usage >&2; exit 2 ;;
	esac
done

die() { echo "bench/run.sh: $*" >&2; exit 2; }
say() { echo "bench/run.sh: $*" >&2; }

command -v go >/dev/null || die "missing Go (https://go.dev/dl, 1.26 or later)"
if ! command -v wrk >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		say "installing wrk with apt-get"
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >&2 ||
			die "apt-get install wrk failed"
	else
		die "missing wrk: run 'sudo apt-get install wrk' (Debian/Ubuntu) and try again"
	fi
fi

mkdir -p "$cache"
prism=""
case ",$targets," in *,prism,*)
	[ -f "$reference" ] || die "missing the reference document $reference (set PBXAUTH_REFERENCE)"
	prism="$cache/prism/node_modules/.bin/prism"
	if ! [ -x "$prism" ] || ! "$prism" --version 2>/dev/null | grep -q "^$prism_version\."; then
		command -v npm >/dev/null && command -v node >/dev/null ||
			die "missing Node.js and npm for Prism: run 'sudo apt-get install nodejs npm', or pass --no-prism"
		say "installing @stoplight/prism-cli@$prism_version into $cache/prism"
		mkdir -p "$cache/prism"
		(cd "$cache/prism" && npm install --no-audit --no-fund --loglevel=error "@stoplight/prism-cli@$prism_version") >&2 ||
			die "npm install @stoplight/prism-cli@$prism_version failed (Prism 5.15+ needs Node 24; 5.14 runs on Node 20)"
	fi
	;;
esac

say "building pbxauth, the floor and the harness"
pbxauth=${PBXAUTH_BIN:-}
if [ -z "$pbxauth" ]; then
	pbxauth="$cache/pbxauth"
	go build -o "$pbxauth" . || die "go build . failed (PBXAUTH_BIN=path uses a built pbxauth)"
fi
go build -o "$cache/floor" ./bench/floor || die "go build ./bench/floor failed"
go build -o "$cache/harness" ./bench/harness || die "go build ./bench/harness failed"
case ",$targets," in *,mock,*)
	"$pbxauth" mock --help >/dev/null 2>&1 ||
		die "this pbxauth has no 'mock' subcommand yet; pass --targets floor,prism to measure the others"
	;;
esac

mkdir -p "$cache/logs"
args=(-workdir "$cache/logs" -pbxauth "$pbxauth" -floor "$cache/floor" -spec "$reference" -lua "$repo/bench/wrk"
	-rounds "$rounds" -duration "$duration" -flood "$flood" -settle "$settle" -targets "$targets")
[ -n "$prism" ] && args+=(-prism "$prism")
[ -n "$out" ] && args+=(-out "$out")
[ -n "$mock_args" ] && args+=(-mock-args "$mock_args")
exec "$cache/harness" "${args[@]}"
