#!/usr/bin/env python3
"""Prints bench/results/recursive.jsonl (scripts/bench_recursive.sh): for wide-fib and each example
model, the median prove time, proof size, verify time and peak memory with the recursive profile
next to fast, and their ratios. Standard library only."""
import json
import statistics
import sys


def main(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    table = {}
    for r in rows:
        if r["kind"] == "bench":
            table.setdefault(r["example"], {})[r["profile"]] = {
                "prove": r["prove_ms"], "bytes": r["proof_bytes"], "verify": r["verify_ms"],
                "rss": r["peak_rss_mb"], "hash": r["hash"], "bits": r["security_bits"]}
    for example in dict.fromkeys(r["example"] for r in rows if r["kind"] != "bench"):
        for profile in ("fast", "recursive"):
            proofs = [r for r in rows if r["kind"] == "prove" and r["example"] == example
                      and r["profile"] == profile]
            verifies = [r for r in rows if r["kind"] == "verify" and r["example"] == example
                        and r["profile"] == profile]
            table.setdefault(example, {})[profile] = {
                "prove": statistics.median(r["total_ms"] for r in proofs),
                "bytes": statistics.median(r["proof_bytes"] for r in proofs),
                "verify": statistics.median(r["verify_ms"] for r in verifies),
                "rss": max(r["peak_rss_mb"] for r in proofs), "hash": proofs[0]["hash"],
                "bits": proofs[0]["security_bits"]}
    print(f"CPU {rows[0].get('cpu', '?')}, SIMD {rows[0].get('simd', '?')}, 2 threads")
    print(f"{'example':<22} {'profile':<10} {'hash':<11} {'bits':>4} {'prove ms':>9} "
          f"{'proof B':>9} {'verify ms':>9} {'RSS MiB':>8}   recursive / fast")
    for example, profiles in table.items():
        for profile in ("fast", "recursive"):
            m = profiles[profile]
            ratio = ""
            if profile == "recursive":
                f = profiles["fast"]
                ratio = (f"  prove {m['prove'] / f['prove']:.2f}x, bytes {m['bytes'] / f['bytes']:.2f}x, "
                         f"verify {m['verify'] / f['verify']:.2f}x")
            print(f"{example:<22} {profile:<10} {m['hash']:<11} {m['bits']:>4} {m['prove']:>9.0f} "
                  f"{m['bytes']:>9.0f} {m['verify']:>9.1f} {m['rss']:>8.0f} {ratio}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench/results/recursive.jsonl")
