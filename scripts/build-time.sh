#!/usr/bin/env bash
# Build time of generated code: expansion (asl_codegen::generate + pretty, via asl-bench
# --expand) and rustc on the generated module, for chains of N states (default 1000 5000).
# The generated code is compiled in a scratch crate ($SCRATCH, default /tmp/aslc-buildtime)
# depending on this checkout's asl-runtime; dependencies are built first and not timed.
# rustc's peak memory is GNU time's maximum resident set of cargo's children; "cpu_seconds" (user +
# system) is steadier than the wall-clock "seconds" on a shared machine. No incremental cache (as CI).
# Usage: scripts/build-time.sh [N…]    Env: PROFILES="dev release" (default: dev);
#        ASL_CHAIN_TASKS=1 for chains of Task states instead of Pass states;
#        ASL_FORM=methods|table to force how the states are emitted (default: by their number);
#        ASL_CHAIN_LEAN=1 for states without Parameters (20,000 Pass states fit in 1 MB)
set -euo pipefail
export CARGO_INCREMENTAL=0
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
asl-runtime = { path = "$ROOT/asl-runtime", default-features = false, features = ["loader"] }
[workspace]
TOML
printf 'include!("chain.rs");\ninclude!("use.rs");\n' > "$SCRATCH/src/lib.rs"
echo 'pub mod chain {}' > "$SCRATCH/src/chain.rs"
: > "$SCRATCH/src/use.rs"
# Dependencies for both commands (a check needs their metadata builds, a build their code).
for p in $PROFILES; do for what in check build; do (cd "$SCRATCH" && CARGO_TARGET_DIR="$SCRATCH/target" cargo $what --quiet --profile "$p" 2>/dev/null); done; done
for n in "$@"; do
  "$B" --expand "$n" "$SCRATCH/src/chain.rs"
  # The machine used, as a user's crate does: its code is generated for a Tasks type.
  if [ -n "${ASL_CHAIN_TASKS:-}" ]; then
    { echo 'pub struct Stubs;'
      echo 'impl chain::Tasks for Stubs {'
      for f in 0 1 2 3 4 6 7 8 9; do  # every tenth state from the fifth on is a Choice
        echo "    async fn f$f(&self, input: asl_runtime::Value, _: asl_runtime::TaskContext) -> Result<asl_runtime::Value, asl_runtime::Failure> { Ok(input) }"
      done
      echo '}'
      echo 'pub type Machine = chain::Chain<Stubs>;'
      echo 'pub fn machine() -> Machine { chain::Chain::new(Stubs) }'; } > "$SCRATCH/src/use.rs"
  else
    printf 'pub type Machine = chain::Chain<()>;\npub fn machine() -> Machine { chain::Chain::new(()) }\n' > "$SCRATCH/src/use.rs"
  fi
  echo 'pub fn run(m: &'"'"'static Machine, input: asl_runtime::Value) -> impl std::future::Future<Output = Result<asl_runtime::Value, asl_runtime::Failure>> + Send { m.start(input) }' >> "$SCRATCH/src/use.rs"
  for p in $PROFILES; do
    for what in check build; do
      t=$(mktemp)
      (cd "$SCRATCH" && CARGO_TARGET_DIR="$SCRATCH/target" /usr/bin/time -f '%e %U %S %M' -o "$t" cargo $what --quiet --profile "$p" 2>&1 | grep -E '^error' | head -3) || true
      read -r secs user sys kb < <(tail -1 "$t"); rm -f "$t"
      printf '{"mode":"rustc","states":%d,"profile":"%s","command":"cargo %s","seconds":%s,"cpu_seconds":%.2f,"peak_mb":%d}\n' "$n" "$p" "$what" "$secs" "$(echo "$user + $sys" | bc -l)" "$((kb / 1024))"
    done
  done
done
