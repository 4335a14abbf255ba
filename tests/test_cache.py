"""The parse cache and parallel parsing never change a result (heatlint/parse/cache.py).

Speed is measured by benchmarks/run.py, never here: these tests only compare reports.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from heatlint.cli import main
from heatlint.parse import cache
from heatlint.pipeline import check_paths
from heatlint.report import render

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate  # noqa: E402

EXAMPLES = [str(ROOT / "examples" / name) for name in ("heat-broken", "heat-working")]


@pytest.fixture
def xdg(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("bench") / "tree-40"
    generate(40, out)
    return str(out)


@pytest.fixture
def parse_only(monkeypatch) -> None:
    """No run is served whole from the run cache (heatlint/runcache.py): each parses, and the
    parse cache is what these tests are about."""
    from heatlint import runcache

    monkeypatch.setattr(runcache, "load", lambda key: None)


def report(*args: str) -> str:
    result = CliRunner().invoke(main, ["check", *args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return result.output


def db(home: Path) -> Path:
    return home / "heatlint" / cache.DB_NAME


def test_a_cached_run_reports_exactly_what_an_uncached_one_does(xdg, tree, parse_only):
    for paths in ([tree], EXAMPLES):
        fresh = report(*paths, "--no-cache")
        first = report(*paths)  # fills the cache
        second = report(*paths)  # every parse from the cache
        assert first == fresh and second == fresh
    entries = sqlite3.connect(db(xdg)).execute("SELECT COUNT(*) FROM entry").fetchone()[0]
    assert entries > 40


def test_the_cache_lives_only_in_its_folder(xdg, tree, tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    report(tree)
    assert sorted(p.name for p in home.iterdir()) == []
    assert db(xdg).is_file()
    assert stat.S_IMODE(os.stat(xdg / "heatlint").st_mode) == 0o700
    # Without XDG_CACHE_HOME: ~/.cache/heatlint.
    monkeypatch.delenv("XDG_CACHE_HOME")
    report(tree)
    assert (home / ".cache" / "heatlint" / cache.DB_NAME).is_file()


def test_no_cache_reads_and_writes_nothing(xdg, tree):
    report(tree, "--no-cache")
    assert not xdg.exists()


def test_a_damaged_entry_is_ignored_and_rewritten(xdg, tree, parse_only):
    fresh = report(tree, "--no-cache")
    report(tree)
    with sqlite3.connect(db(xdg)) as conn:
        keys = [k for (k,) in conn.execute("SELECT key FROM entry ORDER BY key LIMIT 20")]
        conn.execute("UPDATE entry SET payload = X'00' WHERE key = ?", (keys[0],))  # digest fails
        conn.execute("UPDATE entry SET payload = X'80', digest = ? WHERE key = ?",  # digest passes,
                     (cache._digest(b"\x80"), keys[1]))  # the pickle does not load
    assert report(tree) == fresh
    with sqlite3.connect(db(xdg)) as conn:
        for key in keys[:2]:
            digest, payload = conn.execute("SELECT digest, payload FROM entry WHERE key = ?",
                                           (key,)).fetchone()
            assert digest == cache._digest(payload) and len(payload) > 100
    assert report(tree) == fresh


def test_a_database_that_is_not_one_is_replaced(xdg, tree, parse_only):
    fresh = report(tree, "--no-cache")
    db(xdg).parent.mkdir(parents=True, mode=0o700)
    db(xdg).write_bytes(b"this is not SQLite" * 100)
    assert report(tree) == fresh
    assert sqlite3.connect(db(xdg)).execute("SELECT COUNT(*) FROM entry").fetchone()[0] > 40
    assert report(tree) == fresh


def test_a_damaged_parser_file_is_rebuilt(xdg, tree):
    import shutil
    import subprocess

    def run() -> str:  # a new process each time: Lark parsers are built once per process
        out = subprocess.run([sys.executable, "-m", "heatlint", "check", tree, "--format", "json"],
                             capture_output=True, text=True, env=dict(os.environ))
        assert out.returncode in (0, 1), out.stderr
        return out.stdout

    fresh = report(tree, "--no-cache")
    assert run() == fresh
    grammars = sorted((xdg / "heatlint").glob("grammar-*.pickle"))
    assert [g.name.split("-")[1] for g in grammars] == ["apache", "uwsgi"]
    (xdg / "heatlint" / cache.DB_NAME).unlink()  # so that the next run parses again
    shutil.rmtree(xdg / "heatlint" / "runs")  # and does not reuse the whole run
    for g in grammars:
        g.write_bytes(g.read_bytes()[:100])
    assert run() == fresh
    assert all(len(g.read_bytes()) > 1000 for g in grammars)


def test_a_folder_others_may_write_to_is_not_used(xdg, tree):
    (xdg / "heatlint").mkdir(parents=True)
    os.chmod(xdg / "heatlint", 0o777)
    report(tree)
    assert not db(xdg).exists()


def test_a_changed_file_is_parsed_again(xdg, tree, tmp_path, parse_only):
    import shutil

    copy = tmp_path / "tree"
    shutil.copytree(tree, copy, symlinks=True)
    before = json.loads(report(str(copy)))
    site = copy / "etc/apache2/sites-available/svc00000.conf"
    site.write_text(site.read_text().replace("</VirtualHost>", "ProxyPass /x http://127.0.0.1:1/\n"
                                             "</VirtualHost>"))
    after = json.loads(report(str(copy)))
    assert after == json.loads(report(str(copy), "--no-cache"))
    assert after != before


def _run(paths: list[str], **kwargs) -> str:
    return render("json", check_paths(paths, **kwargs))


def test_parsing_in_worker_processes_gives_the_serial_result(xdg, tree, monkeypatch):
    if not cache._can_fork():
        pytest.skip("workers are forked on Linux only")
    serial = _run([tree], jobs=1)
    seen = []
    prefetch, close = cache.Session.prefetch, cache.Session.close

    def prefetch_and_wait(self, target):
        prefetch(self, target)
        self.drain()  # every file parsed by a worker before the resolver asks for it

    def close_and_count(self):
        seen.append(dict(self.stats))
        close(self)

    monkeypatch.setattr(cache, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(cache.Session, "prefetch", prefetch_and_wait)
    monkeypatch.setattr(cache.Session, "close", close_and_count)
    assert _run([tree], jobs=2) == serial
    assert seen[-1]["from workers"] > 40 and seen[-1]["cached"] > 40
    # With the disk cache as well: the workers fill it, and the next run reads it.
    assert _run([tree], jobs=3, cache=True) == serial
    assert _run([tree], jobs=3, cache=True) == serial
    assert seen[-1]["parsed"] == 0
    for paths in (EXAMPLES, [str(ROOT / "examples" / "heat-broken" / "etc" / "heat")]):
        assert _run(paths, jobs=2) == _run(paths, jobs=1)


def test_looking_ahead_reports_nothing_the_resolver_does_not_meet(xdg, tree, tmp_path, monkeypatch):
    """The workers' file list comes from a walk of the ServerRoot: a link there that loops, or a
    link stored as text, in a folder httpd never includes, is no finding of a serial run and must
    not become one of a parallel run."""
    import shutil

    if not cache._can_fork():
        pytest.skip("workers are forked on Linux only")
    copy = tmp_path / "tree"
    shutil.copytree(tree, copy, symlinks=True)
    unused = copy / "etc/apache2/unused"
    unused.mkdir()
    os.symlink("loop.conf", unused / "loop.conf")
    (unused / "text.conf").write_text("../sites-available/svc00000.conf")
    monkeypatch.setattr(cache, "PARALLEL_MIN_BYTES", 0)
    serial = _run([str(copy)], jobs=1)
    assert _run([str(copy)], jobs=2) == serial
    assert "unused" not in serial


def test_the_resolver_waits_for_the_workers_instead_of_parsing_again(xdg, tree, monkeypatch):
    """Workers parse in the order the resolver reads; it takes each file from them (parsing it
    a second time would be the waste parallel parsing is there to avoid)."""
    if not cache._can_fork():
        pytest.skip("workers are forked on Linux only")
    serial = _run([tree], jobs=1)
    seen = []
    close = cache.Session.close

    def close_and_count(self):
        seen.append(dict(self.stats))
        close(self)

    monkeypatch.setattr(cache, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(cache.Session, "close", close_and_count)
    assert _run([tree], jobs=2) == serial
    assert seen[-1]["parsed"] == 0 and seen[-1]["from workers"] > 80


@pytest.mark.parametrize("idle_share, cpus, wanted", [
    (0.5, 2, 2),  # this process busy, the other CPU idle: a worker per CPU
    (0.0, 2, 0),  # every CPU busy since heatlint started: parse here
    (0.75, 4, 4),  # two idle besides this one, and this one's own
    (0.25, 4, 2),  # one idle, two busy with something else: that one, and this one's own
    (1.0, 16, 8),  # never more than 8
])
def test_jobs_auto_counts_the_cpus_idle_since_heatlint_started(monkeypatch, idle_share, cpus, wanted):
    monkeypatch.setattr(cache, "_STARTED_CPU", (0, 0))
    monkeypatch.setattr(cache, "_cpu_times", lambda: (int(1000 * idle_share), 1000))
    monkeypatch.setattr(cache.os, "cpu_count", lambda: cpus)
    monkeypatch.setattr(cache, "default_jobs", lambda: min(cpus, 8))
    assert cache.Session(use_cache=False).workers_wanted() == wanted
    assert cache.Session(use_cache=False, jobs=3).workers_wanted() == 2  # --jobs 3: as asked


def test_parse_results_load_as_they_were_stored():
    """Parse results are pickled as constructor calls (heatlint.source.pickled_by_constructor):
    every field comes back, those that do not take part in comparisons too."""
    import pickle

    from heatlint.parse.apache import parse_text as parse_apache
    from heatlint.parse.uwsgi import parse_text as parse_uwsgi

    apache = parse_apache("# heatlint: disable=HL301\n<VirtualHost *:80>\n  ProxyPass / http://x/\n"
                          "</VirtualHost>\n<Broken\n", "a.conf")
    ini = parse_uwsgi("[uwsgi]\nsocket = /run/x.sock\nmaster\n= odd\n", "a.ini")
    for result in (apache, ini):
        loaded = pickle.loads(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        assert repr(loaded) == repr(result) and loaded == result
    section = pickle.loads(pickle.dumps(apache)).nodes[0]
    assert section.children[0].location.text == "  ProxyPass / http://x/"
    assert pickle.loads(pickle.dumps(apache)).problems == apache.problems != []
    [suppression] = pickle.loads(pickle.dumps(apache)).suppressions
    assert (suppression.rules, suppression.target_line) == (("HL301",), 2)


def test_jobs_must_be_a_number_or_auto():
    for bad in ("0", "-1", "many"):
        result = CliRunner().invoke(main, ["check", EXAMPLES[0], "--jobs", bad])
        assert result.exit_code == 2 and "--jobs" in result.output
    assert CliRunner().invoke(main, ["check", EXAMPLES[1], "--jobs", "auto"]).exit_code == 0
    assert CliRunner().invoke(main, ["check", EXAMPLES[1], "-j", "2"]).exit_code == 0


def test_rule_plugins_are_found_without_reading_every_distribution(tmp_path, monkeypatch):
    from heatlint.check import engine

    assert engine._plugin_entry_points() == []  # no installed distribution declares one
    dist = tmp_path / "heatlint_demo_rule-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: heatlint-demo-rule\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[heatlint.rules]\ndemo = heatlint_demo_rule\n")
    (tmp_path / "heatlint_demo_rule.py").write_text(
        '"""A demo rule."""\nCODE = "XX901"\nNAME = "demo"\nSEVERITY = "info"\nSUMMARY = "demo"\n'
        "def check(deployment):\n    return []\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert [ep.name for ep in engine._plugin_entry_points()] == ["demo"]
    assert "XX901" in [r.code for r in engine.load_rules()]


def test_the_store_keeps_to_its_size_by_dropping_the_least_recently_used(tmp_path, monkeypatch):
    store = cache.Store.open(str(tmp_path))
    old = {bytes([i]) * 20: b"x" * 5000 for i in range(40)}
    store.put_many(old, [])
    store.db.execute("UPDATE entry SET day = day - 3")
    monkeypatch.setattr(cache, "MAX_BYTES", 150_000)
    new = {bytes([100 + i]) * 20: b"y" * 5000 for i in range(20)}
    store.put_many(new, [])
    left = {k for (k,) in store.db.execute("SELECT key FROM entry")}
    assert set(new) <= left and not left & set(old)
    assert store.get_many(list(new))[next(iter(new))][0] == b"y" * 5000
