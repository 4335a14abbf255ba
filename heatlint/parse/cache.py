"""Parse results by content: shared by a run's worker processes, and kept on disk between runs.

A parse depends only on what it reads: the parser (``parse/*.py``, the grammars, Lark, Python),
the text and the path it is shown under. So a parse result is stored under a key made of all of
them, and a run asks for ``(kind, text, path)`` exactly as it would parse it: the file is still
read by the resolver, through :class:`~heatlint.fs.RootFS` and its limits, so the cache can only
ever answer the same question with the same answer. What changes a file, the parser or heatlint
changes the key; a stale entry is never looked at again.

* **In a run** (:class:`Session`): before a deployment is resolved, the files it may read (the
  Apache files under its ServerRoot, its uwsgi inis) that the disk cache does not hold are handed
  to worker processes, which parse them in the order the resolver will ask for them; the resolver
  waits for a file a worker has yet to send (parsing it again would waste the worker's work) and
  parses on the spot anything else (a file no worker had, one that changed since). A worker runs
  ahead of the resolver by at most what the pipe between them holds. Results are identical to a
  serial run by construction: an answer is only ever the parse of the very text asked about.
* **Between runs** (:class:`Store`): one SQLite database, ``$XDG_CACHE_HOME/heatlint`` or
  ``~/.cache/heatlint``, never anywhere else. Each run's new entries are written in one
  transaction (all or nothing). Every entry carries a digest of its bytes: an entry that does not
  match, does not load or is not what was asked for is ignored, parsed again and rewritten; a
  database that cannot be read at all is replaced. The folder is used only when it belongs to the
  user running heatlint and nobody else may write to it (entries are Python pickles). Entries not
  used for 30 days are dropped, and the least recently used ones past 1 GiB. ``--no-cache`` reads
  and writes nothing there.

The Lark parsers themselves are kept in the same folder (``grammar.py``).
"""

from __future__ import annotations

import os
import pickle
import select
import stat
import struct
import sys
import threading
import time
from contextlib import contextmanager
from typing import Iterator

try:  # the hash itself: hashlib would also load OpenSSL, 3 ms of every start-up
    from _blake2 import blake2b
except ImportError:  # a Python built without it
    from hashlib import blake2b

FORMAT = b"heatlint parse cache 1"
DB_NAME = "parse.sqlite3"
KEEP_DAYS = 30
MAX_BYTES = 1024 ** 3  # past this, entries least recently used are dropped (a 10,000-vhost tree: 90 MB)
# Worker processes only pay off past this much text left to parse (about 50 ms of parsing):
# below it, forking and shipping results back costs more than it saves.
PARALLEL_MIN_BYTES = 256 * 1024
FLUSH_BYTES = 16 * 1024 * 1024  # new entries are written to the store in batches of this size
PIPE_BYTES = 1024 * 1024  # how far (in results) a worker may run ahead of the resolver
STALL_SECONDS = 1.0  # a worker silent this long while the resolver waits: the resolver parses
APACHE_SUFFIXES = (".conf", ".load", ".conf.in", ".htaccess")
_FRAME = struct.Struct("!I")

_current: "Session | None" = None  # the run's session (a process checks one run at a time)


def _cpu_times() -> tuple[int, int] | None:
    """(idle, total) CPU time of the machine so far, in clock ticks (Linux), else None."""
    try:
        with open("/proc/stat", "rb") as fh:
            fields = [int(v) for v in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (fields[3] + fields[4], sum(fields[:8])) if len(fields) >= 8 else None


# Taken when heatlint starts: how idle the CPUs were between then and the first prefetch (the
# time it takes to start and find the files) tells how many workers would find a CPU free.
_STARTED_CPU = _cpu_times()


def current() -> "Session | None":
    """The session of the run in progress (heatlint.pipeline), or None: parse on the spot. Not a
    context variable: a deployment is built on a thread of its own (heatlint/limits.py)."""
    return _current


@contextmanager
def active(session: "Session") -> Iterator["Session"]:
    """Make ``session`` the one every parse of this process goes through, then close it."""
    global _current
    previous, _current = _current, session
    try:
        yield session
    finally:
        _current = previous
        session.close()


def cache_dir() -> str | None:
    """``$XDG_CACHE_HOME/heatlint`` (when set to an absolute path) or ``~/.cache/heatlint``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "heatlint")


def usable_dir(directory: str | None, create: bool = True) -> str | None:
    """``directory`` if it is (or can be made) a folder of this user's that nobody else may
    write to; else None (the cache is then simply not used)."""
    if directory is None:
        return None
    try:
        if create:
            os.makedirs(directory, mode=0o700, exist_ok=True)
        st = os.stat(directory)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_mode & 0o022:
        return None
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        return None
    return directory


def lark_source() -> str | None:
    """The file that holds Lark's ``__version__``, found without importing Lark."""
    from importlib.util import find_spec

    spec = find_spec("lark")
    return spec.origin if spec is not None else None


def _source_digest() -> bytes:
    """What a parse result depends on besides its input: heatlint's version, the parser's code
    and grammars, Lark's version, Python's version."""
    from importlib.util import find_spec

    from .. import __version__

    h = blake2b(FORMAT, digest_size=20)
    h.update(f"{__version__}\0{sys.version_info[:2]}\0".encode())
    here = os.path.dirname(os.path.abspath(__file__))
    parent = os.path.dirname(here)
    files = [os.path.join(here, n) for n in sorted(os.listdir(here)) if n.endswith(".py")]
    files.append(os.path.join(parent, "source.py"))
    grammars = find_spec("heatlint.grammars")
    if grammars is not None and grammars.submodule_search_locations:
        folder = list(grammars.submodule_search_locations)[0]
        files += [os.path.join(folder, n) for n in sorted(os.listdir(folder)) if n.endswith(".lark")]
    lark = lark_source()
    if lark:
        files.append(lark)
    for path in files:
        with open(path, "rb") as fh:
            h.update(os.path.basename(path).encode() + b"\0" + fh.read() + b"\0")
    return h.digest()


class Store:
    """The on-disk cache: key -> pickled parse result, with a digest of the pickle."""

    def __init__(self, db, path: str):
        self.db = db
        self.path = path

    @classmethod
    def open(cls, directory: str) -> "Store | None":
        import sqlite3

        path = os.path.join(directory, DB_NAME)
        for attempt in (1, 2):
            try:
                db = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute("CREATE TABLE IF NOT EXISTS entry (key BLOB PRIMARY KEY, digest BLOB NOT NULL, "
                           "payload BLOB NOT NULL, day INTEGER NOT NULL) WITHOUT ROWID")
                os.chmod(path, 0o600)
                return cls(db, path)
            except sqlite3.DatabaseError:  # not a database, or a damaged one: start afresh
                try:
                    db.close()
                except Exception:
                    pass
                if attempt == 2 or not _remove(path):
                    return None
            except (OSError, sqlite3.Error):
                return None
        return None

    def get_many(self, keys: list[bytes]) -> dict[bytes, tuple[bytes, int]]:
        """(payload, day last used) of the entries held for ``keys`` whose digest matches (the
        others count as missing)."""
        import sqlite3

        found: dict[bytes, tuple[bytes, int]] = {}
        try:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                rows = self.db.execute(f"SELECT key, digest, payload, day FROM entry WHERE key IN "
                                       f"({','.join('?' * len(chunk))})", chunk).fetchall()
                for key, digest, payload, day in rows:
                    if _digest(payload) == digest:
                        found[key] = (payload, day)
        except sqlite3.Error:
            return {}
        return found

    def put_many(self, entries: dict[bytes, bytes], used: list[bytes]) -> None:
        """Write ``entries``, mark ``used`` ones as used today, drop what has not been used for
        KEEP_DAYS: one transaction, so a reader sees all of it or none."""
        import sqlite3

        today = _today()
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.executemany("INSERT OR REPLACE INTO entry VALUES (?, ?, ?, ?)",
                                    [(k, _digest(v), v, today) for k, v in entries.items()])
                for i in range(0, len(used), 500):
                    chunk = used[i:i + 500]
                    self.db.execute(f"UPDATE entry SET day = ? WHERE day < ? AND key IN "
                                    f"({','.join('?' * len(chunk))})", [today, today, *chunk])
                self.db.execute("DELETE FROM entry WHERE day < ?", (today - KEEP_DAYS,))
                while self._used_bytes() > MAX_BYTES:  # the least recently used days first
                    self.db.execute("DELETE FROM entry WHERE day <= (SELECT MIN(day) FROM entry)")
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
        except sqlite3.Error:
            pass  # busy or read-only: the cache is only ever an optimisation

    def _used_bytes(self) -> int:
        pages, free, size = (self.db.execute(f"PRAGMA {p}").fetchone()[0]
                             for p in ("page_count", "freelist_count", "page_size"))
        return (pages - free) * size

    def close(self) -> None:
        try:
            self.db.close()
        except Exception:
            pass


def _today() -> int:
    return int(time.time() // 86400)


def _remove(path: str) -> bool:
    try:
        os.unlink(path)
        for suffix in ("-journal", "-wal", "-shm"):
            if os.path.lexists(path + suffix):
                os.unlink(path + suffix)
        return True
    except OSError:
        return False


def _digest(payload: bytes) -> bytes:
    return blake2b(payload, digest_size=16).digest()


def _parser(kind: str):
    if kind == "apache":
        from .apache import parse_text
    else:
        from .uwsgi import parse_text
    return parse_text


def _expected(kind: str):
    if kind == "apache":
        from .apache import ApacheFile
        return ApacheFile
    from .uwsgi import IniFile
    return IniFile


class _Worker:
    """A forked process parsing its share of a deployment's files, in the order the resolver
    will ask for them; it sends back frames of [(place, key, pickled result, parsed now?), ...]
    through a pipe (key None: a file it did not parse). ``done``: the furthest place sent."""

    def __init__(self, pid: int, fd: int):
        self.pid = pid
        self.fd = fd
        self.buffer = bytearray()
        self.done = -1


def _work(session: "Session", items: list[tuple[int, tuple[str, str, str]]], limit: int,
          fd: int) -> None:
    """In a worker: read each file as the resolver will, look it up in the store (its own
    connection: one must not be shared across fork), else parse it; send each result at once
    (the resolver may be waiting for it). A full pipe makes the worker wait: it never runs
    further ahead of the resolver than the pipe holds."""
    from ..resolve.apache import decode

    store = Store.open(session.directory) if session.store is not None else None
    for place, (kind, real, shown) in items:
        key = payload = None
        parsed = False
        try:
            data = _read(real, limit)
            if data is not None:
                text = decode(data, shown)[0]
                key = session.key(kind, text, shown)
                hit = store.get_many([key]).get(key) if store is not None else None
                if hit is not None:
                    payload = hit[0]
                else:
                    payload, parsed = _pickled(_parser(kind)(text, shown)), True
        except Exception:
            pass  # whatever went wrong here, the resolver parses the file itself
        if payload is None:  # unreadable here, or nested too deep to pickle: the resolver's
            key = None
        _send(fd, [(place, key, payload, parsed)])


def _pickled(result) -> bytes | None:
    """The result as stored, or None when it cannot be (sections nested deeper than pickle's
    recursion allows on this thread)."""
    try:
        return pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except (RecursionError, pickle.PicklingError):
        return None


def _send(fd: int, batch: list) -> None:
    data = pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
    data = _FRAME.pack(len(data)) + data
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


class Session:
    """One run's parses (see the module documentation)."""

    def __init__(self, *, use_cache: bool = True, jobs: int | None = None,
                 parallel_min_bytes: int | None = None):
        self.directory = usable_dir(cache_dir()) if use_cache else None
        self.store = Store.open(self.directory) if self.directory else None
        self.auto_jobs = jobs is None
        self.jobs = jobs if jobs is not None else default_jobs()
        self.parallel_min_bytes = PARALLEL_MIN_BYTES if parallel_min_bytes is None else parallel_min_bytes
        self.salt = _source_digest() if self.store is not None or self.jobs > 1 else b""
        self.memo: dict[bytes, bytes] = {}  # key -> pickled result, from a worker
        self.order: dict[tuple[str, str], int] = {}  # (kind, shown path) -> place in the workers' order
        self.new: dict[bytes, bytes] = {}  # key -> pickled result, to write to the store
        self.new_bytes = 0
        self.used: list[bytes] = []  # keys the store answered
        self.workers: list[_Worker] = []
        self.lookahead: list[_Worker] = []  # the workers of this deployment: the n-th of k parses
                                            # every k-th place from n on
        # Workers are started and stopped by the run's thread and read from by the thread that
        # builds the deployment (heatlint/limits.py), which a timeout may leave running.
        self.lock = threading.Lock()
        self.stats = {"parsed": 0, "cached": 0, "from workers": 0}

    # -- keys --------------------------------------------------------------------------------
    def key(self, kind: str, text: str, path: str) -> bytes:
        h = blake2b(self.salt, digest_size=20)
        h.update(f"{kind}\0{path}\0".encode("utf-8", "surrogatepass"))
        h.update(text.encode("utf-8", "surrogatepass"))
        return h.digest()

    # -- parsing -----------------------------------------------------------------------------
    def parse(self, kind: str, text: str, path: str):
        """What ``parse/<kind>.py`` would return for ``text`` shown as ``path``: from a worker,
        from the store, or parsed now. Always a fresh object, the caller's to change."""
        if self.store is None and not self.workers and not self.memo:
            self.stats["parsed"] += 1
            return _parser(kind)(text, path)
        key = self.key(kind, text, path)
        payload = self.memo.pop(key, None)
        if payload is None and self.workers:
            place = self.order.get((kind, path))
            if place is not None:
                self._wait_for(place)  # a worker has it, or soon will: parsing it here is waste
                payload = self.memo.pop(key, None)
        if payload is None and self.store is not None:
            hit = self.store.get_many([key]).get(key)
            if hit is not None:
                payload = hit[0]
                if hit[1] < _today():
                    self.used.append(key)
        if payload is not None:
            try:
                result = pickle.loads(payload)
                if type(result) is _expected(kind) and result.path == path:
                    self.stats["cached"] += 1
                    return result
            except Exception:
                pass  # a damaged entry: parse again, and rewrite it
        result = _parser(kind)(text, path)
        self.stats["parsed"] += 1
        if self.store is not None:
            payload = _pickled(result)  # now: the caller is about to change the result
            if payload is not None:
                self._keep(key, payload)
        return result

    def _keep(self, key: bytes, payload: bytes) -> None:
        """A new entry for the store, written in batches so a large first run does not hold
        them all until its end (each batch is a transaction of its own)."""
        self.new[key] = payload
        self.new_bytes += len(payload)
        if self.new_bytes >= FLUSH_BYTES:
            self.store.put_many(self.new, [])
            self.new, self.new_bytes = {}, 0

    # -- a deployment's files ahead of time --------------------------------------------------
    def prefetch(self, target) -> None:
        """Start workers on the files ``target`` is likely to parse, when there are enough of
        them, more than one CPU, and a store (if any) that does not already hold them."""
        wanted = self.workers_wanted() if self.jobs > 1 and _can_fork() else 0
        if wanted == 0:
            return
        limit = target.fs.limits.max_file_size
        items = [c for c in _candidates(target) if c[3] <= limit]
        if sum(c[3] for c in items) < self.parallel_min_bytes:
            return
        if self.store is not None and self._warm(items, limit):
            return  # the store answers: looking entries up costs less than shipping them
        for kind in {item[0] for item in items}:
            _parser(kind)("", "")  # build the parsers once, before forking, for every worker
        # The order the resolver reads in, nearly: the main file, the Apache files in sorted order
        # (a folder's Include reads them so), then the inis. Worker n takes every count-th file,
        # so together they work just ahead of the resolver, which waits for a file it asks for
        # rather than parse it again.
        main = target.fs.shown(target.apache_main) if target.apache_main else ""
        apache = sorted((i for i in items if i[0] == "apache"), key=lambda i: (i[2] != main, i[2]))
        ordered = [i[:3] for i in apache] + [i[:3] for i in items if i[0] != "apache"]
        count = min(wanted, len(ordered) // 16)
        if count:
            self.order = {(kind, shown): place for place, (kind, _, shown) in enumerate(ordered)}
            self.lookahead = [self._fork(list(enumerate(ordered))[n::count], limit)
                              for n in range(count)]

    def workers_wanted(self) -> int:
        """--jobs N: N - 1 workers beside this process. --jobs auto: one per CPU that is idle (a
        worker on a busy CPU only slows the run down), and this process's own CPU too: it spends
        a fifth of a large run waiting for workers, and another worker keeps the CPUs busy
        meanwhile (10,000 vhosts on 2 CPUs: 5.3 s instead of 5.8 s). Idle means idle since
        heatlint started (the load average would count heatlint's own previous run)."""
        if not self.auto_jobs:
            return self.jobs - 1
        now = _cpu_times()
        if _STARTED_CPU is not None and now is not None and now[1] - _STARTED_CPU[1] >= 8:
            share = (now[0] - _STARTED_CPU[0]) / (now[1] - _STARTED_CPU[1])
            others_idle = share * (os.cpu_count() or self.jobs)
        else:
            try:
                others_idle = self.jobs - 1 - os.getloadavg()[0]
            except OSError:
                others_idle = self.jobs - 1
        idle = int(others_idle + 0.5)  # CPUs idle besides the one this process runs on
        return min(self.jobs, idle + 1) if idle >= 1 else 0

    def _warm(self, items, limit: int) -> bool:
        """Does the store hold most of these files (16 of them, as they are now)? Not all: some
        are guesses the resolver never reads, so never stored."""
        from ..resolve.apache import decode

        keys = []
        for kind, real, shown, _ in items[::max(1, len(items) // 16)]:
            data = _read(real, limit)
            if data is not None:
                keys.append(self.key(kind, decode(data, shown)[0], shown))
        return len(self.store.get_many(keys)) >= 0.75 * len(keys)

    def _fork(self, items, limit: int) -> _Worker:
        read_fd, write_fd = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the worker: never returns, never runs the parent's exit handlers
            status = 0
            try:
                os.close(read_fd)
                import signal

                for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM):
                    signal.signal(sig, signal.SIG_DFL)
                signal.setitimer(signal.ITIMER_REAL, 0)
                sys.setrecursionlimit(1000)  # this thread's C stack is the default 8 MB one
                _work(self, items, limit, write_fd)
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        os.close(write_fd)
        os.set_blocking(read_fd, False)
        try:  # room for a few hundred results: the worker keeps going while the resolver works
            import fcntl

            fcntl.fcntl(read_fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
        except OSError:
            pass
        worker = _Worker(pid, read_fd)
        self.workers.append(worker)
        return worker

    def _wait_for(self, place: int) -> None:
        """Wait until the worker that parses the file at ``place`` has sent it (or ended, or has
        sent nothing for STALL_SECONDS: a file that takes that long is parsed here too)."""
        with self.lock:
            worker = self.lookahead[place % len(self.lookahead)]
            while worker in self.workers and worker.done < place:
                ready, _, _ = select.select([worker.fd], [], [], STALL_SECONDS)
                if not ready:
                    return
                self._receive_from(worker)

    def _receive(self) -> None:
        """Take in whatever the workers have sent so far, without waiting."""
        with self.lock:
            self._receive_locked()

    def _receive_locked(self) -> None:
        for worker in list(self.workers):
            self._receive_from(worker)

    def _receive_from(self, worker: _Worker) -> None:
        while True:
            try:
                chunk = os.read(worker.fd, 1 << 20)
            except BlockingIOError:
                return
            if not chunk:  # the worker is done
                self._reap(worker)
                return
            worker.buffer += chunk
            self._frames(worker)

    def drain(self) -> None:
        """Wait until every worker has sent all it will (tests; a run never waits)."""
        while self.workers:
            select.select([w.fd for w in self.workers], [], [])
            self._receive()

    def _frames(self, worker: _Worker) -> None:
        buf = worker.buffer
        while len(buf) >= 4:
            (size,) = _FRAME.unpack_from(buf)
            if len(buf) < 4 + size:
                return
            batch = pickle.loads(bytes(buf[4:4 + size]))
            del buf[:4 + size]
            for place, key, payload, parsed in batch:
                worker.done = place
                if key is None:
                    continue
                self.memo[key] = payload
                self.stats["from workers"] += 1
                if parsed and self.store is not None:
                    self._keep(key, payload)

    def _reap(self, worker: _Worker) -> None:
        os.close(worker.fd)
        try:
            os.waitpid(worker.pid, 0)
        except ChildProcessError:
            pass
        self.workers.remove(worker)

    def stop_workers(self) -> None:
        """After a deployment: what a worker has not finished is not needed any more."""
        import signal

        with self.lock:
            for worker in list(self.workers):
                try:
                    os.kill(worker.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self._reap(worker)
            self.memo.clear()
            self.order, self.lookahead = {}, []

    def close(self) -> None:
        """End of the run: stop the workers, write what is new to the store."""
        self.stop_workers()
        if self.store is not None:
            if self.new or self.used:
                self.store.put_many(self.new, self.used)
            self.store.close()
            self.store = None


def default_jobs() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 8))


def _can_fork() -> bool:
    """Workers are forked (they start with the parsers built): on Linux only, where fork is the
    safe default; elsewhere a run parses in one process."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


def _read(real: str, limit: int) -> bytes | None:
    """The bytes of a regular file for a speculative parse, or None: opened as RootFS opens files
    (never blocks on a FIFO, never follows a last symbolic link), never read past ``limit`` (files
    over it are not parsed ahead: the resolver will refuse them anyway)."""
    from ..observe import OPEN_FLAGS, read_at_most

    try:
        fd = os.open(real, OPEN_FLAGS)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > limit:
            return None
        data = read_at_most(fd, limit + 1)
        return data if len(data) <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _candidates(target) -> list[tuple[str, str, str, int]]:
    """(kind, real path, shown path, size) of the files ``target`` is likely to parse, each file
    once, under the name the resolver will most likely use for it: a file linked from a folder
    (sites-enabled/x.conf -> ../sites-available/x.conf) under the link. Paths are resolved by the
    tree's RootFS, which keeps each answer for the resolver that asks the same questions next,
    so finding them costs the run next to nothing. A wrong guess costs a parse, never a result."""
    with target.fs.quietly():  # links that loop or leave: for the resolver to report, if it meets them
        return _find_candidates(target)


def _find_candidates(target) -> list[tuple[str, str, str, int]]:
    fs = target.fs
    out: list[tuple[str, str, str, int]] = []
    chosen: dict[str, int] = {}  # final host path -> index in out

    def add(kind: str, host: str, prefer_link: bool) -> None:
        final = fs.resolve(host)
        if final is None or fs.kind(host) != "file":
            return
        real = fs.real_path(final)
        if real is None:
            return
        entry = (kind, real, fs.shown(host), fs.size(host))
        if final not in chosen:
            chosen[final] = len(out)
            out.append(entry)
        elif prefer_link and host != final:
            out[chosen[final]] = entry

    if target.whole_tree and target.server_root:
        todo = [target.server_root] if fs.kind(target.server_root) == "dir" else []
        while todo:  # the ServerRoot's folders, never entering a linked one
            host_dir = todo.pop()
            for name in fs.listdir(host_dir) or []:
                host = f"{host_dir}/{name}"
                if fs.is_directory_entry(host):
                    todo.append(host)
                elif name.endswith(APACHE_SUFFIXES):
                    add("apache", host, prefer_link=True)
    else:
        for host in target.snippets:
            add("apache", host, prefer_link=False)
    for host in target.ini_files:  # the first name of a file is the one it is parsed under
        add("uwsgi", host, prefer_link=False)
    return out
