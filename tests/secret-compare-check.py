#!/usr/bin/env python3
"""Secrets compare in constant time: fails on any `==`, `!=`, `assert_eq!` or `assert_ne!` whose
operand looks like secret material in the Rust sources, and on plain equality for `Secret`.

Secret material is compared with `subtle::ConstantTimeEq` (`ct_eq`) or `ring::hmac::verify`;
a short-circuiting comparison would tell an attacker, by its timing, how many leading bytes of a
guess were right. The compiler already refuses `==` on `Secret` (it implements no `PartialEq`);
this check covers raw bytes taken out of one with `expose()` and values named like secrets.
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SECRET = r"(expose\(\)|secret|csrf|proof|passcode|api_key|key_hash|password|\bmac\b|\btag\b)"
OPERAND = r"[\w.&*()\[\]:]*"
PATTERNS = [
    re.compile(OPERAND + SECRET + OPERAND + r"\s*(==|!=)"),
    re.compile(r"(==|!=)\s*" + OPERAND + SECRET),
    re.compile(r"assert_(eq|ne)!\([^;]*" + SECRET),
    re.compile(r"impl\s+(std::cmp::|core::cmp::)?PartialEq\s+for\s+Secret\b"),
    re.compile(r"#\[derive\([^)]*PartialEq[^)]*\)\]\s*pub struct Secret\b"),
]


def offending(text):
    """Lines of `text` that compare secret-looking values without `ct_eq` (1-based numbers)."""
    hits = []
    joined = text
    for pat in PATTERNS[3:]:
        for m in pat.finditer(joined):
            hits.append(joined.count("\n", 0, m.start()) + 1)
    for n, line in enumerate(text.splitlines(), 1):
        code = line.split("//")[0]
        if "ct_eq" in code:
            continue
        if any(p.search(code) for p in PATTERNS[:3]):
            hits.append(n)
    return sorted(set(hits))


def self_test():
    bad = [
        "if key.expose() == other.expose() {",
        "let ok = a == stored_secret;",
        "if form.csrf != session.csrf {",
        "assert_eq!(link.secret.expose(), b\"x\");",
        "impl PartialEq for Secret {",
        "#[derive(Clone, PartialEq)]\npub struct Secret(Vec<u8>);",
    ]
    good = [
        "if bool::from(a.expose().ct_eq(b.expose())) {",
        "if provider == \"fcm\" {",
        "let n = secret.len(); // secret == none here",
        "assert_eq!(code.value.len(), 12);",
    ]
    for b in bad:
        assert offending(b), f"self-test: not caught: {b}"
    for g in good:
        assert not offending(g), f"self-test: false alarm: {g}"


def main():
    self_test()
    files = subprocess.run(["git", "ls-files", "*.rs"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    sources = [f for f in files if "/src/" in f and "/fuzz/" not in f]
    failed = False
    for f in sources:
        text = (ROOT / f).read_text(encoding="utf-8")
        # Unit tests compare fixtures they made themselves; timing does not matter there.
        body = text.split("#[cfg(test)]")[0]
        for n in offending(body):
            print(f"{f}:{n}: {body.splitlines()[n - 1].strip()}")
            failed = True
    if failed:
        print("FAIL: compare secrets with subtle::ConstantTimeEq (ct_eq), not == or !=", file=sys.stderr)
        return 1
    print(f"secrets compare in constant time ({len(sources)} source files checked)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
