#!/usr/bin/env python3
"""Prints bench/results/prover.jsonl (scripts/bench_prover.sh) as a table and checks the prover
targets of issue 3 against it. Standard library only."""
import json
import sys

# (workload, threads, field, comparison, target, what)
TARGETS = [
    ("wide-fib-2^20-fast", 1, "prove_ms", "<=", 3300, "wide-fib 100 x 2^20 fast, prove excl. grind"),
    ("wide-fib-2^20-fast", 2, "prove_ms", "<=", 2200, "wide-fib 100 x 2^20 fast, prove excl. grind"),
    ("wide-fib-2^16-fast", 1, "prove_ms", "<=", 180, "wide-fib 100 x 2^16 fast, prove excl. grind"),
    ("wide-fib-2^16-fast", 2, "prove_ms", "<=", 150, "wide-fib 100 x 2^16 fast, prove excl. grind"),
    ("wide-fib-2^18-b8", 1, "prove_ms", "<=", 2100, "wide-fib 100 x 2^18 blowup 8, prove excl. grind"),
    ("wide-fib-2^18-b8", 2, "prove_ms", "<=", 1600, "wide-fib 100 x 2^18 blowup 8, prove excl. grind"),
    ("wide-fib-2^20-fast", 1, "verify_ms", "<=", 4, "wide-fib 100 x 2^20 fast, verify"),
    ("wide-fib-2^20-fast", 1, "proof_bytes", "<=", 300_000, "wide-fib 100 x 2^20 fast, proof size"),
    ("wide-fib-2^20-fast", 1, "peak_rss_mb", "<=", 2000, "wide-fib 100 x 2^20 fast, peak memory"),
]


def main(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    # prove ms is the median of the runs; first ms is the process's first (cold) proof, which
    # also faults in its memory.
    print(f"{'workload':<24} {'thr':>3} {'bits':>4} {'hash':<11} {'prove ms':>9} {'first ms':>9} "
          f"{'grind ms':>9} {'verify ms':>9} {'proof B':>8} {'RSS MiB':>8}")
    for r in rows:
        print(f"{r['workload']:<24} {r['threads']:>3} {r['security_bits']:>4} {r['hash']:<11} "
              f"{r['prove_ms']:>9.1f} {r['prove_first_ms']:>9.1f} {r['grind_ms']:>9.1f} "
              f"{r['verify_ms']:>9.2f} {r['proof_bytes']:>8} {r['peak_rss_mb']:>8.0f}")
    print("targets:")
    for workload, threads, field, op, target, what in TARGETS:
        found = [r for r in rows if r["workload"] == workload and r["threads"] == threads]
        if not found:
            print(f"  [ -- ] {what} ({threads}T): not measured")
            continue
        value = found[0][field]
        ok = value <= target if op == "<=" else value >= target
        print(f"  [{'ok' if ok else 'MISS':^4}] {what} ({threads}T): {field} = {value:.4g} "
              f"(target {op} {target})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "bench/results/prover.jsonl"))
