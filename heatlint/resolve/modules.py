"""Module names as httpd knows them, and which module provides the directives rules care about."""

from __future__ import annotations

from collections.abc import Iterable

from .directives import DIRECTIVES

# `apache2 -l` on Debian 12 (2.4.71): compiled in, so always "loaded" and never LoadModule'd.
DEBIAN_STATIC = ("core_module", "so_module", "watchdog_module", "http_module", "log_config_module",
                 "logio_module", "version_module", "unixd_module")
# Red Hat builds httpd with almost everything as DSOs (`httpd -l`).
REDHAT_STATIC = ("core_module", "so_module", "http_module")

# <IfModule> accepts a module's identifier or its source file name (the module struct's __FILE__).
# The file name is mod_<stem>.c except for these.
_SOURCE_NAMES = {
    "core_module": "core.c",
    "http_module": "http_core.c",
    "mpm_event_module": "event.c",
    "mpm_worker_module": "worker.c",
    "mpm_prefork_module": "prefork.c",
}


def source_name(identifier: str) -> str:
    if identifier in _SOURCE_NAMES:
        return _SOURCE_NAMES[identifier]
    stem = identifier[:-len("_module")] if identifier.endswith("_module") else identifier
    return f"mod_{stem}.c"


def identifier(name: str) -> str:
    """The module identifier an <IfModule> argument names (mod_proxy.c → proxy_module)."""
    for ident, source in _SOURCE_NAMES.items():
        if name == source:
            return ident
    if name.startswith("mod_") and name.endswith(".c"):
        return f"{name[4:-2]}_module"
    return name


def directives_of(modules: Iterable[str]) -> frozenset[str] | None:
    """Every directive (lower-cased; sections as ``<name``) the given modules register, or None
    when one of them is a module heatlint has no directive list for."""
    names: set[str] = set()
    for module in modules:
        known = DIRECTIVES.get(module)
        if known is None:
            return None
        names |= known
    return frozenset(names)


# The scheme of a proxy URL → the module that must handle it (mod_proxy/modules/proxy/*).
SCHEME_MODULES = {
    "http": "proxy_http_module",
    "https": "proxy_http_module",
    "uwsgi": "proxy_uwsgi_module",
    "fcgi": "proxy_fcgi_module",
    "scgi": "proxy_scgi_module",
    "ajp": "proxy_ajp_module",
    "ws": "proxy_wstunnel_module",
    "wss": "proxy_wstunnel_module",
    "balancer": "proxy_balancer_module",
    "ftp": "proxy_ftp_module",
    "h2": "proxy_http2_module",
    "h2c": "proxy_http2_module",
}

# Debian's a2enmod name for a module identifier (mods-available/<name>.load).
def debian_name(identifier: str) -> str:
    return identifier[:-len("_module")] if identifier.endswith("_module") else identifier
