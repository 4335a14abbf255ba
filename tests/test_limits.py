"""Limits (issue 8): configured like every other setting, and each one reached is a finding that
names it, says what was not checked, and how to raise it. The time limit never lets a run hang."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from heatlint.check import Rule, load_rules
from heatlint.cli import main
from heatlint.config import Config, ConfigError, load
from heatlint.limits import Limits
from heatlint.pipeline import check_paths

RULES = load_rules()
APACHE2_CONF = "IncludeOptional sites-enabled/*.conf\n"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def sites(root: Path, count: int, text: str = "KeepAlive On\n") -> Path:
    return write(root, {"etc/apache2/apache2.conf": APACHE2_CONF,
                        **{f"etc/apache2/sites-enabled/{i:03d}.conf": text for i in range(count)}})


def limit_findings(root: Path, rules=RULES, **limits):
    report = check_paths([str(root)], rules, Config(limits=Limits(**limits)))
    return [f for f in report.findings if f.code == "HL010"]


# -- configuration ----------------------------------------------------------------------------

def test_limits_are_read_from_the_configuration_file_and_shown(tmp_path, monkeypatch):
    write(tmp_path, {".heatlint.toml": 'max-files = 20\nmax-file-size = "8 MiB"\n'
                                       "max-total-size = 1048576\nmax-depth = 12\ntimeout = 2.5\n"})
    monkeypatch.chdir(tmp_path)
    config = load(RULES)
    assert config.limits == Limits(20, 8 * 1024 ** 2, 1024 ** 2, 12, 2.5)
    result = CliRunner().invoke(main, ["check", "--show-config"])
    rows = {line.split()[0]: line for line in result.output.splitlines()}
    assert "8 MiB" in rows["max-file-size"] and ".heatlint.toml" in rows["max-file-size"]
    assert "1 MiB" in rows["max-total-size"] and "2.5 s" in rows["timeout"]
    assert "(default)" not in rows["max-depth"]


@pytest.mark.parametrize("line,says", [
    ("max-files = 0", "max-files must be a whole number above 0"),
    ("max-files = 1.5", "max-files must be a whole number above 0"),
    ("max-depth = true", "max-depth must be a whole number above 0"),
    ('max-file-size = "big"', "max-file-size must be a number of bytes or a size"),
    ("max-total-size = -1", "max-total-size must be a whole number above 0"),
    ("timeout = 0", "timeout must be a number of seconds above 0"),
    ('timeout = "5"', "timeout must be a number of seconds above 0"),
])
def test_bad_limits_are_errors_that_name_the_key(tmp_path, line, says):
    write(tmp_path, {".heatlint.toml": line + "\n"})
    with pytest.raises(ConfigError, match=says):
        load(RULES, cwd=str(tmp_path))
    result = CliRunner().invoke(main, ["check", "--config", str(tmp_path / ".heatlint.toml"), str(tmp_path)])
    assert result.exit_code == 2 and says in result.output


# -- the limits -------------------------------------------------------------------------------

def test_max_files_one_finding_for_all_that_were_not_read(tmp_path):
    (found,) = limit_findings(sites(tmp_path, 30), max_files=11)
    assert found.location.path.endswith("sites-enabled/010.conf")  # apache2.conf and 10 sites read
    assert "this file and 19 more file(s) were not read" in found.message
    assert "`max-files = 32`" in found.message and len(found.related) == 5


def test_max_total_size(tmp_path):
    (found,) = limit_findings(sites(tmp_path, 10, "# " + "x" * 1000 + "\n"), max_total_size=5000)
    assert "its max-total-size limit of 5,000 bytes" in found.message
    assert '`max-total-size = "1 MiB"`' in found.message


def test_a_loose_folder_walk_stops_at_max_files(tmp_path):
    write(tmp_path, {f"httpd/{i:03d}.conf": "KeepAlive On\n" for i in range(30)})
    (found,) = limit_findings(tmp_path, max_files=10)
    assert found.location.path.endswith("httpd/010.conf")
    assert "stopped looking for configuration files here, having found 10" in found.message


class FakeClock:
    """time.monotonic for heatlint.limits: each reading advances it by one second."""

    def __init__(self):
        self.now = 0.0

    def monotonic(self):
        self.now += 1.0
        return self.now


def test_timeout_stops_reading_and_says_what_was_not_read(tmp_path, monkeypatch):
    root = sites(tmp_path, 40)
    monkeypatch.setattr("heatlint.limits.time", FakeClock())
    (found,) = limit_findings(root, timeout=15)
    assert "the run reached its time limit (timeout = 15 s) before reading this file" in found.message
    assert "`timeout = 60`" in found.message


def test_after_the_timeout_other_deployments_are_reported_unchecked(tmp_path, monkeypatch):
    for name in ("a", "b"):
        sites(tmp_path / name / "rootfs", 3)
    monkeypatch.setattr("heatlint.limits.time", FakeClock())
    found = limit_findings(tmp_path, timeout=3)
    assert any("before checking this deployment, so nothing in it was checked" in f.message for f in found)


class Spin:
    """A rule that never ends: the hard stop after the timeout must end it."""

    CODE, NAME, SEVERITY, SUMMARY = "HL999", "spin", "error", "spins"

    @staticmethod
    def check(deployment):
        while True:
            time.sleep(0.01)
        yield  # a generator, like the built-in rules


def test_a_rule_that_never_ends_is_abandoned_after_the_timeout(tmp_path):
    root = sites(tmp_path, 2)
    rules = [*RULES, Rule.from_object(Spin, "test")]
    start = time.monotonic()
    (found,) = limit_findings(root, rules, timeout=0.2)
    assert time.monotonic() - start < 10  # timeout + grace (2 s), not forever
    assert "while checking this deployment (rule HL999 spin was running), which was abandoned" in found.message


def test_the_hard_stop_through_the_command_line(tmp_path, monkeypatch):
    root = sites(tmp_path / "tree", 2)
    write(tmp_path, {".heatlint.toml": "timeout = 0.2\n"})
    monkeypatch.setattr("heatlint.cli._rules", lambda: [*RULES, Rule.from_object(Spin, "test")])
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json",
                                       "--config", str(tmp_path / ".heatlint.toml")])
    assert result.exit_code == 1, result.output
    (found,) = json.loads(result.output)["findings"]
    assert found["code"] == "HL010" and "abandoned" in found["message"]


def test_limits_hold_for_the_whole_run_not_each_deployment(tmp_path):
    for name in ("a", "b"):
        sites(tmp_path / name / "rootfs", 2)  # 1 + 2 files each: the second tree gets nothing
    (found,) = limit_findings(tmp_path, max_files=3)
    assert found.location.path == str(tmp_path / "b/rootfs/etc/apache2/apache2.conf")
    assert "so this file was not read and what it configures was not checked" in found.message
