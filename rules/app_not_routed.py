"""A uwsgi app of the deployment that no Apache route reaches.

A uwsgi instance behind Apache is useless when no ProxyPass (or ``SetHandler "proxy:…"``) points
at its socket: every request to the API gets **404** from Apache while uwsgi runs idle. It usually
means a socket path or port changed on the uwsgi side only, or the site was never written. The
matching mismatch on the Apache side is reported by HL301/HL302 when a route exists.

Only judged where Apache has routes (a tree or snippets with at least one proxy route); an app
that serves HTTP itself (the ``http`` router on a public address) is meant to be reached directly.

Fixed: route the API's path to the app's socket, or remove the unused app.
"""

from heatlint.check import Problem

from heatlint.resolve.endpoints import is_local

from ._common import backends, live_routes

CODE = "HL305"
NAME = "app-not-routed"
SEVERITY = "warning"
SUMMARY = "uwsgi app whose sockets no Apache route reaches (its API answers 404)"


def check(deployment):
    routes = list(live_routes(deployment))
    if not routes:
        return
    reached = {id(listener) for route in routes for _, listener in backends(deployment, route)}
    # Already explained elsewhere: a disabled site that routes here (HL201), or a route that
    # misses every app on this transport (HL301/HL302 name the nearest app).
    for route in deployment.routes:
        if route.site:
            reached.update(id(listener) for _, listener in backends(deployment, route))
    missed = {r.endpoint.transport for r in routes if r.endpoint is not None and (
        r.endpoint.transport == "unix" or is_local(r.endpoint.host)) and not backends(deployment, r)}
    for app in deployment.apps:
        listeners = [l for l in app.listeners if l.endpoint is not None]
        if not listeners or any(l.option == "http" for l in listeners):
            continue
        if any(l.endpoint.transport in missed for l in listeners):
            continue
        if not any(id(l) in reached for l in listeners):
            where = ", ".join(l.address for l in listeners)
            yield Problem(f"no Apache route reaches this app ({where}): requests for its API get 404 "
                          f"from Apache", app.location)
