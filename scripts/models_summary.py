#!/usr/bin/env python3
"""Prints bench/results/models.jsonl (scripts/bench_models.sh), one table per CPU and SIMD level:
per example and profile the median prove time (total, and without grinding), grinding, verify
time, proof size and peak memory, the per-phase breakdown of the median proof with the share of
composition and the interaction trace, and the targets of issues 4 and 31 for each trace layout
measured. Standard library only."""
import json
import statistics
import sys

# (example, profile, field, target ms, what); issue 31's are for an AVX2 machine.
TARGETS = [
    ("fashion_mlp", "fast", "total_ms", 1000, "fashion_mlp, fast (BLAKE2s), prove"),
    ("fashion_lenet", "fast", "total_ms", 5000, "fashion_lenet, fast (BLAKE2s), prove"),
    ("fashion_mlp", "onchain", "total_ms", 3000, "fashion_mlp, onchain (Poseidon252), prove"),
    ("cifar_cnn", "fast", "total_ms", 1200, "cifar_cnn, fast (BLAKE2s), prove (issue 31, AVX2)"),
    ("nanogpt", "fast", "total_ms", 4000, "nanogpt, fast (BLAKE2s), prove (issue 31, AVX2)"),
]


def main(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    machines = {}
    for r in rows:
        machines.setdefault((r.get("cpu", "?"), r.get("simd", "?")), []).append(r)
    for (cpu, simd), machine_rows in machines.items():
        print(f"== {cpu}, {simd}")
        summarize(machine_rows)
    return 0


def summarize(rows):
    groups = {}
    for r in rows:
        groups.setdefault((r["example"], r["layout"], r["profile"]), []).append(r)
    print(f"{'example':<14} {'layout':<7} {'profile':<8} {'hash':<11} {'bits':>4} {'thr':>3} "
          f"{'prove ms':>9} "
          f"{'excl grind':>10} {'grind ms':>8} {'verify ms':>9} {'proof B':>9} {'RSS MiB':>7}")
    medians = {}
    for (example, layout, profile), runs in groups.items():
        proofs = [r for r in runs if r["kind"] == "prove"]
        verifies = [r for r in runs if r["kind"] == "verify"]
        total = statistics.median(r["total_ms"] for r in proofs)
        median_proof = min(proofs, key=lambda r: abs(r["total_ms"] - total))
        medians[(example, layout, profile)] = {"total_ms": total}
        print(f"{example:<14} {layout:<7} {profile:<8} {proofs[0]['hash']:<11} "
              f"{proofs[0]['security_bits']:>4} "
              f"{proofs[0]['threads']:>3} {total:>9.0f} "
              f"{statistics.median(r['prove_ms'] for r in proofs):>10.0f} "
              f"{statistics.median(r['grind_ms'] for r in proofs):>8.0f} "
              f"{statistics.median(r['verify_ms'] for r in verifies):>9.1f} "
              f"{median_proof['proof_bytes']:>9} {max(r['peak_rss_mb'] for r in proofs):>7.0f}")
        phases = ", ".join(f"{p['phase']} {p['ms']:.0f}" for p in median_proof["phases_ms"]
                           if p["ms"] >= 1)
        print(f"    phases (ms): {phases}")
        logup_and_composition = sum(p["ms"] for p in median_proof["phases_ms"]
                                    if p["phase"] in ("interaction trace", "composition"))
        print(f"    composition and interaction trace: {logup_and_composition:.0f} ms, "
              f"{100 * logup_and_composition / median_proof['prove_ms']:.0f}% of the proof")
    print("targets:")
    for layout in ("narrow", "wide"):
        for example, profile, field, target, what in TARGETS:
            found = medians.get((example, layout, profile))
            if not found:
                if layout == "narrow":
                    print(f"  [ -- ] {what}, {layout} layout: not measured")
                continue
            value = found[field]
            print(f"  [{'ok' if value <= target else 'MISS':^4}] {what}, {layout} layout: "
                  f"{value:.0f} ms (target < {target} ms)")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "bench/results/models.jsonl"))
