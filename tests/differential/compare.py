"""heatlint's model of an Apache tree next to what the real httpd built from the same tree.

A tree is compared on what both sides can state: the effective directives in httpd's order with
file, line and nesting depth (DUMP_CONFIG), the loaded modules (DUMP_MODULES), the files read in
order (DUMP_INCLUDES) and the virtual hosts (DUMP_VHOSTS). When httpd refuses the tree, heatlint
must report an error at the place httpd names; when httpd accepts it, heatlint must not report any
of the errors that mean "httpd will not start".
"""

from __future__ import annotations

import ipaddress
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import httpd
from heatlint.check import load_rules, run
from heatlint.discover import Target, discover
from heatlint.model import Deployment
from heatlint.resolve.deployment import build
from heatlint.resolve.modules import DEBIAN_STATIC

# Rules whose findings mean "httpd -t refuses this configuration".
REFUSAL_CODES = {"HL001", "HL003", "HL004", "HL008", "HL120", "HL320"}
# Module rules that report a directive of a module that is not loaded ("Invalid command" when the
# directive is effective; a silently dropped route when it sits in a false <IfModule>).
MODULE_CODES = {"HL101", "HL103"}
RULES = load_rules()


@dataclass
class Outcome:
    name: str
    target: Target
    deployment: Deployment
    run: httpd.HttpdRun
    findings: list = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    adapted: list[str] = field(default_factory=list)

    def report(self) -> str:
        text = [f"{self.name}: {len(self.differences)} difference(s) between heatlint and httpd"]
        text += [f"  - {d}" for d in self.differences[:40]]
        if self.run.returncode:
            text.append(f"  httpd said (exit {self.run.returncode}): {self.run.stderr.strip()[-600:]}")
        return "\n".join(text)


def heatlint_view(path: Path, static: tuple[str, ...] | None = None) -> tuple[Target, Deployment, list]:
    """heatlint's model of the one whole tree at ``path``; ``static`` replaces the compiled-in
    modules heatlint assumes for the tree's layout (the harness runs Debian's httpd build)."""
    targets = [t for t in discover([str(path)]) if t.whole_tree]
    assert len(targets) == 1, f"{path}: expected one whole Apache tree, found {len(targets)}"
    target = targets[0]
    # A parameter, not a patched module global: trees are compared on several threads at once.
    deployment = build(target, static)
    findings = [f for rule in RULES for f in run([rule], deployment)]
    return target, deployment, findings


def layout_of(target: Target, preload: tuple[str, ...] = ()) -> httpd.Layout:
    return httpd.Layout(target.layout, target.server_root, target.apache_main, preload)


def _shown(target: Target, host_path: str) -> str:
    return target.fs.shown(host_path)


def _vhost_address(addr: str) -> str | None:
    """How -S prints a literal VirtualHost address; None for a host name (httpd resolves it)."""
    host, port = addr, "*"
    if addr.startswith("["):
        end = addr.find("]")
        host, rest = addr[: end + 1], addr[end + 1:]
        port = rest[1:] if rest.startswith(":") else "*"
    elif addr.count(":") == 1:
        host, port = addr.split(":")
    if host in ("*", "_default_"):
        return f"*:{port}"
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    return f"{host}:{port}"


def compare(outcome: Outcome) -> list[str]:
    run_, target, config = outcome.run, outcome.target, outcome.deployment.apache
    diffs: list[str] = []
    effective = {(d.location.path, d.location.line) for d in config.directives}
    refusals = [f for f in outcome.findings if f.severity == "error" and (
        f.code in REFUSAL_CODES
        or f.code in MODULE_CODES and (f.location.path, f.location.line) in effective)]
    if not run_.ok:
        if run_.error is not None:
            path, line, message = run_.error
            shown = _shown(target, path)
            if not any(f.location.path == shown and f.location.line == line for f in refusals):
                diffs.append(f"httpd refuses the tree at {shown}:{line} ({message}); heatlint "
                             f"reports no error there (its errors: "
                             f"{[f'{f.code}@{f.location}' for f in refusals]})")
        elif not refusals:
            diffs.append("httpd refuses the tree; heatlint reports no error that says so")
        return diffs
    for f in refusals:
        diffs.append(f"heatlint reports {f.code} at {f.location} ({f.message}) but httpd accepts the tree")

    # Directives: name, words, file, line, depth, in order.
    theirs = []
    for name, raw, path, line, depth in run_.directives:
        is_section = name.startswith("<")
        words = httpd.section_args(raw) if is_section else httpd.getword_conf(raw)
        theirs.append(((name + ">") if is_section else name, tuple(words),
                       _shown(target, path), line, depth))
    ours = [(d.name, tuple(d.args), d.location.path, d.end_line, d.depth) for d in config.directives]
    # httpd prints a directive under its module's spelling (ORDER → order): compare names blind.
    theirs = [(n.lower(), *rest) for n, *rest in theirs]
    ours = [(n.lower(), *rest) for n, *rest in ours]
    if theirs != ours:
        for i, (a, b) in enumerate(zip(theirs, ours)):
            if a != b:
                diffs.append(f"directive #{i}: httpd {a} / heatlint {b}")
                break
        if len(theirs) != len(ours):
            diffs.append(f"{len(theirs)} directives in httpd, {len(ours)} in heatlint")

    # Files read, in order.
    their_files = [_shown(target, p) for _, _, p in run_.includes]
    if their_files != list(config.includes):
        missing = [p for p in their_files if p not in config.includes]
        extra = [p for p in config.includes if p not in their_files]
        diffs.append(f"included files differ: httpd only {missing[:5]}, heatlint only {extra[:5]}"
                     + ("" if missing or extra else " (order)"))

    # Modules: httpd's list minus the mod_info the harness added with -c.
    their_modules = [m for m, _ in run_.modules]
    if "info_module" in their_modules and "AH01574: module info_module is already loaded" not in run_.stderr:
        their_modules.remove("info_module")
    if sorted(their_modules) != sorted(config.modules):
        diffs.append(f"modules differ: httpd only {sorted(set(their_modules) - set(config.modules))}, "
                     f"heatlint only {sorted(set(config.modules) - set(their_modules))}")
    their_shared = [m for m, kind in run_.modules if kind == "shared" and m in config.modules
                    and config.modules[m].location is not None]
    our_shared = [m for m, mod in config.modules.items() if mod.location is not None]
    if their_shared != our_shared and sorted(their_shared) == sorted(our_shared):
        diffs.append(f"modules load in a different order: httpd {their_shared}, heatlint {our_shared}")

    # Virtual hosts: where each is defined, its literal addresses, its ServerName.
    their_vhosts: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for addr, name, path, line in run_.vhosts:
        their_vhosts.setdefault((_shown(target, path), line), []).append((addr, name))
    our_vhosts = {(v.location.path, v.end_line or v.location.line): v for v in config.vhosts}
    if set(their_vhosts) != set(our_vhosts):
        diffs.append(f"virtual hosts differ: httpd only {sorted(set(their_vhosts) - set(our_vhosts))}, "
                     f"heatlint only {sorted(set(our_vhosts) - set(their_vhosts))}")
    for key in sorted(set(their_vhosts) & set(our_vhosts)):
        vhost, entries = our_vhosts[key], their_vhosts[key]
        addresses = [_vhost_address(a) for a in vhost.addresses]
        if None not in addresses and sorted(set(addresses)) != sorted(a for a, _ in entries):
            diffs.append(f"virtual host {key[0]}:{key[1]}: httpd addresses "
                         f"{sorted(a for a, _ in entries)}, heatlint {vhost.addresses}")
        if vhost.server_name and any(n != vhost.server_name.lower() and n != vhost.server_name
                                     for _, n in entries):
            diffs.append(f"virtual host {key[0]}:{key[1]}: httpd name {entries[0][1]}, heatlint "
                         f"{vhost.server_name}")

    # What the model derives from directives, re-derived from httpd's own words: Listen addresses
    # and mod_wsgi daemon groups (mod_wsgi's defaults: 1 process, 15 threads).
    their_listen = []
    for name, raw, path, line, _ in run_.directives:
        words = httpd.getword_conf(raw)
        if name.lower() == "listen" and words:
            host, _, port = words[0].rpartition(":")
            their_listen.append((host.strip("[]") or "*", int(port) if port.isdigit() else None,
                                 _shown(target, path), line))
    ours_listen = [(l.address, l.port, l.location.path, l.location.line) for l in config.listeners]
    if their_listen != ours_listen:
        diffs.append(f"Listen: httpd {their_listen}, heatlint {ours_listen}")
    their_wsgi = []
    for name, raw, path, line, _ in run_.directives:
        words = httpd.getword_conf(raw)
        if name.lower() == "wsgidaemonprocess" and words:
            options = dict(w.split("=", 1) for w in words[1:] if "=" in w)
            their_wsgi.append((words[0], int(options.get("processes", 1)),
                               int(options.get("threads", 15)), _shown(target, path)))
    ours_wsgi = [(w.name, w.processes, w.threads, w.location.path) for w in config.wsgi_daemons]
    if their_wsgi != ours_wsgi:
        diffs.append(f"WSGIDaemonProcess: httpd {their_wsgi}, heatlint {ours_wsgi}")
    return diffs


def _run_with_log_dirs(root: Path, layout: httpd.Layout) -> httpd.HttpdRun:
    """Log folders are the host's business, not the configuration's: create those httpd asks
    for (AH02291) in its copy and run again."""
    for _ in range(8):
        result = httpd.run_httpd(root, layout)
        missing = httpd.missing_log_dir(result.stderr)
        if missing is None:
            return result
        (root / missing.lstrip("/")).mkdir(parents=True, exist_ok=True)
    return result


def compare_tree(name: str, src: Path, *, preload_mpm: bool = False) -> Outcome:
    """A published tree: heatlint reads it as it is (text links and all) unless it had to be
    adapted to Debian's httpd build; httpd reads a copy with real symlinks. ``preload_mpm``: the
    harness loads mpm_event before the tree (``-C``) and tells heatlint it is compiled in, so a
    tree that loads no MPM of its own (test trees often do not) is compared in full."""
    target, _, _ = heatlint_view(src)
    mounts = [(m.host, m.real) for m in target.fs.mounts]
    work = Path(tempfile.mkdtemp(prefix="heatlint-diff-"))
    try:
        adapted_root = httpd.stage(src, mounts, work / "heatlint", real_links=False)
        adapted = httpd.adapt_for_debian_httpd(adapted_root, target.layout)
        seen = src
        if adapted:  # read the adapted copy from where the original would be mounted
            sub = next((h for h, _ in mounts), "/")
            seen = adapted_root / sub.lstrip("/") if sub != "/" else adapted_root
        preload = ("mpm_event_module",) if preload_mpm else ()
        static = None
        if preload or (adapted and target.layout != "debian"):
            # The copy runs on Debian's httpd build, which compiles in what Red Hat loads.
            static = DEBIAN_STATIC + preload
        target, deployment, findings = heatlint_view(seen, static)
        root = httpd.stage(adapted_root, [("/", str(adapted_root))], work / "httpd", real_links=True)
        layout = layout_of(target, preload)
        httpd.add_host_pieces(root, layout)
        result = _run_with_log_dirs(root, layout)
        outcome = Outcome(name, target, deployment, result, findings, adapted=adapted)
        outcome.differences = compare(outcome)
        return outcome
    finally:
        shutil.rmtree(work, ignore_errors=True)


def compare_generated(name: str, root: Path) -> Outcome:
    """A generated tree (real symlinks, nothing to adapt): both read the same folder."""
    # Red Hat builds log_config, unixd & co. as modules; Debian's httpd, which runs the tree,
    # compiles them in: heatlint is told so, as for the published Red Hat trees.
    first = [t for t in discover([str(root)]) if t.whole_tree]
    static = DEBIAN_STATIC if first and first[0].layout != "debian" else None
    target, deployment, findings = heatlint_view(root, static)
    layout = layout_of(target)
    httpd.add_host_pieces(root, layout)
    result = _run_with_log_dirs(root, layout)
    outcome = Outcome(name, target, deployment, result, findings)
    outcome.differences = compare(outcome)
    return outcome
