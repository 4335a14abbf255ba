"""WSGI* directives while mod_wsgi is not loaded: httpd will not start, or the app is a 404.

``WSGIDaemonProcess``, ``WSGIProcessGroup``, ``WSGIScriptAlias`` and the other ``WSGI*``
directives belong to mod_wsgi. Without the module:

* outside any ``<IfModule>``: the configuration test fails with "Invalid command
  'WSGIDaemonProcess', perhaps misspelled or defined by a module not included in the server
  configuration";
* inside ``<IfModule mod_wsgi.c>``: httpd starts, silently drops the block, and the application's
  URL answers **404** with nothing logged (verified end to end with Apache 2.4.71).

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


_GUARDS = ("wsgi_module", "mod_wsgi.c")


def check(deployment):
    apache = deployment.apache
    if not apache.whole_tree or apache.has_module("wsgi_module"):
        return
    hint = enable_hint(deployment, "wsgi_module")
    by_file: dict[str, list] = {}
    for directive in apache.uses("wsgi"):
        by_file.setdefault(directive.location.path, []).append(directive)
    for directives in by_file.values():
        first, others = directives[0], directives[1:]
        yield Problem(
            f"{first.name} needs mod_wsgi, which is not loaded: httpd refuses to start (\"Invalid "
            f"command '{first.name}'\"); {hint}",
            first.location, tuple(Note(d.location, f"{d.name} needs it too") for d in others))
    # Inside <IfModule mod_wsgi.c> the same mistake is silent: httpd drops the block, and the
    # application's URL answers 404 from whatever else matches it.
    dropped: dict[str, list] = {}
    for directive, condition in apache.dropped_wsgi:
        if condition.kind.lower() == "ifmodule" and not condition.negated and condition.subject in _GUARDS:
            dropped.setdefault(directive.location.path, []).append((directive, condition))
    for entries in dropped.values():
        aliases = [d for d, _ in entries if d.name.lower().startswith("wsgiscriptalias")]
        first, condition = next(((d, c) for d, c in entries if d in aliases), entries[0])
        where = f" {first.args[0]}" if first in aliases and first.args else ""
        yield Problem(
            f"mod_wsgi is not loaded, so httpd silently drops the WSGI* directives inside "
            f"<IfModule {condition.subject}>: requests to{where or ' the application'} get 404 "
            f"with nothing logged; {hint}", first.location,
            (Note(condition.location, "the condition that is false"),))
