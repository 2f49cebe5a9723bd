#!/usr/bin/env bash
# Instructions per transition of asl-bench workloads, counted by valgrind (callgrind): the
# difference between runs with A and B executions, divided by (B-A) × transitions. Deterministic
# enough to compare a change on a noisy machine (wall-clock numbers are not).
# Usage: scripts/instructions.sh [WORKLOAD…]   (needs valgrind; builds asl-bench --release)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
(cd "$ROOT" && cargo build --release --quiet -p asl-bench)
B="${CARGO_TARGET_DIR:-$ROOT/target}/release/asl-bench"
[ $# -eq 0 ] && set -- pass_chain choice_loop_10k choice_loop_task_10k map_10k parallel_fanout retry_catch
count() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$B" "$1" --iterations "$2" 2>&1 | sed -n 's/.*refs: *//p' | tr -d ,; }
for w in "$@"; do
  case $w in map_*|choice_loop*) a=1 b=3;; *) a=2 b=12;; esac
  ia=$(count "$w" $a); ib=$(count "$w" $b)
  tr=$("$B" "$w" --iterations 1 | python3 -c 'import json,sys; print(json.loads(sys.stdin.read().splitlines()[-1])["transitions"])')
  python3 -c "import sys; d=($ib-$ia)/($b-$a); print(f'{sys.argv[1]:<22} {d/$tr:10.0f} instructions/transition  {d:14.0f} /execution')" "$w"
done
