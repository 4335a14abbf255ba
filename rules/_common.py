"""Facts several rules share, computed from the model only."""

from __future__ import annotations

import difflib
from typing import Iterator

from heatlint.check import Problem
from heatlint.model import Deployment, ProxyRoute, UwsgiApp, UwsgiListener
from heatlint.resolve.endpoints import is_local, same_socket_path, tcp_reaches

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


def backends(deployment: Deployment, route: ProxyRoute) -> list[tuple[UwsgiApp, UwsgiListener]]:
    """The uwsgi listeners a route's connection would reach."""
    target = route.endpoint
    found = []
    if target is None:
        return found
    for app in deployment.apps:
        for listener in app.listeners:
            ep = listener.endpoint
            if ep is None:
                continue
            if target.transport == "unix" and ep.transport == "unix":
                if same_socket_path(target.path, ep.path):
                    found.append((app, listener))
            elif tcp_reaches(target, ep):
                found.append((app, listener))
    return found


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
    if any(l.port == ep.port for l in deployment.apache.listeners):
        return False  # Apache proxying to one of its own ports (a TLS front, say)
    return is_local(ep.host)


def similarity_distance(a: str, b: str) -> float:
    return 1.0 - difflib.SequenceMatcher(None, a, b).ratio()


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
