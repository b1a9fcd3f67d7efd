#!/usr/bin/env python3
"""Checks that every library's CMake target links what its code includes, and nothing above it.

For each charon_library under src/, the headers it owns are those of its sources (x.cc owns x.h)
plus the header-only files of its folder that no other target there owns. Every `#include "a/b.h"`
of a target's files must then be its own header or one owned by a target it links (directly or
through the targets it links), and no target may link one in a later layer of LAYERS (the order of
docs/ARCHITECTURE.md). Test-only targets (*_testing, *_testutil, *_proto) and tests may link any
library; production targets may not link test-only ones. Prints each violation; exit 1 if any.
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "src")

# Libraries from the bottom up; a library may link only those before it (and external ones).
LAYERS = [
    "charon_base", "charon_config", "charon_objstore", "charon_objstore_http",
    "charon_objstore_s3", "charon_objstore_azure", "charon_objstore_gcs", "charon_objstore_metrics",
    "charon_objstore_config", "charon_tsdb", "charon_indexheader", "charon_block", "charon_cache",
    "charon_store", "charon_grpc", "charon_http", "charon_remote_read", "charon_store_command",
    "charon_query_command",
]
TEST_ONLY = re.compile(r"(_testing\w*|_testutil|_status_matchers)$")

CALL = re.compile(r"\b(charon_library|charon_test|charon_benchmark|charon_fuzzer|add_library)\(\s*"
                  r"(\w+)([^)]*)\)", re.S)
TEST_CODE = re.compile(r'^\s*#include\s+[<"](gtest/|gmock/|testing/)', re.M)
INCLUDE = re.compile(r'^\s*#include\s+"([^"]+)"', re.M)


def words(body):
    return re.findall(r"[\w.${}/:+-]+", re.sub(r"#[^\n]*", "", body))


def parse_targets():
    targets = {}
    for folder, _, files in os.walk(SRC):
        if "CMakeLists.txt" not in files:
            continue
        text = open(os.path.join(folder, "CMakeLists.txt")).read()
        for kind, name, body in CALL.findall(text):
            srcs, deps, mode = [], [], None
            for w in words(body):
                if w in ("SRCS", "DEPS", "LABELS", "TIMEOUT", "ENV", "BINARY", "STATIC", "INTERFACE"):
                    mode = w
                elif mode == "SRCS" or (kind == "add_library" and mode in (None, "STATIC")):
                    if w.endswith(".cc") or w.endswith(".h"):
                        srcs.append(os.path.normpath(os.path.join(folder, w.replace(
                            "${PROJECT_SOURCE_DIR}/", ROOT + "/"))))
                elif mode == "DEPS":
                    deps.append(w)
            targets[name] = {"kind": kind, "folder": folder, "srcs": srcs, "deps": deps}
        for name, extra in re.findall(r"target_link_libraries\(\s*(\w+)\s+(?:PUBLIC|PRIVATE|INTERFACE)"
                                      r"([^)]*)\)", text):
            if name in targets:
                targets[name]["deps"] += [w for w in words(extra)
                                          if w not in ("PUBLIC", "PRIVATE", "INTERFACE")]
    return targets


def main():
    targets = parse_targets()
    owner = {}
    for name, t in targets.items():
        if t["kind"] != "charon_library" and not TEST_ONLY.search(name):
            continue
        for src in t["srcs"]:
            h = src[:-3] + ".h" if src.endswith(".cc") else src
            if os.path.exists(h):
                owner[h] = name
    # A header-only file belongs to its folder's test-only target when it is test code (it
    # includes gtest, gmock or src/testing), else to the folder's production library.
    for name, t in sorted(targets.items(), key=lambda kv: bool(TEST_ONLY.search(kv[0]))):
        if t["kind"] not in ("charon_library", "add_library"):
            continue
        for f in os.listdir(t["folder"]):
            p = os.path.join(t["folder"], f)
            if not f.endswith(".h") or p in owner or os.path.exists(p[:-2] + ".cc"):
                continue
            if bool(TEST_CODE.search(open(p, errors="replace").read())) == bool(TEST_ONLY.search(name)):
                owner[p] = name
    owner[os.path.join(SRC, "testing", "status_matchers.h")] = "charon_status_matchers"

    def closure(name, seen=None):
        seen = set() if seen is None else seen
        for d in targets.get(name, {}).get("deps", []):
            if d not in seen:
                seen.add(d)
                closure(d, seen)
        return seen

    problems = []
    layer = {n: i for i, n in enumerate(LAYERS)}
    for name, t in sorted(targets.items()):
        if t["kind"] != "charon_library":
            continue
        reach = closure(name) | {name}
        test_only = bool(TEST_ONLY.search(name))
        for d in t["deps"]:
            if d in targets and TEST_ONLY.search(d) and not test_only:
                problems.append(f"{name} is a production target but links test-only {d}")
            if name in layer and d in layer and layer[d] > layer[name]:
                problems.append(f"{name} links {d}, which sits above it")
        files = list(t["srcs"]) + [h for h, o in owner.items() if o == name]
        for f in files:
            if not os.path.exists(f):
                continue
            for inc in INCLUDE.findall(open(f, errors="replace").read()):
                path = os.path.join(SRC, inc)
                o = owner.get(path)
                if o is None or o in reach:
                    continue
                rel = os.path.relpath(f, ROOT)
                problems.append(f"{rel} (in {name}) includes {inc} of {o}, which {name} does not link")
    for p in sorted(set(problems)):
        print(p)
    if problems:
        print(f"dependency check failed: {len(set(problems))} problems")
        return 1
    print(f"dependency check passed ({sum(1 for t in targets.values() if t['kind'] == 'charon_library')}"
          " libraries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
