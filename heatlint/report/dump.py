"""``heatlint dump``: the Apache configuration as heatlint resolved it.

What ``apache2 -t -D DUMP_CONFIG`` shows (every effective directive after Include, Define/``${VAR}``
and the conditionals, in httpd's order, with file and line), then what ``-D DUMP_MODULES``,
``-D DUMP_INCLUDES`` and ``-S`` show, and the proxy routes. Line numbers are httpd's: a directive
continued over several lines is numbered by its last line. The JSON form (version 1) is::

    {"version": 1,
     "directives": [{"name", "args", "path", "line", "depth"}],
     "modules": [{"name", "path", "line"}],          # path/line null: compiled into httpd
     "includes": [path, ...],
     "listen": [{"address", "port", "protocol", "path", "line"}],
     "vhosts": [{"addresses", "server_name", "path", "line"}],
     "routes": [{"directive", "match", "regex", "url", "scheme", "backend", "vhost", "active",
                 "dropped_by", "path", "line"}]}
"""

from __future__ import annotations

import json

from rich.console import Console
from rich.text import Text

from ..model import ApacheConfig, ProxyRoute, VirtualHost


def _vhost_ref(vhost: VirtualHost | None) -> str | None:
    return f"{vhost.location.path}:{vhost.location.line}" if vhost is not None else None


def _route(route: ProxyRoute) -> dict:
    dropped = route.dropped_by
    return {"directive": route.directive, "match": route.path, "regex": route.regex, "url": route.url,
            "scheme": route.scheme, "backend": str(route.endpoint) if route.endpoint else None,
            "vhost": _vhost_ref(route.vhost), "active": route.active,
            "dropped_by": (f"<{dropped.kind} {dropped.argument}> at {dropped.location}"
                           if dropped is not None else None),
            "path": route.location.path, "line": route.location.line}


def dump_data(config: ApacheConfig) -> dict:
    return {
        "version": 1,
        "directives": [{"name": d.name, "args": list(d.args), "path": d.location.path,
                        "line": d.end_line, "depth": d.depth} for d in config.directives],
        "modules": [{"name": m.name, "path": m.location.path if m.location else None,
                     "line": m.location.line if m.location else None}
                    for m in config.modules.values()],
        "includes": list(config.includes),
        "listen": [{"address": l.address, "port": l.port, "protocol": l.protocol,
                    "path": l.location.path, "line": l.location.line} for l in config.listeners],
        "vhosts": [{"addresses": list(v.addresses), "server_name": v.server_name or None,
                    "path": v.location.path, "line": v.end_line or v.location.line}
                   for v in config.vhosts],
        "routes": [_route(r) for r in config.routes],
    }


def render_json(config: ApacheConfig) -> str:
    return json.dumps(dump_data(config), indent=2) + "\n"


def quote(word: str) -> str:
    """A word as it can be written back so that httpd reads the same word."""
    if word and not any(c.isspace() or c in "\"'\\" for c in word):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _heading(console: Console, title: str, count: int) -> None:
    console.print()
    console.print(Text(f"{title} ({count})", style="bold underline"))


def render_text(config: ApacheConfig, console: Console) -> None:
    _heading(console, "Directives", len(config.directives))
    current = None
    width = max((len(str(d.end_line)) for d in config.directives), default=1)
    for d in config.directives:
        if d.location.path != current:
            current = d.location.path
            console.print(Text(f"# In file: {current}", style="cyan"))
        line = Text(f"{d.end_line:>{width}}  ", style="dim")
        line.append("  " * d.depth)
        if d.name.startswith("<"):
            line.append(d.name[:-1], style="bold")
            line.append("".join(" " + quote(a) for a in d.args) + ">")
        else:
            line.append(d.name, style="bold")
            line.append("".join(" " + quote(a) for a in d.args))
        console.print(line)

    _heading(console, "Loaded modules", len(config.modules))
    for m in config.modules.values():
        where = f"{m.location.path}:{m.location.line}" if m.location else "compiled into httpd"
        console.print(Text(f"  {m.name}  ").append(where, style="dim"))

    _heading(console, "Included files, in the order httpd reads them", len(config.includes))
    for i, path in enumerate(config.includes, 1):
        console.print(f"{i:>4}  {path}")

    _heading(console, "Listen", len(config.listeners))
    for l in config.listeners:
        address = f"[{l.address}]" if ":" in l.address else l.address
        console.print(Text(f"  {address}:{l.port} {l.protocol}  ").append(str(l.location), style="dim"))

    _heading(console, "Virtual hosts", len(config.vhosts))
    for v in config.vhosts:
        console.print(Text(f"  <VirtualHost {' '.join(v.addresses)}>  "
                           f"{v.server_name or '(no ServerName)'}  ").append(str(v.location), style="dim"))

    _heading(console, "Proxy routes", len(config.routes))
    for r in config.routes:
        state = "" if r.active else " [dropped: its conditional is false]" if r.dropped_by else " [not enabled]"
        match = (r.path or "?") + (" (regex)" if r.regex else "")
        line = Text(f"  {r.directive} {match} → {r.url}")
        if r.endpoint is not None and str(r.endpoint) not in r.url:
            line.append(f" ({r.endpoint})")
        where = str(r.location) + (f" in <VirtualHost {' '.join(r.vhost.addresses)}>" if r.vhost else "")
        line.append(f"  {where}{state}", style="dim")
        console.print(line)
