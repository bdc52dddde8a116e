#!/usr/bin/env python3
"""Prints bench/results/compress.jsonl (scripts/bench_compress.sh): for each example model, the
median inner prove time (profile recursive), and per outer profile the median compress time (all
of it: keys and circuit, the inner proof's check, the circuit's witness, the outer proof), the
keys' time in run 1 (preprocessed roots derived) and the median of the later runs (read from the
key cache), the compressed proof's size, the verify time (without deriving the keys) and its
keys' time (cached), and the peak memory, with the circuit's gate count; one table per machine
and SIMD level. Standard library only."""
import json
import statistics
import sys


def main(path):
    all_rows = [json.loads(line) for line in open(path) if line.strip()]
    for machine in dict.fromkeys((r.get("cpu", "?"), r.get("simd", "?")) for r in all_rows):
        rows = [r for r in all_rows if (r.get("cpu", "?"), r.get("simd", "?")) == machine]
        print(f"CPU {machine[0]}, SIMD {machine[1]}, 2 threads")
        print_table(rows)


def print_table(rows):
    print("| model | inner prove | outer profile | compress | its keys and circuit (first / "
          "cached) | outer bytes | verify | its keys (cached) | peak RSS | gates |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for example in dict.fromkeys(r["example"] for r in rows):
        inner = statistics.median(r["total_ms"] for r in rows
                                  if r["kind"] == "prove" and r["example"] == example)
        for profile in ("fast", "recursive"):
            compress = [r for r in rows if r["kind"] == "compress" and r["example"] == example
                        and r["profile"] == profile]
            verify = [r for r in rows if r["kind"] == "verify" and r["example"] == example
                      and r["profile"] == profile]
            if not compress:
                continue
            def keys(r):
                return next(p["ms"] for p in r["phases_ms"]
                            if p["phase"] == "keys and verifier circuit")
            first = [keys(r) for r in compress if r["run"] == 1]
            cached = [keys(r) for r in compress if r["run"] > 1]
            print(f"| {example} | {inner / 1000:.2f} s | {profile} "
                  f"| {statistics.median(r['total_ms'] for r in compress) / 1000:.2f} s "
                  f"| {first[0] / 1000 if first else float('nan'):.2f} s / "
                  f"{statistics.median(cached) / 1000 if cached else float('nan'):.2f} s "
                  f"| {statistics.median(r['proof_bytes'] for r in compress):,.0f} "
                  f"| {statistics.median(r['verify_ms'] for r in verify):.0f} ms "
                  f"| {statistics.median(r['setup_ms'] for r in verify) / 1000:.2f} s "
                  f"| {max(r['peak_rss_mb'] for r in compress):,.0f} MB "
                  f"| {compress[0]['circuit_gates']:,} |")


if __name__ == "__main__":
    main(sys.argv[1])
