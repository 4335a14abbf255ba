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
``*.conf`` (an ini section header there means oslo.config, not Apache). Folders are walked without
recursion and without following links to folders, within the run's limits (max-files, timeout);
inside a whole tree, names are looked up the way the tree's host would (RootFS), never on the
machine running heatlint.
"""

from __future__ import annotations

import errno
import os
import posixpath
import stat
from dataclasses import dataclass, field
from typing import Iterator

from . import observe as sysio
from .fs import READ_CODE, Mount, RootFS
from .limits import LIMIT_CODE, Budget, raise_hint, timeout_message
from .source import InputProblem, Location

APACHE_SUFFIXES = (".conf", ".load", ".conf.in", ".htaccess")
INI_SUFFIX = ".ini"
HEAT_CONF = "heat.conf"
SKIPPED_DIRS = {"__pycache__", "node_modules", "venv", "site-packages"}


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
    problems: list[InputProblem] = field(default_factory=list)  # what looking for files ran into

    @property
    def whole_tree(self) -> bool:
        return self.layout != "snippets"


def _join_shown(shown: str, name: str) -> str:
    return name if shown in ("", ".") else os.path.join(shown, name)


def _is_regular(path: str) -> bool:
    try:
        return stat.S_ISREG(sysio.stat(path).st_mode)  # follows links; FIFOs and devices are skipped
    except OSError:
        return False


_MAIN_FILES = (("debian", "apache2.conf"), ("redhat", "conf/httpd.conf"), ("gentoo", "httpd.conf"))


def _apache_layout(real_dir: str) -> str:
    """Which distribution layout a ServerRoot folder the user named has, or "". Any entry by the
    main file's name counts, even one httpd cannot read (a folder, a FIFO, a dangling link):
    reading it reports what is wrong with it."""
    for layout, main in _MAIN_FILES:
        if sysio.lexists(os.path.join(real_dir, main)):
            return layout
    return ""


def _tree_layout(fs: RootFS, host: str) -> str:
    """The same inside a tree, where links resolve as on the tree's host."""
    if fs.kind(host) != "dir":
        return ""
    for layout, main in _MAIN_FILES:
        if fs.kind(f"{host}/{main}") != "missing":
            return layout
    return ""


def _tree_target(name: str, fs: RootFS) -> Target:
    for host in ("/etc/apache2", "/etc/httpd"):
        layout = _tree_layout(fs, host)
        if layout:
            main = {"debian": "apache2.conf", "redhat": "conf/httpd.conf", "gentoo": "httpd.conf"}[layout]
            target = Target(name, fs, layout, f"{host}/{main}", host)
            if layout == "debian" and fs.kind(f"{host}/envvars") in ("file", "other"):  # a FIFO: said
                target.envvars = f"{host}/envvars"
            break
    else:
        target = Target(name, fs, "snippets")
    target.ini_files = _find_inis(fs, "/etc", target.problems)
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


# uwsgi inis of a whole tree are every *.ini under etc/ with a [uwsgi] section; /etc holds many
# other ini files, so one heatlint cannot read is reported only where uwsgi's or Heat's live.
def uwsgi_place(host_path: str) -> bool:
    low = host_path.lower()
    return "uwsgi" in low or "heat" in low


def _find_inis(fs: RootFS, host_dir: str, problems: list[InputProblem]) -> list[str]:
    final = fs.resolve(host_dir)
    real = fs.real_path(final) if final and fs.kind(final) == "dir" else None
    if real is None:
        return []
    found = []
    walk = _Walk(fs.budget, problems, lambda r: fs.shown(_host(final, real, r)),
                 report_unlistable=lambda r: uwsgi_place(_host(final, real, r)))
    for dirpath, _dirnames, filenames in walk.run(real):
        for f in filenames:
            if not f.endswith(INI_SUFFIX):
                continue
            host = _host(final, real, os.path.join(dirpath, f))
            if fs.kind(host) in ("file", "other"):  # a FIFO is reported unread, never opened
                if not walk.take(os.path.join(dirpath, f)):
                    return found
                found.append(host)
    return found


def _host(host_dir: str, real_dir: str, real: str) -> str:
    """The host path of ``real``, a path the walk from ``real_dir`` found (so it starts with it:
    no need for os.path.relpath, a tenth of the time of finding 10,000 inis)."""
    if real == real_dir:
        return host_dir
    prefix = real_dir if real_dir.endswith(os.sep) else real_dir + os.sep
    rel = real[len(prefix):] if real.startswith(prefix) else os.path.relpath(real, real_dir)
    return posixpath.join(host_dir, rel.replace(os.sep, "/"))


class _Walk:
    """os.walk, top-down in sorted order, without recursion (a folder 2,000 deep is fine) and
    without following links to folders; stops at the run's max-files and timeout, and says so."""

    def __init__(self, budget: Budget, problems: list[InputProblem], shown, report_unlistable=None):
        self.budget, self.problems, self.shown = budget, problems, shown
        self.report_unlistable = report_unlistable or (lambda real: True)
        self.taken = 0
        self.stopped = ""

    def run(self, top: str) -> Iterator[tuple[str, list[str], list[str]]]:
        stack = [top]
        while stack and not self.stopped:
            if self.budget.expired():
                self._stop("timeout", stack[-1])
                return
            dirpath = stack.pop()
            try:
                entries = sysio.scan(dirpath)
            except OSError as exc:
                if exc.errno in (errno.EACCES, errno.EPERM) and self.report_unlistable(dirpath):
                    self.problems.append(InputProblem(
                        READ_CODE, f"cannot list this folder: {exc.strerror}; the configuration files "
                        "in it were not checked (run heatlint as a user who may read them)",
                        Location(self.shown(dirpath))))
                continue
            dirnames = [name for name, folder in entries if folder]
            filenames = [name for name, folder in entries if not folder]
            yield dirpath, dirnames, filenames  # the caller may prune dirnames
            stack.extend(os.path.join(dirpath, d) for d in reversed(dirnames))

    def take(self, real: str) -> bool:
        """Count one more file collected; False (and a finding) once max-files is reached."""
        if self.taken >= self.budget.limits.max_files:
            self._stop("max-files", real)
            return False
        self.taken += 1
        return True

    def _stop(self, limit: str, where: str) -> None:
        if self.stopped:
            return
        self.stopped = limit
        limits = self.budget.limits
        if limit == "timeout":
            message = timeout_message(limits, "while looking for configuration files, so those "
                                      "from this folder on were not checked")
        else:
            message = (f"heatlint stopped looking for configuration files here, having found "
                       f"{limits.max_files}, its max-files limit: this file and those after it were "
                       "not checked; " + raise_hint("max-files", 2 * limits.max_files))
        self.problems.append(InputProblem(LIMIT_CODE, message, Location(self.shown(where))))


def classify(path: str, budget: Budget | None = None) -> Target | None:
    """A whole-deployment target for ``path`` if it is one (None for a folder of loose files)."""
    budget = budget if budget is not None else Budget()
    real = os.path.abspath(path)
    if sysio.isdir(os.path.join(real, "etc")) and os.path.basename(real) != "etc":
        tree = _tree_target(path, RootFS.rooted_at(real, path, budget))
        if tree.whole_tree or tree.ini_files:
            return tree
    if os.path.basename(real) == "etc":
        parent_shown = os.path.dirname(path.rstrip("/")) if path.rstrip("/") != "/etc" else "/"
        return _tree_target(path, RootFS.rooted_at(os.path.dirname(real), parent_shown, budget))
    layout = _apache_layout(real)
    if layout:
        parent = os.path.dirname(real)
        if os.path.basename(parent) == "etc":  # etc/apache2: check the whole etc beside it
            return _tree_target(path, RootFS.rooted_at(
                os.path.dirname(parent), os.path.dirname(os.path.dirname(path.rstrip("/"))), budget))
        host = "/etc/httpd" if layout == "redhat" else "/etc/apache2"
        return _tree_target(path, RootFS([Mount(host, real, path)], budget))
    return None


def _loose(name: str, files: list[str], budget: Budget, folder: str | None = None) -> Target:
    """Loose files: each is mounted at its own absolute path, so nothing else on the host is
    reachable through them (an absolute Include in a snippet finds nothing). Files found in a
    folder are confined to it: one that is a link leading out of it is reported, never read."""
    mounts = [Mount(os.path.abspath(f), os.path.abspath(f), f) for f in files]
    fs = RootFS(mounts, budget, confine=[folder] if folder is not None else None)
    target = Target(name, fs, "snippets")
    for f in files:
        path = os.path.abspath(f)
        if f.endswith(INI_SUFFIX):
            target.ini_files.append(path)
        elif not _ini_style(fs, path):
            target.snippets.append(path)
        elif os.path.basename(f) == HEAT_CONF:  # Heat's oslo.config file, not an Apache snippet
            target.heat_conf.append(path)
        # other oslo.config files (keystone.conf, …) are neither Apache's nor ours
    return target


def _ini_style(fs: RootFS, path: str) -> bool:
    """Does the file open with an ini section header? Apache configuration never does. (A file
    that cannot be read is taken as Apache's: reading it says why it cannot be.)"""
    for raw in (fs.head(path) or b"").splitlines():
        line = raw.strip()
        if line and not line.startswith((b"#", b";")):
            return line.startswith(b"[")
    return False


def discover(paths: list[str], budget: Budget | None = None) -> list[Target]:
    """The deployments under ``paths``, looked for within ``budget`` (the run's limits)."""
    budget = budget if budget is not None else Budget()
    targets: list[Target] = []
    explicit_files: list[str] = []
    for path in paths:
        if not sysio.lexists(path):
            raise UsageError(f"{path}: no such file or directory")
        if sysio.isdir(path):
            if not sysio.access(path, os.R_OK | os.X_OK):
                raise UsageError(f"{path}: permission denied")
            targets.extend(_discover_dir(path, budget))
        elif _is_regular(path):
            explicit_files.append(path)
        else:
            raise UsageError(f"{path}: not a regular file or folder")
    if explicit_files:
        targets.insert(0, _loose(" ".join(explicit_files), explicit_files, budget))
    return targets


def _discover_dir(path: str, budget: Budget) -> list[Target]:
    whole = classify(path, budget)
    if whole is not None:
        return [whole]
    targets: list[Target] = []
    loose: list[str] = []
    problems: list[InputProblem] = []
    walk = _Walk(budget, problems, os.path.normpath)
    for dirpath, dirnames, filenames in walk.run(path):
        kept = []
        for d in dirnames:  # links to folders are among filenames: never followed
            if d.startswith(".") or d in SKIPPED_DIRS:
                continue  # .git, .venv, caches: never configuration
            found = classify(os.path.normpath(os.path.join(dirpath, d)), budget)
            if found is not None:
                targets.append(found)
            else:
                kept.append(d)
        dirnames[:] = kept
        for f in filenames:
            full = os.path.normpath(os.path.join(dirpath, f))
            if (f.endswith(APACHE_SUFFIXES) or f.endswith(INI_SUFFIX)) and _config_entry(full):
                if not walk.take(full):
                    break
                loose.append(full)
    if loose or problems:
        target = _loose(path, loose, budget, folder=path)
        target.problems = problems
        targets.insert(0, target)
    return targets


def _config_entry(path: str) -> bool:
    """A file by a configuration name: a regular file, a link to one (reading it checks where it
    leads), or a FIFO, socket or device (reported, never opened). Not a folder or a link to one."""
    try:
        return not stat.S_ISDIR(sysio.stat(path).st_mode)
    except OSError:
        return False  # a dangling link: nothing to read
