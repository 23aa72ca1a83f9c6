#!/usr/bin/env bash
# The whole test suite N times in a row (default 5) with two CPU-burning processes
# alongside, stopping at the first failure: flakiness that only load shows comes out here.
#   bash benchmarks/stress_suite.sh [RUNS]
set -u
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
burn() { while :; do :; done; }
burn & first=$!
burn & second=$!
trap 'kill $first $second 2>/dev/null' EXIT
for run in $(seq 1 "${1:-5}"); do
    started=$(date +%s)
    if ! "$python" -m pytest -q -p no:cacheprovider > "/tmp/stress-suite-$run.log" 2>&1; then
        echo "run $run: FAILED ($(tail -1 "/tmp/stress-suite-$run.log")), see /tmp/stress-suite-$run.log"
        exit 1
    fi
    echo "run $run: $(tail -1 "/tmp/stress-suite-$run.log") ($(( $(date +%s) - started )) s)"
done
