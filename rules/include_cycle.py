"""An Include cycle: a file includes itself, directly or through others. httpd will not start.

httpd follows ``Include`` and ``IncludeOptional`` while reading; a file that (through any chain of
wildcards) includes a file already being read recurses until "Exceeded maximum include depth of
128, There appears to be a recursion." and the configuration test fails. A common way in:
``IncludeOptional /etc/apache2/*`` or ``Include conf.d/`` that matches the file holding it.

Failing (in apache2.conf)::

    IncludeOptional /etc/apache2/*

Fixed: include only what is meant: ``IncludeOptional /etc/apache2/extra/*.conf``.
"""

from ._common import input_problems

CODE = "HL008"
NAME = "include-cycle"
SEVERITY = "error"
SUMMARY = "a file includes itself, directly or through others (httpd will not start)"


def check(deployment):
    return input_problems(deployment, CODE)
