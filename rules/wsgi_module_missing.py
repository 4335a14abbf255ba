"""WSGI* directives while mod_wsgi is not loaded: httpd refuses to start.

``WSGIDaemonProcess``, ``WSGIProcessGroup``, ``WSGIScriptAlias`` and the other ``WSGI*``
directives belong to mod_wsgi. Outside an ``<IfModule mod_wsgi.c>`` without the module, the
configuration test fails with "Invalid command 'WSGIDaemonProcess', perhaps misspelled or defined
by a module not included in the server configuration".

Failing (Debian, ``mods-enabled/`` without ``wsgi.load``)::

    WSGIDaemonProcess heat-api processes=2 threads=10 user=heat display-name=%{GROUP}

Fixed: install libapache2-mod-wsgi-py3 and ``a2enmod wsgi`` (Red Hat: python3-mod_wsgi).
"""

from heatlint.check import Problem
from heatlint.source import Note

from ._common import enable_hint

CODE = "HL103"
NAME = "wsgi-module-missing"
SEVERITY = "error"
SUMMARY = "WSGI* directives without mod_wsgi loaded (httpd will not start)"


def check(deployment):
    apache = deployment.apache
    if not apache.whole_tree or apache.has_module("wsgi_module"):
        return
    by_file: dict[str, list] = {}
    for directive in apache.uses("wsgi"):
        by_file.setdefault(directive.location.path, []).append(directive)
    for directives in by_file.values():
        first, others = directives[0], directives[1:]
        yield Problem(
            f"{first.name} needs mod_wsgi, which is not loaded: httpd refuses to start (\"Invalid "
            f"command '{first.name}'\"); {enable_hint(deployment, 'wsgi_module')}",
            first.location, tuple(Note(d.location, f"{d.name} needs it too") for d in others))
