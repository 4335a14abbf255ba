"""Apache and uwsgi speak different protocols on the same socket.

uwsgi's ``socket`` (and ``uwsgi-socket``) speaks the binary uwsgi protocol, ``http-socket`` and the
``http`` router speak HTTP. The Apache side must match: ``uwsgi://`` (mod_proxy_uwsgi) for the
first, ``http://`` (mod_proxy_http) for the others. Mismatches start fine and fail per request:

* ``http://`` to a uwsgi ``socket``: **502** (AH01102 "error reading status line"); uwsgi logs
  "invalid request block size: 21573" — 21573 is "GET " read as a uwsgi packet header. With
  ``buffer-size = 65535`` the 502 comes only after uwsgi's socket-timeout (4 s).
* ``uwsgi://`` to an ``http-socket`` or the ``http`` router: **500** after 4 s, nothing logged.

Failing::

    ProxyPass "/heat-api" "http://127.0.0.1:8004"
    socket = 127.0.0.1:8004

Fixed: ``http-socket = 127.0.0.1:8004`` (or ``ProxyPass … "uwsgi://127.0.0.1:8004"``).
"""

from heatlint.check import Problem
from heatlint.source import Note

from ._common import SCHEME_PROTOCOL, backends, live_routes, route_label

CODE = "HL303"
NAME = "protocol-mismatch"
SEVERITY = "error"
SUMMARY = "Apache proxy scheme does not match what the uwsgi socket speaks (HTTP 502/500)"

_SYMPTOM = {
    ("http", "uwsgi"): "requests get 502 (uwsgi logs \"invalid request block size: 21573\")",
    ("uwsgi", "http"): "requests get 500 after uwsgi's 4 s socket-timeout, with nothing logged",
}
_FIX = {"http": "http-socket", "uwsgi": "socket", "https": "https-socket"}


def check(deployment):
    for route in live_routes(deployment):
        speaks = SCHEME_PROTOCOL.get(route.scheme)
        if speaks is None:
            continue
        for app, listener in backends(deployment, route):
            if listener.protocol == speaks:
                continue
            symptom = _SYMPTOM.get((speaks, listener.protocol), "requests fail")
            yield Problem(
                f"`{route_label(route)}` speaks {speaks} but {app.path} has `{listener.option} = "
                f"{listener.address}`, which speaks {listener.protocol}: {symptom}; use "
                f"`{_FIX[speaks]} =` in uwsgi or {listener.protocol}:// in Apache",
                route.location, (Note(listener.location, f"uwsgi speaks {listener.protocol} here"),))
