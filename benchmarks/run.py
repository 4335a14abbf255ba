#!/usr/bin/env python3
"""heatlint against the real reference, httpd parsing the same tree.

    python3 benchmarks/run.py [--sizes 10,100,1000,10000] [--runs 5] [--jobs N] [--write]

For each size it generates a tree (benchmarks/generate.py), checks that `apache2 -t` accepts it,
then runs, in turn and RUNS times each (alternating, so a slow moment of the machine hits all of
them alike):

* `apache2 -t` on the tree;
* `heatlint check TREE --format json --no-cache`: everything parsed;
* the same without --no-cache on an empty cache: the first run, which also fills the cache;
* the same again: a second run over the unchanged tree, every file's parse from the cache.

It prints medians, the heatlint/apache2 ratios, lines per second, microseconds per line (all of
the --no-cache run), and peak memory: the largest proportional set size of each program, summed
over heatlint and its worker processes, from one more run of each, sampled. It first times
start-up (`python -c pass`, and heatlint on examples/heat-broken, cold and cached), and ends with
the marginal cost per line between the two largest sizes (heatlint's growth is linear when it is
close to the cost per line at the smaller one). heatlint's cache lives under WORK/xdg-cache, never
in yours; the trees are checked with limits raised past their 19,000 files (WORK/heatlint.toml).
Then it says, for each of issue 7's targets, whether it is met and by how much. With --write, the
table and those verdicts also go into README.md ("Performance") and benchmarks/README.md.
Needs Debian's apache2 (`apt-get install apache2`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402


def _tree_pss(pid: int) -> int:
    """Proportional set size (KiB) of a process and all its descendants: memory a forked worker
    shares with its parent counts once, not twice. 0 once the process is gone."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as fh:
                total += next((int(line.split()[1]) for line in fh if line.startswith("Pss:")), 0)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def measure(cmd: list[str], env: dict | None = None, ok=(0,), memory: bool = False
            ) -> tuple[float, float]:
    """Wall seconds and peak memory (MiB) of one run: the largest resident set of one process
    (wait4), or with ``memory`` the largest sum of the PSS of the process and its workers,
    sampled every 5 ms (a run that samples is not timed: the sampler takes CPU too). stderr goes
    to a file: httpd writes a warning per vhost, more than a pipe holds, and would block."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.005):
                peak[0] = max(peak[0], _tree_pss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True) if memory else None
        if sampler is not None:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        if sampler is not None:
            sampler.join()
        code = os.waitstatus_to_exitcode(status)
        if code not in ok:
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} exited {code}: {err.read().decode()[-500:]}")
    return wall, (peak[0] if memory else usage.ru_maxrss) / 1024


def apache_env(tree: Path) -> dict:
    env = dict(os.environ)
    for line in (tree / "etc/apache2/envvars").read_text().splitlines():
        if line.startswith("export ") and "=" in line:
            name, value = line[7:].split("=", 1)
            env[name] = value.replace("$SUFFIX", "")
    env["APACHE_RUN_DIR"] = tempfile.mkdtemp(prefix="hl-bench-run-")
    return env


def median(values) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", default=None, help="passed to heatlint --jobs (default: its own)")
    parser.add_argument("--heatlint", default=f"{sys.executable} -m heatlint")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "heatlint-bench")
    parser.add_argument("--write", action="store_true",
                        help="also put the table and the verdicts into README.md and "
                             "benchmarks/README.md (between their bench/verdicts markers)")
    args = parser.parse_args()
    out: list[str] = []  # everything printed, for --write

    def say(line: str = "") -> None:
        print(line, flush=True)
        out.append(line)

    heatlint = args.heatlint.split() + ["check"]
    options = ["--format", "json"] + (["--jobs", args.jobs] if args.jobs else [])
    args.work.mkdir(parents=True, exist_ok=True)
    # The default limits stop a run at 10,000 files; the largest tree has 19,000.
    config = args.work / "heatlint.toml"
    config.write_text('max-files = 1000000\nmax-total-size = "4 GiB"\n')
    cache = args.work / "xdg-cache"
    henv = dict(os.environ, XDG_CACHE_HOME=str(cache))
    # As installed: compiled modules are written once and reused (pip compiles them at install).
    henv.pop("PYTHONDONTWRITEBYTECODE", None)
    if not shutil.which("apache2"):
        raise SystemExit("needs Debian's apache2: apt-get install apache2")

    example = str(HERE.parent / "examples/heat-broken")
    runs = max(args.runs, 10)
    python = [measure([sys.executable, "-c", "pass"])[0] for _ in range(runs)]
    shutil.rmtree(cache, ignore_errors=True)
    measure(heatlint + [example] + options, henv, ok=(0, 1))  # writes compiled modules, if missing
    cold, warm = [], []
    for _ in range(runs):
        cold.append(measure(heatlint + [example] + options + ["--no-cache"], henv, ok=(0, 1))[0])
        warm.append(measure(heatlint + [example] + options, henv, ok=(0, 1))[0])
    startup = median(warm)
    say(f"start-up, {runs} runs each: `python -c pass` {median(python) * 1000:.0f} ms; "
        f"heatlint on examples/heat-broken {startup * 1000:.0f} ms "
        f"({median(cold) * 1000:.0f} ms with --no-cache)")
    say()
    say("| vhosts | lines | apache2 -t | heatlint --no-cache | ratio | 1st run (fills cache) "
        "| 2nd run (cached) | ratio | µs/line | lines/s | peak MiB apache2 | peak MiB heatlint |")
    say("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    per_size = []
    rows: dict[int, tuple[float, float, float, float, float]] = {}
    for size in [int(s) for s in args.sizes.split(",")]:
        tree = args.work / f"tree-{size}"
        lines = generate(size, tree)
        env = apache_env(tree)
        apache = ["apache2", "-d", str(tree / "etc/apache2"), "-f", "apache2.conf", "-t"]
        measure(apache, env)  # must pass before anything is timed
        check = heatlint + [str(tree)] + options + ["--config", str(config)]
        a, nc, first, second = [], [], [], []
        for _ in range(args.runs):
            a.append(measure(apache, env)[0])
            nc.append(measure(check + ["--no-cache"], henv, ok=(0, 1))[0])
            shutil.rmtree(cache, ignore_errors=True)
            first.append(measure(check, henv, ok=(0, 1))[0])
            second.append(measure(check, henv, ok=(0, 1))[0])
        # Memory: one more run of each, sampled.
        apache_peak = measure(apache, env, memory=True)[1]
        peak = measure(check + ["--no-cache"], henv, ok=(0, 1), memory=True)[1]
        shutil.rmtree(cache, ignore_errors=True)
        peak = max(peak, measure(check, henv, ok=(0, 1), memory=True)[1],
                   measure(check, henv, ok=(0, 1), memory=True)[1])
        am, nm, fm, sm = (median(r) for r in (a, nc, first, second))
        per_size.append((size, lines, nm))
        rows[size] = (am, nm, sm, apache_peak, peak)
        say(f"| {size:,} | {lines:,} | {am:.3f} s | {nm:.3f} s | {nm / am:.2f} | {fm:.3f} s | "
            f"{sm:.3f} s | {sm / am:.2f} | {nm / lines * 1e6:.1f} | {lines / nm:,.0f} | "
            f"{apache_peak:.0f} | {peak:.0f} |")
    growth = None
    if len(per_size) >= 2:
        (n1, l1, t1), (n2, l2, t2) = per_size[-2], per_size[-1]
        marginal = (t2 - t1) / (l2 - l1) * 1e6
        growth = (n1, n2, marginal / (t1 / l1 * 1e6))
        say()
        say(f"per line (--no-cache): {t1 / l1 * 1e6:.1f} µs at {n1:,} vhosts, {t2 / l2 * 1e6:.1f} µs "
            f"at {n2:,}; each line added from {n1:,} to {n2:,} cost {marginal:.1f} µs "
            f"({growth[2]:.2f}x the cost per line at {n1:,})")
    found = verdicts(startup, rows, growth)
    print()
    print("\n".join(found))
    if args.write:
        for readme in (HERE.parent / "README.md", HERE / "README.md"):
            text = _between(readme.read_text(), "bench", "\n".join(out))
            if "<!-- verdicts:start -->" in text:
                text = _between(text, "verdicts", "\n".join(found))
            readme.write_text(text)


def verdicts(startup: float, rows: dict, growth) -> list[str]:
    """Each of issue 7's targets, met or by how much it is missed, from this run's numbers."""
    def mark(ok: bool) -> str:
        return "met" if ok else "missed"

    found = [f"* start-up on examples/heat-broken ≤ 100 ms: {startup * 1000:.0f} ms, "
             f"{mark(startup <= 0.1)}"]
    for size in (1000, 10000):
        if size not in rows:
            continue
        am, nm, sm, apeak, peak = rows[size]
        found.append(f"* {size:,} vhosts, --no-cache ≤ 3x apache2 -t: {nm / am:.1f}x, "
                     f"{mark(nm <= 3 * am)}; peak memory below apache2's: {peak:.0f} against "
                     f"{apeak:.0f} MiB, {mark(peak < apeak)}")
        found.append(f"* {size:,} vhosts, second run ≤ 1x apache2 -t: {sm / am:.2f}x, "
                     f"{mark(sm <= am)}")
    if growth is not None:
        n1, n2, ratio = growth
        found.append(f"* linear: each line added from {n1:,} to {n2:,} vhosts costs {ratio:.2f}x the "
                     f"cost per line at {n1:,} (≤ 1.2x): {mark(ratio <= 1.2)}")
    return found


def _between(text: str, name: str, body: str) -> str:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in text or end not in text:
        raise SystemExit(f"no {start} … {end} markers to write between")
    head, rest = text.split(start, 1)
    return f"{head}{start}\n{body}\n{end}{rest.split(end, 1)[1]}"


if __name__ == "__main__":
    main()
