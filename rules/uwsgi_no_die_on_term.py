"""A uwsgi 2.0 app that a service manager stops with SIGTERM, without ``die-on-term``.

In uwsgi 2.0, SIGTERM to the master means **reload**, not stop ("binary reloading uWSGI..."):
``systemctl stop`` sends SIGTERM, waits, and finally kills everything with SIGKILL, so every stop
takes the full timeout and workers are cut off mid-request. ``die-on-term = true`` (devstack),
or mapping signal 15 with ``hook-master-start = unix_signal:15 gracefully_kill_them_all``, makes
SIGTERM stop uwsgi. (Debian's own uwsgi units send SIGQUIT and are not affected; uwsgi 2.1 changes
the default.)

Fixed::

    die-on-term = true
"""

from heatlint.check import Problem

CODE = "HL407"
NAME = "uwsgi-no-die-on-term"
SEVERITY = "info"
SUMMARY = "uwsgi 2.0 app without die-on-term: SIGTERM reloads instead of stopping"

_FALSE = {"false", "off", "no", "0"}


def check(deployment):
    for app in deployment.apps:
        if not app.listeners:
            continue
        option = app.get("die-on-term")
        if option is not None and option.value.strip().lower() not in _FALSE:
            continue
        if any("unix_signal:15" in hook.value for hook in app.all("hook-master-start")):
            continue
        yield Problem("no `die-on-term = true`: in uwsgi 2.0 SIGTERM (systemctl stop) reloads the "
                      "app instead of stopping it", (option or app).location)
