"""A ``<VirtualHost>`` on a port that no ``Listen`` opens: httpd never uses it.

A VirtualHost only *selects* among connections httpd already accepts; it opens nothing. Without a
``Listen`` for its port, ``apache2ctl -t`` and ``-S`` say nothing, httpd starts, and every
request meant for the virtual host is refused ("connection refused"; a client sees no HTTP status
at all) or, when the port is reached some other way, answered by another virtual host (404).
The classic case is a Heat site for ``<VirtualHost *:8004>`` copied to a host whose
``ports.conf`` only has ``Listen 80``.

Failing::

    <VirtualHost *:8004>
        ProxyPass "/" "unix:/run/uwsgi/heat-api.socket|uwsgi://heat-api/"
    </VirtualHost>

Fixed::

    Listen 8004
    <VirtualHost *:8004>
        ProxyPass "/" "unix:/run/uwsgi/heat-api.socket|uwsgi://heat-api/"
    </VirtualHost>

Verified end to end: tests/e2e/scenarios/broken-vhost-port-not-listened.toml.
"""

from heatlint.check import Problem

from ._common import vhost_ports

CODE = "HL351"
NAME = "vhost-port-not-listened"
SEVERITY = "error"
SUMMARY = "VirtualHost on a port no Listen opens (never used: connection refused)"


def check(deployment):
    apache = deployment.apache
    if not apache.whole_tree:
        return  # loose snippets: the Listen may be in a file heatlint was not given
    listened = {l.port for l in apache.listeners if l.port is not None}
    for vhost in apache.vhosts:
        ports = [vhost_ports(a) for a in vhost.addresses]
        if not ports or any(p is None for p in ports):
            continue  # a vhost on any port
        if not any(p in listened for p in ports):
            shown = ", ".join(str(p) for p in sorted(set(ports)))
            heard = ", ".join(str(p) for p in sorted(listened)) or "none"
            yield Problem(f"<VirtualHost {' '.join(vhost.addresses)}> is on port {shown}, which no Listen "
                          f"opens (httpd listens on: {heard}): httpd starts and never uses this "
                          f"virtual host; add `Listen {ports[0]}`", vhost.location)
