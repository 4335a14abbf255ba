"""A mod_wsgi daemon group without ``processes=``: one Python process serves every request.

``WSGIDaemonProcess heat-api threads=10`` runs **one** process (mod_wsgi's default) whose threads
share one interpreter lock: CPU-bound work (JSON, templates, Heat's stack parsing) is serialised,
and one stuck request can hold a thread for good. Heat's old Apache template wrote
``processes=%API_WORKERS% threads=10``. Without ``threads=`` the default is 15, which is fine.

Failing::

    WSGIDaemonProcess heat-api user=heat display-name=%{GROUP}

Fixed::

    WSGIDaemonProcess heat-api processes=4 threads=10 user=heat display-name=%{GROUP}
"""

from heatlint.check import Problem

CODE = "HL501"
NAME = "wsgi-daemon-single-process"
SEVERITY = "warning"
SUMMARY = "WSGIDaemonProcess without processes=: one process (one GIL) serves every request"


def check(deployment):
    for daemon in deployment.apache.wsgi_daemons:
        if not daemon.processes_written:
            yield Problem(f"WSGIDaemonProcess {daemon.name} sets no processes=: mod_wsgi runs one "
                          f"process with {daemon.threads} threads sharing one interpreter lock; set "
                          "processes=N", daemon.location)
