"""A uwsgi app without ``master = true``.

Without the master process nothing supervises the workers: a worker that crashes or is killed by
the OOM killer is never replaced, so capacity silently shrinks until the API stops answering;
``harakiri``, ``max-requests``, graceful reloads and ``die-on-term`` all need the master.
Every OpenStack deployment tool (devstack, kolla, openstack-ansible) sets it.

Fixed::

    master = true
"""

from heatlint.check import Problem

CODE = "HL406"
NAME = "uwsgi-master-off"
SEVERITY = "warning"
SUMMARY = "uwsgi app without master: dead workers are never respawned"

_FALSE = {"false", "off", "no", "0"}


def check(deployment):
    for app in deployment.apps:
        if not app.listeners:
            continue
        master = app.get("master")
        if master is None:
            yield Problem("no `master = true`: nothing respawns a worker that dies, and harakiri, "
                          "graceful reload and die-on-term do not work", app.location)
        elif master.value.strip().lower() in _FALSE:
            yield Problem(f"`master = {master.value}` turns the master off: nothing respawns a "
                          "worker that dies", master.location)
