"""The whole run, one way through: discover → parse → resolve → check → report data."""

from __future__ import annotations

from typing import Callable

from .check import Rule, load_rules, run
from .config import Config
from .discover import Target, discover
from .report import Report
from .resolve.deployment import build

# progress(done, total, name, files): before each deployment (done deployments so far, how many
# in all, the next one's name, files read so far), and once more at the end with done == total.
Progress = Callable[[int, int, str, int], None]


def check_paths(paths: list[str], rules: list[Rule] | None = None, config: Config | None = None, *,
                only: Callable[[Target], bool] | None = None,
                progress: Progress | None = None) -> Report:
    """Check every deployment found under ``paths`` (those for which ``only`` is true, when given).
    Raises discover.UsageError for a path that cannot be read at all and check.RuleError for a
    broken rule plugin."""
    rules = load_rules() if rules is None else rules
    config = config if config is not None else Config()
    findings = set()  # a file read through two routes must not report twice
    names: list[str] = []
    files = 0
    targets = [t for t in discover(paths) if only is None or only(t)]
    for i, target in enumerate(targets):
        if progress is not None:
            progress(i, len(targets), target.name, files)
        deployment = build(target)
        names.append(deployment.name)
        files += len(deployment.files)
        findings.update(run(rules, deployment, config))
    if progress is not None:
        progress(len(targets), len(targets), "", files)
    return Report(sorted(findings, key=lambda f: f.sort_key), names, files, config.fail_on, rules)
