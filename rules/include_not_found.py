"""``Include`` of a file or wildcard that matches nothing: httpd refuses to start.

``Include`` fails the configuration test when its path does not exist or its wildcard matches no
file ("No matches for the wildcard … failing"); ``IncludeOptional`` silently includes nothing.
Paths are relative to ServerRoot (``/etc/apache2`` on Debian).

Failing::

    Include sites-enabled/*.conf      # and sites-enabled/ is empty

Fixed: ``IncludeOptional sites-enabled/*.conf``, or create what it names.
"""

from ._common import input_problems

CODE = "HL004"
NAME = "include-not-found"
SEVERITY = "error"
SUMMARY = "Include names a file or wildcard that matches nothing (httpd will not start)"


def check(deployment):
    return input_problems(deployment, CODE)
