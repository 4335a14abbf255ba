"""A configuration file that is not UTF-8 (usually Latin-1, from an old editor or a copied
comment).

httpd and uwsgi never decode their files: they compare bytes. heatlint reads such a file as
Latin-1, byte for byte, so every directive means what it means to httpd and uwsgi, and says where
the first byte that is not UTF-8 stands. Nothing breaks, but a name or path with such bytes will
not match the same name written in UTF-8 elsewhere (a ``ServerName``, a socket path), and tools
that expect UTF-8 (editors, diffs, linters) show it garbled.

Failing: ``# Géré par l'équipe infra`` saved in Latin-1 (byte ``0xE9``).

Fixed: ``iconv -f latin1 -t utf-8 heat-api.conf > heat-api.conf.new`` and move it into place.
"""

from ._common import input_problems

CODE = "HL011"
NAME = "not-utf8"
SEVERITY = "info"
SUMMARY = "a configuration file that is not UTF-8 (read as Latin-1; says where)"


def check(deployment):
    return input_problems(deployment, CODE)
