#!/usr/bin/env python3
"""THIRD-PARTY-LICENSES.txt for a release: every crate linked into the
mimmfa binary for TARGET (normal dependencies only, from Cargo.lock via
`cargo metadata --offline`), with its licence expression and the licence
files it ships (LICENSE*, COPYING*, NOTICE*), whose notices MIT and
Apache-2.0 ask to be kept with copies of the software.

    .ci/third-party-licenses.py x86_64-pc-windows-gnu > THIRD-PARTY-LICENSES.txt
"""
import json
import os
import subprocess
import sys

target = sys.argv[1]
meta = json.loads(subprocess.check_output(
    ["cargo", "metadata", "--format-version", "1", "--locked", "--offline",
     "--filter-platform", target]))
packages = {p["id"]: p for p in meta["packages"]}
nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
root = meta["resolve"]["root"]

# The closure of normal (not dev, not build) dependencies from the root.
seen, todo = set(), [root]
while todo:
    node = nodes[todo.pop()]
    for dep in node["deps"]:
        if any(k["kind"] is None for k in dep["dep_kinds"]) and dep["pkg"] not in seen:
            seen.add(dep["pkg"])
            todo.append(dep["pkg"])

out = sys.stdout
out.write("Third-party software in mimmfa.exe (%s)\n" % target)
out.write("=" * 60 + "\n\n")
for pid in sorted(seen, key=lambda i: (packages[i]["name"], packages[i]["version"])):
    p = packages[pid]
    out.write("%s %s — %s\n" % (p["name"], p["version"], p.get("license") or "see files"))
    if p.get("repository"):
        out.write("  %s\n" % p["repository"])
out.write("\n")
for pid in sorted(seen, key=lambda i: (packages[i]["name"], packages[i]["version"])):
    p = packages[pid]
    folder = os.path.dirname(p["manifest_path"])
    files = sorted(f for f in os.listdir(folder)
                   if f.upper().startswith(("LICENSE", "LICENCE", "COPYING", "NOTICE"))
                   and os.path.isfile(os.path.join(folder, f)))
    out.write("-" * 60 + "\n%s %s\n" % (p["name"], p["version"]))
    if not files:
        out.write("(no licence file in the crate; licence: %s)\n" % p.get("license"))
    for f in files:
        with open(os.path.join(folder, f), encoding="utf-8", errors="replace") as fh:
            out.write("\n== %s ==\n%s\n" % (f, fh.read().rstrip()))
    out.write("\n")
