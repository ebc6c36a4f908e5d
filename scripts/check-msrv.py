#!/usr/bin/env python3
"""Fails when a dependency declares a higher `rust-version` than the workspace's MSRV.

Only one toolchain can be installed here, so the MSRV cannot be compiled against; this catches
the usual way it breaks (a dependency update that needs a newer Rust).
"""
import json
import subprocess
import sys

meta = json.loads(subprocess.check_output(
    ["cargo", "metadata", "--format-version", "1", "--locked"], text=True))
members = set(meta["workspace_members"])


def version(text):
    return tuple(int(x) for x in text.split(".")[:2])


msrv = max(version(p["rust_version"]) for p in meta["packages"]
           if p["id"] in members and p.get("rust_version"))
too_new = [f'{p["name"]} {p["version"]} needs Rust {p["rust_version"]}'
           for p in meta["packages"]
           if p.get("rust_version") and version(p["rust_version"]) > msrv]
if too_new:
    print(f"MSRV {msrv[0]}.{msrv[1]} is too old for:", *too_new, sep="\n  ")
    sys.exit(1)
print(f"MSRV {msrv[0]}.{msrv[1]}: every dependency agrees")
