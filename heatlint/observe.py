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
import struct
import time

try:  # as in parse/cache.py: hashlib would also load OpenSSL
    from _blake2 import blake2b
except ImportError:
    from hashlib import blake2b

RACY_NS = 2_000_000_000  # a file changed this close to the recording is checked by content

_recorder: "Recorder | None" = None
_SIGNATURE = struct.Struct("=IIIqQQqq")  # mode, uid, gid, size, inode, device, mtime, ctime (ns)


def _signature(st: os.stat_result) -> bytes:
    return _SIGNATURE.pack(st.st_mode, st.st_uid, st.st_gid, st.st_size, st.st_ino, st.st_dev,
                           st.st_mtime_ns, st.st_ctime_ns)


def _error(exc: OSError) -> bytes:
    return b"E%d" % (exc.errno or 0)


def _changed_ns(signature: bytes) -> int:
    """The later of mtime and ctime of a signature (0 for an error)."""
    if len(signature) != _SIGNATURE.size:
        return 0
    fields = _SIGNATURE.unpack(signature)
    return max(fields[6], fields[7])


def _digest(data: bytes) -> bytes:
    return blake2b(data, digest_size=16).digest()


class Recorder:
    """The answers of one run, each table keyed by the question (a path, a path and a size). A
    stat answer is a packed signature (``b"E<errno>"`` for an error), 100 bytes where a tuple of
    ints takes 300: a run over 10,000 vhosts asks 60,000 of them.

    What replaying the stats proves is not asked again: the target of a link and the contents of a
    file are kept only when they had changed shortly before the recording (their stat alone does
    not tell a second change in the same clock tick)."""

    def __init__(self) -> None:
        self.started_ns = time.time_ns()
        self.racy_from = self.started_ns - RACY_NS
        self.lstats: dict[str, bytes] = {}  # path -> signature of its lstat
        self.stats: dict[str, bytes] = {}  # path -> signature of its stat (links followed)
        self.links: dict[str, object] = {}  # path -> readlink's target | errno (new links only)
        self.lists: dict[str, object] = {}  # path -> sorted names | errno
        self.scans: dict[str, object] = {}  # path -> sorted (name, is a folder) | errno
        self.reals: dict[str, str] = {}  # path -> os.path.realpath
        self.access: dict[tuple[str, int], bool] = {}
        self.opens: dict[str, bytes] = {}  # path -> errno when os.open failed
        self.reads: dict[tuple[str, int], bytes] = {}  # (path, at most) -> digest (new files only)

    def answers(self) -> dict:
        """What to keep (plain data)."""
        return {
            "started_ns": self.started_ns, "lstats": self.lstats, "stats": self.stats,
            "links": self.links, "lists": self.lists, "scans": self.scans, "reals": self.reals,
            "access": self.access, "opens": self.opens, "reads": self.reads,
        }


def _stat_now(call, path: str) -> bytes:
    try:
        return _signature(call(path))
    except OSError as exc:
        return _error(exc)


def unchanged(answers: dict) -> bool:
    """Would every question of the recorded run get the same answer now?"""
    lstats = answers["lstats"]
    for path, was in lstats.items():
        if _stat_now(os.lstat, path) != was:
            return False
    for path, was in answers["stats"].items():
        plain = lstats.get(path)
        if plain == was and len(was) == _SIGNATURE.size and not _stat.S_ISLNK(_SIGNATURE.unpack(was)[0]):
            continue  # stat of what lstat found no link: the same answer, compared already
        if _stat_now(os.stat, path) != was:
            return False
    # Every recorded stat is the same now. A link or file that was not new when recorded holds
    # what it held: its target or contents cannot change without changing its ctime.
    for path, was in answers["links"].items():
        if _readlink(path) != was:
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
            os.close(os.open(path, OPEN_FLAGS))
            return False
        except OSError as exc:
            if _error(exc) != was:
                return False
    for (path, size), digest in answers["reads"].items():
        try:
            fd = os.open(path, OPEN_FLAGS)
            try:
                if _digest(read_at_most(fd, size)) != digest:
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
OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0))


def _stat_asker(call, table: str):
    """os.lstat or os.stat, its answer kept in the recorder's ``table``."""
    def ask(path: str) -> os.stat_result:
        rec = _recorder
        if rec is None:
            return call(path)
        answers = getattr(rec, table)
        try:
            st = call(path)
        except OSError as exc:
            answers[path] = _error(exc)
            raise
        answers[path] = _signature(st)
        return st
    return ask


lstat = _stat_asker(os.lstat, "lstats")
stat = _stat_asker(os.stat, "stats")  # links followed


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
        return _error(exc)


def readlink(path: str) -> str:
    """os.readlink, of a path just lstat'ed."""
    target = _readlink(path)
    rec = _recorder
    if rec is not None:
        seen = rec.lstats.get(path)
        if seen is None or _changed_ns(seen) >= rec.racy_from:
            rec.links[path] = target
    if isinstance(target, bytes):
        raise _raised(target, path)
    return target


def _listdir(path: str):
    try:
        return sorted(os.listdir(path))
    except OSError as exc:
        return _error(exc)


def _kept(answer, table: str, path: str) -> list:
    """An answer of _listdir or _scan: kept in the recorder's ``table``, raised if an error."""
    if _recorder is not None:
        getattr(_recorder, table)[path] = answer
    if isinstance(answer, bytes):
        raise _raised(answer, path)
    return list(answer)


def listdir(path: str) -> list[str]:
    """os.listdir, in sorted order."""
    return _kept(_listdir(path), "lists", path)


def _scan(path: str):
    try:
        with os.scandir(path) as it:
            entries = list(it)
    except OSError as exc:
        return _error(exc)
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
    return _kept(_scan(path), "scans", path)


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
        return os.open(path, OPEN_FLAGS)
    except OSError as exc:
        if _recorder is not None:
            _recorder.opens[path] = _error(exc)
        raise


def fstat(fd: int, path: str) -> os.stat_result:
    """The stat of an open file, answered for its path (what a later run will lstat)."""
    st = os.fstat(fd)
    if _recorder is not None:
        _recorder.lstats.setdefault(path, _signature(st))
    return st


def read(fd: int, path: str, size: int, st: os.stat_result) -> bytes:
    """At most ``size`` bytes of an open file (``st``: its fstat, taken when it was opened)."""
    data = read_at_most(fd, size)
    rec = _recorder
    if rec is not None and max(st.st_mtime_ns, st.st_ctime_ns) >= rec.racy_from:
        rec.reads[(path, size)] = _digest(data)
    return data


def _raised(error: bytes, path: str) -> OSError:
    number = int(error[1:])
    return OSError(number, os.strerror(number), path)


def read_at_most(fd: int, size: int) -> bytes:
    chunks, left = [], size
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
