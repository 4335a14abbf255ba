"""Two ProxyPass URLs to different backends that mod_proxy folds into one worker.

mod_proxy keeps one *worker* (connection pool) per URL, named by the URL **without** its
``unix:/path|`` part. A later ProxyPass whose URL starts with an existing worker's name, for the
same scheme, host and port, reuses that worker, including its unix socket, and logs only a warning
at start-up ("AH01146: Ignoring parameter 'retry=0' for worker '…' because of worker sharing";
AH01145 "Sharing worker" at LogLevel info). So with two sockets behind the same
``uwsgi://localhost/``, every request of the second route goes to the **first** socket: heat-api
answers the requests meant for heat-api-cfn (or the reverse), with 200 and the wrong API.

Failing::

    ProxyPass "/heat-api-cfn" "unix:/var/run/uwsgi/heat-api-cfn.socket|uwsgi://localhost/"
    ProxyPass "/heat-api" "unix:/var/run/uwsgi/heat-api.socket|uwsgi://localhost/"

Fixed: a distinct host name per socket, as devstack writes them::

    ProxyPass "/heat-api-cfn" "unix:/var/run/uwsgi/heat-api-cfn.socket|uwsgi://uwsgi-uds-heat-api-cfn"
    ProxyPass "/heat-api" "unix:/var/run/uwsgi/heat-api.socket|uwsgi://uwsgi-uds-heat-api"

Verified end to end: tests/e2e/scenarios/broken-proxy-worker-shared.toml.
"""

from heatlint.check import Problem
from heatlint.resolve.endpoints import DEFAULT_PORTS, parse_proxy_url
from heatlint.resolve.endpoints import same_socket_path
from heatlint.source import Note

from ._common import live_routes, route_label

CODE = "HL353"
NAME = "proxy-worker-shared"
SEVERITY = "error"
SUMMARY = "two ProxyPass to different backends share one mod_proxy worker (the second reaches the first)"


def _worker(url: str):
    """(scheme, host, port, path) of the worker a ProxyPass URL names, or None."""
    target = parse_proxy_url(url)
    if target.error or not target.scheme or target.endpoint is None:
        return None
    port = None if target.port == DEFAULT_PORTS.get(target.scheme) else target.port
    return target.scheme, target.host, port, target.path


def _same_backend(a, b) -> bool:
    if a.transport != b.transport:
        return False
    if a.transport == "unix":
        return same_socket_path(a.path, b.path)
    return (a.host, a.port) == (b.host, b.port)


def check(deployment):
    # (scheme, host, port) -> [(route, worker)] in configuration order: the first definition owns
    # the name. Only workers with the same scheme, host and port can be shared.
    defined = {}
    for route in live_routes(deployment):
        if route.directive.lower() not in ("proxypass", "proxypassmatch"):
            continue
        worker = _worker(route.url)
        if worker is None:
            continue
        same_origin = defined.setdefault(worker[:3], [])
        for earlier, owner in same_origin:
            if not worker[3].startswith(owner[3]):
                continue
            if earlier.vhost is not None and earlier.vhost is not route.vhost:
                continue  # a virtual host's workers are its own; the main server's are everyone's
            if _same_backend(earlier.endpoint, route.endpoint):
                break
            yield Problem(
                f"`{route_label(route)}` reuses the worker of `{route_label(earlier)}` (same "
                f"{worker[0]}://{worker[1]}, its URL extends that name), and with it that worker's "
                f"backend {earlier.endpoint}: every request to {route.path or 'this route'} goes to "
                f"{earlier.endpoint}, not {route.endpoint}; give each backend its own host name "
                f"(e.g. uwsgi://uwsgi-uds-<service>)", route.location,
                (Note(earlier.location, "the worker is defined here first"),))
            break
        else:
            same_origin.append((route, worker))
