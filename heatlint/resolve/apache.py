"""Resolve Apache configuration the way httpd's read phase does (reference §0).

httpd reads files line by line and executes some directives *while reading* (EXEC_ON_READ):
Include/IncludeOptional splice files in place, Define/UnDefine change what later ``${VAR}`` and
``<IfDefine>`` see, LoadModule changes what later ``<IfModule>`` sees, ServerRoot changes how later
relative paths resolve. Everything else is collected in order. This module walks the parsed files
in exactly that order and builds the :class:`~heatlint.model.ApacheConfig`.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace

from ..fs import RootFS, read_problem
from ..limits import cut_nesting
from ..model import (ApacheConfig, ApacheDirective, Condition, Listener, LoadedModule, ProxyRoute,
                     VirtualHost, WsgiDaemon, WsgiProcessGroup, WsgiScriptAlias, decimal)
from ..parse.apache import (CONDITIONAL_SECTIONS, SYNTAX_CODE, ApacheFile, Directive, Node, Section,
                            parse_apache)
from ..parse.words import split_words
from ..source import InputProblem, Location, Note
from .aprmatch import fnmatch as aprmatch
from .aprmatch import fnmatch_test
from .endpoints import parse_proxy_url
from .modules import directives_of, identifier, source_name

HTTPD_VERSION = (2, 4, 71)
MAX_INCLUDE_DEPTH = 128  # AP_MAX_INCLUDE_DEPTH
_VAR = re.compile(r"\$\{([^}]*)\}")

# Directives whose "Invalid command" a module rule reports (HL101 proxy routes, HL103 WSGI*).
_OWN_RULES = ("proxypass", "wsgi")

INCLUDE_CODE = "HL004"
CYCLE_CODE = "HL008"
READ_CODE = "HL003"
ENCODING_CODE = "HL011"


def decode(data: bytes, path: str) -> tuple[str, list[InputProblem]]:
    """Config files are bytes; httpd never decodes them. Read UTF-8, fall back to Latin-1 (it
    exists in real configs), and say where a BOM would break httpd."""
    problems = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        problems.append(InputProblem(
            "HL001", "the file starts with a UTF-8 byte order mark: httpd on Unix reads it as part "
            "of the first directive name and refuses to start (\"Invalid command '\\xef\\xbb\\xbf…'\")",
            Location(path, 1, 1)))
    try:
        return data.decode("utf-8"), problems
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.append(InputProblem(
            ENCODING_CODE, f"not UTF-8 (byte 0x{data[exc.start]:02X} at line {line}, column {column}): "
            "read as Latin-1, byte for byte, which is how httpd and uwsgi see it too",
            Location(path, line, column)))
        return data.decode("latin-1"), problems


@dataclass(frozen=True)
class _Context:
    """Where a directive stands: what httpd's per-directive context checks and route scoping use."""

    depth: int = 0
    vhost: VirtualHost | None = None
    location_path: str | None = None  # from <Location>/<LocationMatch>
    location_regex: bool = False
    dropped_by: Condition | None = None  # inside a false conditional: httpd never sees it
    # Modules a true <IfModule !x> around this point requires to be absent: an inner <IfModule x>
    # can never become true, so what it holds is dead, not "waiting for the module".
    absent: tuple[tuple[str, Condition], ...] = ()
    container: str | None = None  # path of the innermost <Location>/<Directory>/<Files>


# Sections that scope what they hold to a URL or file path.
_CONTAINERS = {"location", "locationmatch", "directory", "directorymatch", "files", "filesmatch"}

# WSGIDaemonProcess options the installed mod_wsgi 4.9.4 accepts (each checked with apache2 -t);
# anything else, or a word without "=", is "Invalid option to WSGI daemon process definition."
WSGI_DAEMON_OPTIONS = frozenset("""
    user group supplementary-groups processes threads umask home python-path python-home
    python-eggs lang locale display-name chroot startup-timeout inactivity-timeout request-timeout
    deadlock-timeout graceful-timeout eviction-timeout restart-interval connect-timeout
    socket-timeout queue-timeout shutdown-timeout send-buffer-size receive-buffer-size
    header-buffer-size response-buffer-size response-socket-timeout listen-backlog
    maximum-requests cpu-time-limit cpu-priority memory-limit virtual-memory-limit stack-size
    script-user script-group socket-user server-metrics newrelic-config-file newrelic-environment
""".split())


def wsgi_daemon(args: list[str], where: Location, vhost: VirtualHost | None) -> WsgiDaemon:
    """``WSGIDaemonProcess name [option=value …]`` as mod_wsgi reads it (processes 1 and
    threads 15 unless written; option names are case-sensitive, no spaces around '=')."""
    options, bad = [], []
    for word in args[1:]:
        key, eq, value = word.partition("=")
        if not eq or key not in WSGI_DAEMON_OPTIONS:
            bad.append(word)
        else:
            options.append((key, value))
    values = dict(options)

    def number(key: str, default: int) -> int:
        text = values.get(key)
        value = decimal(text.removeprefix("-")) if text is not None else None
        return default if value is None else -value if text.startswith("-") else value

    return WsgiDaemon(args[0], where, number("processes", 1), number("threads", 15),
                      "processes" in values, "threads" in values, tuple(options), tuple(bad), vhost)


# Read-time directives heatlint executes, with httpd's argument counts (TAKE1, TAKE12, TAKE2).
_ARITY = {"define": (1, 2, "takes 1-2 arguments"), "undefine": (1, 1, "takes one argument"),
          "serverroot": (1, 1, "takes one argument"), "defaultruntimedir": (1, 1, "takes one argument"),
          "loadmodule": (2, 2, "takes two arguments")}


class ReadFiles:
    """The Apache files a read phase has read, each read from disk once per run.

    A parse takes about six times the memory of its text, and most files are read once: a
    file's text is kept the first time (and its parse dropped once its directives are resolved),
    its parse from the second time on. 10,000 vhosts peak 60 MiB lower for it."""

    def __init__(self) -> None:
        self.texts: dict[str, tuple[str, list[InputProblem]]] = {}  # read once: text, its problems
        self.parsed: dict[str, ApacheFile | None] = {}  # read twice or more (None: unreadable)
        self.suppressions: dict[str, list] = {}  # every file parsed: its "# heatlint:" comments


class ApacheResolver:
    """One Apache configuration. Call :meth:`read` for the main file (or each loose snippet)."""

    def __init__(self, fs: RootFS, server_root: str, *, env: dict[str, str] | None = None,
                 defines: tuple[str, ...] = (), static_modules: tuple[str, ...] = (),
                 whole_tree: bool = True, layout: str = "", cache: dict | None = None):
        self.fs = fs
        self.server_root = server_root
        self.env = dict(env or {})
        self.defines: list[str] = list(defines)
        self.variables: dict[str, str] = {}  # lower-cased name -> value (an APR table: case-blind)
        self.config = ApacheConfig(whole_tree=whole_tree, layout=layout, server_root=server_root)
        for name in static_modules:
            self.config.modules[name] = LoadedModule(name, "", None)
        self.problems: list[InputProblem] = []
        self.read_paths: list[str] = []  # host paths, in the order httpd reads them
        # Files being read now, outermost first, each with the read state it was entered in: a
        # file entered again in the same state is a cycle that can only repeat itself.
        self._reading: list[tuple] = []
        # Per (file, state) read, its Include/IncludeOptional in order with the files each
        # reads: enough to tell where httpd's depth limit stops an Include cycle.
        self._include_events: dict[tuple, list[tuple[Location, list[tuple]]]] = {}
        self._recording: list[bool] = []
        self._cycles_reported: set[Location] = set()
        self.files = cache if cache is not None else ReadFiles()

    # -- files ---------------------------------------------------------------------------------
    def parsed(self, host_path: str) -> ApacheFile | None:
        """A file's parse. Read from disk once per run (sites-available files are read for two
        purposes, a snippet may be included by every vhost); see :class:`ReadFiles`."""
        files = self.files
        if host_path in files.parsed:
            return files.parsed[host_path]
        shown = self.fs.shown(host_path)
        kept = files.texts.pop(host_path, None)
        if kept is None:
            try:
                data = self.fs.read_bytes(host_path)
            except OSError as exc:
                problem = read_problem(exc, shown)  # None: reported once per tree (limits, links out)
                if problem is not None:
                    self.problems.append(problem)
                files.parsed[host_path] = None
                return None
            text, problems = decode(data, shown)
        else:
            text, problems = kept
        parsed = parse_apache(text, shown)
        parsed.problems[:0] = problems + cut_nesting(parsed, self.fs.limits.max_depth)
        if kept is None:
            files.texts[host_path] = (text, problems)
        else:
            files.parsed[host_path] = parsed  # asked for twice: likely again (a shared snippet)
        files.suppressions[host_path] = parsed.suppressions
        return parsed

    def read(self, host_path: str) -> None:
        self._read_file(host_path, 0, _Context())

    def _read_file(self, host_path: str, include_depth: int, ctx: _Context) -> None:
        parsed = self.parsed(host_path)
        if parsed is None:
            return
        self.read_paths.append(host_path)
        self.config.includes.append(parsed.path)
        self.problems.extend(parsed.problems)
        key = (self.fs.resolve(host_path) or host_path, self._state())
        self._reading.append(key)
        # Recorded on the first reading only: the one httpd's own recursion reaches first.
        self._recording.append(key not in self._include_events)
        self._include_events.setdefault(key, [])
        try:
            self._walk(parsed.nodes, ctx, include_depth)
        finally:
            self._reading.pop()
            self._recording.pop()

    # -- variables -----------------------------------------------------------------------------
    def expand(self, text: str, where: Location) -> str:
        """``${NAME}``: Define'd variables (case-insensitive) first, then the environment
        (case-sensitive); unknown ones stay as written (httpd only warns, AH00111)."""
        if "${" not in text:
            return text

        def sub(m: re.Match) -> str:
            name = m.group(1)
            if ":" in name:  # reserved for RewriteMap ${map:key}
                return m.group(0)
            if name.lower() in self.variables:
                return self.variables[name.lower()]
            if name in self.env:
                return self.env[name]
            self.config.undefined_variables.append((name, where))
            return m.group(0)

        end = text.rfind("}") + 1  # no match ends later: "${" after it is text (and not rescanned)
        return _VAR.sub(sub, text[:end]) + text[end:]

    # -- the walk ------------------------------------------------------------------------------
    def _walk(self, nodes: list[Node], ctx: _Context, include_depth: int) -> None:
        for node in nodes:
            if ctx.dropped_by is not None:
                self._walk_dropped(node, ctx)
            elif isinstance(node, Section):
                self._section(node, ctx, include_depth)
            else:
                self._directive(node, ctx, include_depth)

    def _args(self, node: Node) -> list[str]:
        if "${" in node.raw:
            return split_words(self.expand(node.raw, node.location))
        return node.args

    def _directive(self, d: Directive, ctx: _Context, include_depth: int) -> None:
        if "${" in d.name:  # httpd expands the whole line before it splits off the name
            words = split_words(self.expand(f"{d.name} {d.raw}", d.location))
            if not words:
                return
            d = replace(d, name=words[0], args=words[1:], raw="")
            args = d.args
        else:
            args = self._args(d)
        name = d.lname
        if name in ("include", "includeoptional"):
            self._include(d, args, ctx, include_depth, optional=(name == "includeoptional"))
            return
        if name in _ARITY:
            low, high, says = _ARITY[name]
            error = "" if low <= len(args) <= high else f"{d.name} {says}"
            if not error and name in ("define", "undefine") and ":" in args[0]:
                error = "Variable name must not contain ':'"
            if error:  # httpd stops reading here
                self.problems.append(InputProblem(SYNTAX_CODE, error, httpd_location(d)))
                return
        if name == "define" and args:
            if args[0] not in self.defines:
                self.defines.append(args[0])
            if len(args) > 1:
                self.variables[args[0].lower()] = args[1]
            return
        if name == "undefine" and args:
            if args[0] in self.defines:
                self.defines.remove(args[0])
            self.variables.pop(args[0].lower(), None)
            return
        if name == "serverroot" and args:
            # Read time, like Include: later relative paths use it. It usually names a folder of
            # the host beside the configuration (Gentoo: /usr/lib64/apache2), so it is taken as
            # written, whether or not the checked tree holds that folder.
            root = posixpath.normpath(args[0])
            if not root.startswith("/"):
                root = posixpath.join(self.server_root, root)
            self.server_root = root
            self.config.server_root = root
            return
        if name == "defaultruntimedir" and args:
            # Also read time (EXEC_ON_READ), relative to ServerRoot; not a directive of the tree.
            self.config.runtime_dir = posixpath.join(self.server_root, args[0])
            return
        if name == "loadmodule" and len(args) == 2:
            if args[0] not in self.config.modules:
                self.config.modules[args[0]] = LoadedModule(args[0], args[1], d.location)
            else:  # httpd: "AH01574: module … is already loaded, skipping"
                self.config.duplicate_loads.append(LoadedModule(args[0], args[1], d.location))
            return
        self.config.directives.append(ApacheDirective(d.name, tuple(args), d.location, d.end_line,
                                                      ctx.depth))
        # A Listen is reported where httpd would report it (a duplicate is refused there).
        self._collect(d.name, name, args, httpd_location(d) if name == "listen" else d.location, ctx)

    def _section(self, s: Section, ctx: _Context, include_depth: int) -> None:
        args = self._args(s)
        name = s.lname
        if (name == "ifversion" and self.config.whole_tree
                and "version_module" not in self.config.modules):
            name = "ifversion-unknown"  # without mod_version it is an unknown section (walk phase)
        if name in CONDITIONAL_SECTIONS:
            argument = (self.expand(s.raw, s.location) if "${" in s.raw else s.raw)
            condition = Condition(s.name, argument.split()[0] if argument.split() else "", s.location)
            module = identifier(condition.subject) if name == "ifmodule" else ""
            if name == "ifversion":
                tail = self.expand(s.tail, s.location) if "${" in s.tail else s.tail
                true, error = ifversion(split_words(tail))
            else:
                true, error = self._condition(name, argument)
            if error:
                self.problems.append(InputProblem(SYNTAX_CODE, f"<{s.name}> {error}",
                                                  httpd_location(s)))
                return  # httpd stops here; what the section holds is neither read nor skipped
            if true and s.close_line and not s.close_exact:
                # A true body ends only on a line that is exactly </IfModule>: with more on it the
                # tag is read as a close without an open section.
                self.problems.append(InputProblem(
                    SYNTAX_CODE, f"</{s.name}> without matching <{s.name}> section: the close tag of "
                    "a true conditional must stand alone on its line",
                    Location(s.location.path, s.close_line, 1)))
            if true:
                if module and condition.negated:
                    ctx = replace(ctx, absent=ctx.absent + ((module, condition),))
                self._walk(s.children, ctx, include_depth)
            else:
                if not s.close_line:  # httpd skips a false body up to its close tag: there is none
                    self.problems.append(InputProblem(
                        SYNTAX_CODE, f"<{s.name}> is not closed before the end of the file and its "
                        f"condition is false: httpd refuses to start (\"Expected </{s.name}> before "
                        "end of configuration\")", httpd_location(s)))
                outer = next((c for m, c in ctx.absent if m == module and not condition.negated), None)
                self._walk(s.children, replace(ctx, dropped_by=outer or condition), include_depth)
            return
        self.config.directives.append(ApacheDirective(f"<{s.name}>", tuple(args), s.location,
                                                      s.end_line, ctx.depth))
        inner = {"depth": ctx.depth + 1}  # one replace(): each costs a pass over the fields
        if name in _CONTAINERS and args:
            inner["container"] = args[-1]
        if name == "virtualhost":
            vhost = VirtualHost(list(args), s.location, end_line=s.end_line)
            self.config.vhosts.append(vhost)
            inner["vhost"] = vhost
        elif name in ("location", "locationmatch") and args:
            inner["location_regex"] = name == "locationmatch" or (args[0] == "~" and len(args) > 1)
            inner["location_path"] = args[1] if args[0] == "~" and len(args) > 1 else args[0]
        self._walk(s.children, replace(ctx, **inner), include_depth)

    def _walk_dropped(self, node: Node, ctx: _Context) -> None:
        """Inside a false conditional httpd reads nothing but section tags. Keep the routes anyway:
        a ProxyPass silently dropped by <IfModule mod_proxy.c> is the 404 a rule must explain."""
        if isinstance(node, Section):
            inner = ctx
            if node.lname in ("location", "locationmatch") and node.args:
                inner = replace(ctx, location_path=node.args[-1],
                                location_regex=node.lname == "locationmatch" or node.args[0] == "~")
            for child in node.children:
                self._walk_dropped(child, inner)
        elif node.lname in ("proxypass", "proxypassmatch", "sethandler"):
            self._collect(node.name, node.lname, node.args, node.location, ctx)
        elif node.lname.startswith("wsgi"):
            self.config.dropped_wsgi.append((ApacheDirective(
                node.name, tuple(node.args), node.location, node.end_line, ctx.depth), ctx.dropped_by))

    # -- conditionals --------------------------------------------------------------------------
    def _condition(self, name: str, argument: str) -> tuple[bool, str]:
        """core.c start_cond_section: a leading '!' negates, the first word is tested, the rest
        is ignored. Returns (true?, error)."""
        negate = argument.startswith("!")
        words = split_words(argument[1:] if negate else argument)
        if not words or not words[0]:
            return False, "directive requires additional arguments"
        subject = words[0]
        if name == "ifmodule":
            result = any(subject == m or subject == source_name(m) for m in self.config.modules)
        elif name == "ifdefine":
            result = subject in self.defines
        elif name == "iffile":
            path = subject if subject.startswith("/") else posixpath.join(self.server_root, subject)
            result = self.fs.kind(path) in ("file", "dir", "other")
        else:  # IfDirective / IfSection: registered by core or a module loaded by now
            known = directives_of(self.config.modules)
            wanted = subject.lower() if name == "ifdirective" else "<" + subject.lower()
            result = True if known is None else wanted in known
        return result != negate, ""

    # -- walk phase ----------------------------------------------------------------------------
    def check_commands(self) -> None:
        """httpd's walk phase, after every file is read: a directive no loaded module registers is
        "Invalid command" and httpd refuses to start. Only decided when every loaded module is one
        whose directives heatlint knows (its table is Debian's apache2 and mod_wsgi)."""
        known = directives_of(self.config.modules)
        if known is None or not self.config.whole_tree:
            return
        invalid: dict[str, bool] = {}  # name as written -> refused? (a tree repeats few names)
        for d in self.config.directives:
            refused = invalid.get(d.name)
            if refused is None:
                lname = d.name.lower()
                if lname.endswith(">"):
                    lname = lname[:-1]
                # _OWN_RULES: the module-missing rules say it, with the module to enable
                refused = invalid[d.name] = not lname.startswith(_OWN_RULES) and lname not in known
            if refused:
                shown = d.name[:-1] if d.name.endswith(">") else d.name
                self.problems.append(InputProblem(
                    SYNTAX_CODE, f"Invalid command '{shown}', perhaps misspelled or defined by a "
                    "module not included in the server configuration", httpd_location(d)))

    # -- Include -------------------------------------------------------------------------------
    def _include(self, d: Directive, args: list[str], ctx: _Context, include_depth: int,
                 optional: bool) -> None:
        if len(args) != 1:
            self.problems.append(InputProblem(INCLUDE_CODE, f"{d.name} takes one argument",
                                              httpd_location(d)))
            return
        if include_depth >= MAX_INCLUDE_DEPTH:
            self.problems.append(InputProblem(
                INCLUDE_CODE, f"exceeded httpd's maximum include depth of {MAX_INCLUDE_DEPTH}: "
                "this file includes itself, directly or through others", httpd_location(d)))
            return
        pattern = args[0] if args[0].startswith("/") else posixpath.join(self.server_root, args[0])
        pattern = posixpath.normpath(pattern)
        files, error = self._expand_include(pattern, optional)
        state = self._state()
        keys = [(self.fs.resolve(path) or path, state) for path in files]
        if self._recording and self._recording[-1]:
            self._include_events[self._reading[-1]].append((httpd_location(d), keys))
        for path, key in zip(files, keys):
            if key in self._reading:
                # httpd recurses until "Exceeded maximum include depth of 128" and refuses to
                # start; following a cycle whose files include several others grows
                # exponentially, so stop at the first repetition and say what loops, at the
                # Include httpd refuses: the first one it runs in a file read at depth 128.
                where = self._depth_limit_hit(self._reading[0], 0, {}) or httpd_location(d)
                if where in self._cycles_reported:
                    continue  # one finding per refused Include, however many routes lead to it
                self._cycles_reported.add(where)
                self.problems.append(InputProblem(
                    CYCLE_CODE, f"an Include cycle: {d.name} {args[0]} includes "
                    f"{self.fs.shown(path)}, which is already being read, so httpd goes round "
                    "until it refuses this Include (\"Exceeded maximum include depth of 128, There "
                    "appears to be a recursion.\")", where,
                    (Note(httpd_location(d), "the Include that closes the cycle"),)
                    if where != httpd_location(d) else ()))
                continue
            self._read_file(path, include_depth + 1, ctx)
        if error:
            self.problems.append(InputProblem(INCLUDE_CODE, f"{d.name} {args[0]}: {error}",
                                              httpd_location(d)))

    def _state(self) -> tuple:
        """What decides how a file reads: ServerRoot, the defines and variables, the modules."""
        return (self.server_root, tuple(sorted(self.defines)), tuple(sorted(self.variables.items())),
                tuple(sorted(self.config.modules)))

    def _depth_limit_hit(self, file: tuple, depth: int, seen: dict) -> Location | None:
        """The first Include httpd runs in a file read at depth 128 (AP_MAX_INCLUDE_DEPTH), going
        through the files in httpd's order from ``file`` read at ``depth``; None if none is."""
        key = (file, depth)
        if key not in seen:
            seen[key] = None
            for where, files in self._include_events.get(file, []):
                if depth >= MAX_INCLUDE_DEPTH:
                    seen[key] = where
                    break
                hit = next((h for f in files if (h := self._depth_limit_hit(f, depth + 1, seen))),
                           None)
                if hit is not None:
                    seen[key] = hit
                    break
        return seen[key]

    def _expand_include(self, pattern: str, optional: bool) -> tuple[list[str], str]:
        """httpd's ap_process_fnmatch_configs: the files an Include reads, in order, and the first
        error that stops httpd ("" for none). Wildcards (APR's fnmatch) may stand in any path
        component; one before the last only descends into real folders (not links to folders);
        matches are sorted by strcmp; a folder pulls in every entry below it, dotfiles too."""
        out: list[str] = []
        if not fnmatch_test(pattern):
            return out, self._nofnmatch(pattern, optional, out, 0)
        return out, self._fnmatch(pattern[:1] if pattern.startswith("/") else self.server_root,
                                  pattern.lstrip("/"), optional, out)

    def _fnmatch(self, path: str, pattern: str, optional: bool, out: list[str]) -> str:
        parts = pattern.split("/")
        i = 0
        while i < len(parts) - 1 and not fnmatch_test(parts[i]):  # literal folders: a loop
            i += 1
        path = posixpath.join(path, *parts[:i])
        head, slash, rest = parts[i], i < len(parts) - 1, "/".join(parts[i + 1:])
        if not fnmatch_test(head):
            return self._nofnmatch(posixpath.join(path, head), optional, out, 0)
        entries = self.fs.listdir(path)
        if entries is None:
            if optional and self.fs.kind(path) in ("missing", "broken"):
                return ""  # only a folder that does not exist is tolerated
            if self.fs.kind(path) == "dir":
                return ""  # one heatlint may not list: RootFS reports it (HL003), httpd may read it
            return f"could not open directory {self.fs.shown(path)}: No such file or directory"
        names = [e for e in entries if aprmatch(head, e)
                 and (not slash or self.fs.is_directory_entry(posixpath.join(path, e)))]
        if not names:
            return "" if optional else f"no matches for the wildcard '{head}' in '{self.fs.shown(path)}'"
        for name in sorted(names, key=_strcmp_key):
            full = posixpath.join(path, name)
            error = (self._fnmatch(full, rest, optional, out) if slash
                     else self._nofnmatch(full, optional, out, 0))
            if error:
                return error
        return ""

    def _nofnmatch(self, path: str, optional: bool, out: list[str], depth: int) -> str:
        """One literal path: a folder is read whole (recursively, sorted), a file is read."""
        kind = self.fs.kind(path)
        if kind == "dir":
            if depth >= MAX_INCLUDE_DEPTH:
                return (f"directory {self.fs.shown(path)} exceeds the maximum include directory "
                        f"nesting level of {MAX_INCLUDE_DEPTH}")
            for name in sorted(self.fs.listdir(path) or [], key=_strcmp_key):
                error = self._nofnmatch(posixpath.join(path, name), optional, out, depth + 1)
                if error:
                    return error
            return ""
        if kind in ("missing", "broken"):
            return "" if optional else (f"could not open configuration file {self.fs.shown(path)}: "
                                        "No such file or directory")
        out.append(path)
        return ""

    # -- what rules need from ordinary directives ----------------------------------------------
    def _collect(self, name: str, lname: str, args: list[str], where: Location, ctx: _Context) -> None:
        if lname in ("proxypass", "proxypassmatch"):
            self._proxy_pass(name, lname, args, where, ctx)
        elif lname == "sethandler" and args and args[0][:6].lower() == "proxy:":
            self._add_route(name, ctx.location_path, args[0][6:], where, ctx, ctx.location_regex)
        elif ctx.dropped_by is not None:
            return
        elif lname == "listen" and args:
            self._listen(args, where)
        elif lname == "servername" and args and ctx.vhost is not None:
            ctx.vhost.server_name = args[0]
        elif lname == "user" and args and ctx.vhost is None:
            self.config.run_user = args[0]
        elif lname == "wsgidaemonprocess" and args:
            self.config.wsgi_daemons.append(wsgi_daemon(args, where, ctx.vhost))
        elif lname == "wsgiprocessgroup" and args:
            self.config.wsgi_process_groups.append(
                WsgiProcessGroup(args[0], where, ctx.vhost, ctx.container))
        elif lname in ("wsgiscriptalias", "wsgiscriptaliasmatch") and len(args) >= 2:
            options = tuple(tuple(a.split("=", 1)) for a in args[2:] if "=" in a)
            values = dict(options)
            self.config.wsgi_script_aliases.append(WsgiScriptAlias(
                args[0], args[1], where, name, values.get("process-group", ""),
                values.get("application-group", ""), options, ctx.vhost))

    def _proxy_pass(self, name: str, lname: str, args: list[str], where: Location, ctx: _Context) -> None:
        regex = lname == "proxypassmatch"
        if ctx.location_path is not None:
            path, url = ctx.location_path, (args[0] if args else None)
            regex = regex or ctx.location_regex
        else:
            if args and args[0] == "~":
                regex, args = True, args[1:]
            path, url = (args[0] if args else None), (args[1] if len(args) > 1 else None)
        if url is None:
            return
        self._add_route(name, path, url, where, ctx, regex)

    def _add_route(self, name: str, path: str | None, url: str, where: Location, ctx: _Context,
                   regex: bool) -> None:
        if url == "!":
            route = ProxyRoute(name, path, url, "", None, where, ctx.vhost, ctx.dropped_by, regex,
                               in_location=ctx.location_path is not None)
        else:
            target = parse_proxy_url(url)
            endpoint = target.endpoint
            if endpoint is not None and endpoint.transport == "unix" and not endpoint.path.startswith("/"):
                # httpd resolves a relative socket path against DefaultRuntimeDir, not ServerRoot.
                base = self.config.runtime_dir or "/var/run/apache2"
                endpoint = replace(endpoint, path=posixpath.join(base, endpoint.path))
            route = ProxyRoute(name, path, url, target.scheme, endpoint, where, ctx.vhost,
                               ctx.dropped_by, regex, port=target.port,
                               in_location=ctx.location_path is not None)
        self.config.routes.append(route)

    def _listen(self, args: list[str], where: Location) -> None:
        addr = args[0]
        host, _, port = addr.rpartition(":") if not addr.endswith("]") else (addr, "", "")
        host = host.strip("[]") or "*"
        protocol = args[1].lower() if len(args) > 1 else ("https" if port == "443" else "http")
        self.config.listeners.append(Listener(host, decimal(port), protocol, where))


def httpd_location(d: ApacheDirective | Directive | Section) -> Location:
    """Where httpd's "Syntax error on line N" points: the last physical line of a continued
    directive (column 1 there), else the directive itself."""
    if d.end_line == d.location.line:
        return d.location
    return replace(d.location, line=d.end_line, column=1)


def _strcmp_key(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape")


def _compare_version(text: str) -> int | None:
    """mod_version compare_version: major[.minor[.patch]] against 2.4.71; None if invalid."""
    if decimal(text[:1]) is None:
        return None
    parts = text.split(".")
    if len(parts) == 4 and not parts[3]:
        parts.pop()  # "2.4.71." is read as 2.4.71
    if len(parts) > 3 or any(p and decimal(p) is None for p in parts):
        return None
    wanted = tuple(decimal(p) if p else 0 for p in parts) + (0,) * (3 - len(parts))
    return (HTTPD_VERSION > wanted) - (HTTPD_VERSION < wanted)


_BAD_VERSION = ("Version appears to be invalid. It must have the format major[.minor[.patch]] "
                "where major, minor and patch are numbers.")


def ifversion(words: list[str]) -> tuple[bool, str]:
    """mod_version's start_ifversion, on the words of everything after ``<IfVersion`` (the
    closing '>' included: it is TAKE123). Returns (true?, error)."""
    if not 1 <= len(words) <= 3:
        return False, "takes one, two or three arguments"
    arg1, arg2, arg3 = (words + [None, None])[:3]
    if arg2 is None:
        arg1, arg2 = "=", arg1
    if arg3 is None and arg2 == ">":
        arg1, arg2, arg3 = "=", arg1, ">"
    if not arg2 or (arg3 != ">" and not arg2.endswith(">")):
        return False, "directive missing closing '>'"
    version = arg2 if arg3 == ">" else arg2[:-1]
    reverse = arg1.startswith("!")
    op = arg1[1:] if reverse and len(arg1) > 1 else arg1
    c, rest = op[:1], op[1:]
    if not (rest == "" or (rest == "=" and c != "~")) or c not in "=~<>" or not c:
        return False, f"unrecognized operator '{arg1}'"
    if c == "=" and version.startswith("/"):
        if len(version) < 2 or not version.endswith("/"):
            return False, "Missing delimiting / of regular expression."
        c, version = "~", version[1:-1]
    if c == "~":
        try:
            match = re.search(version, ".".join(map(str, HTTPD_VERSION))) is not None
        except re.error:
            return False, "Unable to compile regular expression"
    else:
        compare = _compare_version(version)
        if compare is None:
            return False, _BAD_VERSION
        match = {"=": compare == 0, "<": compare == -1 or (rest == "=" and compare == 0),
                 ">": compare == 1 or (rest == "=" and compare == 0)}[c]
    return match != reverse, ""
