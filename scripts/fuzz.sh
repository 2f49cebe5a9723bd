#!/usr/bin/env bash
# Fuzzes aslc's hostile-input surfaces with cargo-fuzz (libFuzzer) on the stable toolchain.
#
#   scripts/fuzz.sh                 # short bounded run: 60 s per target
#   scripts/fuzz.sh 20              # what CI runs (.ci/run): 20 s per target
#   scripts/fuzz.sh 3600            # long run: an hour per target
#   scripts/fuzz.sh 600 jsonata     # some targets only
#   FUZZ_RUNS=1000000 scripts/fuzz.sh 0 definition   # a number of inputs instead of a time
#
# The targets are built once, together, without a sanitizer (`SANITIZER=address` for ASan):
# safe Rust needs none to find panics, aborts, stack overflows, hangs and memory blow-ups, and
# the build takes half the time.
# Targets (fuzz/fuzz_targets): definition (parse, validate, emit, render diagnostics, graph in
# every format), jsonpath, intrinsics, jsonata (parse and evaluate), execution_input (compiled
# workflows run on any JSON input). Each starts from fuzz/seeds/<target> (conformance cases and
# the repository's workflows; `python3 fuzz/seed.py` adds to them) and keeps what it finds in
# fuzz/corpus/<target>. A crash, timeout (10 s) or memory blow-up (over 4 GiB) stops the run and
# leaves its input in fuzz/artifacts/<target>/; reproduce it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run <target> fuzz/artifacts/<target>/<file>
# and turn it into a regression test. The script fails if any target found something.
set -euo pipefail

seconds="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(definition jsonpath intrinsics jsonata execution_input)
fi

cd "$(dirname "$0")/../fuzz"
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
# cargo-fuzz passes nightly-only flags; the stable compiler accepts them with RUSTC_BOOTSTRAP.
export RUSTC_BOOTSTRAP=1
sanitizer="${SANITIZER:-none}"
cargo fuzz build -O -s "$sanitizer"
if [ -n "${FUZZ_RUNS:-}" ]; then limit="-runs=$FUZZ_RUNS"; else limit="-max_total_time=$seconds"; fi

status=0
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    cp -n seeds/"$t"/* "corpus/$t/" 2>/dev/null || true
    log="$(mktemp)"
    start=$(date +%s)
    if cargo fuzz run -O -s "$sanitizer" "$t" "corpus/$t" -- "$limit" -timeout=10 -rss_limit_mb=4096 -max_len=1100000 -print_final_stats=1 >"$log" 2>&1; then
        result=ok
    else
        result=FOUND
        status=1
        tail -40 "$log"
    fi
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)"
    rss="$(grep -o 'stat::peak_rss_mb: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)"
    echo "$t: $result, ${runs:-?} executions in $(( $(date +%s) - start ))s, peak RSS ${rss:-?} MB, corpus $(ls "corpus/$t" | wc -l)"
    rm -f "$log"
done
exit $status
