"""A ``Listen`` on one address and another on every address, for the same port.

``Listen 80`` binds the port on every address; ``Listen 127.0.0.1:80`` then cannot bind it again.
``apache2ctl -t`` says "Syntax OK" (the two are written differently, so the duplicate check does
not see them), and only the start fails: "(98)Address already in use: AH00072: make_sock: could
not bind to address 127.0.0.1:80", "no listening sockets available, shutting down". Nothing is
served at all. It usually comes from a site file that adds a Listen for an address that
``ports.conf`` already covers. (``Listen 80`` together with ``Listen 0.0.0.0:80`` is tolerated:
httpd merges them into one socket. Two identical Listen lines are HL320.)

Failing (Debian, ``ports.conf`` has ``Listen 80``)::

    Listen 127.0.0.1:80
    ProxyPass "/heat-api" "unix:/var/run/uwsgi/heat-api.socket|uwsgi://uwsgi-uds-heat-api"

Fixed: drop the site's ``Listen``; ``Listen 80`` already accepts connections to 127.0.0.1:80.
Verified end to end: tests/e2e/scenarios/broken-listen-overlap.toml.
"""

from heatlint.check import Problem
from heatlint.source import Note

from ._common import WILDCARD_LISTEN

CODE = "HL350"
NAME = "listen-overlap"
SEVERITY = "error"
SUMMARY = "Listen on one address plus Listen on every address, same port (httpd will not start)"


def check(deployment):
    seen = {}  # port -> the Listens for it so far, in configuration order
    for later in deployment.apache.listeners:
        if later.port is None:
            continue
        earlier_same_port = seen.setdefault(later.port, [])
        for earlier in earlier_same_port:
            wild = {earlier.address in WILDCARD_LISTEN, later.address in WILDCARD_LISTEN}
            if wild != {True, False}:
                continue  # identical (HL320), both wildcards (merged), or distinct addresses
            specific = later if later.address not in WILDCARD_LISTEN else earlier
            yield Problem(
                f"`Listen {specific.address}:{later.port}` overlaps the Listen on every address for "
                f"port {later.port}: `apache2ctl -t` passes, but httpd cannot bind the port twice and "
                f"does not start (\"(98)Address already in use: AH00072 … could not bind to address "
                f"{specific.address}:{later.port}\"); keep only one of them",
                later.location, (Note(earlier.location, "the other Listen for this port"),))
            break
        earlier_same_port.append(later)
