"""A run over an unchanged tree reports the kept findings; any change it would see runs it again
(heatlint/runcache.py, heatlint/observe.py).

Each test compares with a --no-cache run of the same tree: the run cache may only ever say what a
full run says.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from heatlint import observe, pipeline, runcache
from heatlint.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "heat-broken"


@pytest.fixture
def xdg(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.fixture
def tree(tmp_path) -> Path:
    copy = tmp_path / "tree"
    shutil.copytree(EXAMPLE, copy, symlinks=True)
    return copy


def report(*args: str) -> dict:
    result = CliRunner().invoke(main, ["check", *map(str, args), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def runs(xdg: Path) -> list[Path]:
    folder = xdg / "heatlint" / "runs"
    return sorted(folder.iterdir()) if folder.is_dir() else []


@pytest.fixture
def no_full_run(monkeypatch):
    """After this, a run that is not served whole from the run cache fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("the run was checked again instead of reused")
    return lambda: monkeypatch.setattr(pipeline, "_check", refuse)


def test_an_unchanged_tree_is_served_whole_with_the_same_findings(xdg, tree, no_full_run):
    fresh = report(tree, "--no-cache")
    assert report(tree) == fresh
    assert len(runs(xdg)) == 1
    no_full_run()
    assert report(tree) == fresh
    assert report(tree) == fresh


def _same_size_edit(tree: Path) -> None:
    """Change a file's contents but not its size, and put its mtime back: only ctime tells."""
    ini = tree / "etc/heat/heat-api-uwsgi.ini"
    st = ini.stat()
    text = ini.read_text()
    assert "heat-api.socket" in text
    ini.write_text(text.replace("heat-api.socket", "heat-api.sockex"))
    os.utime(ini, ns=(st.st_atime_ns, st.st_mtime_ns))


def _new_link(tree: Path) -> None:
    """A module enabled: a new entry in a folder httpd includes by wildcard."""
    os.symlink("../mods-available/proxy_uwsgi.load", tree / "etc/apache2/mods-enabled/proxy_uwsgi.load")


def _link_removed(tree: Path) -> None:
    (tree / "etc/apache2/sites-enabled/heat-api.conf").unlink()


def _link_retargeted(tree: Path) -> None:
    link = tree / "etc/apache2/sites-enabled/heat-api.conf"
    link.unlink()
    os.symlink("../sites-available/heat-api-cfn.conf", link)


def _new_ini(tree: Path) -> None:
    (tree / "etc/heat/extra-uwsgi.ini").write_text("[uwsgi]\nsocket = /var/run/uwsgi/heat-api.sock\n")


@pytest.mark.parametrize("change", [_same_size_edit, _new_link, _link_removed, _link_retargeted,
                                    _new_ini])
@pytest.mark.parametrize("new_files", [True, False], ids=["files-new", "files-old"])
def test_a_change_to_what_the_run_read_is_seen(xdg, tree, change, new_files, monkeypatch):
    """files-new: the copy was just made, so contents are kept as digests; files-old: as if the
    tree were older than the racy window, so only stat answers can tell."""
    if not new_files:
        monkeypatch.setattr(observe, "RACY_NS", -10 ** 12)
    before = report(tree)
    report(tree)  # served from the run cache
    change(tree)
    after = report(tree)
    assert after == report(tree, "--no-cache")
    assert after != before  # the change mattered, so reusing the old run would have been wrong


def test_another_configuration_is_another_run(xdg, tree):
    assert report(tree) == report(tree, "--no-cache")
    ignoring = report(tree, "--ignore", "HL401")
    assert ignoring == report(tree, "--ignore", "HL401", "--no-cache")
    assert {f["code"] for f in ignoring["findings"]} == \
        {f["code"] for f in report(tree)["findings"]} - {"HL401"}
    assert len(runs(xdg)) == 2


def test_a_damaged_entry_is_ignored_and_replaced(xdg, tree):
    fresh = report(tree, "--no-cache")
    report(tree)
    [entry] = runs(xdg)
    data = bytearray(entry.read_bytes())
    data[-10] ^= 0xFF
    entry.write_bytes(bytes(data))
    assert report(tree) == fresh
    assert entry.read_bytes() != bytes(data)  # written again, whole
    entry.write_bytes(b"not a run")
    assert report(tree) == fresh


def test_a_run_cut_short_by_the_timeout_is_not_kept(xdg, tree, monkeypatch):
    from heatlint.limits import Budget

    monkeypatch.setattr(Budget, "expired", lambda self: True)
    report(tree)
    assert runs(xdg) == []


def test_no_cache_neither_reads_nor_keeps_runs(xdg, tree, no_full_run):
    report(tree, "--no-cache")
    assert runs(xdg) == []


def test_only_the_newest_entries_are_kept(xdg, tree, monkeypatch):
    monkeypatch.setattr(runcache, "KEEP", 2)
    for code in ("HL401", "HL402", "HL302"):
        report(tree, "--ignore", code)
    assert len(runs(xdg)) == 2


def _record_read(path: Path) -> dict:
    recorder = observe.start()
    try:
        fd = observe.open_file(str(path))
        try:
            observe.read(fd, str(path), 100, observe.fstat(fd, str(path)))
        finally:
            os.close(fd)
    finally:
        observe.stop()
    return recorder.answers()


def test_contents_changed_within_the_clock_tick_are_compared_by_digest(tmp_path, monkeypatch):
    """git's racy case: a file rewritten right after it was read may keep its size and
    timestamps. The contents of a file new at the recording are kept as a digest and compared;
    an older file is trusted on its stat, which a later change always alters (ctime)."""
    f = tmp_path / "a.conf"
    f.write_text("Listen 80\n")
    answers = _record_read(f)
    assert list(answers["reads"]) == [(str(f), 100)] and observe.unchanged(answers)
    answers["reads"] = {key: b"\0" * 16 for key in answers["reads"]}  # as if rewritten in the tick
    assert not observe.unchanged(answers)

    monkeypatch.setattr(observe, "RACY_NS", -10 ** 12)  # the file is older than the recording
    answers = _record_read(f)
    assert answers["reads"] == {} and observe.unchanged(answers)
    f.write_text("Listen 81\n")
    assert not observe.unchanged(answers)  # a new ctime, whatever the contents


def test_a_cache_folder_others_may_write_to_keeps_no_runs(xdg, tree):
    (xdg / "heatlint").mkdir(parents=True)
    os.chmod(xdg / "heatlint", 0o777)
    assert report(tree) == report(tree, "--no-cache")
    assert not (xdg / "heatlint" / "runs").exists()


def test_a_working_folder_that_is_gone_is_a_usage_error(xdg, tree, tmp_path, monkeypatch):
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    result = CliRunner().invoke(main, ["check", str(tree)])
    assert result.exit_code == 2 and "current folder no longer exists" in result.output
    assert "Traceback" not in result.output and runs(xdg) == []


def test_changed_only_runs_are_kept_per_list_of_changed_files(xdg, tmp_path):
    """The pre-commit hook's run: the changed files are part of what a kept run answers for."""
    folder = tmp_path / "repo"
    for name in ("heat-broken", "heat-working"):
        shutil.copytree(EXAMPLE.parent / name, folder / name, symlinks=True)
    ini = "etc/heat/heat-api-uwsgi.ini"
    broken = ("--changed-only", folder / "heat-broken" / ini, folder)
    working = ("--changed-only", folder / "heat-working" / ini, folder)
    first = report(*broken)
    assert first == report(*broken) == report(*broken, "--no-cache")
    assert first["findings"] and report(*working) == report(*working, "--no-cache")
    assert report(*working)["findings"] == [] and len(runs(xdg)) == 2
