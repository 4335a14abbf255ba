"""A site in sites-available that routes to a uwsgi app of this deployment, but is not enabled.

On Debian and Ubuntu, httpd reads only ``sites-enabled/*.conf`` (and ``conf-enabled/*.conf``);
``a2ensite`` creates the link. A Heat site written to sites-available and never enabled means
httpd has no route for ``/heat-api``: every request gets **404** from the default site, and
nothing is logged beyond the access log line.

Failing: ``sites-available/heat-api.conf`` proxies ``/heat-api`` to the socket that
``/etc/heat/heat-api-uwsgi.ini`` binds, and ``sites-enabled/`` has no ``heat-api.conf``.

Red Hat reads ``conf.d/*.conf``; devstack disables a site there by renaming it
``heat-api.conf.disabled``, which is the same 404.

Fixed: ``a2ensite heat-api`` (``a2enconf`` for conf-available; on Red Hat, rename it to
``conf.d/heat-api.conf``), then reload Apache.
"""

from heatlint.check import Problem
from heatlint.source import Note

from ._common import backends

CODE = "HL201"
NAME = "site-not-enabled"
SEVERITY = "error"
SUMMARY = "site that routes to a uwsgi app of the deployment is not enabled (HTTP 404)"

_COMMAND = {"sites": "a2ensite", "conf": "a2enconf"}
_FOLDER = {"sites": "sites-available", "conf": "conf-available", "conf.d": "conf.d"}


def check(deployment):
    for site in deployment.apache.sites:
        if site.state != "available" or site.kind not in _FOLDER:
            continue
        for route in site.routes:
            reached = backends(deployment, route)
            if not reached:
                continue
            app, listener = reached[0]
            if site.kind in _COMMAND:
                fix = f"run `{_COMMAND[site.kind]} {site.name}`"
            else:  # Red Hat: httpd.conf reads conf.d/*.conf; devstack disables by renaming
                fix = f"rename it to conf.d/{site.name}.conf"
            name = site.available.path.rsplit("/", 1)[-1] if site.available else site.name
            yield Problem(
                f"{_FOLDER[site.kind]}/{name} routes {route.path or route.url} to the uwsgi app "
                f"{app.path}, but it is not enabled: httpd never reads it and requests get 404; "
                f"{fix}", route.location, (Note(listener.location, "uwsgi listens here"),))
            break
