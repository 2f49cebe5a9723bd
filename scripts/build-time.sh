#!/usr/bin/env bash
# Build time of generated code: expansion (asl_codegen::generate + pretty, via asl-bench
# --expand) and rustc on the generated module, for chains of N states (default 1000 5000).
# The generated code is compiled in a scratch crate ($SCRATCH, default /tmp/aslc-buildtime)
# depending on this checkout's asl-runtime; dependencies are built first and not timed.
# Usage: scripts/build-time.sh [N…]    Env: PROFILES="dev release" (default: dev);
#        ASL_CHAIN_TASKS=1 for chains of Task states instead of Pass states
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRATCH=${SCRATCH:-/tmp/aslc-buildtime}
PROFILES=${PROFILES:-dev}
[ $# -eq 0 ] && set -- 1000 5000
(cd "$ROOT" && cargo build --release --quiet -p asl-bench)
B="${CARGO_TARGET_DIR:-$ROOT/target}/release/asl-bench"
mkdir -p "$SCRATCH/src"
cat > "$SCRATCH/Cargo.toml" <<TOML
[package]
name = "aslc-buildtime"
version = "0.0.0"
edition = "2024"
publish = false
[dependencies]
asl-runtime = { path = "$ROOT/asl-runtime", default-features = false }
[workspace]
TOML
echo 'include!("chain.rs");' > "$SCRATCH/src/lib.rs"
echo 'pub mod chain {}' > "$SCRATCH/src/chain.rs"
# Dependencies for both commands (a check needs their metadata builds, a build their code).
for p in $PROFILES; do for what in check build; do (cd "$SCRATCH" && CARGO_TARGET_DIR="$SCRATCH/target" cargo $what --quiet --profile "$p" 2>/dev/null); done; done
for n in "$@"; do
  "$B" --expand "$n" "$SCRATCH/src/chain.rs"
  for p in $PROFILES; do
    for what in check build; do
      s=$(date +%s%N)
      (cd "$SCRATCH" && CARGO_TARGET_DIR="$SCRATCH/target" cargo $what --quiet --profile "$p" 2>&1 | grep -E '^error' | head -3) || true
      e=$(date +%s%N)
      printf '{"mode":"rustc","states":%d,"profile":"%s","command":"cargo %s","seconds":%.2f}\n' "$n" "$p" "$what" "$(echo "($e - $s) / 1000000000" | bc -l)"
    done
  done
done
