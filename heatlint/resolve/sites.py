"""Debian's enable/disable mechanism: ``sites-``, ``conf-`` and ``mods-`` ``available``/``enabled``.

An entry of a ``*-enabled`` folder is what a2ensite/a2enconf/a2enmod create (a relative link to
``../*-available/<name>``). httpd itself knows nothing of this: it reads whatever the Include globs
in apache2.conf match. So an entry's state comes from what the resolver actually read.
"""

from __future__ import annotations

import posixpath
from typing import Callable

from ..fs import RootFS
from ..model import ProxyRoute, Site
from ..source import Location

KINDS = ("sites", "conf", "mods")


def _stem(name: str) -> str:
    for suffix in (".conf", ".load"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _differs(fs: RootFS, copy: str, original: str) -> bool:
    """A copy in *-enabled that no longer matches the file a2ensite would link."""
    if fs.kind(original) != "file":
        return False
    try:
        return fs.read_bytes(copy) != fs.read_bytes(original)
    except OSError:
        return False


def debian_sites(fs: RootFS, server_root: str, read_paths: set[str],
                 routes_of: Callable[[str, str], list[ProxyRoute]]) -> list[Site]:
    sites: list[Site] = []
    for kind in KINDS:
        enabled_dir = posixpath.join(server_root, f"{kind}-enabled")
        available_dir = posixpath.join(server_root, f"{kind}-available")
        linked: set[str] = set()
        for name in sorted(fs.listdir(enabled_dir) or []):
            entry = posixpath.join(enabled_dir, name)
            state = fs.kind(entry)
            if state == "dir":
                continue
            final = fs.resolve(entry)
            if final:
                linked.add(final)
            site = Site(kind, _stem(name), "enabled", Location(fs.shown(entry)),
                        link_target=fs.readlink(entry) or "")
            if not site.link_target and state == "file":
                site.drift = _differs(fs, entry, posixpath.join(available_dir, name))
            if state in ("missing", "broken"):
                # A link out of the checked tree is not known to dangle (HL009 says it was not read).
                site.state = "outside" if fs.leads_outside(entry) else "dangling"
            else:
                site.available = Location(fs.shown(final)) if final and final != entry else None
                if entry not in read_paths:
                    site.state = "not-included"
            sites.append(site)
        if kind == "mods":
            continue  # a module that is merely available has nothing to say
        for name in sorted(fs.listdir(available_dir) or []):
            path = posixpath.join(available_dir, name)
            if fs.kind(path) != "file" or fs.resolve(path) in linked:
                continue
            site = Site(kind, _stem(name), "available", available=Location(fs.shown(path)))
            site.routes = routes_of(path, site.name)
            sites.append(site)
    return sites


def redhat_sites(fs: RootFS, server_root: str, read_paths: set[str],
                 routes_of: Callable[[str, str], list[ProxyRoute]]) -> list[Site]:
    """Red Hat's ``conf.d``: httpd.conf ends with ``IncludeOptional conf.d/*.conf``, so a file is
    enabled by its name ending in ``.conf``; devstack disables a site by renaming it to
    ``<name>.conf.disabled``. Files httpd read are "enabled", the others "available" (with the
    routes they would add)."""
    sites: list[Site] = []
    folder = posixpath.join(server_root, "conf.d")
    for name in sorted(fs.listdir(folder) or []):
        path = posixpath.join(folder, name)
        if fs.kind(path) != "file":
            continue
        stem = name.split(".conf", 1)[0] if ".conf" in name else name
        if path in read_paths:
            sites.append(Site("conf.d", stem, "enabled", Location(fs.shown(path)),
                              link_target=fs.readlink(path) or ""))
        else:
            site = Site("conf.d", stem, "available", available=Location(fs.shown(path)))
            site.routes = routes_of(path, stem)
            sites.append(site)
    return sites
