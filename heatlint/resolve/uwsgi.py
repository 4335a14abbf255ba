"""Resolve a uwsgi ini section into the instance uwsgi 2.0 would run (uwsgi.md §1–§7)."""

from __future__ import annotations

import functools
import posixpath
import re
import pkgutil

from ..model import UwsgiApp, UwsgiListener, UwsgiOption
from ..parse.uwsgi import IniFile
from .endpoints import parse_uwsgi_address

# Long-name aliases that uwsgi's option table registers for the same setting. Single letters
# (s, p, M …) are command-line shortcuts only: in an ini file they are unknown keys that uwsgi
# silently ignores (uwsgi.md §2, verified: `p = 2` runs one worker).
ALIASES = {
    "workers": "processes",
    "wsgi": "module",
    "file": "wsgi-file",
    "httprouter": "http",
    "socket-protocol": "protocol",
    "virtualenv": "home",
    "venv": "home",
    "pyhome": "home",
    "python-path": "pythonpath",
    "pp": "pythonpath",
    "plugin": "plugins",
    "set-ph": "set-placeholder",
}

# Options that bind a listening socket, and the protocol each speaks.
LISTENING_OPTIONS = {"socket": None, "uwsgi-socket": "uwsgi", "http-socket": "http",
                     "https-socket": "https", "http": "http", "https": "https"}

# Magic variables that depend on the running process, not on the file: left as written.
_DYNAMIC_MAGIC = set("tTVhvkuUgGbiIjJoOPSDENCX[")
_PLACEHOLDER = re.compile(r"%\(([^()]*)\)")


# Logic-block closers uwsgi accepts that its --help does not list (core/config.c).
_UNLISTED = {"end": "core"}


@functools.lru_cache(maxsize=None)
def option_table() -> dict[str, tuple[str, str]]:
    """Every option uwsgi 2.0 knows: name -> (command-line shortcut, origin), as printed by the
    real program's --help for the core and each Debian plugin (tools/gen_uwsgi_options.py)."""
    text = pkgutil.get_data("heatlint.data", "uwsgi_options.tsv").decode("utf-8")
    table = {name: ("", origin) for name, origin in _UNLISTED.items()}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, short, origin = line.split("\t")
            table[name] = (short, origin)
    return table


def canonical(key: str) -> str:
    return ALIASES.get(key, key)


def _magic(value: str, host_path: str, section: str) -> str:
    """%X magic variables (uwsgi.md §3.1): every '%' takes the next character with it."""
    if "%" not in value:
        return value
    directory = posixpath.dirname(host_path)
    name = posixpath.basename(host_path)
    stem, ext = posixpath.splitext(name)
    static = {"d": directory.rstrip("/") + "/", "p": host_path, "s": name, "n": stem,
              "e": ext.lstrip("."), "c": posixpath.basename(directory), "x": section, "%": "%"}
    out = []
    i, n = 0, len(value)
    while i < n:
        c = value[i]
        if c != "%" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        letter = value[i + 1]
        if letter == "(":
            out.append("%(")
        elif letter in static:
            out.append(static[letter])
        elif letter in _DYNAMIC_MAGIC:
            out.append(value[i:i + 2])
        # any other %X vanishes, both characters (uwsgi's magic table is "" for them)
        i += 2
    return "".join(out)


def _placeholders(options: list[tuple[str, str]]) -> list[str]:
    """%(name): the first option or placeholder named ``name``; the result is rescanned."""
    first: dict[str, str] = {}
    for key, value in options:
        first.setdefault(key, value)

    def expand(value: str, depth: int = 0) -> str:
        if "%(" not in value or depth > 16:
            return value

        def sub(m: re.Match) -> str:
            key = m.group(1).strip()
            return expand(first[key], depth + 1) if key in first else m.group(0)

        return _PLACEHOLDER.sub(sub, value)

    return [expand(v) for _, v in options]


def resolve_app(ini: IniFile, host_path: str, section: str = "uwsgi") -> UwsgiApp | None:
    raw = ini.section(section)
    if not ini.has_section(section):
        return None
    header = next(loc for name, loc in ini.sections if name == section)
    pairs = [(o.key, _magic(o.value, host_path, section)) for o in raw]
    values = _placeholders(pairs)
    app = UwsgiApp(ini.path, header)
    table = option_table()
    # Custom variables: keys the file refers to as %(key), and options made by declare-option.
    referenced = {m.strip() for _, v in pairs for m in _PLACEHOLDER.findall(v)}
    declared = {v.split("=", 1)[0].strip() for k, v in pairs
                if k in ("declare-option", "declare-option2") and "=" in v}
    for opt, value in zip(raw, values):
        if opt.key in table:
            origin = table[opt.key][1]
        elif opt.key in referenced or opt.key in declared:
            origin = "placeholder"
        else:
            origin = ""
        app.options.append(UwsgiOption(opt.key, canonical(opt.key), value, opt.location, origin,
                                       opt.value))
    protocol = (app.get("protocol").value.strip() or "uwsgi") if app.get("protocol") else "uwsgi"
    for opt in app.options:
        if opt.name not in LISTENING_OPTIONS:
            continue
        speaks = LISTENING_OPTIONS[opt.name] or protocol
        address = opt.value.split(",", 1)[0] if opt.name in ("https-socket", "https") else opt.value
        app.listeners.append(UwsgiListener(opt.name, address, parse_uwsgi_address(address), speaks,
                                           opt.location))
    return app
