"""Seeded generator of Apache httpd configuration trees for the differential suite.

Each tree is a small host root (``etc/apache2`` Debian-style, or ``etc/httpd`` Red Hat-style, plus
``etc/gen-extra`` for absolute paths elsewhere) that exercises what heatlint must resolve exactly
as httpd's read phase does: Include/IncludeOptional with wildcards in file and directory parts,
relative and absolute, directory includes and dotfiles; nested <IfModule>/<IfDefine>/<IfVersion>/
<IfFile>/<IfDirective>/<IfSection> with ``!``; Define/UnDefine and ``${VAR}`` (Define'd, from
Debian's envvars, undefined) in arguments, section arguments and Include paths; line
continuations (also of comments); quoting; modules enabled by a2enmod-style relative links,
absolute links, copied files and LoadModule lines in ordinary conf files; virtual hosts.

Trees are valid for httpd unless the generator injects exactly one error of a kind httpd refuses
(a missing Include, an unclosed or mismatched section, an unknown directive, a duplicate Listen,
no MPM). Inside conditionals that are certainly false it writes things httpd must never look at.
Everything depends only on the seed: ``generate(seed, index, folder)`` always writes the same tree.
"""

from __future__ import annotations

import fnmatch
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

MODULES_DIR = "/usr/lib/apache2/modules"

# a2enmod name → (identifier, dependencies). All exist in Debian's apache2 / mod_wsgi packages.
MODULES = {
    "mpm_event": ("mpm_event_module", ()),
    "authz_core": ("authz_core_module", ()),
    "alias": ("alias_module", ()),
    "mime": ("mime_module", ()),
    "dir": ("dir_module", ()),
    "setenvif": ("setenvif_module", ()),
    "headers": ("headers_module", ()),
    "rewrite": ("rewrite_module", ()),
    "env": ("env_module", ()),
    "proxy": ("proxy_module", ()),
    "proxy_http": ("proxy_http_module", ("proxy",)),
    "proxy_uwsgi": ("proxy_uwsgi_module", ("proxy",)),
    "wsgi": ("wsgi_module", ()),
    "status": ("status_module", ()),
    "expires": ("expires_module", ()),
}
NEVER_LOADED = ["speling", "userdir", "usertrack", "vhost_alias", "actions"]
STATIC = ["core_module", "so_module", "http_module", "log_config_module", "logio_module",
          "version_module", "unixd_module", "watchdog_module"]


def source_name(ident: str) -> str:
    special = {"core_module": "core.c", "http_module": "http_core.c", "mpm_event_module": "event.c"}
    return special.get(ident, "mod_" + ident[: -len("_module")] + ".c")


@dataclass
class Tree:
    """What was generated, for the test report."""

    root: Path
    layout: str
    features: set[str] = field(default_factory=set)
    injected: str = ""  # the kind of error injected, "" for a valid tree


class _Writer:
    """Builds one tree."""

    def __init__(self, rng: random.Random, root: Path, layout: str):
        self.rng = rng
        self.root = root
        self.layout = layout
        self.sr = "/etc/apache2" if layout == "debian" else "/etc/httpd"
        self.features: set[str] = set()
        self.files: dict[str, list[str]] = {}  # host path → lines
        self.links: dict[str, str] = {}  # host path → target
        self.loaded: set[str] = set()  # a2enmod names loaded somewhere (final set, walk phase)
        self.stable: dict[str, str] = {}  # variables Define'd at the top, never undefined
        self.volatile = [f"GV{i}" for i in range(4)]  # defined / undefined anywhere; one word
        self.multi = ["GM0", "GM1"]  # the same, but values may hold spaces and quotes
        self.cond_depth = 0  # inside how many conditionals (in this file and its includers)
        self.repeated = 0  # > 0: writing a file httpd may read twice (no Listen, no WSGI group)
        self.env: dict[str, str] = {}
        self.listen_ports: list[int] = []
        self.wsgi_groups = 0
        self.counter = 0
        self.include_dirs: list[str] = []  # host dirs that files can be included from

    # -- small pieces ------------------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, seq):
        return self.rng.choice(list(seq))

    def uid(self) -> int:
        self.counter += 1
        return self.counter

    def quote(self, word: str) -> str:
        """One argument, written in one of the ways ap_getword_conf reads back as ``word``."""
        if any(c in word for c in " \t\"'\\"):
            return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
        r = self.rng.random()
        if r < 0.15:
            self.features.add("quoting")
            return '"' + word + '"'
        if r < 0.25:
            self.features.add("quoting")
            return "'" + word + "'"
        return word

    def line(self, name: str, *args: str, raw: bool = False) -> list[str]:
        """A directive, sometimes split over continuation lines."""
        words = [name] + [a if raw else self.quote(a) for a in args]
        name_cased = words[0]
        if self.chance(0.1):
            name_cased = name.lower() if self.chance(0.5) else name.upper()
            self.features.add("directive-case")
        words[0] = name_cased
        indent = " " * self.rng.randint(0, 4) if self.chance(0.5) else "\t" * self.rng.randint(0, 2)
        if len(words) > 1 and self.chance(0.12):
            self.features.add("continuation")
            cut = self.rng.randint(1, len(words) - 1)
            first = indent + " ".join(words[:cut]) + (" \\" if self.chance(0.7) else "\\")
            rest = " " * self.rng.randint(1, 6) + " ".join(words[cut:])
            if self.chance(0.2):  # a continuation line that is itself continued (empty piece)
                return [first, "\\", rest]
            return [first, rest]
        return [indent + " ".join(words)]

    def comment(self) -> list[str]:
        if self.chance(0.15):
            self.features.add("continued-comment")
            # A comment ending in a backslash swallows the next physical line: httpd never sees it.
            return ["# swallowing comment \\", "GenSwallowedByComment 1 2 3"]
        return [self.pick(["# a comment", "    # indented comment", "", "\t"])]

    # -- directives by context ----------------------------------------------------------------
    def has(self, mod: str) -> bool:
        return mod in self.loaded

    def var_ref(self, multi: bool = False) -> str:
        """A ${…} that may be undefined where it is used (it then stays as written). ``multi``:
        one whose value may be several words (only where a directive takes any number)."""
        self.features.add("variables")
        choices = self.volatile + list(self.env) + ["GEN_UNDEFINED", "map:key"]
        if self.chance(0.1):
            self.features.add("variable-name-case")
            choices = [c.lower() for c in choices]  # Define'd names are case-blind, env ones not
        if multi:
            choices += self.multi
            self.features.add("variable-expanding-to-words")
        return "${" + self.pick(choices) + "}"

    def server_directive(self, in_vhost: bool) -> list[str]:
        """A directive valid at server or virtual-host level whatever the conditionals decide."""
        options = [
            lambda: self.line("Timeout", str(self.rng.randint(5, 300))),
            lambda: self.line("KeepAlive", self.pick(["On", "Off", "on"])),
            lambda: self.line("KeepAliveTimeout", str(self.rng.randint(1, 15))),
            lambda: self.line("ServerAdmin", self.pick(["admin@example.org", "root@localhost",
                                                       self.var_ref()])),
            lambda: self.line("ServerSignature", self.pick(["On", "Off", "EMail"])),
            lambda: self.line("LimitRequestBody", str(self.rng.randint(0, 10 ** 6))),
            lambda: self.line("LogLevel", self.pick(["warn", "info", "error", "warn core:info"]),
                              raw=True),
            # httpd checks that DocumentRoot exists on the host: use folders every host has.
            lambda: self.line("DocumentRoot", self.pick(["/var/www/html", "/tmp", "/var/www/html/"])),
            lambda: self.line("ErrorDocument", "404", "/missing.html"),
            lambda: self.line("AddDefaultCharset", "UTF-8"),
            lambda: self.line("LogFormat", '"%h %l %u %t \\"%r\\" %>s"', "gen" + str(self.uid()),
                              raw=True),
            lambda: self.line("CustomLog", "/dev/null", "combined"),
            lambda: self.line("UseCanonicalName", "Off"),
            lambda: self.line("HostnameLookups", "Off"),
        ]
        if self.stable:
            name = self.pick(sorted(self.stable))
            options.append(lambda: self.line("ServerAdmin", "${" + name + "}@example.org", raw=True))
        if "GEN_DIRECTIVE" in self.stable:
            self.features.add("variable-as-directive-name")
            options.append(lambda: ["${GEN_DIRECTIVE} " + self.pick(["On", "Off"])])
        options.append(lambda: ['"ServerSignature" Off'] if self.chance(0.5) else ["'KeepAlive' On"])
        if self.has("alias"):
            options += [lambda: self.line("Alias", f"/static{self.uid()}", "/var/www/static"),
                        lambda: self.line("Redirect", f"/old{self.uid()}", "http://example.org/")]
        if self.has("mime"):
            options.append(lambda: self.line("AddType", "text/x-gen", f".g{self.uid()}",
                                             self.var_ref(multi=True), raw=True))
        if self.has("dir"):
            options.append(lambda: self.line("DirectoryIndex", "index.html", "index.gen",
                                             self.var_ref(multi=True), raw=True))
            options.append(lambda: self.line("DirectoryIndex", *self.tricky_words(), raw=True))
        if self.has("setenvif"):
            options.append(lambda: self.line("BrowserMatch", "GenBot", "nokeepalive"))
        if self.has("headers"):
            options.append(lambda: self.line("Header", "set", "X-Gen", self.var_ref(), raw=True))
        if self.has("env"):
            options.append(lambda: self.line("SetEnv", f"GEN{self.uid()}", self.var_ref(), raw=True))
        if self.has("rewrite"):
            options.append(lambda: self.line("RewriteEngine", "On"))
        if self.has("proxy"):
            options += [
                lambda: self.line("ProxyPass", f"/api{self.uid()}",
                                  f"http://127.0.0.1:{self.rng.randint(1024, 65000)}/", "retry=0"),
                lambda: self.line("ProxyPass", f"/u{self.uid()}",
                                  f"unix:/run/uwsgi/gen{self.uid()}.sock|uwsgi://gen-{self.uid()}/"),
                lambda: self.line("ProxyPassReverse", f"/api{self.uid()}", "http://127.0.0.1:8080/"),
            ]
        if self.has("wsgi") and not self.repeated:
            options.append(self.wsgi)
        if not in_vhost:
            options.append(lambda: self.line("ServerTokens", self.pick(["Prod", "Full", "OS"])))
        return self.pick(options)()

    def tricky_words(self) -> list[str]:
        """Words as ap_getword_conf must split them (for a directive taking any number)."""
        self.features.add("tricky-quoting")
        words = self.rng.sample([
            '"a"b', "'it\\'s'", 'a\\"b', '"x y"', '"back\\\\slash"', "a\\\\b", "'single \"in\"'",
            '"tab\there"', "#not-a-comment", "x'y'z", '""', "''", '"esc \\" quote"'], 3)
        if self.chance(0.2):
            words.append('"unterminated to the end')
        return words

    def wsgi(self) -> list[str]:
        self.features.add("mod_wsgi")
        self.wsgi_groups += 1
        group = f"gen-app{self.wsgi_groups}"
        opts = []
        if self.chance(0.7):
            opts.append(f"processes={self.rng.randint(1, 4)}")
        if self.chance(0.7):
            opts.append(f"threads={self.rng.randint(1, 20)}")
        if self.chance(0.3):
            opts.append("display-name=%{GROUP}")
        return (self.line("WSGIDaemonProcess", group, *opts, raw=True)
                + self.line("WSGIProcessGroup", group)
                + self.line("WSGIScriptAlias", f"/wsgi{self.wsgi_groups}", "/var/www/app.wsgi"))

    def dir_directive(self) -> list[str]:
        options = [lambda: self.line("Options", self.pick(["None", "FollowSymLinks", "-Indexes"])),
                   lambda: self.line("AllowOverride", self.pick(["None", "All"])),
                   lambda: self.line("ServerSignature", "Off")]
        if self.has("authz_core"):
            # Require splits its words itself: quotes would stay part of them.
            options.append(lambda: self.line("Require", "all", self.pick(["granted", "denied"]),
                                             raw=True))
        if self.has("headers"):
            options.append(lambda: self.line("Header", "set", "X-Dir", "1"))
        return self.pick(options)()

    def location_directive(self) -> list[str]:
        options = [lambda: self.line("SetHandler", self.pick(["none", "default-handler"])),
                   lambda: self.line("ServerSignature", "Off")]
        if self.has("authz_core"):
            options.append(lambda: self.line("Require", "all", "granted", raw=True))
        if self.has("proxy"):
            options.append(lambda: self.line("ProxyPass", f"http://127.0.0.1:{self.rng.randint(1024, 65000)}/"))
        if self.has("status"):
            options.append(lambda: self.line("SetHandler", "server-status"))
        return self.pick(options)()

    # -- conditionals ------------------------------------------------------------------------
    def false_condition(self) -> tuple[str, str]:
        """A conditional that is certainly false wherever it stands."""
        kind = self.rng.randint(0, 5)
        if kind == 0:
            mod = self.pick(NEVER_LOADED)
            return "IfModule", self.pick([f"mod_{mod}.c", f"{mod}_module"])
        if kind == 1:
            return "IfDefine", f"GEN_NEVER_{self.uid()}"
        if kind == 2:
            return "IfVersion", self.pick(["< 2.0", "= 2.4", "!>= 2.4", "> 3"])
        if kind == 3:
            return "IfFile", self.pick(["/etc/gen-no-such-file", "no/such/relative"])
        if kind == 4:
            return "IfModule", self.pick(["!mod_so.c", "!core.c", "MOD_SO.C", '"!mod_nope.c"'])
        return "IfDirective", self.pick(["GenNoSuchDirective", "!ServerName"])

    def any_condition(self) -> tuple[str, str]:
        """A conditional that may be true or false (heatlint must decide it as httpd does)."""
        kind = self.rng.randint(0, 7)
        neg = "!" if self.chance(0.35) else ""
        if neg:
            self.features.add("negation")
        if kind <= 2:
            self.features.add("IfModule")
            mod = self.pick(list(MODULES) + NEVER_LOADED)
            ident = MODULES[mod][0] if mod in MODULES else f"{mod}_module"
            form = self.pick([ident, source_name(ident)])
            return "IfModule", neg + form
        if kind <= 4:
            self.features.add("IfDefine")
            return "IfDefine", neg + self.pick(self.volatile + list(self.stable) + list(self.env))
        if kind == 5:
            self.features.add("IfVersion")
            return "IfVersion", self.pick([">= 2.4", "< 2.4", "2.4.71", ">= 2.4.30", "~ ^2\\.4",
                                           "!< 2.4", "= 2.4", "> 2.4.71"])
        if kind == 6:
            self.features.add("IfFile")
            return "IfFile", neg + self.pick([f"{self.sr}/gen.d", "gen.d/a.conf", "/etc/gen-extra",
                                              "/etc/gen-missing"])
        self.features.add("IfDirective")
        if self.chance(0.5):
            return "IfSection", neg + self.pick(["VirtualHost", "Proxy", "GenSection"])
        return "IfDirective", neg + self.pick(["ProxyPass", "Header", "ServerName", "WSGIDaemonProcess",
                                               "RewriteRule"])

    def garbage(self) -> list[str]:
        """What httpd must skip unread inside a false conditional."""
        return self.pick([
            ["GenTotallyBogus 1 2 3"],
            ["ServerAdmin two words here"],
            ["Timeout ${GEN_UNDEFINED_IN_FALSE}"],
            ["<GenSection x>", "  Whatever", "</GenSection>"],
            ["Include /etc/gen-no-such-dir/*.conf"],
            ["LoadModule gen_bogus_module /nonexistent/mod_bogus.so"],
            ["Listen 80", "Listen 80"],
        ])

    # -- blocks --------------------------------------------------------------------------------
    def block(self, ctx: str, depth: int, budget: int, here: str) -> list[str]:
        """Statements for context ``ctx`` (server | vhost | dir | location) in file ``here``."""
        out: list[str] = []
        for _ in range(budget):
            r = self.rng.random()
            if r < 0.08:
                out += self.comment()
            elif r < 0.20 and depth < 4:
                out += self.conditional(ctx, depth, here)
            elif r < 0.27 and ctx in ("server", "vhost") and depth < 4:
                out += self.section(ctx, depth)
            elif r < 0.34 and ctx in ("server", "vhost"):
                out += self.define()
            elif r < 0.42 and ctx in ("server", "vhost", "dir") and depth < 3:
                out += self.include(ctx, depth)
            elif r < 0.43 and ctx == "server" and here and not self.cond_depth:
                out += self.server_root_switch()
            elif r < 0.46 and ctx == "server" and not self.repeated:
                out += self.listen()
            elif (r < 0.49 and ctx == "server" and self.layout == "debian" and here
                  and not self.cond_depth):
                out += self.loadmodule_line()
            else:
                out += (self.server_directive(ctx == "vhost") if ctx in ("server", "vhost")
                        else self.dir_directive() if ctx == "dir" else self.location_directive())
        return out

    def conditional(self, ctx: str, depth: int, here: str) -> list[str]:
        indent = "  " * depth
        self.cond_depth += 1
        if self.chance(0.3):
            kind, arg = self.false_condition()
            self.features.add("false-" + kind)
            body = self.garbage() if self.chance(0.6) else self.block(ctx, depth + 1, 2, here)
        else:
            kind, arg = self.any_condition()
            body = self.block(ctx, depth + 1, self.rng.randint(1, 3), here)
        self.cond_depth -= 1
        opening = f"{indent}<{kind} {arg}>"
        closing = f"{indent}</{kind}>"
        if self.chance(0.1):
            self.features.add("section-name-case")
            opening = f"{indent}<{kind.lower()} {arg}>"
            closing = f"{indent}</{kind.upper()}>"
        elif self.chance(0.1) and kind in ("IfModule", "IfDefine", "IfFile"):
            self.features.add("conditional-extra-words")
            opening = f"{indent}<{kind} {arg} extra words>"
        elif self.chance(0.1) and arg.startswith("!") and kind != "IfVersion":
            self.features.add("negation-with-space")
            opening = f"{indent}<{kind} ! {arg[1:]}>"
        if (self.chance(0.1) and kind in ("IfModule", "IfDefine") and not arg.startswith(("!", '"'))
                and ctx in ("server", "vhost")):
            self.features.add("variable-in-section")
            name = f"GS{self.uid()}"
            self.stable[name] = arg
            return [f"Define {name} {arg}", f"{indent}<{kind} ${{{name}}}>", *body, f"{indent}</{kind}>"]
        if self.chance(0.03):
            # Fine after a false condition; after a true one httpd takes the line for a close tag
            # without an open section and refuses the tree.
            self.features.add("conditional-close-with-comment")
            closing += " # end"
        return [opening, *body, closing]

    def section(self, ctx: str, depth: int) -> list[str]:
        indent = "  " * depth
        r = self.rng.random()
        if ctx == "server" and r < 0.4:
            self.features.add("VirtualHost")
            addrs = self.pick([["*:80"], ["127.0.0.1:8080"], ["[::1]:8081"], ["*"],
                               ["_default_:443"], ["*:8004", "127.0.0.1:8005"], ["127.0.0.1"]])
            if self.stable and self.chance(0.2):
                port_vars = [k for k, v in self.stable.items() if v.isdigit()]
                if port_vars:
                    self.features.add("variable-in-section")
                    addrs = ["*:${" + self.pick(port_vars) + "}"]
            body = []
            if self.chance(0.8):
                body += self.line("ServerName", f"gen{self.uid()}.example.org")
            body += self.block("vhost", depth + 1, self.rng.randint(1, 5), "")
            if self.chance(0.3):
                body += self.section_dir(depth + 1)
            if len(addrs) > 1 and self.chance(0.3):  # a tag continued over two lines
                self.features.add("continued-section-tag")
                return [f"{indent}<VirtualHost {addrs[0]} \\", f"    {' '.join(addrs[1:])}>", *body,
                        f"{indent}</VirtualHost>"]
            return [f"{indent}<VirtualHost {' '.join(addrs)}>", *body, f"{indent}</VirtualHost>"]
        if r < 0.7:
            return self.section_dir(depth)
        return self.section_location(depth)

    def section_dir(self, depth: int) -> list[str]:
        indent = "  " * depth
        self.features.add("Directory")
        path = self.pick(["/var/www/", "/srv/gen", '"/srv/with space"', "/usr/share/gen"])
        name = self.pick(["Directory", "directory", "DIRECTORY"])
        body = []
        for _ in range(self.rng.randint(0, 3)):
            body += self.dir_directive()
        close = name if self.chance(0.7) else "Directory"
        return [f"{indent}<{name} {path}>", *body, f"{indent}</{close}>"]

    def section_location(self, depth: int) -> list[str]:
        indent = "  " * depth
        self.features.add("Location")
        path = self.pick(["/gen", "/status", '"/a b"', f"/{self.var_ref()}", "~ ^/re"])
        if path.startswith("~"):
            self.features.add("regex-location")
        body = []
        for _ in range(self.rng.randint(0, 2)):
            body += self.location_directive()
        trailing = " trailing words" if self.chance(0.05) else ""
        return [f"{indent}<Location {path}>{trailing}", *body, f"{indent}</Location>"]

    def define(self) -> list[str]:
        self.features.add("Define")
        multi = self.chance(0.3)
        name = self.pick(self.multi if multi else self.volatile)
        if self.chance(0.08) and self.env:
            self.features.add("define-shadows-environment")
            name = self.pick(sorted(self.env))
            if self.chance(0.5):
                return self.line("UnDefine", name)
            return self.line("Define", name, *(["gen-shadow"] * self.rng.randint(0, 1)))
        r = self.rng.random()
        if r < 0.25:
            self.features.add("UnDefine")
            return self.line("UnDefine", name)
        if r < 0.4:
            return self.line("Define", name)
        choices = ["value", "a.example.org", "x\\\\y", "${" + self.pick(self.volatile) + "}", "80"]
        if multi:
            choices += ["with space", '"quoted"']
        value = self.pick(choices)
        if value == "with space":
            return [f"Define {name} \"with space\""]
        if value == '"quoted"':
            self.features.add("variable-holding-quotes")
            return [f"Define {name} '\"quoted\"'"]
        if value == "x\\\\y":
            return [f'Define {name} "x\\\\y"']
        return [f"Define {name} {value}"]

    def server_root_switch(self) -> list[str]:
        """ServerRoot changes how the relative paths after it resolve, until it changes back."""
        self.features.add("ServerRoot")
        other = f"/etc/gen-extra/root{self.uid()}"
        self.files[f"{other}/rel.conf"] = self.block("server", 1, 2, "")
        return [f'ServerRoot "{other}"', "Include rel.conf",
                self.pick(["IncludeOptional missing/*.conf", "# back"]), f"ServerRoot {self.sr}"]

    def listen(self) -> list[str]:
        port = self.rng.randint(1024, 65000)
        while port in self.listen_ports:
            port += 1
        self.listen_ports.append(port)
        self.features.add("Listen")
        addr = self.pick([str(port), f"127.0.0.1:{port}", f"*:{port}", f"[::1]:{port}"])
        return self.line("Listen", addr) if self.chance(0.8) else self.line("Listen", addr, "http")

    def loadmodule_line(self) -> list[str]:
        """A LoadModule in an ordinary conf file, for a module mods-enabled does not load."""
        candidates = [m for m in ("expires", "env", "status") if m not in self.enabled_via_dir]
        if not candidates:
            return self.server_directive(False)
        mod = self.pick(candidates)
        self.features.add("LoadModule-in-conf")
        self.loaded.add(mod)
        ident = MODULES[mod][0]
        return self.line("LoadModule", ident, f"{MODULES_DIR}/mod_{mod}.so")

    # -- includes ------------------------------------------------------------------------------
    def include(self, ctx: str, depth: int) -> list[str]:
        """An Include of new generated files: relative or absolute, with wildcards in the file or
        folder part, or a whole folder. The files hold statements for the includer's context."""
        kind = self.rng.randint(0, 9)
        verb = "IncludeOptional" if self.chance(0.5) else "Include"
        base_abs = f"{self.sr}/gen.d"
        if kind == 0:  # matches nothing: fine for IncludeOptional only
            self.features.add("IncludeOptional-missing")
            return self.line("IncludeOptional", self.pick(["gen.d/nothing/*.conf",
                                                           "/etc/gen-missing/x.conf",
                                                           "gen.d/none-*.conf",
                                                           f"/etc/{self.var_ref()}/*.conf"]))
        sub = f"s{self.uid()}"
        files: list[str] = []
        if kind <= 3:  # wildcard in the file name
            self.features.add("glob-file")
            for i in range(self.rng.randint(1, 3)):
                files.append(f"{sub}/{self.pick(['a', 'B', 'c', '_x'])}{i}.conf")
            if self.chance(0.4):
                files.append(f"{sub}/.hidden.conf")
                self.features.add("dotfile")
            if self.chance(0.3):
                files.append(f"{sub}/backup.conf~")
            pattern = self.pick([f"{sub}/*.conf", f"{sub}/?0.conf", f"{sub}/[aB]*.conf", f"{sub}/*",
                                 f"{sub}/[!a]*.conf", f"{sub}/[^B]*.conf", f"{sub}/\\[a]0.conf",
                                 f"{sub}/[a-c]?.conf", f"{sub}/[]a]0.conf"])
        elif kind <= 5:  # wildcard in a folder name
            self.features.add("glob-dir")
            for d in self.rng.sample(["one", "two", "Three", "sub"], self.rng.randint(1, 3)):
                files.append(f"{sub}/{d}/x.conf")
                if self.chance(0.3):
                    files.append(f"{sub}/{d}/y.conf")
            pattern = self.pick([f"{sub}/*/x.conf", f"{sub}/*/*.conf", f"{sub}/[ot]*/*.conf",
                                 f"{sub}/*/[xy].conf"])
            if self.chance(0.3):  # a link to a folder: wildcards in a folder part skip it
                self.features.add("glob-over-linked-folder")
                self.links[f"{base_abs}/{sub}/linked"] = files[0].split("/")[1]
        elif kind <= 7:  # a whole folder: everything below it, dotfiles too
            self.features.add("include-dir")
            files += [f"{sub}/z.conf", f"{sub}/nested/n.conf"]
            if self.chance(0.5):
                files.append(f"{sub}/.dot")
            if self.chance(0.3):  # a whole-folder Include follows links to folders
                self.features.add("include-dir-linked-folder")
                self.links[f"{base_abs}/{sub}/zz-link"] = "nested"
            pattern = self.pick([sub, sub + "/"])
        else:  # elsewhere under /etc
            self.features.add("include-absolute-elsewhere")
            sub = f"x{self.uid()}"
            files.append("e.conf")
            base_abs = f"/etc/gen-extra/{sub}"
            pattern = self.pick(["e.conf", "*.conf", "e*"])
        twice = any(link.startswith(f"{base_abs}/{sub}/") for link in self.links)
        self.repeated += twice
        for name in files:
            self.files[f"{base_abs}/{name}"] = self.block(ctx, depth + 1, self.rng.randint(1, 4), "")
        self.repeated -= twice
        if verb == "Include" and not _matches_everywhere(pattern, files):
            verb = "IncludeOptional"  # Include fails when a wildcard or folder matches nothing
        if kind >= 8:
            return self.line(verb, f"{base_abs}/{pattern}")
        if self.chance(0.4):
            self.features.add("include-absolute")
            return self.line(verb, f"{base_abs}/{pattern}")
        if self.chance(0.15):
            self.features.add("variable-in-include")
            return self.line(verb, "${GEN_DIR}/" + pattern, raw=True)
        if kind <= 3 and self.chance(0.2):  # a folder with a space: the path must be quoted
            self.features.add("include-path-with-space")
            spaced = f"{base_abs}/with space {sub}"
            for name in files:
                self.files[f"{spaced}/{name[len(sub) + 1:]}"] = self.files.pop(f"{base_abs}/{name}")
            return [f'{verb} "{spaced}/{pattern[len(sub) + 1:]}"']
        return self.line(verb, f"gen.d/{pattern}")

    def content(self, ctx: str, depth: int) -> list[str]:
        return self.block(ctx, depth, self.rng.randint(1, 5), "")

    # -- trees ---------------------------------------------------------------------------------
    def choose_modules(self) -> None:
        wanted = {"mpm_event", "authz_core"}
        for mod in MODULES:
            if self.chance(0.55):
                wanted.add(mod)
        for mod in list(wanted):
            wanted.update(MODULES[mod][1])
        self.enabled_via_dir = wanted
        self.loaded = set(wanted)

    def debian(self) -> None:
        self.choose_modules()
        sr = self.sr
        self.env = {"GEN_ENV_A": "from-envvars", "GEN_ENV_B": "b.example.org",
                    "GEN_ENV_C": "from-envvars-and-more"}
        self.files[f"{sr}/envvars"] = [
            "# envvars - default environment variables for apache2ctl",
            "unset HOME",
            "export APACHE_RUN_USER=www-data",
            "export APACHE_RUN_GROUP=www-data",
            "export APACHE_PID_FILE=/var/run/apache2/apache2.pid",
            "export APACHE_RUN_DIR=/var/run/apache2",
            "export APACHE_LOCK_DIR=/var/lock/apache2",
            "export APACHE_LOG_DIR=/var/log/apache2",
            "export GEN_ENV_A=from-envvars",
            "export GEN_ENV_B=\"b.example.org\"",
            "export GEN_ENV_C=$GEN_ENV_A-and-more",
            "export LANG=C",
        ]
        for mod, (ident, deps) in MODULES.items():
            load = [f"# Depends: {' '.join(deps)}"] if deps else []
            load.append(f"LoadModule {ident} {MODULES_DIR}/mod_{mod}.so")
            self.files[f"{sr}/mods-available/{mod}.load"] = load
        self.files[f"{sr}/mods-available/proxy.conf"] = ["<IfModule mod_proxy.c>", "</IfModule>"]
        for mod in sorted(self.enabled_via_dir):
            how = self.rng.random()
            entry = f"{sr}/mods-enabled/{mod}.load"
            if how < 0.6:
                self.links[entry] = f"../mods-available/{mod}.load"
                self.features.add("a2enmod-relative-link")
            elif how < 0.85:
                self.links[entry] = f"{sr}/mods-available/{mod}.load"
                self.features.add("a2enmod-absolute-link")
            else:
                self.files[entry] = list(self.files[f"{sr}/mods-available/{mod}.load"])
                self.features.add("mods-enabled-copy")
            if mod == "proxy" and self.chance(0.7):
                self.links[f"{sr}/mods-enabled/proxy.conf"] = "../mods-available/proxy.conf"
        top = ["# generated apache2.conf", "DefaultRuntimeDir ${APACHE_RUN_DIR}",
               "PidFile ${APACHE_PID_FILE}", "User ${APACHE_RUN_USER}", "Group ${APACHE_RUN_GROUP}",
               "ErrorLog /dev/null", "ServerName gen.example.org"]
        top += self.stable_defines()
        top += ["IncludeOptional mods-enabled/*.load", "IncludeOptional mods-enabled/*.conf",
                "Include ports.conf"]
        self.files[f"{sr}/ports.conf"] = self.listen() + ["<IfModule ssl_module>", "\tListen 443",
                                                          "</IfModule>"]
        top += self.block("server", 0, self.rng.randint(3, 10), f"{sr}/apache2.conf")
        top += ["IncludeOptional conf-enabled/*.conf", "IncludeOptional sites-enabled/*.conf"]
        top += self.block("server", 0, self.rng.randint(0, 3), f"{sr}/apache2.conf")
        self.files[f"{sr}/apache2.conf"] = top
        for kind in ("conf", "sites"):
            for i in range(self.rng.randint(0, 3)):
                name = f"{self.pick(['000-', '', 'z-', 'A'])}{kind}{i}"
                available = f"{sr}/{kind}-available/{name}.conf"
                self.files[available] = self.content("server", 0)
                how = self.rng.random()
                entry = f"{sr}/{kind}-enabled/{name}.conf"
                if how < 0.55:
                    self.links[entry] = f"../{kind}-available/{name}.conf"
                elif how < 0.7:
                    self.links[entry] = available
                    self.features.add("absolute-link")
                elif how < 0.8:
                    self.files[entry] = list(self.files[available])
                elif how < 0.9:
                    self.links[f"{sr}/{kind}-enabled/{name}"] = f"../{kind}-available/{name}.conf"
                    self.features.add("enabled-without-suffix")
                else:
                    self.links[f"{sr}/{kind}-enabled/.{name}.conf"] = f"../{kind}-available/{name}.conf"
                    self.features.add("enabled-dotfile")
            if self.chance(0.2):  # an absolute link to a file outside the ServerRoot
                self.features.add("absolute-link-outside")
                self.files[f"/etc/gen-extra/linked-{kind}.conf"] = self.content("server", 0)
                self.links[f"{sr}/{kind}-enabled/linked.conf"] = f"/etc/gen-extra/linked-{kind}.conf"

    def redhat(self) -> None:
        self.choose_modules()
        self.features.add("redhat")
        sr = self.sr
        top = ["# generated httpd.conf", f'ServerRoot "{sr}"'] + self.listen()
        top += ["Include conf.modules.d/*.conf", "User apache", "Group apache",
                "ErrorLog /dev/null", "ServerName gen.example.org"]
        top += self.stable_defines()
        mods = sorted(self.enabled_via_dir, key=lambda m: (m != "mpm_event", m))
        groups: dict[str, list[str]] = {}
        for mod in mods:
            name = ("00-mpm.conf" if mod.startswith("mpm") else "00-proxy.conf" if mod.startswith("proxy")
                    else "10-wsgi.conf" if mod == "wsgi" else "00-base.conf")
            groups.setdefault(name, []).append(f"LoadModule {MODULES[mod][0]} modules/mod_{mod}.so")
        if "proxy" in self.enabled_via_dir:
            groups["00-proxy.conf"].sort(key=lambda l: "proxy_module" not in l)
        for name, lines in groups.items():
            self.files[f"{sr}/conf.modules.d/{name}"] = ["# generated"] + lines
        top += self.block("server", 0, self.rng.randint(3, 10), f"{sr}/conf/httpd.conf")
        top += ["IncludeOptional conf.d/*.conf"]
        self.files[f"{sr}/conf/httpd.conf"] = top
        for i in range(self.rng.randint(0, 4)):
            name = f"{self.pick(['heat', 'welcome', 'ssl', 'Z'])}{i}"
            suffix = self.pick([".conf", ".conf", ".conf", ".conf.disabled"])
            self.files[f"{sr}/conf.d/{name}{suffix}"] = self.content("server", 0)

    def stable_defines(self) -> list[str]:
        out = []
        self.stable["GEN_DIR"] = "gen.d"
        out.append("Define GEN_DIR gen.d")
        if self.chance(0.6):
            port = str(self.rng.randint(2000, 3000))
            self.stable["GEN_PORT"] = port
            out.append(f"Define GEN_PORT {port}")
        if self.chance(0.5):
            self.stable["GEN_ADMIN"] = "webmaster"
            out.append("Define GEN_ADMIN webmaster")
        if self.chance(0.3):
            self.stable["GEN_DIRECTIVE"] = "KeepAlive"
            out.append("Define GEN_DIRECTIVE KeepAlive")
        return out

    # -- injected errors -----------------------------------------------------------------------
    def inject(self) -> str:
        """One error httpd refuses, placed in a file httpd certainly reads, outside conditionals."""
        main = f"{self.sr}/apache2.conf" if self.layout == "debian" else f"{self.sr}/conf/httpd.conf"
        kind = self.pick(["missing-include", "missing-include-glob", "unclosed", "mismatched",
                          "close-without-open", "invalid-command", "duplicate-listen", "no-mpm",
                          "unclosed-false-conditional", "unclosed-true-conditional",
                          "undefine-two-words", "ifversion-bad-operator", "define-colon",
                          "ifmodule-without-argument", "invalid-command-continued",
                          "include-itself"])
        lines = self.files[main]
        at = self.pick(_top_level_positions(lines))
        piece = {
            "missing-include": ["Include gen-missing/file.conf"],
            "missing-include-glob": ["Include /etc/gen-extra/empty/*.conf"],
            "unclosed": ["<Location /never-closed>"],
            "mismatched": ["<Location /x>", "</Directory>"],
            "close-without-open": ["</VirtualHost>"],
            "invalid-command": ["GenInvalidCommand with args"],
            "duplicate-listen": ["Listen 127.0.0.1:7777", "Listen 127.0.0.1:7777"],
            "unclosed-false-conditional": [f"<IfDefine GEN_NEVER_{self.uid()}>"],
            "unclosed-true-conditional": ["<IfModule mod_so.c>", "KeepAlive On"],
            "undefine-two-words": ["UnDefine GV0 GV1"],
            "ifversion-bad-operator": ["<IfVersion ! < 2.4>", "</IfVersion>"],
            "define-colon": ["Define GEN:COLON x"],
            "ifmodule-without-argument": ['<IfModule "">', "</IfModule>"],
            "invalid-command-continued": ["GenInvalid \\", "   continued \\", "   twice"],
            "include-itself": [f"Include {main}"],
        }.get(kind)
        if kind == "no-mpm":
            for entry in [e for e in self.links if "/mods-enabled/mpm_" in e]:
                del self.links[entry]
            for entry in [e for e in self.files if "/mods-enabled/mpm_" in e or "00-mpm" in e]:
                del self.files[entry]
            return kind
        if kind == "missing-include-glob":
            self.files["/etc/gen-extra/empty/README"] = ["# nothing to include"]
        if kind in ("unclosed", "unclosed-false-conditional", "unclosed-true-conditional"):
            at = len(lines)  # nothing after it may close it
        lines[at:at] = piece
        return kind

    # -- output --------------------------------------------------------------------------------
    def write(self) -> None:
        for host, lines in self.files.items():
            path = self.root / host.lstrip("/")
            path.parent.mkdir(parents=True, exist_ok=True)
            text = "\n".join(lines)
            if self.chance(0.9):
                text += "\n"
            else:
                self.features.add("no-final-newline")
            if self.chance(0.05) and not host.endswith("/envvars"):  # envvars is a shell file
                self.features.add("crlf")
                text = text.replace("\n", "\r\n")
            path.write_bytes(text.encode("utf-8"))
        for host, target in self.links.items():
            path = self.root / host.lstrip("/")
            path.parent.mkdir(parents=True, exist_ok=True)
            if os.path.lexists(path):
                path.unlink()
            os.symlink(target, path)
        for kind in ("sites", "conf", "mods"):
            (self.root / self.sr.lstrip("/") / f"{kind}-enabled").mkdir(parents=True, exist_ok=True)


def _top_level_positions(lines: list[str]) -> list[int]:
    """Where a line can be inserted outside every section and continued line."""
    positions, depth = [], 0
    for i, line in enumerate(lines):
        if depth == 0 and (i == 0 or not lines[i - 1].endswith("\\")):
            positions.append(i)
        text = line.strip()
        if text.startswith("</"):
            depth -= 1
        elif text.startswith("<"):
            depth += 1
    if not lines or not lines[-1].endswith("\\"):
        positions.append(len(lines))
    return positions


def _matches_everywhere(pattern: str, files: list[str]) -> bool:
    """Would ``Include pattern`` succeed: every wildcard part matches something (dotfiles only
    for patterns starting with '.'), and each folder a folder wildcard matches has the rest?"""
    parts = pattern.rstrip("/").split("/")
    entries = {tuple(f.split("/")) for f in files}

    def children(prefix: tuple[str, ...]) -> set[str]:
        return {e[len(prefix)] for e in entries if e[:len(prefix)] == prefix and len(e) > len(prefix)}

    def walk(prefix: tuple[str, ...], rest: list[str]) -> bool:
        if not rest:
            return True
        head, tail = rest[0], rest[1:]
        if not any(c in head for c in "*?["):
            if head not in children(prefix):
                return False
            return walk(prefix + (head,), tail)
        names = [n for n in children(prefix) if fnmatch.fnmatchcase(n, head)
                 and (not n.startswith(".") or head.startswith("."))]
        if tail:
            names = [n for n in names if children(prefix + (n,))]
        return bool(names) and all(walk(prefix + (n,), tail) for n in names)

    return walk((), parts)


def generate(seed: int, index: int, folder: Path) -> Tree:
    """Write tree number ``index`` of the run seeded with ``seed`` into ``folder`` (a host root)."""
    rng = random.Random(seed * 100_003 + index)
    layout = "redhat" if rng.random() < 0.25 else "debian"
    writer = _Writer(rng, folder, layout)
    writer.enabled_via_dir = set()
    if layout == "debian":
        writer.debian()
    else:
        writer.redhat()
    injected = writer.inject() if rng.random() < 0.15 else ""
    writer.write()
    return Tree(folder, layout, writer.features, injected)
