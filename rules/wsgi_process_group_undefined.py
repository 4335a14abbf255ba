"""``WSGIProcessGroup`` (or ``process-group=``) naming a daemon group that is not defined.

httpd starts fine; every request for the application then fails with **500** and the error log
says "No WSGI daemon process called 'heat-api' has been configured". A group defined inside one
``<VirtualHost>`` is only usable from that virtual host (or one with the same ServerName); groups
defined at server level are usable everywhere. ``%{GLOBAL}`` (embedded mode) and ``%{ENV:…}``
are not group names.

Failing::

    WSGIDaemonProcess heat_api processes=2 threads=10
    WSGIProcessGroup heat-api

Fixed: the same name in both places.
"""

from heatlint.check import Problem

CODE = "HL503"
NAME = "wsgi-process-group-undefined"
SEVERITY = "error"
SUMMARY = "WSGIProcessGroup names no WSGIDaemonProcess group (HTTP 500)"


def _visible(daemon, vhost) -> bool:
    # A use outside any <VirtualHost> (say a server-level <Location>) is merged into every vhost,
    # including the one that defines the group: it works there (devstack's keystone did this).
    if daemon.vhost is None or vhost is None or daemon.vhost is vhost:
        return True
    return bool(vhost is not None and daemon.vhost.server_name
                and daemon.vhost.server_name == vhost.server_name)


def check(deployment):
    apache = deployment.apache
    if not apache.whole_tree and not apache.wsgi_daemons:
        return  # a loose snippet may use a group defined in a file heatlint was not given
    uses = [(g.group, g.vhost, g.location) for g in apache.wsgi_process_groups]
    uses += [(a.process_group, a.vhost, a.location) for a in apache.wsgi_script_aliases if a.process_group]
    daemons = {}  # group name -> its definitions
    for d in apache.wsgi_daemons:
        daemons.setdefault(d.name, []).append(d)
    known = None
    for group, vhost, location in uses:
        if group.startswith("%{"):
            continue
        if any(_visible(d, vhost) for d in daemons.get(group, ())):
            continue
        known = known or ", ".join(sorted(daemons)) or "none"
        yield Problem(f"no WSGIDaemonProcess group {group!r} is defined where this is used (groups: "
                      f"{known}): every request gets 500 (\"No WSGI daemon process called "
                      f"'{group}' has been configured\")", location)
