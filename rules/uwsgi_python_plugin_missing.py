"""A Python app in a uwsgi ini that loads no Python plugin.

Debian, Ubuntu and Fedora build uwsgi without Python: ``uwsgi-core`` knows nothing of ``module``
or ``wsgi-file`` until ``plugins = python3`` loads the plugin that defines them. Without it,
uwsgi silently ignores those keys, starts with "no request plugin is loaded, you will not be able
to manage requests" and "*** no app loaded ***", and every request logs "-- unavailable modifier
requested: 0 --": **500** through mod_proxy_uwsgi, **502** through mod_proxy_http (AH01102).

A uwsgi built by pip (``pip install uwsgi``) has Python compiled in and does not need the line;
devstack writes ``plugins = http,python3`` anyway, which works with both. Where only a pip-built
uwsgi runs these files, disable this rule.

Failing::

    [uwsgi]
    http-socket = 127.0.0.1:8004
    module = heat.wsgi.api:application

Fixed::

    plugins = python3

Verified end to end: tests/e2e/scenarios/broken-no-plugins-line.toml.
"""

from heatlint.check import Problem

CODE = "HL452"
NAME = "uwsgi-python-plugin-missing"
SEVERITY = "error"
SUMMARY = "Python app without plugins = python3 (distro uwsgi answers 500/502)"

_PYTHON_APP = ("module", "wsgi-file", "mount", "paste", "callable")


def check(deployment):
    for app in deployment.apps:
        declared = next((app.get(n) for n in _PYTHON_APP if app.get(n) is not None), None)
        if declared is None or not app.listeners:
            continue
        if any("python" in p for p in app.plugins):
            continue  # loaded, or misnamed (HL451 says which)
        yield Problem(f"`{declared.key} = {declared.value}` needs uwsgi's Python plugin, and this app "
                      "loads none: distribution builds ignore the option, start without an app and "
                      "answer every request 500 (uwsgi://) or 502 (http://); add `plugins = python3`",
                      declared.location)
