"""A proxy route while mod_proxy is not loaded.

``ProxyPass``, ``ProxyPassMatch`` and ``SetHandler "proxy:…"`` belong to mod_proxy. Without it:

* a route outside any ``<IfModule>``: httpd refuses to start ("Invalid command 'ProxyPass',
  perhaps misspelled or defined by a module not included in the server configuration");
* a route inside ``<IfModule mod_proxy.c>``: httpd starts, silently drops the route, and every
  request to its path gets **404** with nothing in any log. This is the case that hurts.

A ``LoadModule`` anywhere counts (mods-enabled, conf-enabled, the main file).

Failing (Debian, ``mods-enabled/`` without ``proxy.load``)::

    <IfModule mod_proxy.c>
        ProxyPass "/heat-api" "unix:/run/uwsgi/heat-api.socket|uwsgi://uwsgi-uds-heat-api"
    </IfModule>

Fixed: ``a2enmod proxy`` (Red Hat: ``LoadModule proxy_module modules/mod_proxy.so``).
"""

from heatlint.check import Problem
from heatlint.source import Note

from ._common import enable_hint, live_routes, route_label

CODE = "HL101"
NAME = "proxy-module-missing"
SEVERITY = "error"
SUMMARY = "proxy route without mod_proxy loaded (httpd will not start, or the route is a 404)"


def check(deployment):
    apache = deployment.apache
    if not apache.whole_tree or apache.has_module("proxy_module"):
        return
    hint = enable_hint(deployment, "proxy_module")
    for route in live_routes(deployment):
        if route.dropped_by is None:
            yield Problem(f"{route.directive} needs mod_proxy, which is not loaded: httpd refuses to "
                          f"start (\"Invalid command '{route.directive}'\"); {hint}", route.location)
        elif route.dropped_by.subject in ("proxy_module", "mod_proxy.c"):
            yield Problem(
                f"mod_proxy is not loaded, so httpd silently drops `{route_label(route)}` inside "
                f"<IfModule {route.dropped_by.subject}>: requests to {route.path or 'it'} get 404 "
                f"with nothing logged; {hint}", route.location,
                (Note(route.dropped_by.location, "the condition that is false"),))
