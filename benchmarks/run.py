#!/usr/bin/env python3
"""heatlint against the real reference, httpd parsing the same tree.

    python3 benchmarks/run.py [--sizes 10,100,1000,10000] [--runs 5]

For each size it generates a tree (benchmarks/generate.py), checks that `apache2 -t` accepts it,
then times `apache2 -t` and `heatlint check --format json` alternately, RUNS times each, and
prints medians, the heatlint/apache2 ratio, lines per second and peak memory (max RSS of the
process, from wait4). It also times start-up: heatlint on examples/heat-broken.
Needs Debian's apache2 (`apt-get install apache2`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402


def measure(cmd: list[str], env: dict | None = None, ok=(0,)) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        raise SystemExit(f"{' '.join(cmd)} exited {code}: {proc.stderr.read().decode()[-500:]}")
    return wall, usage.ru_maxrss / 1024


def apache_env(tree: Path) -> dict:
    env = dict(os.environ)
    for line in (tree / "etc/apache2/envvars").read_text().splitlines():
        if line.startswith("export ") and "=" in line:
            name, value = line[7:].split("=", 1)
            env[name] = value.replace("$SUFFIX", "")
    env["APACHE_RUN_DIR"] = tempfile.mkdtemp(prefix="hl-bench-run-")
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--heatlint", default=f"{sys.executable} -m heatlint")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "heatlint-bench")
    args = parser.parse_args()
    heatlint = args.heatlint.split()

    startup = [measure(heatlint + ["check", str(HERE.parent / "examples/heat-broken"), "--format", "json"],
                       ok=(0, 1))[0] for _ in range(max(args.runs, 10))]
    print(f"start-up (examples/heat-broken, {len(startup)} runs): median "
          f"{statistics.median(startup) * 1000:.0f} ms\n")
    print("| vhosts | lines | apache2 -t | heatlint | ratio | heatlint lines/s | peak MiB apache2 | peak MiB heatlint |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for size in [int(s) for s in args.sizes.split(",")]:
        tree = args.work / f"tree-{size}"
        lines = generate(size, tree)
        env = apache_env(tree)
        apache = ["apache2", "-d", str(tree / "etc/apache2"), "-f", "apache2.conf", "-t"]
        measure(apache, env)  # must pass before anything is timed
        a, h = [], []
        for _ in range(args.runs):
            a.append(measure(apache, env))
            h.append(measure(heatlint + ["check", str(tree), "--format", "json"], ok=(0, 1)))
        am, hm = statistics.median(w for w, _ in a), statistics.median(w for w, _ in h)
        print(f"| {size:,} | {lines:,} | {am:.3f} s | {hm:.3f} s | {hm / am:.2f} | {lines / hm:,.0f} | "
              f"{max(m for _, m in a):.0f} | {max(m for _, m in h):.0f} |", flush=True)


if __name__ == "__main__":
    main()
