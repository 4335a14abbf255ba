"""Baselines: --write-baseline records today's findings, --baseline reports only new ones, and a
finding is recognised by its file, rule and source text, never by its line number."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from heatlint.cli import main

SELECT = ("--select", "HL301,HL303")  # these tests are about baselines, not about which rules fire

APACHE = ('KeepAlive Off\n'
          'ProxyPass "/heat-api" "http://127.0.0.1:8004" retry=0\n'       # HL303: uwsgi speaks uwsgi
          'ProxyPass "/heat-api-cfn" "http://127.0.0.1:9000" retry=0\n')  # HL301: nothing on 9000
INI = "[uwsgi]\nsocket = 127.0.0.1:8004\nprocesses = 2\nthreads = 2\n"


def tree(root: Path, apache: str = APACHE) -> Path:
    (root / "httpd").mkdir(parents=True, exist_ok=True)
    (root / "uwsgi").mkdir(parents=True, exist_ok=True)
    (root / "httpd/heat.conf").write_text(apache)
    (root / "uwsgi/heat-api-uwsgi.ini").write_text(INI)
    return root


def check(*args: str):
    result = CliRunner().invoke(main, ["check", *args, *SELECT, "--format", "json"],
                                env={"GITHUB_ACTIONS": None})
    return result.exit_code, json.loads(result.stdout) if result.stdout.startswith("{") else None, result


def codes(report) -> list[str]:
    return [f["code"] for f in report["findings"]]


def test_write_baseline_records_findings_and_exits_zero(tmp_path):
    root = tree(tmp_path / "repo")
    baseline = tmp_path / "repo" / ".heatlint-baseline.json"
    status, report, result = check(str(root), "--write-baseline", str(baseline))
    assert status == 0 and codes(report) == ["HL303", "HL301"]  # the report is still printed
    assert "recorded 2 finding(s)" in result.stderr
    data = json.loads(baseline.read_text())
    assert data["heatlint-baseline"] == 1
    assert [(e["path"], e["code"], e["anchor"], e["occurrence"]) for e in data["findings"]] == [
        ("httpd/heat.conf", "HL301", 'ProxyPass "/heat-api-cfn" "http://127.0.0.1:9000" retry=0', 1),
        ("httpd/heat.conf", "HL303", 'ProxyPass "/heat-api" "http://127.0.0.1:8004" retry=0', 1)]
    assert all("line" not in e for e in data["findings"])  # never keyed by line number


def test_baselined_findings_are_not_reported(tmp_path):
    root = tree(tmp_path)
    baseline = tmp_path / "base.json"
    check(str(root), "--write-baseline", str(baseline))
    status, report, result = check(str(root), "--baseline", str(baseline))
    assert status == 0 and report["findings"] == [] and report["summary"]["failed"] is False
    text = CliRunner().invoke(main, ["check", str(root), *SELECT, "--baseline", str(baseline)])
    assert text.exit_code == 0 and "2 finding(s) in the baseline not shown" in text.stdout


def test_lines_inserted_above_keep_findings_baselined_and_a_new_finding_is_reported(tmp_path):
    root = tree(tmp_path)
    baseline = tmp_path / "base.json"
    check(str(root), "--write-baseline", str(baseline))
    edited = ("# a comment\nServerName heat.example.org\n\n" + APACHE.replace("ProxyPass", "  ProxyPass  ", 1)
              + 'ProxyPass "/orchestration" "http://127.0.0.1:9100" retry=0\n')
    tree(root, edited)
    status, report, _ = check(str(root), "--baseline", str(baseline))
    assert status == 1
    (new,) = report["findings"]  # the two old ones moved down 3 lines and are still recognised
    assert (new["code"], new["line"]) == ("HL301", 7) and "9100" in new["message"]
    without = check(str(root))[1]
    assert sorted(f["line"] for f in without["findings"]) == [5, 6, 7]


def test_changing_the_offending_line_or_repeating_it_makes_a_new_finding(tmp_path):
    root = tree(tmp_path)
    baseline = tmp_path / "base.json"
    check(str(root), "--write-baseline", str(baseline))
    tree(root, APACHE.replace("9000", "9001"))
    status, report, _ = check(str(root), "--baseline", str(baseline))
    assert status == 1 and [(f["code"], f["line"]) for f in report["findings"]] == [("HL301", 3)]
    tree(root, APACHE + 'ProxyPass "/heat-api-cfn" "http://127.0.0.1:9000" retry=0\n')  # a second one
    status, report, _ = check(str(root), "--baseline", str(baseline))
    assert status == 1 and [(f["code"], f["line"]) for f in report["findings"]] == [("HL301", 4)]


def test_baseline_paths_do_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    root = tree(tmp_path / "repo")
    monkeypatch.chdir(tmp_path)
    check("repo", "--write-baseline", "repo/base.json")
    monkeypatch.chdir(root)
    status, report, _ = check(".", "--baseline", "base.json")
    assert status == 0 and report["findings"] == []
    status, report, _ = check(str(root), "--baseline", str(root / "base.json"))  # absolute paths
    assert status == 0 and report["findings"] == []


def test_write_baseline_with_an_old_baseline_records_everything(tmp_path):
    root = tree(tmp_path)
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    tree(root, APACHE.splitlines(keepends=True)[1])  # only the HL303 line
    check(str(root), "--write-baseline", str(old))
    tree(root)
    status, report, _ = check(str(root), "--baseline", str(old), "--write-baseline", str(new))
    assert status == 0 and codes(report) == ["HL301"]  # the report shows what is new
    assert len(json.loads(new.read_text())["findings"]) == 2  # the new baseline holds both


def test_unusable_baselines_exit_two(tmp_path):
    root = tree(tmp_path)
    status, _, result = check(str(root), "--baseline", str(tmp_path / "missing.json"))
    assert status == 2 and "cannot read the baseline" in result.stderr
    for text in ("not json", '{"findings": []}', '{"heatlint-baseline": 1, "findings": [{"path": 1}]}',
                 '{"heatlint-baseline": 1, "findings": [{"path": "a", "code": "HL301", '
                 '"anchor": "x", "occurrence": "1"}]}'):
        (tmp_path / "bad.json").write_text(text)
        status, _, result = check(str(root), "--baseline", str(tmp_path / "bad.json"))
        assert status == 2 and "bad.json" in result.stderr
    (tmp_path / "blocker").write_text("a file where a folder should be")
    status, _, result = check(str(root), "--write-baseline", str(tmp_path / "blocker" / "base.json"))
    assert status == 2 and "cannot write the baseline" in result.stderr
