#!/usr/bin/env python3
"""Counts the CPU instructions one TOTP code costs, per function of the OTP benchmark,
with valgrind's callgrind, and prints each as a ratio to its comparator.

Wall time on a shared 2-core machine moves with other processes' load; instruction counts
do not (the same binary and input give the same count). Each function runs N and 2N codes
(N = --codes) and the difference is divided by N, so start-up and set-up cancel out.

Caveat: valgrind does not emulate SHA-NI, so under it the sha1/sha2 crates take their
portable path and the hash dominates every count. The *difference* between two functions
is what the count shows exactly: the work each does besides hashing.

Usage: python3 scripts/otp_instructions.py [--codes N]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUNCTIONS = ["baseline_rustcrypto_cached", "duet_loaded", "duet_scratch", "totp_rs",
             "duet_scratch_string", "totp_rs_string"]
# function -> the comparator its target is stated against (docs/benchmarks.md, issue 2)
PAIRS = {"duet_loaded": ("baseline_rustcrypto_cached", 1.10),
         "duet_scratch": ("totp_rs", 1.00),
         "duet_scratch_string": ("totp_rs_string", 1.00)}


def instructions(binary, function, alg, codes):
    with tempfile.NamedTemporaryFile(suffix=".out") as out:
        run = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out.name}",
                              binary, function, alg, str(codes)], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"{function} {alg}: {run.stderr[-2000:]}")
        m = re.search(r"Collected : (\d+)", run.stderr)
        return int(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--codes", type=int, default=20000)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "-q", "--release", "--locked", "-p", "duet-core",
                    "--example", "otp_work"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "examples", "otp_work")
    missed = 0
    for alg in ["sha1", "sha256", "sha512"]:
        per = {}
        for f in FUNCTIONS:
            per[f] = (instructions(binary, f, alg, 2 * args.codes)
                      - instructions(binary, f, alg, args.codes)) / args.codes
        print(f"\n{alg}: instructions per code (valgrind, portable SHA)")
        for f in FUNCTIONS:
            line = f"  {f:28} {per[f]:9.1f}"
            if f in PAIRS:
                base, target = PAIRS[f]
                ratio = per[f] / per[base]
                ok = ratio <= target
                missed += not ok
                line += (f"   {ratio:.3f}x {base} ({per[f] - per[base]:+.1f} instr.;"
                         f" target <= {target:.2f}x: {'met' if ok else 'MISSED'})")
            print(line)
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
