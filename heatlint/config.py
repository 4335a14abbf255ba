"""Configuration: ``.heatlint.toml`` (top-level keys) or ``[tool.heatlint]`` in ``pyproject.toml``.

The file is found by walking up from the working directory (a ``.heatlint.toml`` wins over a
``pyproject.toml`` in the same folder), or named with ``--config``. Command-line options override
it. Every key and every rule reference is validated: a typo is an error that names it, never a
silently ignored setting.

    select = ["HL1", "HL3"]          # codes, code prefixes or rule names (default: every rule)
    ignore = ["uwsgi-no-threads"]
    fail-on = "warning"              # error | warning | info | never
    min-processes = 2                # options that rules declare (see `heatlint explain`)
    [severity]                       # per-rule severity
    HL402 = "info"
    [per-path-ignores]               # glob on the reported path -> rules
    "etc/apache2/sites-available/*" = ["HL201"]

Limits that keep a run bounded (heatlint/limits.py; reaching one is finding HL010):

    max-files = 10000                # files read in one run
    max-file-size = "4 MiB"          # one file (bytes, or a size with K/M/G, KiB/MiB/GiB)
    max-total-size = "32 MiB"        # bytes read in one run
    max-depth = 100                  # sections nested in one file
    timeout = 300                    # seconds
"""

from __future__ import annotations

import fnmatch
import os
import tomllib
from dataclasses import dataclass, field, replace
from typing import Any

from .check.engine import SEVERITIES, Rule
from .limits import LIMIT_KEYS, Limits, parse_limit, show_limit

LEVELS = (*SEVERITIES, "never")
_KEYS = ("select", "ignore", "fail-on", "severity", "per-path-ignores", *LIMIT_KEYS)


class ConfigError(Exception):
    """A configuration that cannot be used; the message names the file and the key."""


@dataclass
class Config:
    select: list[str] | None = None  # None: every rule
    ignore: list[str] = field(default_factory=list)
    fail_on: str = "error"
    severity: dict[str, str] = field(default_factory=dict)  # rule code -> severity
    per_path_ignores: dict[str, list[str]] = field(default_factory=dict)  # glob -> rule codes
    options: dict[str, Any] = field(default_factory=dict)  # rule options by name
    limits: Limits = field(default_factory=Limits)  # max-files, max-file-size, …, timeout
    sources: dict[str, str] = field(default_factory=dict)  # key -> where its value came from
    file: str = ""

    def enabled(self, rules: list[Rule]) -> list[Rule]:
        chosen = rules if self.select is None else [r for r in rules if _matches_any(r, self.select)]
        return [r for r in chosen if not _matches_any(r, self.ignore)]

    def ignored_at(self, code: str, path: str) -> bool:
        return any(code in codes and fnmatch.fnmatch(path, glob)
                   for glob, codes in self.per_path_ignores.items())


def _matches(rule: Rule, ref: str) -> bool:
    return ref == rule.name or ref.upper() == rule.code or (
        len(ref) >= 3 and ref[:2].upper() == rule.code[:2] and rule.code.startswith(ref.upper()))


def _matches_any(rule: Rule, refs: list[str]) -> bool:
    return any(_matches(rule, ref) for ref in refs)


def find_config_file(start: str) -> str | None:
    directory = os.path.abspath(start)
    while True:
        candidate = os.path.join(directory, ".heatlint.toml")
        if os.path.isfile(candidate):
            return candidate
        pyproject = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(pyproject):
            try:
                with open(pyproject, "rb") as fh:
                    if "heatlint" in tomllib.load(fh).get("tool", {}):
                        return pyproject
            except (OSError, tomllib.TOMLDecodeError):
                pass  # someone else's broken pyproject is not our configuration
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _read(path: str) -> tuple[dict, str]:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    if os.path.basename(path) == "pyproject.toml":
        return data.get("tool", {}).get("heatlint", {}), f"{path} [tool.heatlint]"
    return data, path


def _rule_list(value: Any, key: str, where: str, rules: list[Rule]) -> list[str]:
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key} must be a list of rule codes, prefixes or names")
    for ref in value:
        if not any(_matches(r, ref) for r in rules):
            raise ConfigError(f"{where}: {key}: {ref!r} names no rule (see `heatlint rules`)")
    return value


def _code_of(ref: str, key: str, where: str, rules: list[Rule]) -> str:
    for r in rules:
        if ref == r.name or ref.upper() == r.code:
            return r.code
    raise ConfigError(f"{where}: {key}: {ref!r} names no rule (see `heatlint rules`)")


def load(rules: list[Rule], *, path: str | None = None, cwd: str = ".",
         overrides: dict[str, Any] | None = None) -> Config:
    """The effective configuration: defaults, then the file, then command-line ``overrides``."""
    config = Config()
    options: dict[str, tuple[Any, str]] = {}  # declared rule options: name -> (default, rule)
    for r in rules:
        for name, default in r.options.items():
            options.setdefault(name, (default, r.code))
    for key in (*_KEYS, *options):
        config.sources[key] = "default"
    config.options = {name: default for name, (default, _) in options.items()}

    file = path or find_config_file(cwd)
    if file:
        data, where = _read(file)
        config.file = where
        _apply(config, data, where, rules, options)
    for key, value in (overrides or {}).items():
        if value is not None:
            _apply(config, {key: value}, f"--{key}", rules, options)
    return config


def _apply(config: Config, data: dict, where: str, rules: list[Rule], options: dict) -> None:
    for key, value in data.items():
        if key == "select":
            config.select = _rule_list(value, key, where, rules)
        elif key == "ignore":
            config.ignore = _rule_list(value, key, where, rules)
        elif key == "fail-on":
            if value not in LEVELS:
                raise ConfigError(f"{where}: fail-on must be one of {', '.join(LEVELS)}, not {value!r}")
            config.fail_on = value
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: severity must be a table of rule = severity")
            for ref, level in value.items():
                if level not in SEVERITIES:
                    raise ConfigError(f"{where}: severity.{ref} must be one of "
                                      f"{', '.join(SEVERITIES)}, not {level!r}")
                config.severity[_code_of(ref, f"severity.{ref}", where, rules)] = level
        elif key == "per-path-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: per-path-ignores must be a table of glob = [rules]")
            for glob, refs in value.items():
                listed = _rule_list(refs, f"per-path-ignores.{glob!r}", where, rules)
                config.per_path_ignores[glob] = [r.code for r in rules if _matches_any(r, listed)]
        elif key in LIMIT_KEYS:
            try:
                config.limits = replace(config.limits, **{key.replace("-", "_"): parse_limit(key, value)})
            except ValueError as exc:
                raise ConfigError(f"{where}: {exc}") from None
        elif key in options:
            default, _ = options[key]
            if type(value) is not type(default) and default is not None:
                raise ConfigError(f"{where}: {key} must be a {type(default).__name__}, not {value!r}")
            config.options[key] = value
        else:
            known = ", ".join((*_KEYS, *sorted(options)))
            raise ConfigError(f"{where}: unknown key {key!r} (known keys: {known})")
        config.sources[key] = where


def describe(config: Config) -> list[tuple[str, str, str]]:
    """(key, value, source) rows for ``--show-config``."""
    rows = [
        ("select", "every rule" if config.select is None else ", ".join(config.select),
         config.sources["select"]),
        ("ignore", ", ".join(config.ignore) or "-", config.sources["ignore"]),
        ("fail-on", config.fail_on, config.sources["fail-on"]),
        ("severity", ", ".join(f"{k}={v}" for k, v in sorted(config.severity.items())) or "-",
         config.sources["severity"]),
        ("per-path-ignores", "; ".join(f"{g}: {', '.join(c)}" for g, c in
                                       config.per_path_ignores.items()) or "-",
         config.sources["per-path-ignores"]),
    ]
    rows += [(k, show_limit(k, config.limits.value(k)), config.sources[k]) for k in LIMIT_KEYS]
    rows += [(k, repr(v), config.sources.get(k, "default")) for k, v in sorted(config.options.items())]
    return rows
