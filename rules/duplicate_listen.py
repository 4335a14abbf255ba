"""The same ``Listen`` address twice: httpd refuses to start.

httpd compares each ``Listen`` with the earlier ones by port and address *as written*
(``*:80`` and a bare ``80`` are the same): a repeat fails the configuration test with "Cannot
define multiple Listeners on the same IP:port" at the second one. It usually comes from a site
file that repeats a ``Listen`` already in ``ports.conf`` (Debian) or ``httpd.conf`` (Red Hat).
Overlaps written differently (``Listen 80`` and ``Listen 127.0.0.1:80``) pass the test and fail
only at start ("Address already in use").

Failing (Debian, ``ports.conf`` already has ``Listen 80``)::

    Listen 80
    <VirtualHost *:80>
        ProxyPass "/heat-api" "unix:/run/uwsgi/heat-api.socket|uwsgi://uwsgi-uds-heat-api"
    </VirtualHost>

Fixed: drop the repeated ``Listen``; one per address is enough for every virtual host on it.
"""

from heatlint.check import Problem
from heatlint.source import Note

CODE = "HL320"
NAME = "duplicate-listen"
SEVERITY = "error"
SUMMARY = "the same Listen address twice (httpd will not start)"


def check(deployment):
    first = {}
    for listener in deployment.apache.listeners:
        key = (listener.address, listener.port)
        if listener.port is None:
            continue
        if key in first:
            shown = (f"{listener.address}:{listener.port}" if listener.address != "*"
                     else str(listener.port))
            yield Problem(f"`Listen {shown}` repeats an earlier Listen: httpd refuses to start "
                          "(\"Cannot define multiple Listeners on the same IP:port\"); remove one",
                          listener.location, (Note(first[key].location, "first Listen here"),))
        else:
            first[key] = listener
