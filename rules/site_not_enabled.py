"""A site in sites-available that routes to a uwsgi app of this deployment, but is not enabled.

On Debian and Ubuntu, httpd reads only ``sites-enabled/*.conf`` (and ``conf-enabled/*.conf``);
``a2ensite`` creates the link. A Heat site written to sites-available and never enabled means
httpd has no route for ``/heat-api``: every request gets **404** from the default site, and
nothing is logged beyond the access log line.

Failing: ``sites-available/heat-api.conf`` proxies ``/heat-api`` to the socket that
``/etc/heat/heat-api-uwsgi.ini`` binds, and ``sites-enabled/`` has no ``heat-api.conf``.

Fixed: ``a2ensite heat-api`` (``a2enconf`` for conf-available), then reload Apache.
"""

from heatlint.check import Problem
from heatlint.source import Note

from ._common import backends

CODE = "HL201"
NAME = "site-not-enabled"
SEVERITY = "error"
SUMMARY = "site that routes to a uwsgi app of the deployment is not enabled (HTTP 404)"

_COMMAND = {"sites": "a2ensite", "conf": "a2enconf"}


def check(deployment):
    for site in deployment.apache.sites:
        if site.state != "available" or site.kind not in _COMMAND:
            continue
        for route in site.routes:
            reached = backends(deployment, route)
            if not reached:
                continue
            app, listener = reached[0]
            yield Problem(
                f"{site.kind}-available/{site.name} routes {route.path or route.url} to the uwsgi app "
                f"{app.path}, but it is not enabled: httpd never reads it and requests get 404; "
                f"run `{_COMMAND[site.kind]} {site.name}`", route.location,
                (Note(listener.location, "uwsgi listens here"),))
            break
