"""A uwsgi option that has nothing to act on.

* ``chmod-socket`` / ``chown-socket`` change unix sockets only: with TCP sockets alone they do
  nothing (Heat's published ``heat-api-uwsgi.ini`` sets ``chmod-socket = 666`` next to ``http =``).
* ``http-keepalive``, ``http-timeout``, ``http-auto-chunked``, ``http-raw-body``,
  ``http-chunked-input`` and the other ``http-*`` options configure the ``http`` **router**
  process: with ``http-socket`` (the workers speak HTTP themselves) they have no effect
  (devstack's glance-style ini sets four of them).

Harmless today, misleading tomorrow: the reader believes a setting is in force.

Fixed: remove the option, or use the socket type it applies to.
"""

from heatlint.check import Problem

CODE = "HL409"
NAME = "uwsgi-ineffective-option"
SEVERITY = "warning"
SUMMARY = "chmod-socket without unix socket, http router options without the router"

# Options of the http plugin that configure the router; http-socket* options are core.
_ROUTER_ONLY = {"http-keepalive", "http-timeout", "http-auto-chunked", "http-raw-body",
                "http-chunked-input", "http-processes", "http-workers", "http-to", "http-modifier1",
                "http-headers-timeout", "http-connect-timeout", "http-manage-expect",
                "http-auto-gzip", "http-websockets", "http-buffer-size"}


def check(deployment):
    for app in deployment.apps:
        unix = any(l.endpoint is not None and l.endpoint.transport == "unix" for l in app.listeners)
        if app.listeners and not unix:
            for opt in app.all("chmod-socket") + app.all("chown-socket"):
                yield Problem(f"`{opt.key}` only changes unix sockets, and this app binds none: it has "
                              "no effect", opt.location)
        if app.get("http") is None:
            for opt in app.options:
                if opt.name in _ROUTER_ONLY:
                    yield Problem(f"`{opt.key}` configures the http router, which this app does not "
                                  "start (no `http =`): it has no effect on http-socket", opt.location)
