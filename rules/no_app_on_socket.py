"""A proxy route to a unix socket that no uwsgi app of the deployment binds.

httpd connects to ``unix:/path|uwsgi://…`` at request time; a missing socket logs "(2)No such file
or directory: AH02454: uwsgi: attempt to connect to Unix domain socket /path" and the user gets
**503**. ``/var/run`` and ``/run`` are the same directory on current distributions; a relative
``unix:`` path is relative to Apache's DefaultRuntimeDir (``/var/run/apache2`` on Debian), not to
where the site file is.

Failing::

    ProxyPass "/heat-api" "unix:/var/run/uwsgi/heat-api.sock|uwsgi://uwsgi-uds-heat-api"
    socket = /var/run/uwsgi/heat-api.socket

Fixed: the same path on both sides.
"""

from heatlint.check import Problem
from heatlint.source import Note

from ._common import route_label, unserved_routes

CODE = "HL302"
NAME = "no-app-on-socket"
SEVERITY = "error"
SUMMARY = "proxy target unix socket that no uwsgi app binds (HTTP 503)"


def check(deployment):
    for route, nearest in unserved_routes(deployment, "unix"):
        related, hint = (), ""
        if nearest is not None:
            app, listener = nearest
            hint = f"; the closest socket a uwsgi app binds is {listener.address} ({app.path})"
            related = (Note(listener.location, "uwsgi binds this socket"),)
        yield Problem(f"`{route_label(route)}` connects to the unix socket {route.endpoint.path}, which "
                      f"no uwsgi app of this deployment binds: requests get 503 (AH02454 No such file "
                      f"or directory){hint}", route.location, related)
