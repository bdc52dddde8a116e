#!/usr/bin/env bash
# The prover benchmarks of issue 3 (Stwo's workloads, docs/stwo-workloads.md):
# each workload runs `tensorstark bench` in its own process (so peak RSS is per workload) with the
# median of 3 proofs, at 1 and 2 threads; one JSON object per line goes to
# bench/results/prover.jsonl, then scripts/prover_summary.py prints the table against the targets.
# Usage: scripts/bench_prover.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench_env.sh bench/results/prover.jsonl "${1:-build}"

run() {  # name, then tensorstark bench arguments
  local name=$1
  shift
  for threads in 1 2; do
    echo "== $name, $threads thread(s)" >&2
    "$cli" bench "$@" --threads "$threads" --runs 3 --json |
      python3 -c "import json,sys; d=json.load(sys.stdin); d['workload']='$name'; print(json.dumps(d))" \
      >> "$out"
  done
}

run wide-fib-2^16-fast wide-fib --log-rows 16 --columns 100 --profile fast
run wide-fib-2^18-b8 wide-fib --log-rows 18 --columns 100 --profile fast --log-blowup 3 \
  --queries 26 --pow-bits 20
run wide-fib-2^20-fast wide-fib --log-rows 20 --columns 100 --profile fast
run wide-fib-2^16-onchain wide-fib --log-rows 16 --columns 100 --profile onchain --hash poseidon252
run range-check-2^16-fast range-check --log-rows 16 --columns 3 --profile fast
python3 scripts/prover_summary.py "$out"
