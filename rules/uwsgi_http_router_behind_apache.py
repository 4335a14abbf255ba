"""The uwsgi ``http`` router behind Apache, where ``http-socket`` would do.

``http = 127.0.0.1:8004`` starts a separate router process that accepts HTTP and forwards it, in
the uwsgi protocol, to the workers' internal socket. Behind Apache that is a second proxy hop: an
extra process, extra latency, its own buffers and timeouts (``http-timeout``, 60 s), and one more
place for requests to queue. ``http-socket`` makes the workers speak HTTP to Apache directly;
``socket`` with ``uwsgi://`` (mod_proxy_uwsgi) avoids HTTP parsing twice. Heat's published samples
used ``http =``; the router also needs the ``http`` plugin, which Debian ships separately.

Fixed::

    http-socket = 127.0.0.1:8004
"""

from heatlint.check import Problem
from heatlint.source import Note

from ._common import first_routes

CODE = "HL408"
NAME = "uwsgi-http-router-behind-apache"
SEVERITY = "warning"
SUMMARY = "uwsgi http router behind Apache: an extra proxy hop where http-socket would do"


def check(deployment):
    for route, _, listener in first_routes(deployment, lambda app, listener: id(listener)):
        if listener.option == "http":
            yield Problem(f"`http = {listener.address}` starts uwsgi's HTTP router, a second proxy "
                          "behind Apache; use `http-socket =` so the workers answer Apache directly",
                          listener.location, (Note(route.location, "Apache proxies here"),))
