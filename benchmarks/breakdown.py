#!/usr/bin/env python3
"""Where a heatlint run spends its time, by area, under cProfile.

    python3 benchmarks/breakdown.py TREE [check options, e.g. --no-cache --jobs 1]

Runs `heatlint check TREE --format json OPTIONS` in this process under cProfile and prints the
share of time of each area (own time of its functions; lstat and open count with the file system, pickle and SQLite with the
cache, other built-ins and library functions with the area of whatever called them),
then the functions with the most own time. heatlint builds a deployment on a thread of its own
(heatlint/limits.py); here it runs on the main thread so that cProfile sees it. cProfile roughly
doubles the time of Python code, so the shares matter, not the seconds. Run it from a checkout
(or with PYTHONPATH pointing at another one to profile that version).
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import sys
import time

AREAS = [  # (area, substrings of a file name or a built-in's name), first match wins
    ("parse: Lark", ("site-packages/lark/",)),
    ("parse: heatlint", ("heatlint/parse/apache.py", "heatlint/parse/uwsgi.py", "heatlint/parse/words",
                         "heatlint/parse/suppress", "heatlint/parse/grammar", "{method 'findall'")),
    ("parse cache", ("heatlint/parse/cache.py", "_pickle.", "sqlite3", "_blake2")),
    ("files: discover, fs", ("heatlint/discover.py", "heatlint/fs.py", "posixpath", "genericpath",
                             "posix.", "{built-in method io.open", "{method 'read' of")),
    ("resolve", ("heatlint/resolve/", "heatlint/model.py", "heatlint/limits.py", "dataclasses.py",
                 "heatlint/source.py", "{method 'sub' of")),
    ("rules", ("/rules/", "heatlint/check/", "heatlint/redact.py", "difflib")),
    ("report", ("heatlint/report/", "json/")),
    ("start-up: imports", ("<frozen importlib", "builtins.exec", "marshal.loads", "builtins.compile",
                           "__build_class__", "_imp.", "re/_", "sre_")),
]


OTHER = "other (click, stdlib)"


def area_of(filename: str, name: str) -> str:
    where = f"{filename} {name}"
    for area, needles in AREAS:
        if any(n in where for n in needles):
            return area
    return OTHER


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    argv = ["heatlint", "check", sys.argv[1], "--format", "json", *sys.argv[2:]]
    start = time.perf_counter()
    profile = cProfile.Profile()
    profile.enable()
    try:
        try:
            import heatlint.limits as limits
        except ImportError:  # a version from before the limits (issue 8): built on this thread
            limits = None
        if hasattr(limits, "deep_stack"):  # the build on this thread, for cProfile to see
            import heatlint.resolve.deployment as deployment

            limits.deep_stack = deployment.deep_stack = lambda run, _limits: run()
        from heatlint.cli import main as cli

        sys.argv = argv
        stdout, sys.stdout = sys.stdout, io.StringIO()
        try:
            cli()
        except SystemExit:
            pass
        finally:
            sys.stdout = stdout
    finally:
        profile.disable()
    wall = time.perf_counter() - start
    stats = pstats.Stats(profile)
    shares: dict[str, float] = {}
    total = 0.0
    for (filename, _line, name), (_cc, _nc, tottime, _ct, callers) in stats.stats.items():
        total += tottime
        area = area_of(filename, name)
        if area != OTHER or not callers:
            shares[area] = shares.get(area, 0.0) + tottime
            continue
        # A built-in or library function (list.append, str.startswith): its callers' areas,
        # each the time it spent when called from there.
        for (cfile, _cline, cname), edge in callers.items():
            shares[area_of(cfile, cname)] = shares.get(area_of(cfile, cname), 0.0) + edge[2]
        shares[area] = shares.get(area, 0.0) + tottime - sum(edge[2] for edge in callers.values())
    print(f"{' '.join(argv[1:])}: {wall:.2f} s under cProfile\n")
    print("| area | share |\n| --- | ---: |")
    for area, t in sorted(shares.items(), key=lambda kv: -kv[1]):
        print(f"| {area} | {t / total:.0%} |")
    print()
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(15)
    text = out.getvalue()
    print(text[text.index("   ncalls"):].replace(os.getcwd() + "/", "").rstrip())


if __name__ == "__main__":
    main()
