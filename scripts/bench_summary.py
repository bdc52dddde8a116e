#!/usr/bin/env python3
"""Prints the benchmark results in bench/results/*.json as one table, and checks the targets of
the foundation layers (issue 2) on single-threaded runs. Standard library only."""
import json
import re
import sys
from pathlib import Path

# (benchmark name regex, counter, comparison, target, what it is)
TARGETS = [
    (r"^BM_PackedM31Mul$", "elems_per_second", ">=", 4e9, "packed M31 mul, 1 thread"),
    (r"^BM_Interpolate/log_n:20/threads:1/", "ns_per_elem", "<=", 2.5, "circle FFT interpolate 2^20, 1 thread"),
    (r"^BM_Evaluate/log_n:20/threads:1/", "ns_per_elem", "<=", 2.5, "circle FFT evaluate 2^20, 1 thread"),
    (r"^BM_Blake2sMerkleCommit/log_rows:16/cols:256/threads:1/", "GiB_per_s", ">=", 2.0,
     "BLAKE2s Merkle 256 cols x 2^16, 1 thread"),
    (r"^BM_HadesPermutation$", "perms_per_second", ">=", 4e5, "Poseidon252 (64-bit limbs), 1 thread"),
    (r"^BM_HadesPermutationBatch/1024$", "perms_per_second", ">=", 1e6,
     "Poseidon252 (AVX-512 IFMA lanes), 1 thread"),
]

COUNTERS = ["ns_per_elem", "elems_per_second", "GiB_per_s", "perms_per_second",
            "hashes_per_second", "muls_per_second", "cubes_per_second", "attempts_per_second"]


def fmt(v):
    return f"{v:.3g}" if abs(v) < 1e4 else f"{v:.3e}"


def main(results_dir):
    rows = {}
    context = None
    for path in sorted(Path(results_dir).glob("*.json")):
        data = json.loads(path.read_text())
        context = context or data.get("context", {})
        for b in data.get("benchmarks", []):
            if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
                continue
            name = b["run_name"] if b.get("run_type") == "aggregate" else b["name"]
            counters = {c: b[c] for c in COUNTERS if c in b}
            counters["ms"] = b["real_time"] * {"ns": 1e-6, "us": 1e-3, "ms": 1, "s": 1e3}[b["time_unit"]]
            rows[name] = counters
    if not rows:
        print("no benchmark results in", results_dir)
        return 1
    if context:
        print(f"machine: {context.get('cpu_model')} ({context.get('num_cpus')} cpus, "
              f"{context.get('mhz_per_cpu')} MHz), SIMD {context.get('simd_level')}")
    width = max(len(n) for n in rows)
    for name, counters in rows.items():
        print(f"  {name:<{width}}  " + "  ".join(f"{k}={fmt(v)}" for k, v in counters.items()))
    print("targets:")
    for pattern, counter, op, target, what in TARGETS:
        matches = [(n, c[counter]) for n, c in rows.items() if re.search(pattern, n) and counter in c]
        if not matches:
            print(f"  [ -- ] {what}: not measured")
            continue
        for name, value in matches:
            ok = value >= target if op == ">=" else value <= target
            print(f"  [{'ok' if ok else 'MISS':^4}] {what}: {counter} = {fmt(value)} (target {op} {fmt(target)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "bench/results"))
