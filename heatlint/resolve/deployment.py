"""Resolve a discovered target into the :class:`~heatlint.model.Deployment` that rules check."""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace

from ..discover import Target, uwsgi_place
from ..fs import read_problem
from ..limits import LIMIT_CODE, deep_stack, timeout_message
from ..model import ApacheConfig, Deployment, HeatUrl, ProxyRoute
from ..parse.uwsgi import parse_ini
from ..source import InputProblem, Location, Note
from .apache import INCLUDE_CODE, ApacheResolver, decode
from .modules import DEBIAN_STATIC, REDHAT_STATIC
from .sites import debian_sites, redhat_sites
from .tmpfiles import runtime_dirs
from .uwsgi import resolve_app

LINK_CODE = "HL005"
_EXPORT = re.compile(r"^\s*export\s+([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
_SHELL_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


def read_envvars(text: str) -> dict[str, str]:
    """The ``export NAME=value`` lines of Debian's envvars, for the default instance (SUFFIX
    empty), which apache2ctl and the systemd unit source before starting httpd."""
    env: dict[str, str] = {}
    for line in text.splitlines():
        m = _EXPORT.match(line)
        if not m:
            continue
        value = m.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        env[m.group(1)] = _SHELL_VAR.sub(lambda v: env.get(v.group(1), ""), value)
    return env


def _text_link_problems(fs) -> list[InputProblem]:
    """One finding per folder: a checkout that lost its links usually lost all of them."""
    by_dir: dict[str, list[tuple[str, str]]] = {}
    for path, link in sorted(fs.text_links.items()):
        by_dir.setdefault(posixpath.dirname(path), []).append((path, link))
    problems = []
    for entries in by_dir.values():
        (first, link), others = entries[0], entries[1:]
        more = f" (and {len(others)} more in this folder)" if others else ""
        problems.append(InputProblem(
            LINK_CODE, f"this file holds only the text {link!r}{more}: a symbolic link stored as a "
            "plain file, as git writes links with core.symlinks=false; httpd reads the text as a "
            f"directive and refuses to start (\"Invalid command '{link}'\"). heatlint follows it "
            "as the link it was meant to be",
            Location(fs.shown(first)),
            tuple(Note(Location(fs.shown(p)), f"also a link stored as text: {t!r}") for p, t in others)))
    return problems


# heat.conf options whose URL must reach Heat through Apache: (section, option).
HEAT_URL_OPTIONS = {("DEFAULT", "heat_metadata_server_url"), ("DEFAULT", "heat_waitcondition_server_url"),
                    ("clients_heat", "url")}


def _heat_urls(fs, path: str, problems: list[InputProblem]) -> list[HeatUrl]:
    """heat.conf is an oslo.config ini file; its line syntax is the one uwsgi's reader accepts."""
    shown = fs.shown(path)
    try:
        text, decoded = decode(fs.read_bytes(path), shown)
    except OSError as exc:
        problems.extend(p for p in [read_problem(exc, shown)] if p is not None)
        return []
    problems.extend(p for p in decoded if p.code != "HL001")  # a BOM: oslo.config skips it
    ini = parse_ini(text, shown)
    return [HeatUrl(o.key, o.section, o.value, o.location) for o in ini.options
            if (o.section, o.key) in HEAT_URL_OPTIONS and o.value]


UWSGI_AVAILABLE, UWSGI_ENABLED = "/etc/uwsgi/apps-available", "/etc/uwsgi/apps-enabled"


def _script_state(fs, script: str) -> str:
    if not script.startswith("/"):
        return "unknown"
    top = "/" + script.strip("/").split("/", 1)[0]
    if fs.kind(top) != "dir":
        return "unknown"  # the checked tree does not hold /usr (or /opt …) at all
    kind = fs.kind(script)
    return {"file": "file", "dir": "dir", "other": "file"}.get(kind, "missing")


def _stub(target: Target, what: str) -> Deployment:
    """A deployment the run's timeout kept from being checked, with the finding that says so."""
    where = Location(target.fs.shown(target.apache_main) if target.apache_main else target.name)
    problem = InputProblem(LIMIT_CODE, timeout_message(target.fs.limits, what), where)
    return Deployment(target.name, ApacheConfig(whole_tree=False, layout="snippets"), problems=[problem])


def abandoned(target: Target, running: str) -> Deployment:
    """A deployment the hard stop after the timeout interrupted: its findings are not reported."""
    return _stub(target, f"while checking this deployment{f' ({running} was running)' if running else ''}"
                 ", which was abandoned: none of its findings are reported")


def too_deep(target: Target) -> Deployment:
    """A deployment whose configuration nests deeper than Python could follow."""
    where = Location(target.fs.shown(target.apache_main) if target.apache_main else target.name)
    problem = InputProblem(LIMIT_CODE, "this configuration nests too deeply for heatlint to follow "
                           "(sections or Includes tens of thousands deep), so it was not checked", where)
    return Deployment(target.name, ApacheConfig(whole_tree=False, layout="snippets"), problems=[problem])


def build(target: Target, static_modules: tuple[str, ...] | None = None) -> Deployment:
    """The deployment a target holds, read within the run's limits (see heatlint/limits.py).
    ``static_modules`` replaces the modules assumed compiled into httpd for the layout (the
    differential suite runs every layout on Debian's build)."""
    return deep_stack(lambda: _build(target, static_modules), target.fs.limits)


def _build(target: Target, static_modules: tuple[str, ...] | None) -> Deployment:
    fs = target.fs
    if fs.budget.expired():
        return _stub(target, "before checking this deployment, so nothing in it was checked")
    early: list[InputProblem] = []  # problems met before the Apache configuration is read
    if target.whole_tree:
        env = {}
        if target.envvars:
            shown = fs.shown(target.envvars)
            try:
                env = read_envvars(decode(fs.read_bytes(target.envvars), shown)[0])
            except OSError as exc:
                problem = read_problem(exc, shown)
                if problem is not None:
                    early.append(replace(problem, message=problem.message + "; the variables it "
                                         "exports (APACHE_RUN_USER, APACHE_LOG_DIR, …) are unknown"))
        static = static_modules if static_modules is not None else (
            DEBIAN_STATIC if target.layout == "debian" else REDHAT_STATIC)
        resolver = ApacheResolver(fs, target.server_root, env=env, static_modules=static,
                                  layout=target.layout)
        resolver.read(target.apache_main)
        resolver.check_commands()
        config = resolver.config
        config.main_file = fs.shown(target.apache_main)
        def routes_of(path: str, name: str) -> list[ProxyRoute]:
            # What a site would add if enabled: read it alone, with what httpd knew by then.
            alone = ApacheResolver(fs, resolver.server_root, env=env, layout=target.layout,
                                   cache=resolver.files)
            alone.config.modules = dict(config.modules)
            alone.variables = dict(resolver.variables)
            alone.read(path)
            return [replace(r, site=name) for r in alone.config.routes]

        # What httpd includes, even files heatlint could not read (their finding says why).
        included = set(resolver.read_paths) | fs.failed
        if target.layout == "debian":
            config.sites = debian_sites(fs, resolver.server_root, included, routes_of)
        elif target.layout == "redhat":
            config.sites = redhat_sites(fs, target.server_root, included, routes_of)
        problems = early + resolver.problems
    else:
        resolver = ApacheResolver(fs, "/", whole_tree=False, layout="snippets")
        for snippet in target.snippets:
            resolver.read(snippet)
        config = resolver.config
        # A snippet's Include names files of a host heatlint was not given: nothing to say.
        problems = [p for p in resolver.problems if p.code != INCLUDE_CODE]

    deployment = Deployment(target.name, config, problems=list(problems),
                            files=list(config.includes))
    enabled_apps = {fs.resolve(posixpath.join(UWSGI_ENABLED, name))
                    for name in fs.listdir(UWSGI_ENABLED) or []} if target.whole_tree else set()
    read_inis: set[str] = set()
    for path in target.ini_files:
        final = fs.resolve(path) or path
        if final in read_inis:
            continue  # apps-enabled/x.ini links to apps-available/x.ini: one app, not two
        read_inis.add(final)
        shown = fs.shown(path)
        try:
            text, ini_problems = decode(fs.read_bytes(path), shown)
        except OSError as exc:
            # /etc holds many ini files that are not uwsgi's: one heatlint cannot read is reported
            # where uwsgi's and Heat's live (and always among loose files).
            if not target.whole_tree or uwsgi_place(path):
                problem = read_problem(exc, shown)
                if problem is not None:
                    deployment.problems.append(problem)
            continue
        ini = parse_ini(text, shown)
        # Only uwsgi's files count: /etc holds many other ini files (php.ini, …).
        if not any(name.strip().startswith("uwsgi") for name, _ in ini.sections):
            continue
        deployment.files.append(shown)
        # A BOM hides uwsgi's section header, so say it in uwsgi's terms.
        bom = [p for p in ini_problems if p.code == "HL001"]
        deployment.problems.extend(
            replace(p, code="HL002", message="the file starts with a UTF-8 byte order mark: uwsgi "
                    "does not skip it, so it finds no [uwsgi] section and ignores the whole file")
            for p in bom)
        deployment.problems.extend(p for p in ini_problems if p.code != "HL001")  # not UTF-8
        deployment.problems.extend(ini.problems)
        deployment.suppressions.extend(ini.suppressions)
        app = resolve_app(ini, path) if not bom else None
        if app is not None:
            if target.whole_tree and path.startswith(UWSGI_AVAILABLE + "/"):
                app.enabled = final in enabled_apps
            elif target.whole_tree and path.startswith(UWSGI_ENABLED + "/"):
                app.enabled = True
            deployment.apps.append(app)
    if target.whole_tree:
        for alias in config.wsgi_script_aliases:
            config.script_states[alias.script] = _script_state(fs, alias.script)
    for path in target.heat_conf:
        deployment.heat_urls.extend(_heat_urls(fs, path, deployment.problems))
        deployment.files.append(fs.shown(path))
    for path in target.tmpfiles:
        shown = fs.shown(path)
        try:
            text, _ = decode(fs.read_bytes(path), shown)
        except OSError:
            continue  # not configuration heatlint checks: an unreadable one is not reported
        dirs = runtime_dirs(text, shown)
        if dirs:
            deployment.runtime_dirs.extend(dirs)
            deployment.files.append(shown)
    deployment.problems.extend(_text_link_problems(fs))
    deployment.problems.extend(target.problems)  # what looking for the files ran into
    deployment.problems.extend(fs.problems())  # links out of the tree, loops, limits reached
    for suppressions in resolver.files.suppressions.values():  # every Apache file read,
        deployment.suppressions.extend(suppressions)  # sites-available included
    return deployment
