"""The deployment model: what httpd and uwsgi will actually run, as rules see it.

Rules read only these types. They never see files, Lark trees or the resolver's internals, so a
rule states a fact about a deployment ("this route's backend is not served by any app") and the
resolve stage is the one place that knows how httpd and uwsgi turn text into that deployment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .source import InputProblem, Location, Suppression, value_class


_ATOI = re.compile(r"[ \t\n\v\f\r]*([+-]?)([0-9]+)")
HUGE = 10 ** 19  # beyond any C long: what a longer string of digits stands for


def decimal(text: str) -> int | None:
    """The value of a string of ASCII digits (what C's isdigit accepts), else None. Never raises:
    "²" is a digit to str.isdigit but not to int(), and Python refuses to convert more than 4,300
    digits (a 100,000-digit port in a hostile file); a number longer than any C long is HUGE."""
    if not text or not text.isascii() or not text.isdigit():
        return None
    digits = text.lstrip("0") or "0"
    return int(digits) if len(digits) <= 19 else HUGE


def atoi(text: str) -> int:
    """C atoi(), which uwsgi uses for numbers: leading space, a sign, leading digits; else 0."""
    m = _ATOI.match(text)
    if not m:
        return 0
    value = decimal(m.group(2))
    return -value if m.group(1) == "-" else value


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where a backend is reached: TCP ``host:port`` or a unix socket ``path``.

    ``port`` is the number as written, which may be outside 1–65535 (uwsgi silently truncates it
    to 16 bits; httpd refuses it at request time), so rules can both match and complain about it.
    """

    transport: str  # "tcp" | "unix"
    host: str = ""
    port: int | None = None
    path: str = ""

    def __str__(self) -> str:
        if self.transport == "unix":
            return f"unix:{self.path}"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}" if self.port is not None else host


@dataclass(frozen=True, slots=True)
class LoadedModule:
    name: str  # identifier, e.g. proxy_uwsgi_module
    file: str  # shared object as written ("" for modules compiled into httpd)
    location: Location | None  # the LoadModule line; None when compiled in


@dataclass(frozen=True, slots=True)
class Condition:
    """A conditional section that was false when httpd read it: its body does not exist for httpd."""

    kind: str  # IfModule, IfDefine, IfVersion, IfFile, IfDirective, IfSection
    argument: str  # as written, including a leading "!"
    location: Location

    @property
    def negated(self) -> bool:
        return self.argument.startswith("!")

    @property
    def subject(self) -> str:
        return self.argument.lstrip("!").strip()


@dataclass(frozen=True, slots=True)
class Listener:
    """An Apache ``Listen``."""

    address: str  # "*" when only a port was given
    port: int | None
    protocol: str
    location: Location


@dataclass(slots=True)
class VirtualHost:
    addresses: list[str]
    location: Location
    server_name: str = ""
    end_line: int = 0  # httpd's line number of the tag (its last physical line); 0: location's


@dataclass(frozen=True, slots=True)
class WsgiDaemon:
    """A mod_wsgi ``WSGIDaemonProcess`` group: the processes Apache forks for a WSGI app.

    ``processes``/``threads`` are what mod_wsgi runs: its defaults (1 and 15) when not written.
    ``processes_written`` matters too: writing ``processes=``, even ``=1``, makes
    ``wsgi.multiprocess`` true."""

    name: str
    location: Location
    processes: int = 1
    threads: int = 15
    processes_written: bool = False
    threads_written: bool = False
    options: tuple[tuple[str, str], ...] = ()  # every key=value as written, in order
    bad_options: tuple[str, ...] = ()  # words httpd refuses: "Invalid option to WSGI daemon …"
    vhost: VirtualHost | None = None  # defined inside this <VirtualHost> (None: server level)

    def option(self, key: str) -> str | None:
        """The value of an option (the last one written wins), or None."""
        for k, v in reversed(self.options):
            if k == key:
                return v
        return None


@dataclass(frozen=True, slots=True)
class WsgiProcessGroup:
    """``WSGIProcessGroup``: which daemon group serves requests here (``%{GLOBAL}``: embedded)."""

    group: str
    location: Location
    vhost: VirtualHost | None = None
    scope: str | None = None  # the <Location>/<Directory> path it is inside, None: server/vhost


@dataclass(frozen=True, slots=True)
class WsgiScriptAlias:
    """``WSGIScriptAlias URL-path file [option=value …]`` (also ``WSGIScriptAliasMatch``)."""

    url_path: str
    script: str
    location: Location
    directive: str = "WSGIScriptAlias"
    process_group: str = ""  # process-group= option ("" when not given)
    application_group: str = ""  # application-group= option
    options: tuple[tuple[str, str], ...] = ()
    vhost: VirtualHost | None = None


@dataclass(slots=True)
class ProxyRoute:
    """A URL path that httpd hands to a backend: ProxyPass (also inside <Location>),
    ProxyPassMatch, or SetHandler "proxy:…"."""

    directive: str  # as written: ProxyPass, ProxyPassMatch, SetHandler
    path: str | None  # the URL path or regex it matches (None when unknown, e.g. in <Files>)
    url: str  # the target as written, "!" for an exclusion
    scheme: str  # "http", "uwsgi", "https", "fcgi", "balancer", …; "" for an exclusion
    endpoint: Endpoint | None
    location: Location
    vhost: VirtualHost | None = None
    dropped_by: Condition | None = None  # set: httpd never saw this route (false conditional)
    regex: bool = False
    site: str = ""  # for routes of sites that are not enabled: the site's name
    port: int | None = None  # the URL's port as written; for unix: targets httpd only range-checks it
    in_location: bool = False  # inside <Location>/<LocationMatch>: consulted before server-level rules

    @property
    def active(self) -> bool:
        return self.dropped_by is None and not self.site


@value_class  # one per line of configuration: see heatlint.source
class ApacheDirective:
    """One effective directive after Include, ${VAR} and conditionals, in httpd's order."""

    name: str
    args: tuple[str, ...]
    location: Location
    end_line: int  # httpd's line number (the last physical line of a continued directive)
    depth: int  # nesting inside sections (conditional sections do not count: they vanish)


@dataclass(slots=True)
class Site:
    """An entry of a Debian ``sites``/``conf``/``mods`` pair of directories, or of Red Hat's conf.d."""

    kind: str  # "sites", "conf", "mods", "conf.d"
    name: str
    state: str  # "enabled", "available" (not enabled), "dangling", "not-included"
    entry: Location | None = None  # the *-enabled entry (link or file)
    available: Location | None = None  # the file it is (or would be) enabled from
    link_target: str = ""
    routes: list[ProxyRoute] = field(default_factory=list)  # for "available": what it would add
    drift: bool = False  # an enabled regular file whose content differs from its available namesake


@dataclass(slots=True)
class ApacheConfig:
    whole_tree: bool  # False for loose snippets: module and site facts are unknown then
    layout: str = ""  # "debian", "redhat", "snippets"
    main_file: str = ""
    server_root: str = ""
    directives: list[ApacheDirective] = field(default_factory=list)
    modules: dict[str, LoadedModule] = field(default_factory=dict)
    includes: list[str] = field(default_factory=list)  # files read, in order, as shown
    listeners: list[Listener] = field(default_factory=list)
    vhosts: list[VirtualHost] = field(default_factory=list)
    routes: list[ProxyRoute] = field(default_factory=list)  # active and dropped ones
    sites: list[Site] = field(default_factory=list)
    runtime_dir: str = ""  # DefaultRuntimeDir: where relative unix: socket paths point
    run_user: str = ""
    duplicate_loads: list[LoadedModule] = field(default_factory=list)  # AH01574: skipped
    # WSGI* directives a false conditional removed: like dropped routes, the silent 404 to explain.
    dropped_wsgi: list[tuple[ApacheDirective, Condition]] = field(default_factory=list)
    # WSGIScriptAlias targets: "file", "dir", "missing", or "unknown" when the checked tree does
    # not hold that part of the file system at all (only /etc, say).
    script_states: dict[str, str] = field(default_factory=dict)
    undefined_variables: list[tuple[str, Location]] = field(default_factory=list)  # ${NAME}: AH00111
    wsgi_daemons: list[WsgiDaemon] = field(default_factory=list)  # active ones, in order
    wsgi_process_groups: list[WsgiProcessGroup] = field(default_factory=list)
    wsgi_script_aliases: list[WsgiScriptAlias] = field(default_factory=list)

    def has_module(self, name: str) -> bool:
        return name in self.modules

    def uses(self, prefix: str) -> list[ApacheDirective]:
        """Effective directives whose lower-cased name starts with ``prefix``."""
        return [d for d in self.directives if d.name.lower().startswith(prefix)]


@value_class  # one per line of configuration: see heatlint.source
class UwsgiOption:
    key: str  # as written
    name: str  # canonical option name (aliases folded: workers → processes)
    value: str  # after magic %X, %(placeholder) substitution
    location: Location
    # Who provides the option: "core" or a plugin name ("python3", "http"); "placeholder" for a
    # custom variable the file uses as %(key); "" for a key uwsgi does not know (silently ignored).
    origin: str = "core"
    raw: str = ""  # the value as written, before substitution


@dataclass(frozen=True, slots=True)
class UwsgiListener:
    option: str  # socket, uwsgi-socket, http-socket, https-socket, http (the router)
    address: str  # as written (after substitution)
    endpoint: Endpoint | None  # None for an abstract or unparsable address
    protocol: str  # what it speaks: "uwsgi", "http", "https"
    location: Location


@dataclass(slots=True)
class UwsgiApp:
    """One ``[uwsgi]`` section of an ini file: one uwsgi instance."""

    path: str
    location: Location  # the section header
    options: list[UwsgiOption] = field(default_factory=list)
    listeners: list[UwsgiListener] = field(default_factory=list)
    # Debian's uwsgi service starts only /etc/uwsgi/apps-enabled: False for an app that is merely
    # in apps-available, True when linked, None outside that layout.
    enabled: bool | None = None

    def get(self, name: str) -> UwsgiOption | None:
        """The effective value of a scalar option (the last one wins), by canonical name."""
        for opt in reversed(self.options):
            if opt.name == name:
                return opt
        return None

    @property
    def plugins(self) -> list[str]:
        """Plugins the app loads (``plugins``/``plugin``/``need-plugin``; comma or space lists)."""
        names = []
        for opt in self.options:
            if opt.name in ("plugins", "need-plugin"):
                names += [p.strip() for p in opt.value.replace(",", " ").split() if p.strip()]
        return names

    def number(self, name: str) -> int | None:
        """An integer option as uwsgi reads it (atoi: "4 ; four" is 4, "four" is 0)."""
        opt = self.get(name)
        return atoi(opt.value) if opt is not None else None

    def all(self, name: str) -> list[UwsgiOption]:
        return [o for o in self.options if o.name == name]

    @property
    def application(self) -> UwsgiOption | None:
        for name in ("module", "wsgi-file", "mount"):
            if (opt := self.get(name)) is not None:
                return opt
        return None


@dataclass(frozen=True, slots=True)
class HeatUrl:
    """A URL Heat hands out from heat.conf (to instances, or to itself through the catalog)."""

    option: str  # e.g. heat_waitcondition_server_url
    section: str  # DEFAULT, clients_heat
    url: str
    location: Location


@dataclass(frozen=True, slots=True)
class RuntimeDir:
    """A directory systemd-tmpfiles creates at boot (a ``d``/``D`` line of tmpfiles.d), such as
    devstack's ``d /var/run/uwsgi 0755 stack root``: where unix sockets live, and who may enter."""

    path: str  # as written (specifier %t expanded to /run)
    mode: int | None  # None for "-": systemd's default, 0755
    user: str  # "" for "-": root
    group: str  # "" for "-": root
    location: Location


@dataclass(slots=True)
class Deployment:
    """Everything heatlint checks together: one Apache configuration and the uwsgi apps beside it."""

    name: str
    apache: ApacheConfig
    apps: list[UwsgiApp] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)  # from every file read
    heat_urls: list[HeatUrl] = field(default_factory=list)  # from /etc/heat/heat.conf
    runtime_dirs: list[RuntimeDir] = field(default_factory=list)  # from tmpfiles.d, in boot order

    @property
    def routes(self) -> list[ProxyRoute]:
        routes = list(self.apache.routes)
        for site in self.apache.sites:
            routes.extend(site.routes)
        return routes
