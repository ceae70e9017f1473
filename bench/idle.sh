#!/usr/bin/env bash
# bench/idle.sh: how much CPU the TUI uses while nobody touches it. It starts
# pbxauth in a tmux pane of its own (own socket, own HOME, 80x24), waits for the
# first frame and a settling second, then reads the process's CPU time (utime +
# stime from /proc/PID/stat, all threads) before and after --seconds of idling,
# and prints it as % of one core. Goal: under 0.1%.
#
#   bench/idle.sh                    # 30 s on the first screen, built-in mock
#   bench/idle.sh --seconds 60 --keys 2      # idle on screen 2 (tmux key names)
#   bench/idle.sh -- --url http://127.0.0.1:8080   # args after -- go to pbxauth
#
# PBXAUTH_BIN=path measures a built pbxauth. Needs Go, tmux and Linux /proc.
# Exit status: 0 under the goal, 1 over it, 2 setup.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
seconds=30 keys=() goal=0.1
while [ $# -gt 0 ]; do
	case "$1" in
	--seconds) seconds=$2; shift 2 ;;
	--keys) keys+=("$2"); shift 2 ;;
	--) shift; break ;;
	-h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench/idle.sh: unknown flag $1" >&2; exit 2 ;;
	esac
done
die() { echo "bench/idle.sh: $*" >&2; exit 2; }
command -v tmux >/dev/null || die "missing tmux"
[ -r /proc/self/stat ] || die "needs Linux /proc"

work=$(mktemp -d)
sock="$work/s"
cleanup() {
	tmux -S "$sock" kill-server 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

bin=${PBXAUTH_BIN:-}
if [ -z "$bin" ]; then
	command -v go >/dev/null || die "missing Go"
	bin="$work/pbxauth"
	(cd "$repo" && go build -o "$bin" .) || die "go build failed"
fi
home="$work/home"
mkdir -p "$home"
t() { tmux -S "$sock" -f /dev/null "$@"; }
# exec: the pane's process is pbxauth itself, not a shell around it.
cmd="exec env HOME=$home XDG_CONFIG_HOME=$home/.config XDG_DATA_HOME=$home/.local/share TERM=xterm-256color $(printf '%q ' "$bin" "$@")"
t new-session -d -s idle -x 80 -y 24 "$cmd"
pid=$(t display-message -p -t idle '#{pane_pid}')
for _ in $(seq 100); do
	t capture-pane -p -t idle | grep -q 'quit' && break
	sleep 0.1
done
t capture-pane -p -t idle | grep -q 'quit' || die "no first frame: $(t capture-pane -p -t idle)"
for k in "${keys[@]}"; do t send-keys -t idle "$k"; sleep 0.2; done
sleep 1 # let start-up work (first paints, mock start) finish

# cputicks: utime + stime (fields 14 and 15; the name in field 2 may hold spaces).
cputicks() { sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}'; }
hz=$(getconf CLK_TCK)
c0=$(cputicks) w0=$EPOCHREALTIME
sleep "$seconds"
c1=$(cputicks) w1=$EPOCHREALTIME
kill -0 "$pid" 2>/dev/null || die "pbxauth exited while idling"

pct=$(awk -v c="$((c1 - c0))" -v hz="$hz" -v a="$w0" -v b="$w1" 'BEGIN {printf "%.3f", c / hz / (b - a) * 100}')
echo "pbxauth idle $(awk -v a="$w0" -v b="$w1" 'BEGIN {printf "%.1f", b - a}') s at 80x24: $((c1 - c0)) CPU ticks of 1/$hz s = ${pct}% of a core (goal < ${goal}%)"
awk -v p="$pct" -v g="$goal" 'BEGIN {exit !(p < g)}'
