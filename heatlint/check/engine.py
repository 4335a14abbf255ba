"""Check stage: find the rules, run them over a deployment, turn what they yield into findings.

A rule is a small module (or any object) with these attributes, in the style of yamllint:

    \"\"\"User documentation: what it checks, why it matters, how to fix it.\"\"\"
    CODE = "HL301"                 # stable, grouped by family (HL0 input, HL1 modules, …)
    NAME = "no-app-on-port"        # stable, kebab-case
    SEVERITY = "error"             # error | warning | info
    SUMMARY = "one line"
    def check(deployment): ...     # yields Problem(message, location, related)
    OPTIONS = {"min-processes": 1} # optional: settings, then check(deployment, options)
    LATE = True                    # optional: runs after suppression (sees what it did)

The engine owns codes, names and severities; rules only say what is wrong and where. Built-in
rules live in ``heatlint.rules``; other packages add rules through the ``heatlint.rules``
entry-point group (each entry point names a module or object shaped as above).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import sys
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Iterator

from ..model import Deployment
from ..redact import redact
from ..source import Location, Note

SEVERITIES = ("info", "warning", "error")
FAMILIES = {"0": "input", "1": "modules", "2": "sites", "3": "routing", "4": "uwsgi", "5": "mod_wsgi",
            "6": "heat"}
_CODE = re.compile(r"^[A-Z]{2,}\d{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


class RuleError(Exception):
    """A rule that cannot be used (a third-party plugin without a CODE, say)."""


@dataclass(frozen=True)
class Problem:
    """What a rule yields: the engine adds the rule's code, name and severity."""

    message: str
    location: Location
    related: tuple[Note, ...] = ()


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str
    summary: str
    doc: str
    family: str
    check: Callable[..., Iterable[Problem]] = field(compare=False, repr=False)
    options: dict = field(default_factory=dict, compare=False)
    late: bool = False

    @classmethod
    def from_object(cls, obj: Any, origin: str) -> "Rule":
        missing = [a for a in ("CODE", "NAME", "SEVERITY", "SUMMARY", "check") if not hasattr(obj, a)]
        if missing:
            raise RuleError(f"rule {origin} lacks {', '.join(missing)}")
        code, name, severity = obj.CODE, obj.NAME, obj.SEVERITY
        if not _CODE.match(code) or not _NAME.match(name) or severity not in SEVERITIES:
            raise RuleError(f"rule {origin}: CODE {code!r}, NAME {name!r} or SEVERITY {severity!r} "
                            "is malformed")
        family = getattr(obj, "FAMILY", None) or FAMILIES.get(code[2:3], "other")
        options = dict(getattr(obj, "OPTIONS", {}) or {})
        return cls(code, name, severity, obj.SUMMARY, (obj.__doc__ or "").strip(), family, obj.check,
                   options, bool(getattr(obj, "LATE", False)))

    def problems(self, deployment: Deployment, settings: dict) -> Iterable[Problem]:
        if self.options:
            return self.check(deployment, {k: settings.get(k, v) for k, v in self.options.items()})
        return self.check(deployment)

    def names(self) -> tuple[str, str]:
        return (self.code, self.name)


@dataclass(frozen=True)
class Finding:
    code: str
    name: str
    severity: str
    message: str
    location: Location
    related: tuple[Note, ...] = ()

    @property
    def sort_key(self):
        return (self.location.path, self.location.line, self.location.column, self.code)


def _masked(location: Location) -> Location:
    return replace(location, text=redact(location.text)) if location.text else location


def _plugin_entry_points() -> list:
    """The ``heatlint.rules`` entry points. importlib.metadata takes longer to import than the
    rest of a small run; most installations have no plugin, which the installed distributions'
    ``entry_points.txt`` files say much faster. Anything unusual on sys.path (a zip archive)
    is left to importlib.metadata."""
    if not _may_have_plugins():
        return []
    from importlib.metadata import entry_points

    return list(entry_points(group="heatlint.rules"))


def _may_have_plugins() -> bool:
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except NotADirectoryError:
            return True
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                try:
                    with open(os.path.join(folder or ".", name, "entry_points.txt"), "rb") as fh:
                        if b"heatlint.rules" in fh.read():
                            return True
                except OSError:
                    continue
    return False


def load_rules() -> list[Rule]:
    """Built-in rules, then those registered under the ``heatlint.rules`` entry-point group."""
    from .. import rules as builtin

    found: list[Rule] = []
    for info in sorted(pkgutil.iter_modules(builtin.__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{builtin.__name__}.{info.name}")
        found.append(Rule.from_object(module, module.__name__))
    for ep in _plugin_entry_points():
        try:
            obj = ep.load()
        except Exception as exc:  # a broken plugin must not hide the built-in checks' verdict
            raise RuleError(f"cannot load rule plugin {ep.name!r} ({ep.value}): {exc}") from exc
        found.append(Rule.from_object(obj, f"plugin {ep.name!r}"))
    seen: dict[str, str] = {}
    for rule in found:
        for key in (rule.code, rule.name):
            if key in seen:
                raise RuleError(f"two rules use {key!r}")
            seen[key] = rule.code
    return sorted(found, key=lambda r: r.code)


def run(rules: list[Rule], deployment: Deployment, config=None) -> list[Finding]:
    """Every enabled rule over one deployment; then per-path ignores and inline suppressions; then
    the late rules, which see what suppression did. ``config`` is a heatlint.config.Config."""
    enabled = config.enabled(rules) if config is not None else rules
    severity = config.severity if config is not None else {}
    settings = config.options if config is not None else {}

    def findings(rule: Rule) -> Iterator[Finding]:
        for p in rule.problems(deployment, settings):
            if config is not None and config.ignored_at(rule.code, p.location.path):
                continue
            # Secrets never leave heatlint: messages and quoted lines are masked here, once.
            yield Finding(rule.code, rule.name, severity.get(rule.code, rule.severity),
                          redact(p.message), _masked(p.location),
                          tuple(Note(_masked(n.location), redact(n.message)) for n in p.related))

    kept: list[Finding] = []
    by_path: dict[str, list] = {}  # a suppression only covers findings in its own file
    for s in deployment.suppressions:
        by_path.setdefault(s.location.path, []).append(s)
    for rule in enabled:
        if rule.late:
            continue
        for finding in findings(rule):
            covering = [s for s in by_path.get(finding.location.path, ()) if s.covers(
                finding.code, finding.name, finding.location.path, finding.location.line)]
            for s in covering:
                s.used = True
            if not covering:
                kept.append(finding)
    ran = {n for r in enabled if not r.late for n in r.names()}
    known = {n for r in rules for n in r.names()}
    for s in deployment.suppressions:
        s.checked = any(ref in ran for ref in s.rules)
        s.unknown = tuple(ref for ref in s.rules if ref not in known)
    for rule in enabled:
        if rule.late:
            kept.extend(findings(rule))
    return kept
