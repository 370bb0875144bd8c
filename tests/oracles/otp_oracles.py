#!/usr/bin/env python3
"""Compares duet's OTP codes with independent implementations on random cases.

Oracles:
  oathtool (OATH Toolkit): HOTP (SHA-1) and TOTP with SHA-1/256/512, 6-8 digits,
                           any period and T0. One process per case, run in parallel.
  pyotp:                   HOTP and TOTP, SHA-1/256/512, 6-10 digits, keys >= 14 bytes
                           (pyotp refuses shorter ones), periods <= 120 s and T0 = 0 (pyotp's
                           limits; oathtool covers the rest).
  steam-totp (npm):        Steam Guard, 30 s.
duet answers every case of an oracle in one batch (core/examples/otp_oracle.rs).
Any mismatch fails the run. The seed is printed so a failure can be replayed
(OTP_ORACLE_SEED=<seed>).
"""
import argparse
import base64
import concurrent.futures
import hashlib
import json
import os
import random
import subprocess
import sys

HASHES = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}
# Times up to year ~2514 and some special ones (epoch, 2^31 boundary, 2^32).
SPECIAL_TIMES = [0, 1, 29, 30, 59, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 16_725_225_600]


def rand_key(rng, lo, hi):
    return bytes(rng.getrandbits(8) for _ in range(rng.randint(lo, hi))).hex()


def rand_time(rng, lo=0):
    if rng.random() < 0.1:
        t = rng.choice(SPECIAL_TIMES)
        return max(t, lo)
    return rng.randint(lo, max(lo, 17_000_000_000))


def rand_period(rng, longest=86_400):
    return rng.choice([30, 30, 30, 60, 15, 1, 2, 7, 45, 90, min(3600, longest), longest, rng.randint(1, longest)])


def duet_codes(duet_cmd, cases):
    data = "".join(json.dumps(c) + "\n" for c in cases)
    out = subprocess.run(duet_cmd, input=data, capture_output=True, text=True, check=True, shell=True)
    codes = out.stdout.splitlines()
    if len(codes) != len(cases):
        sys.exit(f"duet answered {len(codes)} lines for {len(cases)} cases; stderr: {out.stderr[-2000:]}")
    return codes


def oathtool_code(c):
    if c["kind"] == "hotp":
        args = ["oathtool", "--hotp", f"--digits={c['digits']}", f"--counter={c['counter']}", c["key"]]
    else:
        args = [
            "oathtool", f"--totp={c['alg']}", f"--digits={c['digits']}",
            f"--time-step-size={c['period']}s", f"--start-time=@{c['t0']}", f"--now=@{c['time']}", c["key"],
        ]
    r = subprocess.run(args, capture_output=True, text=True)
    if r.returncode != 0:
        return "ORACLE-ERROR " + r.stderr.strip()
    return r.stdout.strip()


def oathtool_cases(rng, n):
    cases = []
    for i in range(n):
        key = rand_key(rng, 1, 100)
        digits = rng.randint(6, 8)
        if i % 4 == 0:
            cases.append({"kind": "hotp", "alg": "SHA1", "digits": digits, "key": key,
                          "counter": rng.choice([0, 1, 2**32, 2**63, 2**64 - 1, rng.getrandbits(rng.choice([8, 32, 64]))])})
        else:
            t0 = rng.choice([0, 0, 0, rng.randint(1, 2_000_000_000)])
            cases.append({"kind": "totp", "alg": rng.choice(list(HASHES)), "digits": digits, "key": key,
                          "period": rand_period(rng), "t0": t0, "time": rand_time(rng, t0)})
    return cases


def pyotp_cases(rng, n):
    cases = []
    for i in range(n):
        key = rand_key(rng, 14, 100)
        alg = rng.choice(list(HASHES))
        digits = rng.randint(6, 10)
        if i % 3 == 0:
            cases.append({"kind": "hotp", "alg": alg, "digits": digits, "key": key, "counter": rng.getrandbits(rng.choice([8, 32, 63]))})
        else:
            cases.append({"kind": "totp", "alg": alg, "digits": digits, "key": key,
                          "period": rand_period(rng, 120), "t0": 0, "time": min(rand_time(rng), 253_402_300_799)})
    return cases


def pyotp_code(c):
    import pyotp

    secret = base64.b32encode(bytes.fromhex(c["key"])).decode().rstrip("=")
    if c["kind"] == "hotp":
        return pyotp.HOTP(secret, digits=c["digits"], digest=HASHES[c["alg"]]).at(c["counter"])
    return pyotp.TOTP(secret, digits=c["digits"], digest=HASHES[c["alg"]], interval=c["period"]).at(c["time"])


def steam_cases(rng, n):
    # steam-totp writes only the low 32 bits of the step: keep steps below 2^32.
    return [{"kind": "steam", "alg": "SHA1", "digits": 5, "period": 30, "key": rand_key(rng, 1, 100),
             "time": rng.choice([rng.randint(0, 2_000_000_000), rng.randint(0, 30 * (2**32) - 1)])} for _ in range(n)]


def steam_codes(node_path, cases):
    here = os.path.dirname(os.path.abspath(__file__))
    data = "".join(json.dumps({"key": c["key"], "time": c["time"]}) + "\n" for c in cases)
    env = dict(os.environ, NODE_PATH=node_path)
    out = subprocess.run(["node", os.path.join(here, "steam_totp.js")], input=data, capture_output=True,
                         text=True, check=True, env=env)
    return out.stdout.splitlines()


def compare(name, cases, theirs, ours):
    bad = [(c, t, o) for c, t, o in zip(cases, theirs, ours) if t != o]
    print(f"{name}: {len(cases)} cases, {len(cases) - len(bad)} agree, {len(bad)} differ")
    for c, t, o in bad[:10]:
        print(f"  MISMATCH {name}={t!r} duet={o!r} case={json.dumps(c)}")
    if len(theirs) != len(cases):
        print(f"  {name} answered {len(theirs)} of {len(cases)} cases")
        return False
    return not bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duet", required=True, help="shell command running the duet batch driver")
    ap.add_argument("--node-path", required=True, help="node_modules directory holding steam-totp")
    ap.add_argument("-n", type=int, default=1500, help="cases per oracle")
    args = ap.parse_args()
    seed = int(os.environ.get("OTP_ORACLE_SEED", random.SystemRandom().getrandbits(32)))
    print(f"seed {seed}")
    rng = random.Random(seed)
    ok = True

    cases = oathtool_cases(rng, args.n)
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        theirs = list(pool.map(oathtool_code, cases))
    ok &= compare("oathtool", cases, theirs, duet_codes(args.duet, cases))

    cases = pyotp_cases(rng, args.n)
    ok &= compare("pyotp", cases, [pyotp_code(c) for c in cases], duet_codes(args.duet, cases))

    cases = steam_cases(rng, args.n)
    ok &= compare("steam-totp", cases, steam_codes(args.node_path, cases), duet_codes(args.duet, cases))

    print("oracle checks", "passed" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
