"""A ProxyPass whose path and URL disagree about the trailing slash.

mod_proxy maps a request by replacing the matched path with the URL and appending the rest of the
request path as it is; it never adds or removes a ``/``. So:

* path ends in ``/``, URL does not: ``ProxyPass "/heat-api/" "uwsgi://127.0.0.1:8004"`` turns
  ``/heat-api/v1/stacks`` into ``uwsgi://127.0.0.1:8004v1/stacks``: **500** "AH00898: DNS lookup
  failure for: 127.0.0.1:8004v1". With a unix socket
  (``"unix:/run/uwsgi/heat-api.socket|uwsgi://uwsgi-uds-heat-api"``) the host becomes
  ``uwsgi-uds-heat-apiv1``, which matches no worker: the same 500 "DNS lookup failure for:
  uwsgi-uds-heat-apiv1". A URL with a path (``…/app``) gets ``/appv1/stacks`` instead.
* URL ends in ``/``, path does not: ``ProxyPass "/heat-api" "http://127.0.0.1:8004/"`` sends
  ``//v1/stacks`` to the backend, and the app sees ``PATH_INFO=//v1/stacks``, which Heat's router
  does not match. mod_proxy_uwsgi (httpd 2.4.52+) collapses the leading slashes, so this half is
  harmless for ``uwsgi://`` URLs and is reported for other schemes only.

httpd says nothing at start-up in either case (``apache2ctl -t``: Syntax OK).

Failing::

    ProxyPass "/heat-api/" "unix:/var/run/uwsgi/heat-api.socket|uwsgi://uwsgi-uds-heat-api"

Fixed: both without (devstack's form) or both with the slash::

    ProxyPass "/heat-api" "unix:/var/run/uwsgi/heat-api.socket|uwsgi://uwsgi-uds-heat-api"

Verified end to end: tests/e2e/scenarios/broken-trailing-slash-*.toml (and the working
works-slash-on-*.toml).
"""

from heatlint.check import Problem
from heatlint.resolve.endpoints import parse_proxy_url

from ._common import live_routes, route_label

CODE = "HL352"
NAME = "proxy-trailing-slash"
SEVERITY = "error"
SUMMARY = "ProxyPass path and URL disagree about the trailing slash (500, or a path the app rejects)"


def check(deployment):
    for route in live_routes(deployment):
        if route.regex or not route.path or route.directive.lower() != "proxypass":
            continue
        target = parse_proxy_url(route.url)
        if target.error or not target.scheme:
            continue
        path_slash = route.path.endswith("/")
        url_slash = target.path.endswith("/")
        if path_slash and not url_slash:
            rest = "v1/stacks"
            if target.path:
                what = (f"the rest of the request path is glued to the URL's path: "
                        f"{route.path}{rest} reaches {target.path}{rest}")
            else:
                authority = route.url.split("|")[-1].split("//", 1)[-1].split("/", 1)[0]
                what = (f"the rest of the request path is glued to the host: {route.path}{rest} "
                        f"becomes {target.scheme}://{authority}{rest}, and requests get 500 "
                        f"(\"AH00898: DNS lookup failure for: {authority}v1\")")
            yield Problem(f"`{route_label(route)}`: the path ends in '/' and the URL does not; {what}; "
                          f"write both with or both without the trailing slash", route.location)
        elif url_slash and not path_slash and target.scheme != "uwsgi":
            yield Problem(f"`{route_label(route)}`: the URL ends in '/' and the path does not, so "
                          f"{route.path}/v1/stacks reaches the backend as {target.path}/v1/stacks "
                          f"(the app sees PATH_INFO={target.path}/v1/stacks and does not route it); "
                          f"write both with or both without the trailing slash", route.location)
