"""A read-only view of a checked tree in which absolute paths mean what they mean on its host.

heatlint is pointed at a copy of a host (``./rootfs``, a CI checkout of ``/etc``) or at the host
itself. Configuration files name absolute paths (``Include /etc/apache2/x.conf``, symlinks to
``/etc/mailman3/apache.conf``); those must resolve *inside the checked tree*, never on the machine
running heatlint. :class:`RootFS` maps "host paths" (absolute POSIX strings as the configuration
writes them) onto real directories through a small mount table, and resolves symlinks itself so
that an absolute or ``..``-escaping link target stays confined to the tree, like a chroot.

It is also the one place that opens files, and it does so defensively (issue 8): nothing outside
the checked tree is ever read (a link that leads out is reported, HL009); FIFOs, sockets and
devices are never opened (a FIFO would block forever, a device may act on being opened); a file is
opened without following a last symlink and without blocking, then checked again by its
descriptor; sizes are checked before reading and a read never takes more than the limit; every
read counts against the run's :class:`~heatlint.limits.Budget`; binary files are refused.
"""

from __future__ import annotations

import errno
import os
import posixpath
import stat
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from . import observe as sysio
from .limits import LIMIT_CODE, Budget, Limits, not_read_problem, raise_hint, show_size
from .source import InputProblem, Location

MAX_SYMLINKS = 40  # the kernel's limit (ELOOP)
TEXT_LINK_MAX = 1024
PATH_MAX = 4096  # Linux: no longer path can be opened, so nothing longer exists
SNIFF_BYTES = 65536
READ_CODE = "HL003"
OUTSIDE_CODE = "HL009"
_NOT_LISTED = {errno.ENOENT, errno.ENOTDIR, errno.ENAMETOOLONG, errno.ELOOP}


@dataclass(frozen=True)
class Mount:
    host: str  # absolute host path, no trailing slash except "/"
    real: str  # real directory on this machine
    shown: str  # how the user refers to ``real`` (the path they typed)


class ReadError(OSError):
    """Why a file was not read, worded for a finding. ``code`` is the input rule that reports it;
    ``limit`` names the run-wide limit that stopped it ("" otherwise): those are reported once
    per deployment (:meth:`RootFS.problems`), not once per file, as are links that lead out."""

    def __init__(self, reason: str, code: str = READ_CODE, limit: str = "", reported: bool = False):
        super().__init__(reason)
        self.code = code
        self.limit = limit
        self.reported = reported  # RootFS.problems reports it already (a link that leads out)

    @property
    def summarised(self) -> bool:
        """Reported by :meth:`RootFS.problems`, not by whoever asked for the file."""
        return bool(self.limit) or self.reported


def file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "not a regular file"


def _who() -> str:
    uid = os.geteuid() if hasattr(os, "geteuid") else -1
    try:
        import pwd

        return f"{pwd.getpwuid(uid).pw_name} (uid {uid})"
    except (ImportError, KeyError):
        return f"uid {uid}"


def _os_error(exc: OSError) -> ReadError:
    if exc.errno in (errno.EACCES, errno.EPERM):
        return ReadError(f"Permission denied: heatlint runs as {_who()}, who may not read it, so "
                         "what it configures was not checked; run heatlint as a user who may read "
                         "it (httpd reads its configuration as root)")
    if exc.errno == errno.ELOOP:
        return ReadError("a loop of symbolic links (Too many levels of symbolic links)")
    if exc.errno in (errno.EAGAIN, errno.EWOULDBLOCK):
        return ReadError("reading it would block (not a plain file, such as a file of /proc)")
    return ReadError(exc.strerror or str(exc))


class RootFS:
    """Host paths → real files, confined to the mounts. Nothing here ever writes."""

    def __init__(self, mounts: list[Mount], budget: Budget | None = None,
                 confine: list[str] | None = None):
        # Longest host prefix first, so /etc/apache2 wins over / when both are mounted.
        self.mounts = sorted(mounts, key=lambda m: len(m.host), reverse=True)
        self.budget = budget if budget is not None else Budget()
        # Real paths every file read must lie in (after the OS resolved every link): the mounts,
        # or for a folder of loose files that folder.
        self.confine = [sysio.realpath(c) for c in (confine or [m.real for m in mounts])]
        # Symbolic links stored as plain files holding the target path (what git writes with
        # core.symlinks=false, and what copies that lose links leave): host path -> target.
        self.text_links: dict[str, str] = {}
        self._text_link_cache: dict[str, str | None] = {}
        self.outside_links: dict[str, str] = {}  # host path of a link leading out -> its target
        self.link_loops: dict[str, str] = {}  # host path of a link that loops -> its target
        self.unlistable: dict[str, str] = {}  # host path of a folder that cannot be listed -> why
        self.failed: set[str] = set()  # host paths a read was refused for
        self.skipped: dict[str, list[str]] = {}  # run-wide limit -> host paths it kept unread
        self._resolved: dict[str, tuple] = {}  # host path -> what _resolve found
        self._hops: dict[str, int] = {}  # host path resolved cleanly -> links followed on the way
        self._probing = 0  # how many _through_link probes are under way
        self._met: dict[str, tuple[tuple[str, str], ...]] = {}  # host path -> text links on its way
        self._quiet = 0  # inside quietly(): nothing is recorded to be reported
        self._shortcuts = True  # resolve from a folder's answer (off: always from the top, for tests)
        self._real_dirs: dict[str, str] = {}  # real folder -> os.path.realpath of it
        self._real_paths: dict[str, str | None] = {}  # host path -> real_path()
        self._kinds: dict[str, tuple[str, int]] = {}  # host path -> (kind(), size())

    @classmethod
    def rooted_at(cls, real_root: str, shown: str, budget: Budget | None = None) -> "RootFS":
        return cls([Mount("/", os.path.abspath(real_root), shown)], budget)

    @property
    def limits(self) -> Limits:
        return self.budget.limits

    # -- mapping ---------------------------------------------------------------------------
    def _mount_for(self, host_path: str) -> tuple[Mount, str] | None:
        for m in self.mounts:
            if m.host == "/":
                return m, host_path.lstrip("/")
            if host_path == m.host or host_path.startswith(m.host + "/"):
                return m, host_path[len(m.host):].lstrip("/")
        return None

    def real_path(self, host_path: str) -> str | None:
        """The real path of a host path, without resolving its symlinks (None: outside every mount)."""
        try:  # a pure function of the path: a run asks about the same paths many times
            return self._real_paths[host_path]
        except KeyError:
            pass
        found = self._mount_for(posixpath.normpath(host_path))
        if found is None:
            real = None
        else:
            mount, rest = found
            real = os.path.join(mount.real, rest) if rest else mount.real
        self._real_paths[host_path] = real
        return real

    def shown(self, host_path: str) -> str:
        """The path as the user can open it: under the folder they typed, not the host's."""
        found = self._mount_for(posixpath.normpath(host_path))
        if found is None:
            return host_path
        mount, rest = found
        if mount.shown in ("", "."):
            return rest or "."
        return posixpath.join(mount.shown, rest) if rest else mount.shown

    # -- symlink-confined resolution -------------------------------------------------------
    def resolve(self, host_path: str) -> str | None:
        """Follow symlinks below the mount point, like a chroot: an absolute target is looked up
        in the mounts again, and ``..`` stops at ``/`` (above any other mount point it leaves the
        mount). Returns the final host path (which may not exist, see :meth:`kind`), or None
        when it leads outside every mount (recorded in ``outside_links``) or loops (``link_loops``).
        Linear in the length of the path, however long."""
        return self._resolve(host_path)[0]

    def _resolve(self, host_path: str) -> tuple[str | None, str, tuple[str, str] | None]:
        # Once per path: a check reads a tree that does not change under it, and httpd's read
        # phase asks about the same folders thousands of times on a large tree.
        # What a resolution meets that is reported (links that leave the tree or loop, links
        # stored as text) is recorded each time the path is asked about, not when it is first
        # worked out: the parse cache looks ahead quietly (see quietly()), and only what the
        # resolver itself asks about may be reported.
        try:
            found = self._resolved[host_path]
        except KeyError:
            found = self._resolve_in_folder(host_path) if self._shortcuts else None
            if found is None:
                if self._probing:  # see _through_link: the walk from the top is not for a probe
                    return None, "probe", None
                found = self._resolve_uncached(host_path)
            self._resolved[host_path] = found
        if (found[1] or host_path in self._met) and not self._quiet:
            self._record(host_path, found)
        return found

    def _record(self, host_path: str, found: tuple) -> None:
        why, link = found[1], found[2]
        if why == "outside" and link is not None:
            self.outside_links.setdefault(*link)
        elif why == "loop":
            self.link_loops.setdefault(*link)
        for path, target in self._met.get(host_path, ()):
            self.text_links[path] = target

    def _inherit(self, host_path: str, *sources: str) -> None:
        """A path resolved through others meets what they met."""
        met = tuple(m for source in sources for m in self._met.get(source, ()))
        if met:
            self._met[host_path] = met

    @contextmanager
    def quietly(self) -> Iterator[None]:
        """Resolve without recording anything to report (answers are kept all the same): for
        looking at files the resolver may never ask about."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def _resolve_in_folder(self, host_path: str) -> tuple[str, str, None] | None:
        """The common case in one lstat: a path whose folder resolves cleanly (itself worked out
        once) and whose last component is no link of either kind; None for anything else, which
        _resolve_uncached then follows from the top. The same answer: resolving the folder's
        components first is what _resolve_uncached does, and a last component that is no link
        adds no hop. One mount only (with several, a path resolved in one may lie under another)
        and folders at most 64 deep (this recurses once per level)."""
        if len(self.mounts) != 1:
            return None
        path = posixpath.normpath(host_path)
        folder, name = posixpath.split(path)
        if not name or name == ".." or folder == path or path.count("/") > 64:
            return None
        mount = self.mounts[0]
        if folder != mount.host and not folder.startswith(mount.host.rstrip("/") + "/"):
            return None
        final, why, _ = self._resolve(folder)
        if why or final is None:
            return None
        real_folder = self.real_path(final)
        if real_folder is None or len(real_folder) > PATH_MAX:
            return None
        real = os.path.join(real_folder, name)
        hops = self._hops.get(folder, 0)
        try:
            st = sysio.lstat(real)
        except OSError:
            self._hops[host_path] = hops
            self._inherit(host_path, folder)
            return posixpath.join(final, name), "", None  # missing: as _resolve_uncached says
        if stat.S_ISLNK(st.st_mode):
            return self._through_link(host_path, final, real, hops)
        if stat.S_ISREG(st.st_mode) and 0 < st.st_size <= TEXT_LINK_MAX and self._text_link(real):
            return None
        self._hops[host_path] = hops
        self._inherit(host_path, folder)
        return posixpath.join(final, name), "", None

    def _through_link(self, host_path: str, folder: str, real: str, hops: int
                      ) -> tuple[str, str, None] | None:
        """A link in a folder that resolved cleanly (``folder``, reached after ``hops`` links),
        as in sites-enabled/x.conf -> ../sites-available/x.conf: a relative target made of
        leading ``..`` and then plain names leads exactly where its text joined to the folder
        does (the folder holds no link, so ``..`` is its parent), which is resolved the same way.
        That resolution is a probe: it takes no walk from the top and records nothing, and when
        it meets anything but a clean answer (a loop, a way out, a link stored as text) this
        returns None and _resolve_uncached follows the whole path, recording what it finds as
        it always did. Probes nest at most four deep (each nests the folder recursion)."""
        if self._probing >= 4:
            return None
        try:
            target = sysio.readlink(real)
        except OSError:
            return None
        parts = [p for p in target.split("/") if p not in ("", ".")]
        if target.startswith("/") or not parts:
            return None
        ups = 0
        while ups < len(parts) and parts[ups] == "..":
            ups += 1
        if ".." in parts[ups:]:
            return None  # "a/../b": where ".." leads depends on whether "a" is a link
        joined = posixpath.normpath(posixpath.join(folder, *parts))
        mount = self.mounts[0]
        if mount.host != "/" and joined != mount.host and not joined.startswith(mount.host + "/"):
            return None  # above the mount point: outside it, which the walk records
        self._probing += 1
        try:
            found = self._resolve(joined)
        finally:
            self._probing -= 1
        if found[1] or found[0] is None:
            return None
        total = hops + 1 + self._hops.get(joined, 0)
        if total > MAX_SYMLINKS:
            return None  # the kernel's ELOOP: the walk reports it
        self._hops[host_path] = total
        self._inherit(host_path, folder, joined)
        return found

    def _resolve_uncached(self, host_path: str) -> tuple[str | None, str, tuple[str, str] | None]:
        """(final host path, "" | "outside" | "loop" | "unreadable", the link that left or looped),
        following every component from the top; the links stored as text it passes are kept for
        _record."""
        met: list[tuple[str, str]] = []
        found = self._walk_from_top(host_path, met)
        if met:
            self._met[host_path] = tuple(met)
        return found

    def _walk_from_top(self, host_path: str, met: list[tuple[str, str]]
                       ) -> tuple[str | None, str, tuple[str, str] | None]:
        path = posixpath.normpath(host_path)
        hops = 0
        first_link = last_link = None  # (host path of a link, its target)
        while True:
            found = self._mount_for(path)
            if found is None:
                return None, "outside", last_link
            mount, rest = found
            pending = [p for p in rest.split("/") if p not in ("", ".")]
            pending.reverse()  # a stack: the next component is last
            resolved: list[str] = []
            reals = [mount.real]  # the real path of each prefix of ``resolved``
            restart = None
            while pending:
                part = pending.pop()
                if part == "..":
                    if resolved:
                        resolved.pop()
                        reals.pop()
                    elif mount.host != "/":  # above this mount point: outside it
                        restart = posixpath.join(posixpath.dirname(mount.host), *reversed(pending))
                        break
                    continue
                if len(reals[-1]) > PATH_MAX:  # too long to exist: the rest is missing
                    resolved.append(part)
                    reals.append(reals[-1])
                    continue
                real = os.path.join(reals[-1], part)
                try:
                    st = sysio.lstat(real)
                except OSError:
                    resolved.append(part)
                    reals.append(real)
                    continue
                target = None
                if stat.S_ISLNK(st.st_mode):
                    try:
                        target = sysio.readlink(real)
                    except OSError:
                        return None, "unreadable", None
                elif stat.S_ISREG(st.st_mode) and 0 < st.st_size <= TEXT_LINK_MAX:
                    target = self._text_link(real)
                    if target is not None:
                        met.append((posixpath.join(mount.host, *resolved, part), target))
                if target is None:
                    resolved.append(part)
                    reals.append(real)
                    continue
                last_link = (posixpath.join(mount.host, *resolved, part), target)
                first_link = first_link or last_link
                hops += 1
                if hops > MAX_SYMLINKS:
                    return None, "loop", first_link
                if target.startswith("/"):
                    restart = posixpath.join(target, *reversed(pending))
                    break
                pending.extend(reversed([p for p in target.split("/") if p not in ("", ".")]))
            if restart is None:
                self._hops[host_path] = hops
                return posixpath.join(mount.host, *resolved), "", None
            path = posixpath.normpath(restart)

    def _text_link(self, real: str) -> str | None:
        """The target if this small file is a symlink stored as text: one path, no whitespace,
        no newline. Such a file is never valid Apache or uwsgi configuration (httpd rejects it as
        an unknown directive), so reading it as the link it was meant to be loses nothing."""
        if real in self._text_link_cache:
            return self._text_link_cache[real]
        target = None
        try:
            fd = sysio.open_file(real)
            try:
                st = sysio.fstat(fd, real)
                if stat.S_ISREG(st.st_mode):
                    text = sysio.read(fd, real, TEXT_LINK_MAX + 1, st).decode("utf-8")
                    if "/" in text and not any(c.isspace() or c in "<>#=\"\0" for c in text):
                        target = text
            finally:
                os.close(fd)
        except (OSError, UnicodeDecodeError):
            pass
        self._text_link_cache[real] = target
        return target

    def kind(self, host_path: str) -> str:
        """'file', 'dir', 'other' (FIFO, socket, device), 'missing' or 'broken' (a link that leads
        nowhere inside the tree: dangling, looping or leaving it). Never opens anything."""
        return self._kind(host_path)[0]

    def size(self, host_path: str) -> int:
        """The size of a regular file (0 for anything else)."""
        return self._kind(host_path)[1]

    def _kind(self, host_path: str) -> tuple[str, int]:
        try:  # once per path, as for _resolve: the read phase asks again for every Include
            return self._kinds[host_path]
        except KeyError:
            pass
        found = ("broken", 0)
        final = self.resolve(host_path)
        real = self.real_path(final) if final is not None else None
        if final is not None and real is None:
            found = ("missing", 0)
        elif real is not None:
            try:
                st = sysio.stat(real)
                found = ("file", st.st_size) if stat.S_ISREG(st.st_mode) else (
                    "dir" if stat.S_ISDIR(st.st_mode) else "other", 0)
            except OSError:
                try:
                    sysio.lstat(real)
                except OSError:
                    found = ("missing", 0)
        self._kinds[host_path] = found
        return found

    def leads_outside(self, host_path: str) -> bool:
        """Does this path lead out of the checked tree through a link?"""
        return self._resolve(host_path)[1] == "outside"

    def is_directory_entry(self, host_path: str) -> bool:
        """Is this directory entry itself a folder (not a link to one)? What readdir's d_type says,
        which httpd's Include wildcards use to decide which entries to descend into."""
        parent, name = posixpath.split(posixpath.normpath(host_path))
        final = self.resolve(parent)
        real = self.real_path(final) if final else None
        if real is None or not name:
            return False
        try:
            return stat.S_ISDIR(sysio.lstat(os.path.join(real, name)).st_mode)
        except OSError:
            return False

    def readlink(self, host_path: str) -> str | None:
        """A link's target as written (also for links stored as text), else None."""
        real = self.real_path(host_path)
        if real is None:
            return None
        try:
            st = sysio.lstat(real)
            if stat.S_ISLNK(st.st_mode):
                return sysio.readlink(real)
        except OSError:
            return None
        if stat.S_ISREG(st.st_mode) and 0 < st.st_size <= TEXT_LINK_MAX:
            return self._text_link(real)
        return None

    def listdir(self, host_dir: str) -> list[str] | None:
        """The names in a folder, or None. A folder that exists but cannot be listed is recorded
        (``unlistable``): what it holds was not checked."""
        final = self.resolve(host_dir)
        real = self.real_path(final) if final else None
        if real is None:
            return None
        try:
            return sysio.listdir(real)
        except OSError as exc:
            if exc.errno not in _NOT_LISTED and not self._quiet:
                reason = _os_error(exc)
                self.unlistable.setdefault(final, str(reason))
            return None

    # -- reading ---------------------------------------------------------------------------
    def _realpath(self, real: str) -> tuple[str, os.stat_result | None]:
        """os.path.realpath, with each folder's real path worked out once per run (a file's own
        name is followed every time: it may be a link); and the lstat of the result when it
        took one (the last name is no link), so that the caller need not take it again."""
        folder, name = os.path.split(real)
        try:
            base = self._real_dirs[folder]
        except KeyError:
            base = self._real_dirs[folder] = sysio.realpath(folder)
        path = os.path.join(base, name)
        if name in ("", ".", ".."):
            return sysio.realpath(path), None
        try:
            st = sysio.lstat(path)
        except OSError:
            return path, None
        return (sysio.realpath(path), None) if stat.S_ISLNK(st.st_mode) else (path, st)

    def _confined(self, real: str) -> bool:
        return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in self.confine)

    def _open(self, host_path: str) -> tuple[int, os.stat_result, str]:
        """Open a regular file inside the tree for reading, or raise ReadError saying why not.
        A FIFO, socket or device is refused from its lstat, before any open."""
        final, why, _ = self._resolve(host_path)
        if why == "loop":
            raise ReadError("a loop of symbolic links (Too many levels of symbolic links)",
                            reported=True)
        if why == "outside":
            raise ReadError("a link on its path leads outside the checked tree", OUTSIDE_CODE,
                            reported=True)
        if why:
            raise ReadError("a symbolic link on its path cannot be read")
        real = self.real_path(final)
        if real is None:
            raise ReadError("No such file or directory")
        target, st = self._realpath(real)
        if not self._confined(target):
            raise self._outside(target)
        try:
            st = st or sysio.lstat(target)
        except OSError as exc:
            raise _os_error(exc) from None
        if not stat.S_ISREG(st.st_mode):
            raise ReadError(f"{file_type(st.st_mode)}, not a regular file: heatlint did not open it, "
                            "so what it would configure was not checked")
        try:
            fd = sysio.open_file(target)
        except OSError as exc:
            raise _os_error(exc) from None
        try:
            fst = sysio.fstat(fd, target)
            if not stat.S_ISREG(fst.st_mode) or (fst.st_dev, fst.st_ino) != (st.st_dev, st.st_ino):
                raise ReadError("it changed while heatlint opened it: not read")
            opened = _opened_path(fd)
            if opened is not None and not self._confined(opened):
                raise self._outside(opened)
        except BaseException:
            os.close(fd)
            raise
        return fd, fst, target

    @staticmethod
    def _outside(target: str) -> ReadError:
        return ReadError(
            f"this file leads to {target}, outside the checked tree: heatlint reads nothing outside "
            "the tree it checks, so what it configures was not checked; check a folder that holds "
            "both (the system root), or copy the file into the tree", OUTSIDE_CODE)

    def read_bytes(self, host_path: str) -> bytes:
        """Read a regular text file inside the tree. Raises ReadError with a plain reason
        otherwise: outside the tree, not a regular file, too large, binary, over a run-wide limit."""
        try:
            return self._read(host_path)
        except ReadError as exc:
            self.failed.add(host_path)
            if exc.limit:
                self.skipped.setdefault(exc.limit, []).append(host_path)
            raise

    def _read(self, host_path: str) -> bytes:
        budget, limits = self.budget, self.budget.limits
        if budget.expired():
            raise ReadError("not read: timeout", LIMIT_CODE, "timeout")
        if budget.files >= limits.max_files:
            raise ReadError("not read: max-files", LIMIT_CODE, "max-files")
        fd, st, real = self._open(host_path)
        try:
            if st.st_size > limits.max_file_size:
                raise self._too_large(st.st_size)
            if budget.bytes + st.st_size > limits.max_total_size:
                raise ReadError("not read: max-total-size", LIMIT_CODE, "max-total-size")
            data = sysio.read(fd, real, limits.max_file_size + 1, st)
        except OSError as exc:
            raise exc if isinstance(exc, ReadError) else _os_error(exc) from None
        finally:
            os.close(fd)
        if len(data) > limits.max_file_size:  # it grew, or its size was not its length (/proc)
            raise self._too_large(len(data))
        budget.files += 1
        budget.bytes += len(data)
        nul = data.find(b"\0")
        if nul >= 0:
            line = data.count(b"\n", 0, nul) + 1
            raise ReadError(f"binary, not text (a NUL byte on line {line}): not read as "
                            "configuration, so what it would configure was not checked")
        return data

    def _too_large(self, size: int) -> ReadError:
        limit = self.limits.max_file_size
        return ReadError(f"this file is {show_size(size)}, more than the max-file-size limit of "
                         f"{show_size(limit)}: not read, so what it configures was not checked; "
                         + raise_hint("max-file-size", size), LIMIT_CODE)

    def head(self, host_path: str, size: int = SNIFF_BYTES) -> bytes | None:
        """The first bytes of a regular file inside the tree, to see what kind of file it is;
        None when it cannot be read. Not counted against the budget (it is bounded by ``size``)."""
        try:
            fd, st, real = self._open(host_path)
        except OSError:
            return None
        try:
            return sysio.read(fd, real, size, st)
        except OSError:
            return None
        finally:
            os.close(fd)

    # -- what the reading left unchecked ---------------------------------------------------
    def problems(self) -> list[InputProblem]:
        """Findings about this tree that no single read reports: links that lead out of it or
        loop, folders that cannot be listed, and files a run-wide limit kept unread."""
        problems = []
        for link, target in sorted(self.outside_links.items()):
            problems.append(InputProblem(
                OUTSIDE_CODE, f"this symbolic link points to {target}, outside the checked tree: "
                "heatlint reads nothing outside the tree it checks, so what it leads to was not "
                "checked; check a folder that holds both (the system root), or copy the target "
                "into the tree", Location(self.shown(link))))
        for link, target in sorted(self.link_loops.items()):
            problems.append(InputProblem(
                READ_CODE, f"this symbolic link (to {target}) is part of a loop of symbolic links: it "
                "leads nowhere (httpd: Too many levels of symbolic links)", Location(self.shown(link))))
        for folder, reason in sorted(self.unlistable.items()):
            problems.append(InputProblem(
                READ_CODE, f"cannot list this folder: {reason.replace('read it', 'list it')}; the "
                "files in it were not checked", Location(self.shown(folder))))
        for limit, paths in self.skipped.items():
            shown = list(dict.fromkeys(self.shown(p) for p in paths))
            problems.append(not_read_problem(limit, self.limits, self.budget.files, self.budget.bytes,
                                             Location(shown[0]), [Location(s) for s in shown[1:]]))
        return problems


def read_problem(exc: OSError, shown: str) -> InputProblem | None:
    """The finding for a file that could not be read (None when RootFS.problems reports it)."""
    if getattr(exc, "summarised", False):
        return None
    code = getattr(exc, "code", READ_CODE)
    reason = exc.strerror or str(exc)
    return InputProblem(code, f"cannot read this file: {reason}" if code == READ_CODE else reason,
                        Location(shown))


def _opened_path(fd: int) -> str | None:
    """What the kernel says this descriptor is (Linux), to check it after the fact."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None

