#!/usr/bin/env bash
# Runs every shipped scenario (national.toml with one replication) with a given casesim binary
# into DIR, so that two builds' CSVs can be compared byte for byte:
#
#   scripts/compare-outputs.sh OLD_BINARY /tmp/old
#   scripts/compare-outputs.sh target/release/casesim /tmp/new
#   diff -r --exclude='*.json' --exclude='*.html' /tmp/old /tmp/new
#
# run.json and report.html hold the command line and the wall time, so they differ between any
# two runs; every CSV, SVG and PNG should be identical.
set -euo pipefail
bin=$1
out=$2
cd "$(dirname "$0")/.."
mkdir -p "$out"
for f in scenarios/*.toml; do
    name=$(basename "$f" .toml)
    case $name in
        national) "$bin" run "$f" --reps 1 --quiet --out "$out/$name" ;;
        baseline | us_probation_parole | my_unit) "$bin" run "$f" --quiet --out "$out/$name" ;;
        *) "$bin" sweep "$f" --quiet --out "$out/$name" ;;
    esac
done
"$bin" validate --quiet --out "$out/validation" || true
echo "outputs of $(ls "$out" | wc -l) scenarios in $out"
