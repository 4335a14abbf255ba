"""A proxy route whose scheme module is not loaded.

mod_proxy only routes; a submodule speaks the backend's protocol: ``http://`` and ``https://``
need **mod_proxy_http**, ``uwsgi://`` needs **mod_proxy_uwsgi**, ``fcgi://`` mod_proxy_fcgi.
httpd does not check this at start-up (``Syntax OK``); every matching request then returns **500**
and the error log says "AH01144: No protocol handler was valid for the URL /heat-api (scheme
'uwsgi')". The same holds for ``unix:/path|uwsgi://…`` targets.

Failing (Debian, only ``proxy.load`` in mods-enabled)::

    ProxyPass "/heat-api" "unix:/run/uwsgi/heat-api.socket|uwsgi://uwsgi-uds-heat-api"

Fixed: ``a2enmod proxy_uwsgi`` (Red Hat: ``LoadModule proxy_uwsgi_module
modules/mod_proxy_uwsgi.so``, loaded by default in ``conf.modules.d/00-proxy.conf``).
"""

from heatlint.check import Problem
from heatlint.resolve.modules import SCHEME_MODULES

from ._common import enable_hint, live_routes, route_label

CODE = "HL102"
NAME = "proxy-scheme-module-missing"
SEVERITY = "error"
SUMMARY = "proxy route whose scheme module (proxy_http, proxy_uwsgi, …) is not loaded (HTTP 500)"


def check(deployment):
    apache = deployment.apache
    if not apache.whole_tree:
        return
    for route in live_routes(deployment):
        module = SCHEME_MODULES.get(route.scheme)
        if module is None or apache.has_module(module):
            continue
        short = module[:-len("_module")]
        yield Problem(
            f"`{route_label(route)}` uses {route.scheme}://, which needs mod_{short}, and it is not "
            f"loaded: every request to {route.path or 'it'} returns 500 (AH01144 \"No protocol handler "
            f"was valid\"); {enable_hint(deployment, module)}", route.location)
