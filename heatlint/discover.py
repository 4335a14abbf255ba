"""Discover stage: what the user pointed at, and which deployments it holds.

A path is one of:
  * a system root or a copy of one (a folder with ``etc/``), an ``etc`` folder, or an Apache
    ServerRoot (``etc/apache2``, ``etc/httpd``): one whole deployment, read from the Apache main
    file the way httpd reads it, with every uwsgi ini under ``etc/``;
  * a file, or a folder of loose files (Heat's own ``etc/heat/httpd/*.conf`` next to
    ``etc/heat/uwsgi/*.ini``): every Apache file is a snippet and every ini with a ``[uwsgi]``
    section an app, checked together. Folders inside it that are whole trees become their own
    deployments.
Nothing is parsed here: this looks at names and file types, and at the first line of a loose
``*.conf`` (an ini section header there means oslo.config, not Apache).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field

from .fs import Mount, RootFS

APACHE_SUFFIXES = (".conf", ".load", ".conf.in", ".htaccess")
INI_SUFFIX = ".ini"
HEAT_CONF = "heat.conf"
SKIPPED_DIRS = {"__pycache__", "node_modules", "venv", "site-packages"}
MAX_WALK_FILES = 100_000


class UsageError(Exception):
    """A path that cannot be read at all: exit status 2."""


@dataclass
class Target:
    name: str  # the path as the user typed it
    fs: RootFS
    layout: str  # "debian", "redhat", "gentoo" (whole trees) or "snippets"
    apache_main: str = ""  # host path of httpd's main file
    server_root: str = ""
    envvars: str = ""  # Debian's /etc/apache2/envvars, sourced before httpd starts
    snippets: list[str] = field(default_factory=list)  # host paths (loose mode)
    ini_files: list[str] = field(default_factory=list)  # host paths
    heat_conf: list[str] = field(default_factory=list)  # Heat's own heat.conf (oslo.config ini)
    tmpfiles: list[str] = field(default_factory=list)  # tmpfiles.d files, in systemd's order

    @property
    def whole_tree(self) -> bool:
        return self.layout != "snippets"


def _join_shown(shown: str, name: str) -> str:
    return name if shown in ("", ".") else os.path.join(shown, name)


def _is_regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)  # follows links; FIFOs and devices are skipped
    except OSError:
        return False


def _apache_layout(real_dir: str) -> str:
    """Which distribution layout a ServerRoot folder has, or ""."""
    if _is_regular(os.path.join(real_dir, "apache2.conf")):
        return "debian"
    if _is_regular(os.path.join(real_dir, "conf", "httpd.conf")):
        return "redhat"
    if _is_regular(os.path.join(real_dir, "httpd.conf")):
        return "gentoo"
    return ""


def _tree_target(name: str, fs: RootFS) -> Target:
    for host in ("/etc/apache2", "/etc/httpd"):
        real = fs.real_path(host)
        layout = _apache_layout(real) if real and os.path.isdir(real) else ""
        if layout:
            main = {"debian": "apache2.conf", "redhat": "conf/httpd.conf", "gentoo": "httpd.conf"}[layout]
            target = Target(name, fs, layout, f"{host}/{main}", host)
            if layout == "debian" and fs.kind(f"{host}/envvars") == "file":
                target.envvars = f"{host}/envvars"
            break
    else:
        target = Target(name, fs, "snippets")
    target.ini_files = _find_inis(fs, "/etc")
    if fs.kind("/etc/heat/heat.conf") == "file":
        target.heat_conf = ["/etc/heat/heat.conf"]
    target.tmpfiles = _find_tmpfiles(fs)
    return target


TMPFILES_DIRS = ("/usr/lib/tmpfiles.d", "/run/tmpfiles.d", "/etc/tmpfiles.d")  # later ones win


def _find_tmpfiles(fs: RootFS) -> list[str]:
    """tmpfiles.d(5): ``*.conf`` of these folders, a name in /etc replacing the same name in
    /run and /usr/lib, all read in the order of their file names."""
    chosen: dict[str, str] = {}
    for host_dir in TMPFILES_DIRS:
        for name in fs.listdir(host_dir) or []:
            if name.endswith(".conf") and fs.kind(f"{host_dir}/{name}") == "file":
                chosen[name] = f"{host_dir}/{name}"
    return [chosen[name] for name in sorted(chosen)]


def _find_inis(fs: RootFS, host_dir: str) -> list[str]:
    real = fs.real_path(host_dir)
    if not real or not os.path.isdir(real):
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(real):
        dirnames.sort()
        for f in sorted(filenames):
            if f.endswith(INI_SUFFIX) and _is_regular(os.path.join(dirpath, f)):
                rel = os.path.relpath(os.path.join(dirpath, f), real)
                found.append(f"{host_dir.rstrip('/')}/{rel}")
    return found


def classify(path: str) -> Target | None:
    """A whole-deployment target for ``path`` if it is one (None for a folder of loose files)."""
    real = os.path.abspath(path)
    if os.path.isdir(os.path.join(real, "etc")) and os.path.basename(real) != "etc":
        tree = _tree_target(path, RootFS.rooted_at(real, path))
        if tree.whole_tree or tree.ini_files:
            return tree
    if os.path.basename(real) == "etc":
        parent_shown = os.path.dirname(path.rstrip("/")) if path.rstrip("/") != "/etc" else "/"
        return _tree_target(path, RootFS.rooted_at(os.path.dirname(real), parent_shown))
    layout = _apache_layout(real)
    if layout:
        parent = os.path.dirname(real)
        if os.path.basename(parent) == "etc":  # etc/apache2: check the whole etc beside it
            return _tree_target(path, RootFS.rooted_at(os.path.dirname(parent),
                                                       os.path.dirname(os.path.dirname(path.rstrip("/")))))
        host = "/etc/httpd" if layout == "redhat" else "/etc/apache2"
        return _tree_target(path, RootFS([Mount(host, real, path)]))
    return None


def _loose(name: str, files: list[str]) -> Target:
    """Loose files: each is mounted at its own absolute path, so nothing else on the host is
    reachable through them (an absolute Include in a snippet finds nothing)."""
    mounts = [Mount(os.path.abspath(f), os.path.abspath(f), f) for f in files]
    target = Target(name, RootFS(mounts), "snippets")
    for f in files:
        path = os.path.abspath(f)
        if f.endswith(INI_SUFFIX):
            target.ini_files.append(path)
        elif not _ini_style(path):
            target.snippets.append(path)
        elif os.path.basename(f) == HEAT_CONF:  # Heat's oslo.config file, not an Apache snippet
            target.heat_conf.append(path)
        # other oslo.config files (keystone.conf, …) are neither Apache's nor ours
    return target


def _ini_style(path: str) -> bool:
    """Does the file open with an ini section header? Apache configuration never does."""
    try:
        with open(path, "rb") as fh:
            for raw in fh.read(65536).splitlines():
                line = raw.strip()
                if line and not line.startswith((b"#", b";")):
                    return line.startswith(b"[")
    except OSError:
        return False
    return False


def discover(paths: list[str]) -> list[Target]:
    targets: list[Target] = []
    explicit_files: list[str] = []
    for path in paths:
        if not os.path.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
        if os.path.isdir(path):
            if not os.access(path, os.R_OK | os.X_OK):
                raise UsageError(f"{path}: permission denied")
            targets.extend(_discover_dir(path))
        elif _is_regular(path):
            explicit_files.append(path)
        else:
            raise UsageError(f"{path}: not a regular file or folder")
    if explicit_files:
        targets.insert(0, _loose(" ".join(explicit_files), explicit_files))
    return targets


def _discover_dir(path: str) -> list[Target]:
    whole = classify(path)
    if whole is not None:
        return [whole]
    targets: list[Target] = []
    loose: list[str] = []
    count = 0
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames.sort()
        kept = []
        for d in dirnames:
            sub = os.path.normpath(os.path.join(dirpath, d))
            if os.path.islink(sub):
                continue  # never follow a linked folder: it may loop or leave the tree
            if d.startswith(".") or d in SKIPPED_DIRS:
                continue  # .git, .venv, caches: never configuration
            found = classify(sub)
            if found is not None:
                targets.append(found)
            else:
                kept.append(d)
        dirnames[:] = kept
        for f in sorted(filenames):
            full = os.path.join(dirpath, f)
            if (f.endswith(APACHE_SUFFIXES) or f.endswith(INI_SUFFIX)) and _is_regular(full):
                loose.append(os.path.normpath(full))
                count += 1
        if count > MAX_WALK_FILES:
            break
    if loose:
        targets.insert(0, _loose(path, loose))
    return targets
