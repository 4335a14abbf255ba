"""Baselines: record today's findings (``--write-baseline FILE``) and report only new ones
(``--baseline FILE``), so heatlint can gate a repository that already has findings.

A finding is keyed by its file, its rule and a stable anchor, never by its line number: the
offending source line's text with its whitespace normalised, plus an occurrence counter for the
same text in the same file and rule (counted in line order). Editing, adding or removing other lines
therefore leaves recorded findings recorded; changing the offending line itself, or adding another
identical one, makes a finding new. Paths are stored relative to the baseline file's folder, so
the baseline does not depend on where heatlint runs from.

The file is JSON, sorted, one object per finding; ``message`` and ``name`` are there for the person
reading a diff of the baseline and are not part of the key::

    {"heatlint-baseline": 1,
     "findings": [{"path": "rootfs/etc/apache2/sites-enabled/heat-api.conf", "code": "HL302",
                   "anchor": "ProxyPass \\"/heat-api\\" \\"unix:…\\" retry=0", "occurrence": 1,
                   "name": "no-app-on-socket", "message": "…"}]}
"""

from __future__ import annotations

import json
import os
from collections import Counter
from typing import Iterable

from . import write_atomic

VERSION = 1
Key = tuple[str, str, str, int]  # (path, code, anchor, occurrence)


class BaselineError(Exception):
    """A baseline file that cannot be read or is not a heatlint baseline: exit status 2."""


def anchor(text: str) -> str:
    """The source line with whitespace normalised: indentation or spacing changes do not matter."""
    return " ".join(text.split())


def _path_key(path: str, base_dir: str | None) -> str:
    if base_dir is None:
        return path.replace(os.sep, "/")
    return os.path.relpath(os.path.abspath(path), base_dir).replace(os.sep, "/")


def keyed(findings: Iterable, base_dir: str | None = None) -> list[tuple[Key, object]]:
    """Each finding with its key; ``base_dir``: the folder paths are made relative to (None: the
    path as reported). Occurrences count in line order within (path, code, anchor)."""
    seen: Counter = Counter()
    out = []
    for f in sorted(findings, key=lambda f: (f.location.path, f.code, f.location.line,
                                              f.location.column, f.message)):
        base = (_path_key(f.location.path, base_dir), f.code, anchor(f.location.text))
        seen[base] += 1
        out.append(((*base, seen[base]), f))
    return out


def fingerprint(key: Key) -> str:
    """A short stable hash of a key (SARIF's partialFingerprints)."""
    import hashlib  # here: only --baseline runs need it (OpenSSL takes 3 ms to load)

    return hashlib.sha256(json.dumps(list(key)).encode()).hexdigest()[:32]


def _base_dir(path: str) -> str:
    return os.path.dirname(os.path.abspath(path))


def write(path: str, findings: Iterable) -> int:
    """Record ``findings`` in the baseline file ``path`` (atomically). Returns how many."""
    entries = [{"path": k[0], "code": k[1], "anchor": k[2], "occurrence": k[3],
                "name": f.name, "message": f.message}
               for k, f in keyed(findings, _base_dir(path))]
    entries.sort(key=lambda e: (e["path"], e["code"], e["anchor"], e["occurrence"]))
    write_atomic(path, json.dumps({"heatlint-baseline": VERSION, "findings": entries},
                                  indent=2, ensure_ascii=False) + "\n")
    return len(entries)


def load(path: str) -> set[Key]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: not a heatlint baseline (not JSON: {exc})") from exc
    if not isinstance(data, dict) or data.get("heatlint-baseline") != VERSION:
        raise BaselineError(f"{path}: not a heatlint baseline (version {VERSION}); "
                            "write one with --write-baseline")
    keys = set()
    for i, e in enumerate(data.get("findings", [])):
        try:
            key = (e["path"], e["code"], e["anchor"], e["occurrence"])
        except (KeyError, TypeError):
            raise BaselineError(f"{path}: finding #{i + 1} lacks path, code, anchor or occurrence")
        if not (all(isinstance(v, str) for v in key[:3]) and type(key[3]) is int):
            raise BaselineError(f"{path}: finding #{i + 1} has a value of the wrong type")
        keys.add(key)
    return keys


def new_findings(findings: list, path: str) -> tuple[list, int]:
    """The findings the baseline ``path`` does not hold (in their original order), and how many
    it does hold. Raises BaselineError."""
    known = load(path)
    old = {id(f) for k, f in keyed(findings, _base_dir(path)) if k in known}
    return [f for f in findings if id(f) not in old], len(old)
