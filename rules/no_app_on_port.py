"""A proxy route to a local TCP port where no uwsgi app of the deployment listens.

httpd connects to the port at request time; nothing listening means "(111)Connection refused:
AH00957" in the error log and **503 Service Unavailable** for the user. The usual cause is a port
changed on one side only, or a uwsgi ini that binds another address.

heatlint only judges local targets (``127.0.0.1``, ``localhost``, ``::1``) of a deployment that
has uwsgi apps: a remote host, or a tree without apps, may be served by something not shown to it.

Failing::

    ProxyPass "/heat-api" "http://127.0.0.1:8004" retry=0      # Apache
    http-socket = 127.0.0.1:8005                              # heat-api-uwsgi.ini

Fixed: the same port on both sides.
"""

from heatlint.check import Problem
from heatlint.source import Note

from ._common import route_label, unserved_routes

CODE = "HL301"
NAME = "no-app-on-port"
SEVERITY = "error"
SUMMARY = "proxy target port where no uwsgi app listens (HTTP 503)"


def check(deployment):
    for route, nearest in unserved_routes(deployment, "tcp"):
        related, hint = (), ""
        if nearest is not None:
            app, listener = nearest
            hint = f"; the nearest uwsgi listener is {listener.address} ({listener.option} in {app.path})"
            related = (Note(listener.location, "uwsgi listens here"),)
        yield Problem(f"`{route_label(route)}` connects to {route.endpoint}, where no uwsgi app of this "
                      f"deployment listens: requests get 503 (connection refused){hint}",
                      route.location, related)
