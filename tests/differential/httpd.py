"""Run the real apache2 on a configuration tree, confined to that tree, and read back what it built.

One ``apache2 -t`` run per tree prints everything the differential tests compare (all four dumps
are test_config/check_config hooks, so they combine): ``-D DUMP_INCLUDES`` (the include tree),
``-D DUMP_VHOSTS`` (what ``-S`` shows), ``-D DUMP_CONFIG`` (mod_info: the directive tree after
Include, ``${VAR}`` and conditionals) and ``-D DUMP_MODULES`` (``-M``). mod_info is loaded with
``-c`` (after the main file), so the tree's own ``<IfModule>`` tests do not see it.

Absolute paths in a tree must mean the tree, as they do for heatlint, so httpd runs in a private
mount namespace (``unshare -m``) in which the staged copy of the tree is laid over ``/etc``
(overlayfs, the staged copy on top, so ``/etc/passwd`` of this machine stays visible) and each of
the copy's ``etc/<dir>`` folders is bind-mounted over this machine's folder of the same name, so
nothing of the machine's own ``/etc/apache2`` leaks in. Other top-level folders of the copy
(``usr/lib64/apache2`` of the Gentoo tree) are laid over this machine's the same way. The process
starts with an empty environment plus what the tree's Debian ``envvars`` exports, which is what
heatlint assumes too.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import stat
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

APACHE2 = shutil.which("apache2") or "/usr/sbin/apache2"
MODULES_DIR = "/usr/lib/apache2/modules"
MOD_INFO = f"{MODULES_DIR}/mod_info.so"
DUMP_ARGS = ("-t", "-D", "DUMP_INCLUDES", "-D", "DUMP_VHOSTS", "-D", "DUMP_CONFIG",
             "-D", "DUMP_MODULES")
TEXT_LINK_MAX = 1024


def skip_reason() -> str | None:
    """Why the differential suite cannot run here, or None."""
    if not os.path.exists(APACHE2):
        return "apache2 is not installed (Debian package apache2)"
    if not os.path.exists(MOD_INFO):
        return f"{MOD_INFO} is missing (Debian package apache2): DUMP_CONFIG needs mod_info"
    if os.geteuid() != 0:
        return "not root: apache2 runs in a private mount namespace (unshare -m, mount)"
    if shutil.which("unshare") is None:
        return "unshare is not installed (Debian package util-linux)"
    with tempfile.TemporaryDirectory() as empty:
        probe = subprocess.run(["unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                                f"mount -t overlay overlay -o lowerdir={empty}:/etc /etc"],
                               capture_output=True, text=True)
    if probe.returncode != 0:
        return ("cannot lay a tree over /etc in a private mount namespace (unshare -m, overlayfs): "
                + (probe.stderr.strip() or f"exit {probe.returncode}"))
    return None


# -- staging -----------------------------------------------------------------------------------

def is_text_link(path: Path) -> str | None:
    """The target of a symlink the corpus stored as a small text file holding it, else None."""
    try:
        st = path.lstat()
        if not stat.S_ISREG(st.st_mode) or not 0 < st.st_size <= TEXT_LINK_MAX:
            return None
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if "/" in text and not re.search(r"[\s<>#=\"]", text):
        return text
    return None


def copy_tree(src: Path, dest: Path, *, real_links: bool) -> None:
    """Copy ``src`` to ``dest`` keeping symlinks; with ``real_links`` turn every text link into
    the symlink it stands for (what httpd needs; heatlint follows either)."""
    shutil.copytree(src, dest, symlinks=True, dirs_exist_ok=True)
    if not real_links:
        return
    for dirpath, _dirs, files in os.walk(dest):
        for name in files:
            path = Path(dirpath, name)
            target = is_text_link(path)
            if target is not None:
                path.unlink()
                os.symlink(target, path)


@dataclass
class Layout:
    """Where httpd's files are in the host's terms."""

    kind: str  # debian | redhat | gentoo
    server_root: str  # host path given to -d
    main: str  # host path given to -f
    preload: tuple[str, ...] = ()  # modules loaded with -C, before the main file (identifiers)

    @property
    def envvars(self) -> str:
        return f"{self.server_root}/envvars" if self.kind == "debian" else ""


# Modules Debian compiles into apache2 (`apache2 -l`) although other distributions build them as
# DSOs: httpd refuses "LoadModule" of them ("is built-in and can't be loaded").
DEBIAN_BUILT_IN = {"log_config_module", "logio_module", "version_module", "unixd_module",
                   "watchdog_module", "so_module"}


def adapt_for_debian_httpd(root: Path, kind: str) -> list[str]:
    """Make a tree loadable by Debian's httpd without moving any line: a LoadModule of a module
    Debian compiles in, or of a .so this machine does not have, becomes a comment. Red Hat and
    Gentoo name modules relative to ServerRoot (``modules/``, a link to the module folder that
    :func:`add_host_pieces` recreates); on Debian a relative name finds nothing. Returns what was
    changed ("file:line"); heatlint and httpd both read the adapted copy."""
    changed = []
    pattern = re.compile(r"^(\s*)LoadModule\s+(\S+)\s+(\S+)", re.I)
    for dirpath, _dirs, files in os.walk(root):
        for name in sorted(files):
            path = Path(dirpath, name)
            if path.is_symlink() or is_text_link(path) is not None:
                continue
            try:
                lines = path.read_bytes().decode("utf-8").split("\n")
            except (OSError, UnicodeDecodeError):
                continue
            dirty = False
            for i, line in enumerate(lines):
                m = pattern.match(line)
                if not m:
                    continue
                so = m.group(3).strip("\"'")
                if so.startswith("/"):
                    present = os.path.exists(so)
                else:
                    present = kind != "debian" and Path(MODULES_DIR, os.path.basename(so)).exists()
                if m.group(2) in DEBIAN_BUILT_IN or not present:
                    lines[i] = f"{m.group(1)}# adapted: {line.strip()}"
                    changed.append(f"{path.relative_to(root)}:{i + 1}")
                    dirty = True
            if dirty:
                path.write_text("\n".join(lines))
    return changed


def add_host_pieces(root: Path, layout: Layout) -> None:
    """What a real host has beside its configuration tree and a copy of the tree lacks: the
    module directory under ServerRoot (Red Hat's ``modules`` link), log/run links, and the
    ``apache`` user Red Hat trees run as. Only httpd's copy gets these; heatlint never looks."""
    # Red Hat: ServerRoot /etc/httpd holds links to the module, log and run folders. Gentoo:
    # ServerRoot is /usr/lib64/apache2, which holds the modules.
    host_root = root / ("usr/lib64/apache2" if layout.kind == "gentoo" else layout.server_root.lstrip("/"))
    if layout.kind in ("redhat", "gentoo"):
        host_root.mkdir(parents=True, exist_ok=True)
        for name, target in (("modules", MODULES_DIR), ("logs", "/var/log/apache2"),
                             ("run", "/var/run/apache2")):
            entry = host_root / name
            if not os.path.lexists(entry):
                os.symlink(target, entry)
    if layout.kind == "redhat":  # mod_ssl's SSLPassPhraseDialog exec: program
        helper = root / "usr/libexec/httpd-ssl-pass-dialog"
        helper.parent.mkdir(parents=True, exist_ok=True)
        helper.write_text("#!/bin/sh\nexit 1\n")
        helper.chmod(0o755)
    etc = root / "etc"
    etc.mkdir(exist_ok=True)
    for db, line in (("passwd", "apache:x:48:48:Apache:/usr/share/httpd:/sbin/nologin\n"),
                     ("group", "apache:x:48:\n")):
        if not (etc / db).exists():
            text = Path("/etc", db).read_text()
            if not re.search(r"^apache:", text, re.M):
                text += line
            (etc / db).write_text(text)


# -- running -----------------------------------------------------------------------------------

@dataclass
class HttpdRun:
    returncode: int
    stdout: str
    stderr: str
    includes: list[tuple[int, int | None, str]] = field(default_factory=list)  # depth, line, path
    vhosts: list[tuple[str, str, str, int]] = field(default_factory=list)  # addr, name, path, line
    directives: list[tuple[str, str, str, int, int]] = field(default_factory=list)  # name, raw args, path, line, depth
    modules: list[tuple[str, str]] = field(default_factory=list)  # name, static|shared
    error: tuple[str, int, str] | None = None  # path, line, message of a "Syntax error"

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _script(root: Path, layout: Layout) -> str:
    lines = ["set -e"]
    for top in sorted(p.name for p in root.iterdir() if p.is_dir() and not p.is_symlink()):
        if not os.path.isdir(f"/{top}"):
            continue
        lines.append(f"mount -t overlay overlay -o lowerdir={shlex.quote(str(root / top))}:/{top} /{top}")
        if top == "etc":
            for sub in sorted((root / "etc").iterdir()):
                if sub.is_dir() and not sub.is_symlink() and os.path.isdir(f"/etc/{sub.name}"):
                    lines.append(f"mount --bind {shlex.quote(str(sub))} /etc/{shlex.quote(sub.name)}")
    inner = []
    if layout.envvars:
        inner.append(f"if [ -f {layout.envvars} ]; then . {layout.envvars}; fi")
    command = [APACHE2, "-d", layout.server_root, "-f", layout.main]
    for ident in layout.preload:
        so = f"{MODULES_DIR}/mod_{ident[:-len('_module')]}.so"
        command += ["-C", f"LoadModule {ident} {so}"]
    command += ["-c", f"LoadModule info_module {MOD_INFO}", *DUMP_ARGS]
    inner.append("exec " + " ".join(shlex.quote(c) for c in command))
    lines.append("exec env -i /bin/sh -c " + shlex.quote("; ".join(inner)))
    return "\n".join(lines) + "\n"


def run_httpd(root: Path, layout: Layout, timeout: float = 60) -> HttpdRun:
    """Run apache2 on a staged tree (``root`` stands for the host's ``/``)."""
    proc = subprocess.run(["unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                           _script(root, layout)],
                          capture_output=True, text=True, timeout=timeout,
                          errors="surrogateescape")
    run = HttpdRun(proc.returncode, proc.stdout, proc.stderr)
    parse_output(run)
    return run


# -- reading the dumps -------------------------------------------------------------------------

_INCLUDE = re.compile(r"^( *)\((\*|\d+)\) (.*)$")
_VHOST_ONE = re.compile(r"^(\S+)\s+(\S+) \((.*):(\d+)\)$")
_VHOST_NAMED = re.compile(r"^\s+port (\S+) namevhost (\S+) \((.*):(\d+)\)$")
_VHOST_DEFAULT = re.compile(r"^\s+default server (\S+) \((.*):(\d+)\)$")
_VHOST_GROUP = re.compile(r"^(\S+)\s+is a NameVirtualHost$")
_DUMP_LINE = re.compile(r"^( *)# +(\d+):$")
_MODULE = re.compile(r"^ (\S+) \((static|shared)\)$")


def parse_output(run: HttpdRun) -> None:
    section = ""
    pending_line = None
    pending_depth = 0
    current_file = ""
    group = ""
    vhosts: dict[tuple[str, int, str], tuple[str, str, str, int]] = {}
    for raw in run.stdout.split("\n"):
        if raw == "Included configuration files:":
            section = "includes"
            continue
        if raw == "VirtualHost configuration:":
            section = "vhosts"
            continue
        if raw == "Loaded Modules:":
            section = "modules"
            continue
        if raw.startswith("# In file: "):
            section = "config"
            current_file = raw[len("# In file: "):]
            continue
        if not raw:
            continue
        if section == "includes":
            m = _INCLUDE.match(raw)
            if m:
                depth = (len(m.group(1)) - 2) // 2
                run.includes.append((depth, None if m.group(2) == "*" else int(m.group(2)),
                                     m.group(3)))
        elif section == "vhosts":
            if (m := _VHOST_GROUP.match(raw)):
                group = m.group(1)
            elif (m := _VHOST_NAMED.match(raw)):
                key = (m.group(3), int(m.group(4)), group)
                vhosts[key] = (group, m.group(2), m.group(3), int(m.group(4)))
            elif (m := _VHOST_DEFAULT.match(raw)):
                continue  # repeated by the "namevhost" line of the same vhost
            elif (m := _VHOST_ONE.match(raw)):
                key = (m.group(3), int(m.group(4)), m.group(1))
                vhosts[key] = (m.group(1), m.group(2), m.group(3), int(m.group(4)))
        elif section == "config":
            m = _DUMP_LINE.match(raw)
            if m:
                pending_line, pending_depth = int(m.group(2)), len(m.group(1)) // 2
                continue
            if pending_line is None:
                continue  # a close tag: "</Location>" carries no line number
            name, _, args = raw.strip().partition(" ")
            run.directives.append((name, args, current_file, pending_line, pending_depth))
            pending_line = None
        elif section == "modules":
            m = _MODULE.match(raw)
            if m:
                run.modules.append((m.group(1), m.group(2)))
    run.vhosts = list(vhosts.values())
    run.error = syntax_error(run.stderr)


_SYNTAX = re.compile(r"Syntax error on line (\d+) of (.+?):(?: |\n)")
_NOT_CLOSED = re.compile(r"^(.+):(\d+): (<\S+> was not closed\.)")


def syntax_error(stderr: str) -> tuple[str, int, str] | None:
    """Where httpd says the configuration is wrong: the innermost "Syntax error on line N of F"
    (an error in an included file is prefixed by one such phrase per include level), or for an
    unclosed section the opening line it names."""
    found = list(_SYNTAX.finditer(stderr))
    if not found:
        return None
    last = found[-1]
    message = stderr[last.end():].lstrip().split("\n")[0].strip()
    m = _NOT_CLOSED.match(message)
    if m:
        return m.group(1), int(m.group(2)), m.group(3)
    return last.group(2), int(last.group(1)), message


def getword_conf(text: str) -> list[str]:
    """httpd's ap_getword_conf (server/util.c), written from the C source independently of
    heatlint's parser, to split the raw argument strings DUMP_CONFIG prints."""
    words = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i] in " \t\n\r\f\v":
            i += 1
        if i >= n:
            return words
        quote = text[i]
        if quote in "\"'":
            j = i + 1
            out = []
            while j < n and text[j] != quote:
                if text[j] == "\\" and j + 1 < n and text[j + 1] in (quote, "\\"):
                    out.append(text[j + 1])
                    j += 2
                else:
                    out.append(text[j])
                    j += 1
            words.append("".join(out))
            i = j + 1 if j < n else n
        else:
            j = i
            out = []
            while j < n and text[j] not in " \t\n\r\f\v":
                if text[j] == "\\" and j + 1 < n and text[j + 1] == "\\":
                    out.append("\\")
                    j += 2
                else:
                    out.append(text[j])
                    j += 1
            words.append("".join(out))
            i = j


def section_args(raw: str) -> list[str]:
    """A section's words: the text before the last '>' (core.c dirsection & co.)."""
    end = raw.rfind(">")
    return getword_conf(raw[:end] if end >= 0 else raw)


def stage(src: Path, mounts: list[tuple[str, str]], dest: Path, *, real_links: bool) -> Path:
    """Copy the real folders behind heatlint's mounts to where the host would have them."""
    for host, real in mounts:
        target = dest / host.lstrip("/") if host != "/" else dest
        target.parent.mkdir(parents=True, exist_ok=True)
        copy_tree(Path(real), target, real_links=real_links)
    return dest


_LOG_DIR = re.compile(r"AH02291: Cannot access directory '(.*?)/?' for")


def missing_log_dir(stderr: str) -> str | None:
    m = _LOG_DIR.search(stderr)
    return m.group(1) if m else None
