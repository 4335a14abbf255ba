"""The heatlint command ends with os._exit after flushing (heatlint.cli.run): what it wrote is
all there, and the exit status is main()'s."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def heatlint(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "heatlint", *args], capture_output=True,
                          text=True, **kwargs)


def test_every_report_is_complete_and_the_status_is_kept(tmp_path):
    sarif = tmp_path / "out.sarif"
    done = heatlint("check", str(EXAMPLES / "heat-broken"), "--format", "json", "--no-cache",
                    "--output", f"sarif:{sarif}")
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["summary"]["failed"] is True
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert heatlint("check", str(EXAMPLES / "heat-working"), "--no-cache").returncode == 0
    missing = heatlint("check", str(tmp_path / "missing"))
    assert missing.returncode == 2 and "no such file or directory" in missing.stderr
    assert heatlint("--version").returncode == 0


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path):
    sys.path.insert(0, str(EXAMPLES.parent / "benchmarks"))
    from generate import generate

    generate(100, tmp_path / "tree")  # its dump is half a megabyte: more than a pipe holds
    reader = subprocess.Popen([sys.executable, "-m", "heatlint", "dump", str(tmp_path / "tree"),
                               "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout.read(10) == b'{\n  "versi'
    reader.stdout.close()  # like `heatlint dump … | head -c 10`
    err = reader.stderr.read().decode()
    assert reader.wait() in (0, 1, 120) and "Traceback" not in err, err
