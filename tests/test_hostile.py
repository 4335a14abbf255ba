"""Hostile file systems (issue 8): heatlint never crashes, never hangs, never reads outside the tree
it checks, and says what it could not check.

Each test builds a tree that a careless or malicious checkout could hold (FIFOs, sockets, devices,
link loops, links out of the tree, unreadable files, folders where files belong, binary and
Latin-1 files, CRLF, a 200 MB file, 100,000-character lines, 10,000 nested sections, a wildcard
matching 100,000 files) and checks what heatlint reports. A watchdog ends the test run with a
traceback if anything hangs (faulthandler, which leaves SIGALRM to heatlint's own time limit).
"""

from __future__ import annotations

import builtins
import faulthandler
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from heatlint.check import load_rules
from heatlint.cli import main
from heatlint.config import Config
from heatlint.limits import Limits
from heatlint.pipeline import check_paths

HERE = Path(__file__).parent
EXAMPLES = HERE.parent / "examples"
RULES = load_rules()
APACHE2_CONF = "IncludeOptional mods-enabled/*.load\nIncludeOptional conf-enabled/*.conf\n" \
               "IncludeOptional sites-enabled/*.conf\n"


@pytest.fixture(autouse=True)
def watchdog():
    faulthandler.dump_traceback_later(300, exit=True)  # a hang fails loudly instead of forever
    yield
    faulthandler.cancel_dump_traceback_later()


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def link(root: Path, entry: str, target: str) -> None:
    (root / entry).parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, root / entry)


def check(path, limits: Limits | None = None):
    config = Config(limits=limits or Limits())
    return check_paths([str(path)], RULES, config).findings


def at(findings, code: str) -> dict[str, str]:
    """{reported path: message} of one rule's findings."""
    return {f.location.path: f.message for f in findings if f.code == code}


@pytest.fixture
def opened(monkeypatch):
    """Every path heatlint opens, by os.open or open()."""
    seen: list[str] = []
    real_os_open, real_open = os.open, builtins.open

    def os_open(path, *args, **kwargs):
        seen.append(os.path.abspath(os.fsdecode(path)) if isinstance(path, (str, bytes)) else str(path))
        return real_os_open(path, *args, **kwargs)

    def py_open(file, *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)):
            seen.append(os.path.abspath(os.fsdecode(file)))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", os_open)
    monkeypatch.setattr(builtins, "open", py_open)
    return seen


def make_socket(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    here = os.getcwd()
    os.chdir(path.parent)  # a socket path is limited to 108 bytes: bind by a short relative name
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.bind(path.name)
    finally:
        os.chdir(here)


def make_device(path: Path) -> bool:
    """A character device like /dev/zero (reading it never ends); False without CAP_MKNOD."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.mknod(path, stat.S_IFCHR | 0o644, os.makedev(1, 5))
    except (PermissionError, AttributeError):
        return False
    return True


# -- FIFOs, sockets, devices ------------------------------------------------------------------

def test_fifos_sockets_and_devices_are_reported_and_never_opened(tmp_path, opened):
    root = write(tmp_path / "root", {
        "etc/apache2/apache2.conf": APACHE2_CONF + "Include /etc/apache2/pipe.conf\n",
        "etc/apache2/sites-available/ok.conf": "KeepAlive On\n",
        "loose/httpd/ok.conf": "KeepAlive On\n",
    })
    special = {
        "etc/apache2/pipe.conf": os.mkfifo,  # Include of a path that is a FIFO
        "etc/apache2/sites-enabled/heat.conf": make_socket,
        "etc/heat/heat-api-uwsgi.ini": os.mkfifo,  # a uwsgi ini that is a FIFO
        "etc/apache2/envvars": os.mkfifo,
        "loose/httpd/pipe.conf": os.mkfifo,  # loose folders too
        "loose/uwsgi/app.ini": make_socket,
    }
    for name, make in special.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        make(root / name)
    devices = [name for name in ("etc/apache2/conf-enabled/zero.conf", "loose/httpd/zero.conf")
               if make_device(root / name)]
    findings = check(root) + check(root / "loose")
    unreadable = at(findings, "HL003")
    expected = {"etc/apache2/pipe.conf": "named pipe (FIFO)",
                "etc/apache2/sites-enabled/heat.conf": "socket",
                "etc/heat/heat-api-uwsgi.ini": "named pipe (FIFO)",
                "loose/httpd/pipe.conf": "named pipe (FIFO)", "loose/uwsgi/app.ini": "socket",
                **{name: "character device" for name in devices}}
    for name, kind in expected.items():
        shown = str(root / name)
        assert kind in unreadable.get(shown, ""), (name, unreadable)
        assert "did not open it" in unreadable[shown]
    # envvars, which apache2ctl sources, too
    assert "named pipe" in unreadable[str(root / "etc/apache2/envvars")]
    assert not set(opened) & {str(root / n) for n in [*special, *devices]}


# -- symbolic links ---------------------------------------------------------------------------

def test_symlink_loops_end_and_are_reported(tmp_path):
    root = write(tmp_path / "root", {
        "etc/apache2/apache2.conf": APACHE2_CONF + "Include conf.d/\nIncludeOptional loop-*.conf\n",
        "etc/apache2/conf.d/a.conf": "KeepAlive On\n",
        "loose/x.conf": "KeepAlive On\n",
    })
    link(root, "etc/apache2/sites-enabled/self.conf", "self.conf")
    link(root, "etc/apache2/sites-enabled/ping.conf", "pong.conf")
    link(root, "etc/apache2/sites-enabled/pong.conf", "ping.conf")
    link(root, "etc/apache2/loop-abs.conf", "/etc/apache2/loop-abs.conf")
    link(root, "etc/apache2/conf.d/again", ".")  # Include conf.d/ reads folders: it goes round
    link(root, "etc/heat/app-uwsgi.ini", "app-uwsgi.ini")
    link(root, "loose/sub/up", "..")  # a loose folder whose walk could go round forever
    link(root, "loose/y.conf", "y.conf")
    start = time.monotonic()
    findings = check(root) + check(root / "loose")
    assert time.monotonic() - start < 60
    loops = at(findings, "HL003")
    for name in ("sites-enabled/self.conf", "sites-enabled/ping.conf", "loop-abs.conf"):
        assert "loop of symbolic links" in loops[str(root / "etc/apache2" / name)], loops
    assert "loop of symbolic links" in loops[str(root / "etc/heat/app-uwsgi.ini")]
    # httpd refuses the folder that includes itself, as heatlint says (HL004, at the Include)
    assert any("nesting level" in f.message or "loop" in f.message for f in findings if f.code == "HL004")


SECRET = "SECRET-OUTSIDE-THE-TREE"


def test_nothing_outside_the_checked_tree_is_ever_read(tmp_path, opened):
    outside = write(tmp_path / "outside", {"secret.conf": f'ProxyPass "/{SECRET}" "http://127.0.0.1:1"\n',
                                           "secret.ini": f"[uwsgi]\nhttp-socket = :1\n# {SECRET}\n"})
    secret = str(outside / "secret.conf")
    root = write(tmp_path / "root", {
        "etc/apache2/apache2.conf": APACHE2_CONF + f"IncludeOptional {secret}\n"
                                    f"IncludeOptional {outside}/*.conf\n",
        "srv/apache2/apache2.conf": APACHE2_CONF,  # a ServerRoot checked on its own
    })
    link(root, "etc/apache2/sites-enabled/abs.conf", secret)  # absolute: means rootfs/<that path>
    link(root, "etc/apache2/sites-enabled/up.conf", "../" * 30 + secret.lstrip("/"))  # '..' stops at root
    link(root, "etc/heat/app-uwsgi.ini", str(outside / "secret.ini"))
    link(root, "srv/apache2/sites-enabled/out.conf", os.path.relpath(secret, root / "srv/apache2/sites-enabled"))
    link(root, "loose/httpd/out.conf", os.path.relpath(secret, root / "loose/httpd"))
    link(root, "loose/uwsgi/out.ini", str(outside / "secret.ini"))
    write(root, {"loose/httpd/in.conf": "KeepAlive On\n"})

    findings = check(root) + check(root / "srv/apache2") + check(root / "loose")
    assert not [p for p in opened if p.startswith(str(outside))], "read outside the checked tree"
    assert SECRET not in json.dumps([f.message for f in findings])
    out = at(findings, "HL009")
    for name in ("srv/apache2/sites-enabled/out.conf", "loose/httpd/out.conf", "loose/uwsgi/out.ini"):
        assert "outside the checked tree" in out[str(root / name)], out
    # inside a whole system root, no link leads out: they resolve inside it, as on that host
    assert not [p for p in out if p.startswith(str(root / "etc"))]
    assert not [f for f in findings if f.code == "HL202" and "srv" in f.location.path]  # not "dangling"
    result = CliRunner().invoke(main, ["dump", str(root)])
    assert result.exit_code == 0 and SECRET not in result.output


# -- permissions ------------------------------------------------------------------------------

def as_nobody(run) -> dict:
    """``run()`` in a child process that is not root (root reads everything, so CI, which runs as
    root, must drop): a fork, so no interpreter has to be found by the unprivileged user."""
    import pwd
    import traceback

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop privileges, run, report, and never return into pytest
        try:
            os.close(read_end)
            if os.geteuid() == 0:
                user = pwd.getpwnam("nobody")
                os.setgroups([])
                os.setgid(user.pw_gid)
                os.setuid(user.pw_uid)
            answer = {"result": run()}
        except BaseException:
            answer = {"error": traceback.format_exc()}
        with os.fdopen(write_end, "w") as out:
            json.dump(answer, out)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as answer:
        text = answer.read()
    os.waitpid(pid, 0)
    answer = json.loads(text)
    assert "error" not in answer, answer["error"]
    return answer["result"]


def test_unreadable_files_when_not_root():
    # A folder the unprivileged user may enter (pytest's tmp_path is private to root).
    base = Path(tempfile.mkdtemp(prefix="heatlint-hostile-"))
    try:
        os.chmod(base, 0o755)
        root = write(base / "root", {
            "etc/apache2/apache2.conf": APACHE2_CONF + "IncludeOptional conf-available/locked/*.conf\n",
            "etc/apache2/sites-available/heat-api.conf": 'ProxyPass "/heat-api" "http://127.0.0.1:8004"\n',
            "etc/apache2/conf-available/locked/x.conf": "KeepAlive On\n",
            "etc/heat/heat-api-uwsgi.ini": "[uwsgi]\nhttp-socket = 127.0.0.1:8004\n",
            "etc/php/php.ini": "[PHP]\n",
        })
        link(root, "etc/apache2/sites-enabled/heat-api.conf", "../sites-available/heat-api.conf")
        for folder in [p for p in root.rglob("*") if p.is_dir()] + [root]:
            os.chmod(folder, 0o755)
        for name in ("etc/apache2/sites-available/heat-api.conf", "etc/heat/heat-api-uwsgi.ini",
                     "etc/php/php.ini", "etc/apache2/conf-available/locked"):
            os.chmod(root / name, 0)

        def run():
            result = CliRunner().invoke(main, ["check", str(root), "--format", "json"])
            return {"status": result.exit_code, "output": result.output}

        answer = as_nobody(run)
        assert answer["status"] == 1, answer["output"]
        found = {os.path.relpath(f["path"], root): f["message"]
                 for f in json.loads(answer["output"])["findings"] if f["code"] == "HL003"}
        for name in ("etc/apache2/sites-enabled/heat-api.conf", "etc/heat/heat-api-uwsgi.ini"):
            assert "Permission denied" in found[name] and "was not checked" in found[name], found
        assert "cannot list this folder" in found["etc/apache2/conf-available/locked"]
        assert "etc/php/php.ini" not in found  # not uwsgi's: /etc holds many files others may not read
    finally:
        for path in [base, *base.rglob("*")]:
            if not path.is_symlink():
                os.chmod(path, 0o755)
        shutil.rmtree(base)


# -- folders, binary, encodings, line ends ----------------------------------------------------

def test_folders_where_files_are_expected(tmp_path):
    root = write(tmp_path / "root", {
        "etc/apache2/apache2.conf/x": "KeepAlive On\n",  # the main file is a folder
        "etc/apache2/envvars/x": "",
        "etc/heat/heat.conf/x": "",
        "etc/heat/app.ini/x": "",
    })
    findings = check(root)
    assert "a folder, not a regular file" in at(findings, "HL003")[str(root / "etc/apache2/apache2.conf")]
    root2 = write(tmp_path / "root2", {
        "etc/apache2/apache2.conf": "Include sites-enabled/\n",
        "etc/apache2/sites-enabled/heat.conf/inner.conf": "KeepAlive On\n",  # httpd reads a folder whole
    })
    assert not at(check(root2), "HL003")


def test_binary_files_are_reported_and_not_parsed(tmp_path):
    elf = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4
    root = write(tmp_path / "root", {
        "etc/apache2/apache2.conf": APACHE2_CONF,
        "etc/apache2/sites-enabled/mod_proxy.so.conf": elf,
        "etc/heat/heat-api-uwsgi.ini": b"[uwsgi]\nhttp-socket = :8004\n\x00\x00",
        "etc/other/data.ini": b"\x00\x01",  # not uwsgi's place: /etc holds binary blobs
    })
    findings = check(root)
    binary = at(findings, "HL003")
    assert "binary, not text (a NUL byte on line 1)" in binary[str(root / "etc/apache2/sites-enabled/mod_proxy.so.conf")]
    assert "binary, not text (a NUL byte on line 3)" in binary[str(root / "etc/heat/heat-api-uwsgi.ini")]
    assert str(root / "etc/other/data.ini") not in binary
    parsed = [f for f in findings if f.code != "HL003" and "mod_proxy.so" in f.location.path]
    assert not parsed, "a binary file was parsed"


def test_latin1_is_read_and_located(tmp_path):
    root = write(tmp_path / "root", {
        "etc/apache2/apache2.conf": APACHE2_CONF,
        "etc/apache2/sites-enabled/heat.conf": "# Géré par l'équipe\nServerName café.example\n".encode("latin-1"),
    })
    findings = check(root)
    (info,) = [f for f in findings if f.code == "HL011"]
    assert (info.location.line, info.location.column) == (1, 4)
    assert "0xE9" in info.message and info.severity == "info"


def _crlf_copy(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, symlinks=True)
    for path in dst.rglob("*"):
        if path.is_file() and not path.is_symlink():
            path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))


@pytest.mark.parametrize("example", ["heat-broken", "heat-working"])
def test_crlf_gives_the_same_findings_as_lf(tmp_path, example):
    _crlf_copy(EXAMPLES / example, tmp_path / example)
    lf = sorted((f.code, os.path.relpath(f.location.path, EXAMPLES), f.location.line)
                for f in check(EXAMPLES / example))
    crlf = sorted((f.code, os.path.relpath(f.location.path, tmp_path), f.location.line)
                  for f in check(tmp_path / example))
    assert crlf == lf


# -- size -------------------------------------------------------------------------------------

PEAK_RSS = """
import resource, sys
from heatlint.cli import main
try:
    main(["check", *sys.argv[1:], "--format", "json"])
except SystemExit as exit:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, exit.code, file=sys.stderr)
"""


def test_a_200_mb_file_is_not_read(tmp_path):
    root = write(tmp_path / "root", {"etc/apache2/apache2.conf": APACHE2_CONF,
                                     "loose/ok.conf": "KeepAlive On\n"})
    for name in ("etc/apache2/sites-enabled/huge.conf", "etc/heat/huge-uwsgi.ini", "loose/huge.ini"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        with open(root / name, "wb") as fh:
            fh.truncate(200 * 1024 * 1024)  # sparse: no disk, but reading it would take 200 MB
    result = subprocess.run([sys.executable, "-c", PEAK_RSS, str(root), str(root / "loose")],
                            capture_output=True, text=True, timeout=120)
    peak_mb, status = result.stderr.split()[-2:]
    assert status == "1" and int(peak_mb) < 200, result.stderr
    found = {f["path"]: f["message"] for f in json.loads(result.stdout)["findings"] if f["code"] == "HL010"}
    for name in ("etc/apache2/sites-enabled/huge.conf", "etc/heat/huge-uwsgi.ini", "loose/huge.ini"):
        message = found[str(root / name)]
        assert "200 MiB, more than the max-file-size limit of 4 MiB" in message
        assert '`max-file-size = "200 MiB"`' in message


def test_100000_character_lines(tmp_path):
    long = 100_000
    root = write(tmp_path / "root", {
        "etc/apache2/apache2.conf": APACHE2_CONF,
        "etc/apache2/sites-enabled/long.conf": "\n".join([
            'ProxyPass "/a" "http://' + "a" * long + '"',
            "Define X " + "${" * (long // 2),
            "<IfVersion " + "9" * long + ">\n</IfVersion>",
            "<Location /" + "b" * long + ">\n</Location>",
            "ServerAlias " + "h " * (long // 2),
            "Include " + "d/" * (long // 2) + "*.conf",
            "<IfFile " + "/x" * (long // 2) + ">\n</IfFile>",
            "# password=" + "p" * long,
            "Define Y " + "a.b-" * (long // 4),
        ]) + "\n",
        "etc/heat/heat-api-uwsgi.ini": "[uwsgi]\nhttp-socket = :8004\nenv = " + "%(x)" * (long // 4) + "\n"
                                       "pythonpath = " + "x" * long + "\n",
    })
    start = time.monotonic()
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    assert time.monotonic() - start < 30


# -- depth ------------------------------------------------------------------------------------

def _nested(depth: int) -> str:
    kinds = ["<Location /x>", "<IfModule alias_module>", "<IfModule missing_module>", "<VirtualHost *:80>"]
    opens = [kinds[i % len(kinds)] for i in range(depth)]
    closes = ["</" + o[1:].split()[0] + ">" for o in reversed(opens)]
    return "\n".join(opens + ['ProxyPass "/deep" "http://127.0.0.1:8004"'] + closes) + "\n"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "junit"])
def test_10000_nested_sections_in_every_format(tmp_path, fmt):
    root = write(tmp_path / "root", {
        "etc/apache2/apache2.conf": "LoadModule alias_module x.so\n" + APACHE2_CONF,
        "etc/apache2/sites-enabled/deep.conf": _nested(10_000),
        "etc/apache2/sites-enabled/open.conf": "<Location /x>\n" * 10_000,  # never closed
    })
    write(root, {".heatlint.toml": ""})
    for config in ("", "max-depth = 20000\n"):  # cut at the limit, then walked all the way down
        (root / ".heatlint.toml").write_text(config)
        result = CliRunner().invoke(main, ["check", str(root), "--format", fmt, "--config",
                                           str(root / ".heatlint.toml"), "-o", f"json:{tmp_path}/r.json"],
                                    catch_exceptions=False)
        assert result.exit_code in (0, 1), result.output
        codes = {f["code"] for f in json.loads((tmp_path / "r.json").read_text())["findings"]}
        assert ("HL010" in codes) == (config == "")
    dump = CliRunner().invoke(main, ["dump", str(root)], catch_exceptions=False)
    assert dump.exit_code == 0


def test_60000_nested_sections_never_crash(tmp_path):
    root = write(tmp_path / "root", {"etc/apache2/apache2.conf": "<Location /x>\n" * 60_000})
    for _ in range(2):  # the second run may answer from a parse cache
        result = CliRunner().invoke(main, ["check", str(root), "--format", "json"],
                                    env={"XDG_CACHE_HOME": str(tmp_path / "cache")}, catch_exceptions=False)
        assert result.exit_code == 1, result.output
        assert "HL010" in {f["code"] for f in json.loads(result.output)["findings"]}


def test_a_folder_1500_deep(tmp_path):
    folder = deep = tmp_path / "loose"
    folder.mkdir()
    chain = []
    try:
        for _ in range(1500):  # far deeper than os.walk (or pathlib's own mkdir) can recurse
            deep = deep / "d"
            deep.mkdir()
            chain.append(deep)
        (deep / "x.conf").write_text('ProxyPass "/x" "http://127.0.0.1:80999"\n')
        findings = check(folder)
        assert [f.code for f in findings] == ["HL304"]
    finally:  # bottom up: shutil.rmtree (pytest's clean-up too) recurses as deep as the tree
        (deep / "x.conf").unlink(missing_ok=True)
        for path in reversed(chain):
            path.rmdir()


# -- many files -------------------------------------------------------------------------------

def test_an_include_wildcard_matching_100000_files(tmp_path):
    base = Path(tempfile.mkdtemp(dir="/dev/shm")) if os.access("/dev/shm", os.W_OK) else tmp_path
    try:
        root = write(base / "root", {"etc/apache2/apache2.conf": APACHE2_CONF + "IncludeOptional conf.d/*.conf\n"})
        folder = root / "etc/apache2/conf.d"
        folder.mkdir()
        for i in range(100_000):
            fd = os.open(folder / f"{i:06d}.conf", os.O_WRONLY | os.O_CREAT, 0o644)
            os.write(fd, b"KeepAlive On\n")
            os.close(fd)
        start = time.monotonic()
        findings = check(root)
        assert time.monotonic() - start < 120
        (limit,) = [f for f in findings if f.code == "HL010"]
        assert limit.location.path == str(folder / "009999.conf")  # apache2.conf is the first of 10,000
        assert "its max-files limit, so this file and 90000 more file(s) were not read" in limit.message
        assert "`max-files = " in limit.message
    finally:
        if base != tmp_path:
            shutil.rmtree(base)
