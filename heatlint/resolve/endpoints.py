"""Backend addresses as httpd's mod_proxy and uwsgi's core/socket.c read them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Endpoint, atoi, decimal

# mod_proxy's ap_proxy_port_of_scheme(): uwsgi is NOT in the table, so "uwsgi://h/" means port 0.
DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ajp": 8009, "scgi": 4000,
                 "fcgi": 8000, "h2": 443, "h2c": 80, "ftp": 21}

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):(?://)?([^/?#]*)(.*)$", re.S)


@dataclass(frozen=True)
class ProxyTarget:
    scheme: str
    endpoint: Endpoint | None
    host: str  # the host of the URL (after "|" for unix: targets: only a worker name)
    port: int | None  # as written, even for unix: targets (httpd still range-checks it)
    path: str
    error: str = ""


def _host_port(netloc: str) -> tuple[str, str | None]:
    netloc = netloc.rsplit("@", 1)[-1]
    if netloc.startswith("["):
        end = netloc.find("]")
        host = netloc[1:end] if end > 0 else netloc[1:]
        rest = netloc[end + 1:] if end > 0 else ""
        return host, rest[1:] if rest.startswith(":") else None
    if ":" in netloc:
        host, port = netloc.rsplit(":", 1)
        return host, port
    return netloc, None


def parse_proxy_url(url: str) -> ProxyTarget:
    """``scheme://host[:port]/path`` or ``unix:/socket|scheme://name[:port]/path``."""
    socket_path = None
    if url[:5].lower() == "unix:" and "|" in url:
        sock, url = url.split("|", 1)
        socket_path = sock[5:]
        if socket_path.startswith("//"):  # unix:///abs/path: an empty authority
            socket_path = "/" + socket_path[2:].split("/", 1)[-1] if "/" in socket_path[2:] else ""
    m = _URL.match(url)
    if not m:
        return ProxyTarget("", None, "", None, "", f"cannot parse the URL {url!r}")
    scheme, netloc, path = m.group(1).lower(), m.group(2), m.group(3)
    host, port_text = _host_port(netloc)
    port: int | None = None
    error = ""
    if port_text:
        port = decimal(port_text)
        if port is None:
            error = f"the port {port_text!r} is not a number"
    elif not port_text:
        port = DEFAULT_PORTS.get(scheme, 0 if scheme == "uwsgi" else None)
    if socket_path is not None:
        endpoint = Endpoint("unix", path=socket_path)
    elif host:
        endpoint = Endpoint("tcp", host=host.lower(), port=port)
    else:
        endpoint = None
    return ProxyTarget(scheme, endpoint, host.lower(), port, path, error)


def parse_uwsgi_address(value: str) -> Endpoint | None:
    """uwsgi's rule: a ':' anywhere (the last one) means TCP, else a unix socket path.

    The port is kept as atoi() reads it, *before* the 16-bit truncation uwsgi applies when binding,
    so rules can say "80999 binds 15463"."""
    value = value.lstrip()
    if not value:
        return None
    if ":" in value:
        host, port = value.rsplit(":", 1)
        if host.startswith("[") and host.endswith("]"):
            host = host[1:-1]
        return Endpoint("tcp", host=host.lower() or "0.0.0.0", port=atoi(port))
    if value.startswith("@") or value.startswith("\0"):
        return None  # Linux abstract socket: no path in the file system
    return Endpoint("unix", path=value)


LOOPBACK = {"localhost", "127.0.0.1", "::1", "ip6-localhost", "localhost.localdomain"}
WILDCARD = {"0.0.0.0", "::", "*", ""}


def is_local(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


def socket_key(path: str) -> str:
    """A unix socket path as the kernel finds it: /var/run is a symlink to /run on every current
    distribution."""
    return "/run/" + path[len("/var/run/"):] if path.startswith("/var/run/") else path


def same_socket_path(a: str, b: str) -> bool:
    return socket_key(a) == socket_key(b)


def tcp_reaches(target: Endpoint, listener: Endpoint) -> bool:
    """Does a connection to ``target`` arrive at a socket bound to ``listener``? Ports compare as
    written (both sides out of range is one mistake, reported by the port-range rule)."""
    if target.transport != "tcp" or listener.transport != "tcp" or target.port != listener.port:
        return False
    if listener.host in WILDCARD or target.host == listener.host:
        return True
    return is_local(target.host) and is_local(listener.host)
