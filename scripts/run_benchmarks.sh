#!/usr/bin/env bash
# Runs every benchmark suite and writes one Google Benchmark JSON file per suite to
# bench/results/; the binaries record the CPU and SIMD level in the JSON "context".
# Each benchmark runs 3 times and the median is reported (the machine's speed drifts).
# Usage: scripts/run_benchmarks.sh [build-dir] [benchmark filter regex]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
filter=${2:-.}
out=bench/results
mkdir -p "$out"

context="git=$(git rev-parse --short HEAD 2>/dev/null || echo none)"

for suite in field circle hash fri; do
  exe="$build/bench/bench_$suite"
  [ -x "$exe" ] || { echo "missing $exe: run make build first" >&2; exit 1; }
  echo "== bench_$suite"
  "$exe" --benchmark_filter="$filter" --benchmark_out="$out/$suite.json" \
    --benchmark_out_format=json --benchmark_context="$context" --benchmark_counters_tabular=true \
    --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
done
python3 scripts/bench_summary.py "$out"
