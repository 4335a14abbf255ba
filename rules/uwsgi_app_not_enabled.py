"""A uwsgi app in Debian's ``/etc/uwsgi/apps-available`` that Apache routes to, but not enabled.

Debian's ``uwsgi`` service starts one instance per file in ``/etc/uwsgi/apps-enabled`` (links to
``apps-available``, made by hand: there is no ``a2ensite`` for uwsgi). An app that is only
available is never started, so nothing binds the socket Apache proxies to: **503** ("(2)No such
file or directory: AH02454" for a unix socket, "(111)Connection refused" for TCP).

Failing: ``/etc/uwsgi/apps-available/heat-api.ini`` binds the socket a site proxies to, and
``/etc/uwsgi/apps-enabled/`` has no ``heat-api.ini``.

Fixed: ``ln -s ../apps-available/heat-api.ini /etc/uwsgi/apps-enabled/`` and
``systemctl reload uwsgi``.
"""

from heatlint.check import Problem
from heatlint.source import Note

from ._common import first_routes

CODE = "HL206"
NAME = "uwsgi-app-not-enabled"
SEVERITY = "error"
SUMMARY = "uwsgi app Apache routes to sits in apps-available but not apps-enabled (HTTP 503)"


def check(deployment):
    for route, app, _ in first_routes(deployment, lambda app, listener: id(app)):
        if app.enabled is False:
            name = app.path.rsplit("/", 1)[-1]
            yield Problem(f"Apache routes {route.path or route.url} here, but {name} is not in "
                          "/etc/uwsgi/apps-enabled: Debian's uwsgi service never starts it, "
                          f"so requests get 503; link it: ln -s ../apps-available/{name} "
                          "/etc/uwsgi/apps-enabled/", app.location,
                          (Note(route.location, "Apache proxies here"),))
