"""The whole run, one way through: discover → parse → resolve → check → report data."""

from __future__ import annotations

from .check import Rule, load_rules, run
from .config import Config
from .discover import discover
from .report import Report
from .resolve.deployment import build


def check_paths(paths: list[str], rules: list[Rule] | None = None, config: Config | None = None) -> Report:
    """Check every deployment found under ``paths``. Raises discover.UsageError for a path that
    cannot be read at all and check.RuleError for a broken rule plugin."""
    rules = load_rules() if rules is None else rules
    config = config if config is not None else Config()
    findings = set()  # a file read through two routes must not report twice
    names: list[str] = []
    files = 0
    for target in discover(paths):
        deployment = build(target)
        names.append(deployment.name)
        files += len(deployment.files)
        findings.update(run(rules, deployment, config))
    return Report(sorted(findings, key=lambda f: f.sort_key), names, files, config.fail_on)
