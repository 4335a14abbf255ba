"""heatlint never runs, writes or leaks anything it reads (issue 8, items 3 and 4)."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from heatlint.cli import main
from heatlint.pipeline import check_paths
from heatlint.redact import redact

HOSTILE = {
    "etc/apache2/apache2.conf": (
        "IncludeOptional sites-enabled/*.conf\n"
        'CustomLog "|/usr/bin/rotatelogs -l /tmp/heatlint-pwned-rotatelogs 86400" combined\n'
        'ErrorLog "|/bin/touch /tmp/heatlint-pwned-errorlog"\n'
        "RewriteMap lower prg:/bin/touch /tmp/heatlint-pwned-rewritemap\n"
        'Include "|/bin/touch /tmp/heatlint-pwned-include"\n'),
    "etc/apache2/sites-enabled/heat.conf": (
        'ProxyPass "/heat-api" "http://heat:S3cr3tPass@127.0.0.1:80999/" retry=0\n'),
    "etc/heat/heat-api-uwsgi.ini": (
        "[uwsgi]\n"
        "http-socket = 127.0.0.1:8004\n"
        "password = hunter2-uwsgi\n"
        "env = DB=@(exec:///bin/touch /tmp/heatlint-pwned-uwsgi)\n"
        "hook-pre-app = exec:/bin/touch /tmp/heatlint-pwned-hook\n"
        "admin_token = tok-ABCDEF123\n"),
    "etc/heat/heat.conf": (
        "[database]\nconnection = mysql+pymysql://heat:DbPassw0rd@db/heat\n"
        "[DEFAULT]\nheat_waitcondition_server_url = http://u:UrlPassw0rd@controller/nowhere\n"),
}
SECRETS = ("S3cr3tPass", "hunter2-uwsgi", "tok-ABCDEF123", "DbPassw0rd", "UrlPassw0rd")


def build(root: Path) -> Path:
    for name, text in HOSTILE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def snapshot(root: Path) -> dict:
    state = {}
    for path in sorted(root.rglob("*")):
        st = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        state[str(path.relative_to(root))] = (st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return state


def test_no_process_is_started_and_nothing_is_written(tmp_path, monkeypatch):
    root = build(tmp_path / "root")
    before = snapshot(root)

    def refuse(*args, **kwargs):
        raise AssertionError(f"heatlint tried to run something: {args!r}")

    for name in ("system", "popen", "execv", "execve", "execvp", "execvpe", "execl", "execlp",
                 "spawnv", "spawnve", "posix_spawn", "posix_spawnp", "fork"):
        if hasattr(os, name):
            monkeypatch.setattr(os, name, refuse)
    monkeypatch.setattr(subprocess, "Popen", refuse)
    report = check_paths([str(root)])
    assert report.findings  # it did check something
    assert snapshot(root) == before
    assert not list(Path("/tmp").glob("heatlint-pwned-*"))


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_reports_never_print_secrets(tmp_path, fmt):
    root = build(tmp_path / "root")
    result = CliRunner().invoke(main, ["check", str(root), "--format", fmt])
    assert result.exit_code == 1, result.output
    assert "****" in result.output
    for secret in SECRETS:
        assert secret not in result.output, f"{secret} leaked into the {fmt} report"


def test_baseline_files_never_hold_secrets(tmp_path):
    root = build(tmp_path / "root")
    baseline = tmp_path / "baseline.json"
    CliRunner().invoke(main, ["check", str(root), "--write-baseline", str(baseline)])
    text = baseline.read_text()
    assert text and not any(secret in text for secret in SECRETS)


@pytest.mark.parametrize("text,masked", [
    ("mysql+pymysql://heat:secret@db/heat", "mysql+pymysql://heat:****@db/heat"),
    ('ProxyPass /x "http://a:b@h:1/"', 'ProxyPass /x "http://a:****@h:1/"'),
    ("password = hunter2", "password = ****"),
    ("admin_token=abc", "admin_token=****"),
    ("SSLPassPhraseDialog exec:/x", "SSLPassPhraseDialog exec:/x"),
    ("ProxyPass /heat-api http://127.0.0.1:8004", "ProxyPass /heat-api http://127.0.0.1:8004"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
     "-----BEGIN PRIVATE KEY----- ****"),
])
def test_redaction(text, masked):
    assert redact(text) == masked


def test_kept_runs_never_hold_secrets(tmp_path, monkeypatch):
    """The run cache keeps findings as reported (masked) and, of what was read, only digests."""
    root = build(tmp_path / "root")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    CliRunner().invoke(main, ["check", str(root)])
    [kept] = (tmp_path / "cache" / "heatlint" / "runs").iterdir()
    data = kept.read_bytes()
    assert b"****" in data
    assert not any(secret.encode() in data for secret in SECRETS)
