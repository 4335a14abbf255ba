"""A uwsgi app whose ``buffer-size`` is the 4096-byte default (or another small value).

``buffer-size`` caps the request's header block, and behind mod_proxy_uwsgi that block is the
whole CGI environment Apache sends (about fifty variables, 700–800 bytes before any client
header). A request with a large ``X-Auth-Token`` (a PKI/PKIZ Keystone token, a federated token
with many groups: several KB) no longer fits:

* ``socket`` + mod_proxy_uwsgi: **500**, uwsgi logs "invalid request block size: 6824 (max
  4096)...skip";
* ``http-socket`` + mod_proxy_http: **502**, uwsgi logs "invalid HTTP request size (max
  4096)...skip" and Apache "(104)Connection reset by peer: AH01102".

Small requests keep working, so the deployment passes a smoke test and fails for some users.
devstack sets 65535 for every API ("Override the default size for headers from the 4k default").

Option ``min-buffer-size`` (default 8192): warn below this.

Failing::

    [uwsgi]
    socket = /var/run/uwsgi/heat-api.socket

Fixed::

    buffer-size = 65535

Verified end to end: tests/e2e/scenarios/degraded-default-buffer-size*.toml (a 6000-byte token).
"""

from heatlint.check import Problem

CODE = "HL450"
NAME = "uwsgi-buffer-size-small"
SEVERITY = "warning"
SUMMARY = "uwsgi buffer-size at the 4096 default: large tokens get 500/502"
OPTIONS = {"min-buffer-size": 8192}

DEFAULT = 4096


def check(deployment, options):
    minimum = options["min-buffer-size"]
    for app in deployment.apps:
        if not any(l.protocol in ("uwsgi", "http") for l in app.listeners):
            continue
        setting = app.get("buffer-size")
        size = app.number("buffer-size") if setting is not None else DEFAULT
        if size >= minimum:
            continue
        what = (f"`{setting.key} = {setting.value}`" if setting is not None
                else f"no `buffer-size`: uwsgi's default is {DEFAULT} bytes")
        yield Problem(f"{what}: a request whose headers (behind mod_proxy_uwsgi: the whole CGI "
                      f"environment) exceed {size} bytes, such as one with a multi-KB X-Auth-Token, "
                      "gets 500 (uwsgi://) or 502 (http://); set `buffer-size = 65535`",
                      setting.location if setting is not None else app.location)
