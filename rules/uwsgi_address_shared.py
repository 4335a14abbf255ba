"""Two uwsgi apps that bind the same socket path or TCP address.

Usually an ini copied from the other API and not fully edited (heat-api-cfn still saying
``heat-api.socket`` or port 8004). What happens depends on the transport and on start order:

* unix socket: uwsgi removes an existing socket file before binding, so the instance started
  **last** takes the path; the first keeps running on a socket nobody can reach. Requests for
  both APIs reach one of them, or the other API's own socket does not exist (503).
* TCP: the instance started second fails "bind(): Address already in use" and exits; every request
  reaches the first one, which may be the wrong API (200 from heat-api-cfn for /heat-api).

Failing (heat-api-cfn-uwsgi.ini, next to heat-api-uwsgi.ini)::

    socket = /var/run/uwsgi/heat-api.socket

Fixed::

    socket = /var/run/uwsgi/heat-api-cfn.socket

Verified end to end: tests/e2e/scenarios/broken-two-apps-one-*.toml.
"""

from heatlint.check import Problem
from heatlint.resolve.endpoints import same_socket_path, socket_key, tcp_reaches
from heatlint.source import Note

CODE = "HL455"
NAME = "uwsgi-address-shared"
SEVERITY = "error"
SUMMARY = "two uwsgi apps bind the same socket or address (one of them is unreachable)"


def _clash(a, b) -> bool:
    if a.transport != b.transport:
        return False
    if a.transport == "unix":
        return same_socket_path(a.path, b.path)
    if a.port != b.port or not a.port:
        return False  # port 0: each gets a port of its own from the kernel
    return tcp_reaches(a, b) or tcp_reaches(b, a)


def _key(ep):
    """Only listeners with the same key can clash: same socket path, or same port."""
    return (ep.transport, socket_key(ep.path) if ep.transport == "unix" else ep.port)


def check(deployment):
    bound = {}  # _key -> [(app, listener)] of the apps seen so far, in file order
    for app in deployment.apps:
        for listener in app.listeners:
            ep = listener.endpoint
            if ep is None:
                continue
            other = next(((o, l) for o, l in bound.get(_key(ep), ())
                          if o is not app and _clash(l.endpoint, ep)), None)
            if other is None:
                continue
            first, first_listener = other
            if ep.transport == "unix":
                effect = ("the instance started last takes the path over and the other keeps running "
                          "unreachable")
            else:
                effect = "the instance started second exits with \"bind(): Address already in use\""
            yield Problem(f"`{listener.option} = {listener.address}` is also bound by {first.path}: "
                          f"{effect}, so requests reach only one of the two apps; give each app its "
                          "own socket", listener.location,
                          (Note(first_listener.location, "the other app binds it here"),))
        for listener in app.listeners:
            if listener.endpoint is not None:
                bound.setdefault(_key(listener.endpoint), []).append((app, listener))
