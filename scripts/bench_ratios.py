#!/usr/bin/env python3
"""Runs duet's criterion benchmarks and prints each result as a ratio to its baseline.

Usage:
  python3 scripts/bench_ratios.py                 # cargo bench -p duet-core --bench otp, then ratios
  python3 scripts/bench_ratios.py --bench otp --bench uri   # several bench targets
  python3 scripts/bench_ratios.py --no-run        # only read target/criterion from the last run
  python3 scripts/bench_ratios.py --check         # exit 1 if an OTP target is missed

Reads criterion's target/criterion/<group>/<function>/new/estimates.json. In a
group that has a function named `baseline_*`, every function is divided by it.
Ratios use criterion's median by default; `--by min` uses the fastest sample
(per-iteration time of the quickest of criterion's samples), which is robust
when other processes share the CPU: interruptions only ever add time.
OTP target: duet_loaded <= 1.1 x baseline_rustcrypto_cached.
"""
import argparse
import glob
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def target_dir():
    out = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)["target_directory"]


def fmt(ns):
    return f"{ns / 1000:.2f} us" if ns >= 1000 else f"{ns:.1f} ns"


def load(criterion_dir, groups=None):
    results = {}
    for path in glob.glob(os.path.join(criterion_dir, "*", "*", "new", "estimates.json")):
        parts = path.split(os.sep)
        group, function = parts[-4], parts[-3]
        if groups and not any(group.startswith(g) for g in groups):
            continue
        with open(path) as f:
            est = json.load(f)
        with open(os.path.join(os.path.dirname(path), "sample.json")) as f:
            sample = json.load(f)
        fastest = min(t / n for t, n in zip(sample["times"], sample["iters"]))
        results.setdefault(group, {})[function] = {
            "median": est["median"]["point_estimate"],
            "mean": est["mean"]["point_estimate"],
            "min": fastest,
        }
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bench", action="append", help="bench target of duet-core (default: otp)")
    ap.add_argument("--no-run", action="store_true", help="do not run cargo bench; read the last results")
    ap.add_argument("--check", action="store_true", help="exit 1 when an OTP target is missed")
    ap.add_argument("--group", action="append", help="only groups starting with this prefix")
    ap.add_argument("--criterion-dir", help="read results here instead of <target>/criterion")
    ap.add_argument("--by", choices=["median", "min"], default="median",
                    help="statistic for ratios and targets: criterion's median, or the fastest sample "
                         "(robust when other processes share the CPU)")
    ap.add_argument("criterion_args", nargs="*", help="passed to criterion after --")
    args = ap.parse_args()
    benches = args.bench or ["otp"]
    if not args.no_run:
        for b in benches:
            cmd = ["cargo", "bench", "-p", "duet-core", "--bench", b, "--", *args.criterion_args]
            print("$", " ".join(cmd), flush=True)
            subprocess.run(cmd, cwd=ROOT, check=True)
    results = load(args.criterion_dir or os.path.join(target_dir(), "criterion"), args.group)
    if not results:
        sys.exit("no criterion results found; run without --no-run first")
    missed = []
    by = args.by
    for group in sorted(results):
        funcs = results[group]
        base = next((f for f in sorted(funcs) if f.startswith("baseline")), None)
        print(f"\n{group}" + (f"  (ratios of the {by} to {base})" if base else ""))
        for name, st in sorted(funcs.items(), key=lambda kv: kv[1][by]):
            ratio = f"{st[by] / funcs[base][by]:6.2f}x" if base else ""
            print(f"  {name:<28} median {fmt(st['median']):>10}  mean {fmt(st['mean']):>10}"
                  f"  min {fmt(st['min']):>10}  {ratio}")
        if group.startswith("totp_") and base:
            if "duet_loaded" in funcs:
                r = funcs["duet_loaded"][by] / funcs[base][by]
                ok = r <= 1.1
                print(f"  target duet_loaded <= 1.1x baseline: {r:.2f}x {'met' if ok else 'MISSED'}")
                if not ok:
                    missed.append(f"{group} loaded {r:.2f}x")
    if missed:
        print("\nmissed:", "; ".join(missed))
    if args.check and missed:
        sys.exit(1)


if __name__ == "__main__":
    main()
