"""A whole run's findings, kept for the next run over an unchanged tree.

The parse cache (parse/cache.py) spares a second run the parsing, but reading, resolving and
checking a large tree cost more than parsing it. So a run that completes also keeps its findings
together with every question it asked the file system and the answer (heatlint/observe.py). The
next run with the same key asks those questions again, which takes one system call each, and
when every answer is the same it reports the kept findings: heatlint's result is a function of
the key and of those answers, so it is the result a full run would give.

The key holds everything else a result depends on: heatlint's code, grammars and data, each
rule's code (plugins too), Python's and Lark's versions, the configuration, the paths as typed,
the working folder they are relative to, the files of ``--changed-only``, and the user running it
(whose permissions and name findings mention). A run that hit the timeout, or was cut short, is
not kept: what it found depends on how fast the machine was.

Entries live beside the parse cache, in ``runs/`` (one file per key, a digest of its contents
first: a file that does not match or does not load counts as missing). The folder must belong to
the user and be writable by nobody else, as for the parse cache; only the newest KEEP entries are
kept. ``--no-cache`` neither reads nor writes them.
"""

from __future__ import annotations

import os
import pickle
import sys

from . import observe
from .parse.cache import blake2b, cache_dir, lark_source, usable_dir

FORMAT = b"heatlint run cache 1\n"
KEEP = 16  # entries (one per key: per tree, configuration and working folder)
_DIGEST = 16


def _files_under(folder: str) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        found += [os.path.join(dirpath, n) for n in sorted(filenames)
                  if n.endswith((".py", ".lark", ".tsv", ".json"))]
    return found


def key(rules, config, paths: list[str], changed: list[str] | None) -> bytes | None:
    """What besides the file system a run's findings depend on, as a digest. None when runs
    cannot be kept (no usable cache folder) or compared (the working folder is gone)."""
    if _folder() is None:
        return None
    import heatlint
    import heatlint.grammars
    import heatlint.rules

    h = blake2b(FORMAT, digest_size=_DIGEST)
    folders = [*heatlint.__path__, *heatlint.rules.__path__, *heatlint.grammars.__path__]
    files = [f for folder in folders for f in _files_under(folder)]
    for rule in rules:  # plugins: the module each rule's check comes from
        module = sys.modules.get(getattr(rule.check, "__module__", "") or "")
        source = getattr(module, "__file__", None)
        if source and not any(source.startswith(folder + os.sep) for folder in folders):
            files.append(source)
        h.update(repr((rule.code, rule.name, rule.severity, rule.options, rule.late)).encode())
    lark = lark_source()
    if lark:
        files.append(lark)
    for path in files:
        try:
            with open(path, "rb") as fh:
                h.update(path.encode() + b"\0" + fh.read() + b"\0")
        except OSError:
            h.update(path.encode() + b"\0?\0")
    uid = os.geteuid() if hasattr(os, "geteuid") else -1
    groups = sorted(os.getgroups()) if hasattr(os, "getgroups") else []
    try:
        cwd = os.getcwd()
    except OSError:  # removed under us: no run to compare with
        return None
    h.update(repr((sys.version, config, paths, cwd, changed, uid, groups)).encode())
    return h.digest()


def _folder() -> str | None:
    base = usable_dir(cache_dir())
    return usable_dir(os.path.join(base, "runs")) if base else None


def load(run_key: bytes):
    """The kept result for this key if nothing it read has changed since, else None."""
    folder = _folder()
    if folder is None:
        return None
    try:
        with open(os.path.join(folder, run_key.hex()), "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    head = len(FORMAT)
    if not data.startswith(FORMAT) or blake2b(data[head + _DIGEST:], digest_size=_DIGEST).digest() \
            != data[head:head + _DIGEST]:
        return None
    try:
        answers, result = pickle.loads(data[head + _DIGEST:])
    except Exception:  # written by another version, or damaged in a way the digest missed
        return None
    if not observe.unchanged(answers):
        return None
    try:
        os.utime(os.path.join(folder, run_key.hex()))  # used: the last to be dropped
    except OSError:
        pass
    return result


def save(run_key: bytes, recorder: observe.Recorder, result) -> None:
    """Keep a complete run's result (written whole or not at all; never fails the run)."""
    folder = _folder()
    if folder is None:
        return
    try:
        payload = pickle.dumps((recorder.answers(), result), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, RecursionError, TypeError, AttributeError):
        return
    path = os.path.join(folder, run_key.hex())
    temp = f"{path}.{os.getpid()}.tmp"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(FORMAT + blake2b(payload, digest_size=_DIGEST).digest() + payload)
        os.replace(temp, path)
        _trim(folder)
    except OSError:
        try:
            os.unlink(temp)
        except OSError:
            pass


def _trim(folder: str) -> None:
    """Only the KEEP newest entries stay."""
    entries = []
    for name in os.listdir(folder):
        try:
            entries.append((os.stat(os.path.join(folder, name)).st_mtime_ns, name))
        except OSError:
            continue
    for _, name in sorted(entries, reverse=True)[KEEP:]:
        try:
            os.unlink(os.path.join(folder, name))
        except OSError:
            pass
