"""A TCP port outside 1–65535, on the Apache or the uwsgi side.

Both programs store the port in 16 bits without complaining at start-up:

* Apache (``ProxyPass … http://127.0.0.1:80999``): the configuration test passes, then every
  request gets **400** ("AH01083: error parsing URL …: Invalid host/port").
* uwsgi (``http = 127.0.0.1:80999``): binds 80999 − 65536 = **15463** and logs ``:80999``.
* ``uwsgi://host/`` without a port: mod_proxy has no default port for uwsgi and connects to
  port **0** (503).

Heat's own sample files (``uwsgi-heat-api.conf``, ``heat-api-uwsgi.ini``) used 80999 and 80998.

Fixed: pick a free port below 65536, the same on both sides (or a unix socket).
"""

from heatlint.check import Problem

from ._common import live_routes, route_label

CODE = "HL304"
NAME = "port-out-of-range"
SEVERITY = "error"
SUMMARY = "TCP port outside 1-65535 (uwsgi binds port mod 65536; Apache answers 400)"


def check(deployment):
    for route in live_routes(deployment):
        if route.port is None or route.endpoint is None:
            continue
        if route.port > 65535:
            yield Problem(f"`{route_label(route)}`: port {route.port} is above 65535; httpd accepts the "
                          f"configuration but answers 400 (Invalid host/port) to every request",
                          route.location)
        elif route.port == 0 and route.endpoint.transport == "tcp":
            if ":0" in route.url:
                why = "port 0 is not a port a backend can listen on"
            else:
                why = "mod_proxy has no default port for uwsgi:// and connects to port 0"
            yield Problem(f"`{route_label(route)}`: {why}: requests get 503; write the port "
                          f"explicitly", route.location)
    for app in deployment.apps:
        for listener in app.listeners:
            ep = listener.endpoint
            if ep is None or ep.transport != "tcp" or 1 <= (ep.port or 0) <= 65535:
                continue
            bound = ep.port % 65536 if ep.port else 0
            actually = f"port {bound}" if bound else "a random free port"
            yield Problem(f"`{listener.option} = {listener.address}`: port {ep.port} is outside "
                          f"1-65535; uwsgi silently binds {actually} instead", listener.location)
    for listen in deployment.apache.listeners:
        if listen.port is not None and not 1 <= listen.port <= 65535:
            yield Problem(f"Listen {listen.port}: httpd refuses to start (\"Invalid address or port\")",
                          listen.location)
