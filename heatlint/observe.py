"""Every question a run asks the file system, and its answer, so that a later run can tell that
nothing it looked at has changed (heatlint/runcache.py).

heatlint's result is a function of its code, its configuration, the paths it was given and what
the file system answered while it read them: discover and RootFS are the only places that look
at the checked tree, and they look through the functions here. While a :class:`Recorder` is
active each answer is kept, keyed by the question; :meth:`Recorder.unchanged` asks every question
again and says whether every answer is the same. Stat answers are compared on the fields that
tell a changed file from an unchanged one (type, permissions, owner, size, inode, mtime, ctime);
a file's contents are compared by their digest when its timestamps are too close to the run that
recorded it for the stat to prove anything (a second write in the same clock tick leaves the
same mtime: git's "racy" case).

With no recorder active (the default, ``--no-cache``, and every worker process) each function is
the plain ``os`` call.
"""

from __future__ import annotations

import os
import stat as _stat
import time

try:  # as in parse/cache.py: hashlib would also load OpenSSL
    from _blake2 import blake2b
except ImportError:
    from hashlib import blake2b

RACY_NS = 2_000_000_000  # a file changed this close to the recording is checked by content

_recorder: "Recorder | None" = None


def _signature(st: os.stat_result) -> tuple:
    return (st.st_mode, st.st_uid, st.st_gid, st.st_size, st.st_ino, st.st_dev,
            st.st_mtime_ns, st.st_ctime_ns)


def _digest(data: bytes) -> bytes:
    return blake2b(data, digest_size=16).digest()


class Recorder:
    """The answers of one run. Each table maps a question (a path, a path and a size) to the
    answer: a stat signature, a target, a list of names, or ``("E", errno)`` for an error."""

    def __init__(self) -> None:
        self.started_ns = time.time_ns()
        self.stats: dict[tuple[bool, str], tuple] = {}  # (follow links?, path) -> signature | errno
        self.links: dict[str, object] = {}  # path -> readlink's target | errno
        self.lists: dict[str, object] = {}  # path -> sorted names | errno
        self.scans: dict[str, object] = {}  # path -> sorted (name, is a folder) | errno
        self.reals: dict[str, str] = {}  # path -> os.path.realpath
        self.access: dict[tuple[str, int], bool] = {}
        self.opens: dict[str, object] = {}  # path -> errno when os.open failed
        self.reads: dict[tuple[str, int], tuple] = {}  # (path, at most) -> (signature, digest)

    def answers(self) -> dict:
        """What to keep (plain data)."""
        return {
            "started_ns": self.started_ns,
            "stats": self.stats,
            "links": self.links, "lists": self.lists, "scans": self.scans, "reals": self.reals,
            "access": self.access, "opens": self.opens, "reads": self.reads,
        }


def unchanged(answers: dict) -> bool:
    """Would every question of the recorded run get the same answer now?"""
    racy_from = answers["started_ns"] - RACY_NS
    stats = answers["stats"]
    for (follow, path), was in stats.items():
        if follow:  # stat of what lstat found no link: the same answer, compared already
            plain = stats.get((False, path))
            if isinstance(plain, tuple) and len(plain) > 2 and not _stat.S_ISLNK(plain[0]) \
                    and plain == was:
                continue
        try:
            now = _signature(os.stat(path) if follow else os.lstat(path))
        except OSError as exc:
            now = ("E", exc.errno)
        if now != was:
            return False
    # Past this point every recorded stat is known to be the same. A link or a file whose stat
    # is the same and was not new when recorded still holds what it held: its target or contents
    # cannot change without changing its ctime.
    def settled(path: str) -> bool:
        was = stats.get((False, path))
        return isinstance(was, tuple) and len(was) > 2 and max(was[6], was[7]) < racy_from
    for path, was in answers["links"].items():
        if not settled(path) and _readlink(path) != was:
            return False
    for path, was in answers["lists"].items():
        if _listdir(path) != was:
            return False
    for path, was in answers["scans"].items():
        if _scan(path) != was:
            return False
    for path, was in answers["reals"].items():
        if os.path.realpath(path) != was:
            return False
    for (path, mode), was in answers["access"].items():
        if os.access(path, mode) != was:
            return False
    for path, was in answers["opens"].items():
        try:
            os.close(os.open(path, _OPEN_FLAGS))
            return False
        except OSError as exc:
            if ("E", exc.errno) != was:
                return False
    for (path, size), (signature, digest) in answers["reads"].items():
        if stats.get((False, path)) == signature and settled(path):
            continue
        try:
            if _signature(os.lstat(path)) != signature:
                return False
            if max(signature[6], signature[7]) >= racy_from:  # the stat proves nothing: read it
                fd = os.open(path, _OPEN_FLAGS)
                try:
                    if _digest(_read_at_most(fd, size)) != digest:
                        return False
                finally:
                    os.close(fd)
        except OSError:
            return False
    return True


def start() -> Recorder:
    global _recorder
    _recorder = Recorder()
    return _recorder


def stop() -> None:
    global _recorder
    _recorder = None


# -- the questions -----------------------------------------------------------------------------
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0))


def _stat_call(path: str, follow: bool) -> os.stat_result:
    rec = _recorder
    if rec is None:
        return os.stat(path) if follow else os.lstat(path)
    try:
        st = os.stat(path) if follow else os.lstat(path)
    except OSError as exc:
        rec.stats[(follow, path)] = ("E", exc.errno)
        raise
    rec.stats[(follow, path)] = _signature(st)
    return st


def lstat(path: str) -> os.stat_result:
    return _stat_call(path, False)


def stat(path: str) -> os.stat_result:
    return _stat_call(path, True)


def lexists(path: str) -> bool:
    try:
        lstat(path)
        return True
    except OSError:
        return False


def isdir(path: str) -> bool:
    try:
        return _stat.S_ISDIR(stat(path).st_mode)
    except OSError:
        return False


def _readlink(path: str):
    try:
        return os.readlink(path)
    except OSError as exc:
        return ("E", exc.errno)


def readlink(path: str) -> str:
    target = _readlink(path)
    if _recorder is not None:
        _recorder.links[path] = target
    if isinstance(target, tuple):
        raise OSError(target[1], os.strerror(target[1]), path)
    return target


def _listdir(path: str):
    try:
        return sorted(os.listdir(path))
    except OSError as exc:
        return ("E", exc.errno)


def listdir(path: str) -> list[str]:
    """os.listdir, in sorted order."""
    names = _listdir(path)
    if _recorder is not None:
        _recorder.lists[path] = names
    if isinstance(names, tuple):
        raise OSError(names[1], os.strerror(names[1]), path)
    return list(names)


def _scan(path: str):
    try:
        with os.scandir(path) as it:
            entries = list(it)
    except OSError as exc:
        return ("E", exc.errno)
    found = []
    for entry in entries:
        try:
            folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            folder = False
        found.append((entry.name, folder))
    found.sort()
    return found


def scan(path: str) -> list[tuple[str, bool]]:
    """(name, is a folder, not a link to one) of each entry of a folder, sorted by name."""
    found = _scan(path)
    if _recorder is not None:
        _recorder.scans[path] = found
    if isinstance(found, tuple):
        raise OSError(found[1], os.strerror(found[1]), path)
    return list(found)


def realpath(path: str) -> str:
    real = os.path.realpath(path)
    if _recorder is not None:
        _recorder.reals[path] = real
    return real


def access(path: str, mode: int) -> bool:
    allowed = os.access(path, mode)
    if _recorder is not None:
        _recorder.access[(path, mode)] = allowed
    return allowed


def open_file(path: str) -> int:
    """Open a file to read without following a last link or blocking (see fs.py)."""
    try:
        return os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        if _recorder is not None:
            _recorder.opens[path] = ("E", exc.errno)
        raise


def fstat(fd: int, path: str) -> os.stat_result:
    """The stat of an open file, answered for its path (what a later run will lstat)."""
    st = os.fstat(fd)
    if _recorder is not None:
        _recorder.stats.setdefault((False, path), _signature(st))
    return st


def read(fd: int, path: str, size: int, st: os.stat_result) -> bytes:
    """At most ``size`` bytes of an open file (``st``: its fstat, taken when it was opened)."""
    data = _read_at_most(fd, size)
    if _recorder is not None:
        _recorder.reads[(path, size)] = (_signature(st), _digest(data))
    return data


def _read_at_most(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
