"""A uwsgi app that serves requests but loads no Python application.

Without ``module`` (``wsgi``), ``wsgi-file`` (``file``), ``mount``, ``paste`` or ``eval``, uwsgi
2.0 starts anyway ("*** no app loaded. going in full dynamic mode ***") and answers every request
with **500** ("--- no python application found, check your startup logs for errors ---"); Apache
passes the 500 on. The same happens when the option is misspelled, or when the python plugin that
provides these options is not loaded (then they are unknown keys, see HL403).

Failing::

    [uwsgi]
    plugins = python3
    socket = /run/uwsgi/heat-api.socket

Fixed: ``module = heat.wsgi.api:application``.
"""

from heatlint.check import Problem

CODE = "HL405"
NAME = "uwsgi-no-application"
SEVERITY = "error"
SUMMARY = "uwsgi app with sockets but no Python application (HTTP 500)"

_APPLICATION = ("module", "wsgi-file", "mount", "paste", "eval")


def check(deployment):
    for app in deployment.apps:
        if not app.listeners:
            continue
        plugins = app.plugins
        if plugins and not any(p.split(":")[-1].startswith("python") for p in plugins):
            continue  # a Perl, Ruby, PHP … app: not ours to judge
        if any(app.get(name) is not None for name in _APPLICATION):
            continue
        if any(opt.origin not in ("core", "python3", "http", "", "placeholder") for opt in app.options):
            continue  # options of another language plugin configure the app
        yield Problem("this app binds sockets but loads no Python application (module, wsgi-file, "
                      "mount, paste or eval): every request gets 500 (\"no python application "
                      "found\")", app.location)
