#!/usr/bin/env bash
# Refreshes the in-repository conformance corpus (tests/conformance/corpus) from an extracted
# corpus directory: one holding cases/<case>/{definition,input,expected,meta}.json, INDEX.md and
# skipped.json (the layout INDEX.md describes). LICENSE and NOTICE in the corpus stay as they are.
#
#   scripts/update-conformance.sh /path/to/conformance
#
# Then rebuild and refresh the ratchet: cargo run --release -p asl-conformance -- --write-passing
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 CORPUS_DIR   (a directory with cases/, INDEX.md and skipped.json)" >&2
    exit 2
fi
src=$1
root=$(cd "$(dirname "$0")/.." && pwd)
dest=$root/tests/conformance/corpus

for f in cases INDEX.md skipped.json; do
    if [ ! -e "$src/$f" ]; then
        echo "error: $src/$f is missing: $src is not an extracted conformance corpus" >&2
        exit 1
    fi
done
n=$(find "$src/cases" -mindepth 2 -maxdepth 2 -name definition.json | wc -l)
if [ "$n" -eq 0 ]; then
    echo "error: no case in $src/cases has a definition.json" >&2
    exit 1
fi

# Copy into a sibling first so a failed copy leaves the old corpus intact.
tmp=$(mktemp -d "$root/tests/conformance/.corpus-update.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp -R "$src/cases" "$tmp/cases"
cp "$src/INDEX.md" "$src/skipped.json" "$tmp/"
rm -rf "$dest/cases"
mv "$tmp/cases" "$dest/cases"
mv "$tmp/INDEX.md" "$tmp/skipped.json" "$dest/"
echo "updated $dest: $n cases from $src"
