#!/usr/bin/env bash
# Runs the same workloads in aslc (asl-bench) and in the peer engines, in one run, on this
# machine, and prints the ratio aslc / peer (transitions per second, median executions).
#
# Usage: scripts/bench-compare.sh [WORKLOAD…]     (default: every workload a peer runs)
# Env:   SCRATCH=dir  where peers are installed (default /tmp/aslc-peers; reused between runs)
#        ITERS=n      timed executions per workload (default 5; 3 for the 100k loop)
#        PEERS="als asl-rs rust"  which peers to run
#
# Peers (see ../shared/bench/PEERS.md): aws-local-stepfunctions 3.0.0 (npm, installed into the
# scratch dir with `npm ci`), and the `asl` crate 0.2.0 (its runner from
# ../shared/bench/peers/asl-rs, copied to the scratch dir and built there), and "rust": the
# workloads written by hand in plain synchronous Rust over serde_json, calling the same Task
# stubs (`asl-bench --handwritten`) — no engine at all, the ceiling for one built on
# serde_json values. The shared directory is read-only: nothing is written there.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${ASL_BENCH_SHARED:-$ROOT/../shared/bench}
SHARED=$(cd "$SHARED" && pwd)
SCRATCH=${SCRATCH:-/tmp/aslc-peers}
ITERS=${ITERS:-5}
PEERS=${PEERS:-"als asl-rs rust"}
mkdir -p "$SCRATCH/peers"
# The runners find workloads at ../../workloads relative to themselves.
ln -sfn "$SHARED/workloads" "$SCRATCH/workloads"

setup_als() {
  local d="$SCRATCH/peers/aws-local-stepfunctions"
  if [ ! -d "$d/node_modules/aws-local-stepfunctions" ]; then
    mkdir -p "$d" && cp "$SHARED/peers/aws-local-stepfunctions/"{bench.mjs,package.json,package-lock.json} "$d/"
    (cd "$d" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}
setup_asl_rs() {
  local d="$SCRATCH/peers/asl-rs"
  if [ ! -x "$d/target/release/asl-rs-bench" ]; then
    mkdir -p "$d" && cp -r "$SHARED/peers/asl-rs/"{Cargo.toml,src} "$d/"
    (cd "$d" && CARGO_TARGET_DIR="$d/target" cargo build --release --quiet)
  fi
}
for p in $PEERS; do case $p in als) setup_als;; asl-rs) setup_asl_rs;; esac; done
(cd "$ROOT" && cargo build --release --quiet -p asl-bench)
ASLC="${CARGO_TARGET_DIR:-$ROOT/target}/release/asl-bench"

# peer|workload it runs|the aslc workload compared with it
JOBS=(
  "als|pass_chain|pass_chain" "als|choice_loop|choice_loop" "als|map_10k|map_10k"
  "als|parallel_fanout|parallel_fanout" "als|retry_catch|retry_catch"
  "asl-rs|pass_chain|pass_chain" "asl-rs|choice_loop_task|choice_loop_task"
  "asl-rs|retry_catch_noretry|retry_catch_noretry"
  "rust|pass_chain|pass_chain" "rust|choice_loop|choice_loop" "rust|choice_loop_task|choice_loop_task"
  "rust|retry_catch|retry_catch" "rust|retry_catch_noretry|retry_catch_noretry"
)
want() { local a=$1 w; shift; [ $# -eq 0 ] && return 0; for w in "$@"; do [ "$w" = "$a" ] && return 0; done; return 1; }
tps() { python3 -c 'import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])[sys.argv[1]])' "$1"; }

printf '%-22s %-8s %14s %14s %9s %14s %9s\n' workload peer "peer tr/s" "aslc tr/s" ratio "loaded tr/s" ratio
declare -A ASLC_TPS LOADED_TPS
for job in "${JOBS[@]}"; do
  IFS='|' read -r peer pw aw <<< "$job"
  want "$aw" "$@" || continue
  case " $PEERS " in *" $peer "*) ;; *) continue;; esac
  it=$ITERS; case $pw in choice_loop|choice_loop_task) it=3;; esac
  case $peer in
    als) out=$(node "$SCRATCH/peers/aws-local-stepfunctions/bench.mjs" "$pw" "$it" 1 2>/dev/null | grep '^{' | tail -1);;
    asl-rs) out=$("$SCRATCH/peers/asl-rs/target/release/asl-rs-bench" "$pw" "$it" 1 2>/dev/null | grep '^{' | tail -1);;
    rust) out=$("$ASLC" "$pw" --handwritten --iterations $(( it * 20 )) | sed 's/"transitions_per_sec"/"transitions_per_s"/');;
  esac
  p=$(echo "$out" | tps transitions_per_s)
  if [ -z "${ASLC_TPS[$aw]:-}" ]; then
    # More executions for aslc: its runs are short (the median of many is steadier).
    n=$(( it * 20 )); case $aw in choice_loop*|map_*) n=$(( it * 4 ));; esac
    ASLC_TPS[$aw]=$("$ASLC" "$aw" --iterations "$n" | tps transitions_per_sec)
    # The same workload loaded at run time instead of compiled.
    LOADED_TPS[$aw]=$("$ASLC" "$aw" --loaded --iterations "$n" | tps transitions_per_sec)
  fi
  a=${ASLC_TPS[$aw]}
  l=${LOADED_TPS[$aw]}
  printf '%-22s %-8s %14.0f %14.0f %8.1fx %14.0f %8.1fx\n' "$aw" "$peer" "$p" "$a" "$(python3 -c "print($a/$p)")" "$l" "$(python3 -c "print($l/$p)")"
done
