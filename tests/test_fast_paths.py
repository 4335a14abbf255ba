"""Shortcuts taken for speed give the answers of the long way (benchmarks/ measures the speed).

* RootFS resolves a path from its folder's answer when it can (fs._resolve_in_folder, and
  _through_link for a relative link): the same answers and the same recorded links as resolving
  it from the top, on random trees of links, text links, loops and escapes; and the same again
  when paths were first resolved quietly (the parse cache looking ahead).
* The parsers read a statement as one token: the same statements as word by word (kept in
  tests/test_parse_*.py and tests/test_fuzz.py); route_shadowed looks up covering prefixes.
"""

from __future__ import annotations

import os
import posixpath
import random

from heatlint.fs import Mount, RootFS

NAMES = ["a", "b", "c", "etc", "x.conf", "y.ini"]
TARGETS = ["../a", "a", "/a/b", "/etc", "..", "../../..", "x.conf", "../x.conf", "/a/x.conf", "loop",
           "/../../a", "b/../../..", "../b/x.conf", "../../a/y.ini", "c/x.conf1", "../etc/../a", "./x.conf"]


def _random_tree(rng: random.Random, root: str) -> None:
    folders = [""]
    for _ in range(12):
        folder = posixpath.join(rng.choice(folders), rng.choice(NAMES[:4]))
        os.makedirs(os.path.join(root, folder), exist_ok=True)
        folders.append(folder)
    for _ in range(25):
        path = os.path.join(root, rng.choice(folders), rng.choice(NAMES) + rng.choice(["", "1"]))
        if os.path.lexists(path):
            continue
        kind = rng.random()
        if kind < 0.35:
            with open(path, "w") as fh:
                fh.write("ServerName x\n" * rng.randint(0, 200))
        elif kind < 0.5:  # a link stored as text
            with open(path, "w") as fh:
                fh.write(rng.choice(["../a/x.conf", "/etc/x.conf", "b/y.ini", "../../../outside"]))
        else:
            os.symlink(rng.choice(TARGETS + [os.path.basename(path)]), path)


def test_resolving_from_the_folder_gives_what_resolving_from_the_top_does(tmp_path):
    rng = random.Random(7)
    for trial in range(300):
        root = tmp_path / f"t{trial}"
        root.mkdir()
        _random_tree(rng, str(root))
        if rng.random() < 0.3 and (root / "etc").is_dir() and not (root / "etc").is_symlink():
            mounts = [Mount("/etc", str(root / "etc"), "t/etc")]
        else:
            mounts = [Mount("/", str(root), "t")]
        fast, slow, ahead = RootFS(list(mounts)), RootFS(list(mounts)), RootFS(list(mounts))
        slow._shortcuts = False
        paths = ["/" + "/".join(rng.choice(NAMES + ["..", ".", "missing"]) + rng.choice(["", "1"])
                                for _ in range(rng.randint(1, 6))) for _ in range(60)]
        paths += ["/etc" + p for p in paths[:20]]
        with ahead.quietly():  # as the parse cache looks ahead: nothing may be recorded yet
            for path in paths[::2] + [p + "/x.conf" for p in paths[::3]]:
                ahead._resolve(path)
        assert (ahead.text_links, ahead.outside_links, ahead.link_loops) == ({}, {}, {})
        for path in paths + paths:  # the second time, folders are known
            assert fast._resolve(path) == slow._resolve(path) == ahead._resolve(path), path
        for links in ("text_links", "outside_links", "link_loops"):
            assert getattr(fast, links) == getattr(slow, links) == getattr(ahead, links), links


def test_route_shadowed_looks_up_exactly_the_prefixes_that_cover_a_path():
    from heatlint.rules.route_shadowed import _covering_prefixes, _covers

    rng = random.Random(3)
    for _ in range(20000):
        path = "".join(rng.choice("/ab") for _ in range(rng.randint(1, 9)))
        expected = {path[:k] for k in range(1, len(path) + 1) if _covers(path[:k], path)}
        assert set(_covering_prefixes(path)) == expected, path


def test_the_nearest_port_is_found_by_bisection_as_by_comparing_all():
    from types import SimpleNamespace

    from heatlint.model import Endpoint
    from heatlint.rules._common import _distance, _Nearest

    rng = random.Random(5)
    for _ in range(300):
        candidates = [(SimpleNamespace(path=f"a{i}"), SimpleNamespace(
            endpoint=Endpoint("tcp", host="127.0.0.1", port=rng.choice([None, *range(0, 40)]))))
            for i in range(rng.randint(1, 30))]
        nearest = _Nearest(candidates, "tcp")
        for port in (None, *range(-2, 45)):
            target = Endpoint("tcp", host="127.0.0.1", port=port)
            expected = min(candidates, key=lambda c: _distance(c[1].endpoint, target))
            assert nearest(target) is expected
