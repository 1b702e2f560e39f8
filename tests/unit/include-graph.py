#!/usr/bin/env python3
"""The layout's rules, checked on the sources (TAP): no include circle among runlxc's own files,
and each folder includes only the layers below it (docs/design-notes.md, note 23):

    runlxc/cli/   -> runlxc/lib/, compat/, lxcfs-integration/
    runlxc/lib/   -> compat/, lxcfs-integration/ (never runlxc/cli/)
    runlxc/init/  -> the few runlxc/lib/ files it is built from, compat/syscalls.h
    compat/, lxcfs-integration/ -> runlxc/lib/'s base (error.h, util.h) and each other

Quote includes resolve as the build resolves them: the including file's folder first, then
the -I folders in Makefile.am's order.
    tests/unit/include-graph.py [TOP]"""
import os
import re
import sys

TOP = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../.."))
FOLDERS = ["runlxc/cli", "runlxc/lib", "runlxc/init", "compat", "lxcfs-integration"]
SEARCH = {  # -I folders after the file's own, per folder (Makefile.am)
    "runlxc/cli": ["runlxc/cli", "", "runlxc/lib", "compat", "lxcfs-integration"],
    "runlxc/init": ["runlxc/lib", "compat"],
}
DEFAULT_SEARCH = ["", "runlxc/lib", "compat", "lxcfs-integration"]
INIT_SOURCES = {"runlxc/lib/initmsg.h", "runlxc/lib/hooks.h", "runlxc/lib/util.h", "runlxc/lib/error.h",
                "runlxc/lib/spec.h", "compat/syscalls.h", "runlxc/init/agent.h"}
BASE = {"runlxc/lib/error.h", "runlxc/lib/util.h"}
ALLOWED = {  # folder -> folders it may include from
    "runlxc/cli": {"runlxc/cli", "runlxc/lib", "compat", "lxcfs-integration"},
    "runlxc/lib": {"runlxc/lib", "compat", "lxcfs-integration"},
    "runlxc/init": {"runlxc/init", "runlxc/lib", "compat"},
    "compat": {"compat"},
    "lxcfs-integration": {"lxcfs-integration", "compat"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources():
    for folder in FOLDERS:
        for name in sorted(os.listdir(os.path.join(TOP, folder))):
            if name.endswith((".c", ".h")):
                yield f"{folder}/{name}"


def resolve(src, inc):
    folder = os.path.dirname(src)
    for d in [folder] + SEARCH.get(folder, DEFAULT_SEARCH):
        cand = os.path.normpath(os.path.join(d, inc))
        if os.path.isfile(os.path.join(TOP, cand)):
            return cand
    return None


def graph():
    edges = {}
    for src in sources():
        with open(os.path.join(TOP, src), encoding="utf-8", errors="replace") as f:
            text = f.read()
        edges[src] = [t for t in (resolve(src, i) for i in INCLUDE.findall(text)) if t]
    return edges


def cycles(edges):
    """Every include circle, each once, as a list of files."""
    found, state, stack = [], {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in edges.get(n, []):
            if state.get(m) == 1:
                found.append(stack[stack.index(m):] + [m])
            elif m not in state:
                visit(m)
        stack.pop()
        state[n] = 2

    for n in sorted(edges):
        if n not in state:
            visit(n)
    return found


def layer_violations(edges):
    bad = []
    for src, targets in sorted(edges.items()):
        folder = os.path.dirname(src)
        for t in targets:
            tf = os.path.dirname(t)
            if folder == "runlxc/init" and t not in INIT_SOURCES and tf != "runlxc/init":
                bad.append(f"{src} includes {t} (runlxc-init is built from {', '.join(sorted(INIT_SOURCES))})")
            elif tf not in ALLOWED.get(folder, {folder}) and t not in BASE:
                bad.append(f"{src} includes {t} ({folder}/ may include only from {', '.join(sorted(ALLOWED[folder]))})")
    return bad


def main():
    edges = graph()
    results = [("no include circle among runlxc's sources", [" -> ".join(c) for c in cycles(edges)]),
               ("each folder includes only the layers below it", layer_violations(edges))]
    print(f"1..{len(results)}")
    failed = 0
    for i, (name, problems) in enumerate(results, 1):
        print(f"{'not ok' if problems else 'ok'} {i} {name} ({len(edges)} files)")
        for p in problems:
            print(f"# {p}")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
