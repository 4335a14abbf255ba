"""The uwsgi ``http`` (or ``https``) router without the ``http`` plugin.

``http = 127.0.0.1:8004`` starts uwsgi's HTTP router, and in Debian, Ubuntu and Fedora packages
the router is a plugin (``http_plugin.so``). Without ``http`` in ``plugins`` the option is unknown
and silently ignored: with no other socket uwsgi exits at once ("The -s/--socket option is missing
and stdin is not a socket."); with one, it runs without the router. Either way nothing listens on
the router's address: Apache logs "(111)Connection refused: AH00957" and answers **503**.

Failing::

    plugins = python3
    http = 127.0.0.1:8004

Fixed: ``plugins = http,python3`` (or, behind Apache, ``http-socket = 127.0.0.1:8004``, which is
built into the core).

Verified end to end: tests/e2e/scenarios/broken-http-router-without-plugin.toml (and
works-http-router-with-plugin.toml).
"""

from heatlint.check import Problem

CODE = "HL453"
NAME = "uwsgi-http-router-without-plugin"
SEVERITY = "error"
SUMMARY = "http router option without the http plugin (nothing listens: HTTP 503)"


def check(deployment):
    for app in deployment.apps:
        routers = app.all("http") + app.all("https")
        if not routers or "http" in {p.split(":")[-1] for p in app.plugins}:
            continue
        if not app.plugins:
            continue  # no plugins at all: a monolithic (pip) build, or HL452's missing python3
        alone = not any(l.option not in ("http", "https") for l in app.listeners)
        what = ("uwsgi exits (\"The -s/--socket option is missing and stdin is not a socket.\")"
                if alone else "uwsgi runs without the router")
        for opt in routers:
            yield Problem(f"`{opt.key} = {opt.value}` needs the http plugin, which `plugins = "
                          f"{', '.join(app.plugins)}` does not load: distribution builds ignore the "
                          f"option, {what}, and nothing listens on {opt.value} (Apache: 503); "
                          "add http to plugins, or use `http-socket =`", opt.location)
