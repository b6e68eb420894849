#!/usr/bin/env bash
# Does an idle chainstep wake up? Runs the release binary in tmux (private
# socket `perf`), leaves it alone, and compares each thread's context
# switches and the process's CPU time before and after.
#
#   cargo build --release && bash benches/idle.sh [SECONDS]
#
# Reports; asserts nothing. Needs tmux.
set -euo pipefail
secs=${1:-10}
bin=$(cd "$(dirname "$0")/.." && pwd)/target/release/chainstep
tmux -L perf new-session -d -s idle -x 120 -y 40 "exec '$bin'"
trap 'tmux -L perf kill-session -t idle 2>/dev/null || true' EXIT
pid=$(tmux -L perf display -p -t idle '#{pane_pid}')
sleep 1 # past start-up and the first frame

# One line per thread: tid name voluntary nonvoluntary; then user+system ticks.
snap() {
  for t in /proc/"$pid"/task/*; do
    printf '%s %s %s %s\n' "${t##*/}" "$(cat "$t"/comm)" \
      "$(awk '/^voluntary_ctxt_switches/ {print $2}' "$t"/status)" \
      "$(awk '/^nonvoluntary_ctxt_switches/ {print $2}' "$t"/status)"
  done
  # utime and stime are fields 14 and 15, counted after the ")" that ends comm.
  sed 's/.*) //' /proc/"$pid"/stat | awk '{print "cpu-ticks", $12 + $13}'
}
before=$(snap)
sleep "$secs"
after=$(snap)
echo "chainstep idle for ${secs}s at 120x40 (pid $pid)"
join <(echo "$before" | grep -v cpu-ticks) <(echo "$after" | grep -v cpu-ticks) |
  awk '{printf "  thread %-8s %-12s context switches: +%d voluntary, +%d involuntary\n", $1, $2, $6 - $3, $7 - $4}'
b=$(echo "$before" | awk '/cpu-ticks/ {print $2}')
a=$(echo "$after" | awk '/cpu-ticks/ {print $2}')
echo "  CPU time used while idle: $((a - b)) ticks of 1/$(getconf CLK_TCK) s"
