"""``WSGIScriptAlias`` to a script that is not in the checked tree.

mod_wsgi maps the URL to the script file at request time; a missing file answers **404** and the
error log says "Target WSGI script not found or unable to stat: /usr/bin/heat-wsgi-api". Heat's
``heat-wsgi-api*`` scripts are gone from current releases (``module`` entry points replaced
them), so an upgrade leaves old mod_wsgi vhosts pointing at nothing.

Judged only when the checked tree holds that part of the file system (a copy of ``/`` with
``usr/``); checking ``/etc`` alone says nothing about ``/usr/bin``.

Failing::

    WSGIScriptAlias / /usr/bin/heat-wsgi-api

Fixed: point it at a script that exists (a small ``.wsgi`` file importing
``heat.wsgi.api:application``), or move the API to uwsgi with ``module = heat.wsgi.api:application``.
"""

from heatlint.check import Problem

CODE = "HL504"
NAME = "wsgi-script-missing"
SEVERITY = "error"
SUMMARY = "WSGIScriptAlias to a script the tree does not have (HTTP 404)"


def check(deployment):
    states = deployment.apache.script_states
    for alias in deployment.apache.wsgi_script_aliases:
        if states.get(alias.script) == "missing":
            yield Problem(f"{alias.directive} {alias.url_path} points at {alias.script}, which does not "
                          "exist in this tree: requests get 404 (\"Target WSGI script not found or "
                          "unable to stat\")", alias.location)
