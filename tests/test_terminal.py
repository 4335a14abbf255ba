"""The terminal: colour only on a terminal and never with NO_COLOR, a progress line on stderr only
when it is a terminal, --quiet, --statistics, the summary line and shell completion."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from heatlint import cli
from heatlint.cli import main
from treeutil import write_tree as write

SELECT = ("--select", "HL303,HL401,HL402")
BROKEN = {
    "httpd/uwsgi-heat-api.conf": 'ProxyPass "/heat-api" "http://127.0.0.1:8004" retry=0\n',
    "uwsgi/heat-api-uwsgi.ini": "[uwsgi]\nsocket = 127.0.0.1:8004\n",  # + HL401, HL402 warnings
}
CLEAN = {"uwsgi/heat.ini": "[uwsgi]\nhttp-socket = 127.0.0.1:8004\nprocesses = 2\nthreads = 2\n"}
COLOUR = re.compile(rb"\x1b\[[0-9;]*m")
SCRIPT = Path(sys.executable).with_name("heatlint")



def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(main, ["check", *args, *SELECT],
                              env={"GITHUB_ACTIONS": None, "NO_COLOR": None, "FORCE_COLOR": None,
                                   **(env or {})})


def base_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "GITHUB_ACTIONS")}
    env.update(TERM="xterm-256color", COLUMNS="120", **extra)
    return env


def run_on_a_terminal(args: list[str], env: dict) -> tuple[int, bytes]:
    """Run heatlint with stdout and stderr on a pseudo-terminal; what it wrote there."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "heatlint", *args], stdout=slave, stderr=slave,
                            stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed its side
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=60), b"".join(chunks)


# -- colour -------------------------------------------------------------------------------------

def test_colour_on_a_terminal_and_never_with_no_color(tmp_path):
    root = str(write(tmp_path, BROKEN))
    status, out = run_on_a_terminal(["check", root, *SELECT], base_env())
    assert status == 1 and COLOUR.search(out) and b"HL303" in out
    status, out = run_on_a_terminal(["check", root, *SELECT], base_env(NO_COLOR="1"))
    assert status == 1 and b"HL303" in out and not COLOUR.search(out)


def test_no_colour_when_redirected(tmp_path):
    root = str(write(tmp_path, BROKEN))
    proc = subprocess.run([sys.executable, "-m", "heatlint", "check", root, *SELECT],
                          capture_output=True, env=base_env(), timeout=60)
    assert proc.returncode == 1 and b"HL303" in proc.stdout
    assert b"\x1b" not in proc.stdout and proc.stderr == b""
    forced = run(root, env={"FORCE_COLOR": "1"})  # FORCE_COLOR asks for colour on a pipe …
    assert COLOUR.search(forced.stdout_bytes)
    assert not COLOUR.search(run(root, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout_bytes)  # … NO_COLOR wins


# -- progress -----------------------------------------------------------------------------------

def many_trees(root: Path, count: int) -> Path:
    for i in range(count):
        write(root / f"host{i}", {
            "etc/apache2/apache2.conf": 'ProxyPass "/heat-api" "http://127.0.0.1:8004" retry=0\n',
            "etc/heat/heat-api-uwsgi.ini": "[uwsgi]\nhttp-socket = 127.0.0.1:8004\nprocesses = 2\n"
                                           "threads = 2\n"})
    return root


def slow_run(monkeypatch, tmp_path, stdout, stderr) -> int:
    """Ten deployments at 0.12 s each, run in this process with the given stdout and stderr."""
    from heatlint.resolve import deployment

    real_build = deployment.build

    def slow_build(target):
        time.sleep(0.12)
        return real_build(target)

    monkeypatch.setattr(deployment, "build", slow_build)  # the pipeline imports it when it runs
    monkeypatch.setattr(cli, "PROGRESS_DELAY", 0.2)
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stderr)
    for var in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE", "GITHUB_ACTIONS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("TERM", "xterm")
    with pytest.raises(SystemExit) as exit_:
        main.main(["check", str(many_trees(tmp_path / "trees", 10)), *SELECT], standalone_mode=False)
    stdout.flush()
    stderr.flush()
    return exit_.value.code


def test_progress_line_on_a_terminal_stderr_and_never_in_the_report(tmp_path, monkeypatch):
    master, slave = pty.openpty()
    seen: list[bytes] = []

    def drain():
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            seen.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    report = tmp_path / "report.txt"
    with open(report, "w") as out, open(slave, "w", closefd=True) as err:
        status = slow_run(monkeypatch, tmp_path, out, err)
    time.sleep(0.2)
    os.close(master)
    reader.join(timeout=5)
    shown = b"".join(seen)
    assert status == 0
    assert b"checking" in shown and b"deployments" in shown and b"/10" in shown
    text = report.read_bytes()
    assert b"No problems found in 20 file(s), 10 deployment(s)." in text
    assert b"\x1b" not in text and b"checking" not in text


def test_no_progress_when_stderr_is_redirected(tmp_path, monkeypatch):
    with open(tmp_path / "out", "w") as out, open(tmp_path / "err", "w") as err:
        assert slow_run(monkeypatch, tmp_path, out, err) == 0
    assert (tmp_path / "err").read_text() == ""
    assert (tmp_path / "out").read_text().startswith("No problems found")


# -- quiet, statistics, summary -----------------------------------------------------------------

def test_quiet_prints_only_the_summary_and_nothing_when_clean(tmp_path):
    broken = run(str(write(tmp_path / "b", BROKEN)), "--quiet")
    assert broken.exit_code == 1
    assert broken.stdout == ("1 error(s), 2 warning(s) in 2 file(s), 1 deployment(s): "
                             "failed (--fail-on error).\n")
    clean = run(str(write(tmp_path / "c", CLEAN)), "-q")
    assert clean.exit_code == 0 and clean.stdout == ""


def test_statistics_count_findings_per_rule(tmp_path):
    root = write(tmp_path, {**BROKEN, "more/other-uwsgi.ini": "[uwsgi]\nhttp-socket = :9000\n"})
    result = run(str(root), "--statistics")
    rows = [line.split() for line in result.stdout.splitlines() if re.match(r"^\s+\d+\s+HL\d{3}\s", line)]
    assert rows == [["2", "HL401", "uwsgi-no-processes", "warning"],
                    ["2", "HL402", "uwsgi-no-threads", "warning"],
                    ["1", "HL303", "protocol-mismatch", "error"]]
    assert result.stdout.rstrip().splitlines()[-1].startswith("1 error(s), 4 warning(s)")
    quiet = run(str(root), "--statistics", "--quiet").stdout.splitlines()
    assert len(quiet) == 5 and quiet[0].split()[:2] == ["2", "HL401"]
    machine = CliRunner().invoke(main, ["check", str(root), *SELECT, "--format", "json", "--statistics"])
    assert machine.stdout.startswith("{") and "HL401" in machine.stderr  # counts never mix into JSON


def test_summary_line_says_what_was_checked_and_the_verdict(tmp_path):
    warn = write(tmp_path, {"uwsgi/a.ini": "[uwsgi]\nsocket = :3031\n"})
    assert run(str(warn)).stdout.splitlines()[-1] == (
        "0 error(s), 2 warning(s) in 1 file(s), 1 deployment(s): passed (--fail-on error).")


# -- shell completion ---------------------------------------------------------------------------

@pytest.mark.skipif(not SCRIPT.exists(), reason=f"no installed heatlint script at {SCRIPT}")
def test_shell_completion_through_click():
    script = subprocess.run([str(SCRIPT)], env=base_env(_HEATLINT_COMPLETE="bash_source"),
                            capture_output=True, text=True, timeout=60)
    assert script.returncode == 0 and "complete -o nosort -F _heatlint_completion heatlint" in script.stdout
    words = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=60, env=base_env(
        _HEATLINT_COMPLETE="bash_complete", COMP_WORDS="heatlint check --form", COMP_CWORD="2"))
    assert "plain,--format" in words.stdout.splitlines()
    formats = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=60, env=base_env(
        _HEATLINT_COMPLETE="bash_complete", COMP_WORDS="heatlint check --format s", COMP_CWORD="3"))
    assert "plain,sarif" in formats.stdout.splitlines()
