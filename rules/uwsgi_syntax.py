"""uwsgi ini text that uwsgi reads differently from what it looks like.

uwsgi takes a section header's name as everything between ``[`` and the line's *last character*:
``[uwsgi] ; app`` is section ``uwsgi] ;``, ``[ uwsgi ]`` is `` uwsgi ``. uwsgi then finds no
``[uwsgi]`` section, prints only a warning ("Can't find section "uwsgi"") and starts with none of
the file's options. A UTF-8 byte order mark before ``[uwsgi]`` has the same effect.

Failing::

    [uwsgi] ; heat-api
    socket = /run/uwsgi/heat-api.socket

Fixed: a header line is exactly ``[uwsgi]``; put comments on their own line.
"""

from ._common import input_problems

CODE = "HL002"
NAME = "uwsgi-syntax"
SEVERITY = "error"
SUMMARY = "uwsgi ini text that hides a section or option from uwsgi"


def check(deployment):
    return input_problems(deployment, CODE)
