#!/usr/bin/env python3
"""Fails when a resolved dependency declares a higher `rust-version` than the workspace's.

The workspace's `rust-version` (Cargo.toml, [workspace.package]) is the toolchain duet promises to
build on; a dependency update that needs a newer one must raise it in the same change.
Usage: python3 tests/msrv-check.py   (prints the declared and the highest required version)
"""
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def version(v):
    parts = [int(x) for x in v.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def main():
    out = subprocess.run(["cargo", "metadata", "--format-version", "1", "--locked"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    meta = json.loads(out)
    packages = {p["id"]: p for p in meta["packages"]}
    members = set(meta["workspace_members"])
    declared = {packages[m]["rust_version"] for m in members}
    if len(declared) != 1 or None in declared:
        sys.exit(f"every workspace member must declare the workspace rust-version, found {declared}")
    declared = declared.pop()
    needs = sorted(((version(packages[n["id"]]["rust_version"]), packages[n["id"]]["name"],
                     packages[n["id"]]["version"], packages[n["id"]]["rust_version"])
                    for n in meta["resolve"]["nodes"]
                    if n["id"] not in members and packages[n["id"]].get("rust_version")),
                   reverse=True)
    highest = needs[0]
    print(f"declared rust-version {declared}; highest among dependencies: "
          f"{highest[3]} ({highest[1]} {highest[2]})")
    above = [n for n in needs if n[0] > version(declared)]
    if above:
        for _, name, ver, rv in above:
            print(f"  {name} {ver} needs rust {rv}", file=sys.stderr)
        sys.exit(f"FAIL: dependencies need more than the declared rust-version {declared}")


if __name__ == "__main__":
    main()
