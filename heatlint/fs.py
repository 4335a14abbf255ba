"""A read-only view of a checked tree in which absolute paths mean what they mean on its host.

heatlint is pointed at a copy of a host (``./rootfs``, a CI checkout of ``/etc``) or at the host
itself. Configuration files name absolute paths (``Include /etc/apache2/x.conf``, symlinks to
``/etc/mailman3/apache.conf``); those must resolve *inside the checked tree*, never on the machine
running heatlint. :class:`RootFS` maps "host paths" (absolute POSIX strings as the configuration
writes them) onto real directories through a small mount table, and resolves symlinks itself so
that an absolute or ``..``-escaping link target stays confined to the tree, like a chroot.
"""

from __future__ import annotations

import os
import posixpath
import stat
from dataclasses import dataclass

MAX_SYMLINKS = 40  # the kernel's limit (ELOOP); a loop is reported as "not found"
TEXT_LINK_MAX = 1024


@dataclass(frozen=True)
class Mount:
    host: str  # absolute host path, no trailing slash except "/"
    real: str  # real directory on this machine
    shown: str  # how the user refers to ``real`` (the path they typed)


class RootFS:
    """Host paths → real files, confined to the mounts. Nothing here ever writes."""

    def __init__(self, mounts: list[Mount]):
        # Longest host prefix first, so /etc/apache2 wins over / when both are mounted.
        self.mounts = sorted(mounts, key=lambda m: len(m.host), reverse=True)
        # Symbolic links stored as plain files holding the target path (what git writes with
        # core.symlinks=false, and what copies that lose links leave): host path -> target.
        self.text_links: dict[str, str] = {}
        self._text_link_cache: dict[str, str | None] = {}

    @classmethod
    def rooted_at(cls, real_root: str, shown: str) -> "RootFS":
        return cls([Mount("/", os.path.abspath(real_root), shown)])

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
        found = self._mount_for(posixpath.normpath(host_path))
        if found is None:
            return None
        mount, rest = found
        return os.path.join(mount.real, rest) if rest else mount.real

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
        in the mounts again, and ``..`` stops at the mount point. Returns the final host path
        (which may not exist, see :meth:`kind`), or None when it leaves every mount or loops."""
        path = posixpath.normpath(host_path)
        hops = 0
        while True:
            found = self._mount_for(path)
            if found is None:
                return None
            mount, rest = found
            parts = [p for p in rest.split("/") if p not in ("", ".")]
            resolved: list[str] = []
            restart = None
            while parts:
                part = parts.pop(0)
                if part == "..":
                    if resolved:
                        resolved.pop()
                    continue
                real = os.path.join(mount.real, *resolved, part)
                try:
                    st = os.lstat(real)
                except OSError:
                    resolved.append(part)
                    continue
                target = None
                if stat.S_ISLNK(st.st_mode):
                    try:
                        target = os.readlink(real)
                    except OSError:
                        return None
                elif stat.S_ISREG(st.st_mode) and 0 < st.st_size <= TEXT_LINK_MAX:
                    target = self._text_link(real)
                    if target is not None:
                        self.text_links[posixpath.join(mount.host, *resolved, part)] = target
                if target is None:
                    resolved.append(part)
                    continue
                hops += 1
                if hops > MAX_SYMLINKS:
                    return None
                if target.startswith("/"):
                    restart = posixpath.join(target, *parts)
                    break
                parts = [p for p in target.split("/") if p not in ("", ".")] + parts
            if restart is None:
                return posixpath.join(mount.host, *resolved)
            path = posixpath.normpath(restart)

    def _text_link(self, real: str) -> str | None:
        """The target if this small file is a symlink stored as text: one path, no whitespace,
        no newline. Such a file is never valid Apache or uwsgi configuration (httpd rejects it as
        an unknown directive), so reading it as the link it was meant to be loses nothing."""
        if real in self._text_link_cache:
            return self._text_link_cache[real]
        target = None
        try:
            with open(real, "rb") as fh:
                text = fh.read(TEXT_LINK_MAX + 1).decode("utf-8")
            if "/" in text and not any(c.isspace() or c in "<>#=\"" for c in text):
                target = text
        except (OSError, UnicodeDecodeError):
            pass
        self._text_link_cache[real] = target
        return target

    def kind(self, host_path: str) -> str:
        """'file', 'dir', 'other' (FIFO, socket, device), 'missing' or 'broken' (a link that leads
        nowhere inside the tree). Never opens anything."""
        final = self.resolve(host_path)
        if final is None:
            return "broken"
        real = self.real_path(final)
        if real is None:
            return "missing"
        try:
            st = os.stat(real)
        except OSError:
            try:
                os.lstat(real)
            except OSError:
                return "missing"
            return "broken"
        if stat.S_ISREG(st.st_mode):
            return "file"
        if stat.S_ISDIR(st.st_mode):
            return "dir"
        return "other"

    def is_directory_entry(self, host_path: str) -> bool:
        """Is this directory entry itself a folder (not a link to one)? What readdir's d_type says,
        which httpd's Include wildcards use to decide which entries to descend into."""
        parent, name = posixpath.split(posixpath.normpath(host_path))
        final = self.resolve(parent)
        real = self.real_path(final) if final else None
        if real is None or not name:
            return False
        try:
            return stat.S_ISDIR(os.lstat(os.path.join(real, name)).st_mode)
        except OSError:
            return False

    def readlink(self, host_path: str) -> str | None:
        """A link's target as written (also for links stored as text), else None."""
        real = self.real_path(host_path)
        if real is None:
            return None
        try:
            st = os.lstat(real)
            if stat.S_ISLNK(st.st_mode):
                return os.readlink(real)
        except OSError:
            return None
        if stat.S_ISREG(st.st_mode) and 0 < st.st_size <= TEXT_LINK_MAX:
            return self._text_link(real)
        return None

    def listdir(self, host_dir: str) -> list[str] | None:
        final = self.resolve(host_dir)
        real = self.real_path(final) if final else None
        if real is None:
            return None
        try:
            return os.listdir(real)
        except OSError:
            return None

    def read_bytes(self, host_path: str) -> bytes:
        """Read a regular file inside the tree. Raises OSError with a plain reason otherwise."""
        final = self.resolve(host_path)
        real = self.real_path(final) if final else None
        if real is None:
            raise OSError("it points outside the checked tree or loops")
        st = os.stat(real)
        if not stat.S_ISREG(st.st_mode):
            raise OSError("not a regular file")
        with open(real, "rb") as fh:
            return fh.read()
