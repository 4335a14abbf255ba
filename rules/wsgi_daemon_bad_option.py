"""A ``WSGIDaemonProcess`` option mod_wsgi refuses: httpd will not start.

Options are ``name=value`` with no spaces around ``=`` and names in lower case; anything else
(``Processes=2``, ``processes = 2``, ``bogus=1``) fails the configuration test with "Invalid option
to WSGI daemon process definition.".

Failing::

    WSGIDaemonProcess heat-api processes = 2 Threads=10

Fixed::

    WSGIDaemonProcess heat-api processes=2 threads=10
"""

import re

from heatlint.check import Problem

CODE = "HL502"
NAME = "wsgi-daemon-bad-option"
SEVERITY = "error"
SUMMARY = "WSGIDaemonProcess option mod_wsgi refuses (httpd will not start)"

_PLACEHOLDER = re.compile(r"%[A-Z][A-Z0-9_]*%|\{\{.*\}\}|@[A-Za-z_]+@")


def check(deployment):
    for daemon in deployment.apache.wsgi_daemons:
        for word in daemon.bad_options:
            hint = (" (an unrendered template placeholder?)" if _PLACEHOLDER.fullmatch(word)
                    else " (name=value, lower case, no spaces)")
            yield Problem(f"WSGIDaemonProcess {daemon.name}: {word!r} is not an option mod_wsgi "
                          f"accepts{hint}: httpd refuses to start (\"Invalid option to WSGI daemon "
                          "process definition.\")", daemon.location)
