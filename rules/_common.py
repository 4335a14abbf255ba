"""Facts several rules share, computed from the model only."""

from __future__ import annotations

import bisect
import difflib
from typing import Iterator

from heatlint.check import Problem
from heatlint.model import Deployment, Endpoint, ProxyRoute, UwsgiApp, UwsgiListener, decimal
from heatlint.resolve.endpoints import is_local, socket_key, tcp_reaches

# What each proxy scheme speaks on the wire, to compare with what a uwsgi listener expects.
SCHEME_PROTOCOL = {"http": "http", "https": "https", "uwsgi": "uwsgi"}


def input_problems(deployment: Deployment, code: str) -> Iterator[Problem]:
    for p in deployment.problems:
        if p.code == code:
            yield Problem(p.message, p.location, p.related)


def live_routes(deployment: Deployment) -> Iterator[ProxyRoute]:
    """Routes httpd uses, plus those a false <IfModule> removed: once the module is loaded they
    are live, and until then they are the unexplained 404 the module rules report."""
    for route in deployment.apache.routes:
        if route.url == "!" or route.site:
            continue
        if route.dropped_by is None or (route.dropped_by.kind.lower() == "ifmodule"
                                        and not route.dropped_by.negated):
            yield route


_MEMO: dict[tuple[int, str], tuple[Deployment, object]] = {}


def _memo(deployment: Deployment, what: str, build):
    """An index built once per deployment (deployments are checked one at a time): looking each
    route up in it keeps rules linear, where matching every route against every listener would
    grow with their product on a thousand vhosts."""
    cached = _MEMO.get((id(deployment), what))
    if cached is not None and cached[0] is deployment:
        return cached[1]
    if any(d is not deployment for d, _ in _MEMO.values()):
        _MEMO.clear()
    value = build(deployment)
    _MEMO[(id(deployment), what)] = (deployment, value)
    return value


def _index_listeners(deployment: Deployment) -> dict:
    """(transport, socket path or port) -> listeners."""
    index: dict = {}
    for app in deployment.apps:
        for listener in app.listeners:
            ep = listener.endpoint
            if ep is not None:
                key = ep.port if ep.transport == "tcp" else socket_key(ep.path)
                index.setdefault((ep.transport, key), []).append((app, listener))
    return index


def _listeners_by_address(deployment: Deployment) -> dict:
    return _memo(deployment, "listeners", _index_listeners)


def backends(deployment: Deployment, route: ProxyRoute) -> list[tuple[UwsgiApp, UwsgiListener]]:
    """The uwsgi listeners a route's connection would reach."""
    target = route.endpoint
    if target is None:
        return []
    index = _listeners_by_address(deployment)
    if target.transport == "unix":
        return list(index.get(("unix", socket_key(target.path)), []))
    return [(app, l) for app, l in index.get(("tcp", target.port), []) if tcp_reaches(target, l.endpoint)]


def first_routes(deployment: Deployment, key) -> Iterator[tuple[ProxyRoute, UwsgiApp, UwsgiListener]]:
    """(route, app, listener) for each uwsgi listener a live route reaches, once per
    ``key(app, listener)``: with the first route, in configuration order, that reaches it."""
    seen = set()
    for route in live_routes(deployment):
        for app, listener in backends(deployment, route):
            k = key(app, listener)
            if k not in seen:
                seen.add(k)
                yield route, app, listener


def checkable_backend(deployment: Deployment, route: ProxyRoute) -> bool:
    """Only a local backend of a deployment that has uwsgi apps can be judged "missing": a remote
    host, or a tree without any app, may be served by something heatlint was not shown."""
    ep = route.endpoint
    if ep is None or not deployment.apps or route.scheme not in SCHEME_PROTOCOL:
        return False
    if ep.transport == "unix":
        return True
    if ep.port is None or not 0 < ep.port <= 65535:
        return False  # the port-range rule says what is wrong with it
    if ep.port in _memo(deployment, "apache-ports", lambda d: {l.port for l in d.apache.listeners}):
        return False  # Apache proxying to one of its own ports (a TLS front, say)
    return is_local(ep.host)


def _distance(listener: Endpoint, target: Endpoint) -> float:
    if target.transport == "tcp":
        return abs((listener.port or 0) - (target.port or 0))
    return 1.0 - difflib.SequenceMatcher(None, listener.path, target.path).ratio()


NEAREST_EXACT = 200  # up to this many listeners, the nearest one is searched among all of them
NEAREST_WINDOW = 50  # beyond: among this many neighbours each side, by path and by reversed path


class _Nearest:
    """The listener closest to a target, the first in file order among equally close ones.
    Ports: exact, by bisection. Socket paths (difflib's similarity, which nothing indexes): exact
    among all listeners when there are few, else among the ones sorting next to the target by
    path and by reversed path (a typo near the end or near the start of the path), so a tree
    with thousands of apps does not compare every unserved route with every listener."""

    def __init__(self, candidates: list[tuple[UwsgiApp, UwsgiListener]], transport: str):
        self.candidates = candidates
        if transport == "tcp":
            first: dict[int, int] = {}
            for i, (_, listener) in enumerate(candidates):
                first.setdefault(listener.endpoint.port or 0, i)
            self.first_by_port = first
            self.ports = sorted(first)
        elif len(candidates) > NEAREST_EXACT:
            paths = [listener.endpoint.path for _, listener in candidates]
            self.by_path = sorted((p, i) for i, p in enumerate(paths))
            self.by_reversed = sorted((p[::-1], i) for i, p in enumerate(paths))

    def __call__(self, target: Endpoint) -> tuple[UwsgiApp, UwsgiListener] | None:
        if not self.candidates:
            return None
        if target.transport == "tcp":
            port = target.port or 0
            at = bisect.bisect_left(self.ports, port)
            near = self.ports[max(at - 1, 0):at + 1]
            best = min(abs(p - port) for p in near)
            return self.candidates[min(self.first_by_port[p] for p in near if abs(p - port) == best)]
        if len(self.candidates) <= NEAREST_EXACT:
            shortlist = range(len(self.candidates))
        else:
            shortlist = set()
            for keys, key in ((self.by_path, target.path), (self.by_reversed, target.path[::-1])):
                at = bisect.bisect_left(keys, (key, -1))
                shortlist.update(i for _, i in keys[max(at - NEAREST_WINDOW, 0):at + NEAREST_WINDOW])
        best = min(shortlist, key=lambda i: (_distance(self.candidates[i][1].endpoint, target), i))
        return self.candidates[best]


def unserved_routes(deployment: Deployment, transport: str
                    ) -> Iterator[tuple[ProxyRoute, tuple[UwsgiApp, UwsgiListener] | None]]:
    """Live routes to a local ``transport`` backend that no uwsgi listener serves, each with the
    listener closest to what it asked for (None when the deployment has none of that kind)."""
    nearest = None
    for route in live_routes(deployment):
        ep = route.endpoint
        if ep is None or ep.transport != transport or not checkable_backend(deployment, route):
            continue
        if backends(deployment, route):
            continue
        if nearest is None:
            nearest = _Nearest(all_listeners(deployment, transport), transport)
        yield route, nearest(ep)


def all_listeners(deployment: Deployment, transport: str) -> list[tuple[UwsgiApp, UwsgiListener]]:
    return [(app, l) for app in deployment.apps for l in app.listeners
            if l.endpoint is not None and l.endpoint.transport == transport]


def enable_hint(deployment: Deployment, module: str) -> str:
    """How to load a module in this layout."""
    short = module[:-len("_module")] if module.endswith("_module") else module
    if deployment.apache.layout == "debian":
        return f"run `a2enmod {short}`"
    return f"add `LoadModule {module} modules/mod_{short}.so`"


def route_label(route: ProxyRoute) -> str:
    return f"{route.directive} {route.path + ' ' if route.path else ''}{route.url}"


def vhost_ports(address: str) -> int | None:
    """The port of a ``<VirtualHost>`` address (``*:8004``, ``[::1]:8004``, ``_default_:443``);
    None for no port or ``*`` (any port)."""
    host, sep, port = address.rpartition(":")
    if not sep or decimal(port) is None or (host.startswith("[") and not host.endswith("]")):
        return None  # no port, "*", or the inside of a bare IPv6 address
    return decimal(port)


WILDCARD_LISTEN = {"*", "0.0.0.0", "::", "[::]"}


def apache_identity(deployment: Deployment, user: str = "", group: str = "") -> tuple[str, str]:
    """The user and group httpd's children run as (they open backend connections): ``User`` and
    ``Group`` after envvars; else ``user``/``group`` (the apache-user / apache-group settings);
    else the layout's packaged default."""
    apache = deployment.apache
    default = "apache" if apache.layout == "redhat" else "www-data"
    user = apache.run_user if apache.run_user and "${" not in apache.run_user else (user or default)
    group = group or (user if user != default else default)
    for d in apache.directives:
        if d.name.lower() == "group" and d.depth == 0 and d.args and "${" not in d.args[0]:
            group = d.args[0]
    return user, group
