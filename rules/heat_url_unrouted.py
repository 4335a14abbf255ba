"""A URL in heat.conf whose path no Apache route serves.

Heat hands URLs from ``heat.conf`` to the servers it creates and to itself:
``heat_metadata_server_url`` and ``heat_waitcondition_server_url`` (the CloudFormation-compatible
API that instances signal, e.g. ``http://controller/heat-api-cfn/v1/waitcondition``) and
``[clients_heat] url``. When Apache has no route for that path, an instance's wait-condition
signal gets **404** and the stack sits in CREATE_IN_PROGRESS until its timeout, then fails;
nothing in Heat's log says why.

heatlint compares the URL's path with the paths Apache proxies (prefix match, segment by segment,
as mod_proxy does). The host is not judged: it is usually a public name heatlint cannot resolve.

Failing::

    heat_waitcondition_server_url = http://controller/heat-cfn/v1/waitcondition
    ProxyPass "/heat-api-cfn" "unix:/var/run/uwsgi/heat-api-cfn.socket|uwsgi://uwsgi-uds-heat-api-cfn"

Fixed: ``heat_waitcondition_server_url = http://controller/heat-api-cfn/v1/waitcondition``.
"""

import re
from urllib.parse import urlsplit

from heatlint.check import Problem

from ._common import live_routes

CODE = "HL603"
NAME = "heat-url-unrouted"
SEVERITY = "error"
SUMMARY = "heat.conf URL whose path no Apache route serves (instances' signals get 404)"


def _serves(route, path: str) -> bool:
    if route.regex:
        try:
            return re.search(route.path, path) is not None
        except re.error:
            return False
    prefix = route.path
    return path.startswith(prefix) and (len(path) == len(prefix) or prefix.endswith("/")
                                        or path[len(prefix)] == "/")


def check(deployment):
    routes = [r for r in live_routes(deployment) if r.path and r.dropped_by is None]
    if not routes:
        return  # no Apache routes in view: Heat may be reached some other way
    for setting in deployment.heat_urls:
        path = urlsplit(setting.url).path
        if path in ("", "/") or any(_serves(r, path) for r in routes):
            continue
        served = ", ".join(sorted({r.path for r in routes if not r.regex}))
        yield Problem(f"{setting.option} = {setting.url}: no Apache route serves {path} (routes: "
                      f"{served}); requests Heat or its instances send there get 404", setting.location)
