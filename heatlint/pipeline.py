"""The whole run, one way through: discover → parse → resolve → check → report data."""

from __future__ import annotations

import gc
import os
from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterator

from .check import Rule, load_rules, run
from .config import Config
from .limits import LIMIT_CODE, Budget, DeadlineExceeded, stopped_in
from .report import Report

if TYPE_CHECKING:
    from .discover import Target

# progress(done, total, name, files): before each deployment (done deployments so far, how many
# in all, the next one's name, files read so far), and once more at the end with done == total.
Progress = Callable[[int, int, str, int], None]


@contextmanager
def _no_gc() -> Iterator[None]:
    """Python's cycle collector off while a run builds its model: each pass walks every object
    alive, and a run keeps all of its deployment alive, so on a large tree the collector took a
    quarter of the time and made it grow faster than the tree. A run makes next to no cycles
    (about five objects per vhost), which the next collection after it frees."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_paths(paths: list[str], rules: list[Rule] | None = None, config: Config | None = None, *,
                changed: list[str] | None = None,
                progress: Progress | None = None, cache: bool = False,
                jobs: int | None = 1) -> Report:
    """Check every deployment found under ``paths`` (with ``changed``: only those that hold one
    of these files). ``cache``: keep parse results and complete runs' findings between runs
    (parse/cache.py, runcache.py); ``jobs``: processes that may parse at once (None: one per CPU,
    up to 8), used only when a deployment has enough to parse. Neither changes a result. Raises
    discover.UsageError for a path that cannot be read at all and check.RuleError for a broken
    rule plugin."""
    rules = load_rules() if rules is None else rules
    config = config if config is not None else Config()
    run_key = None
    if cache:
        from . import runcache

        run_key = runcache.key(rules, config, paths, changed)
    if run_key is None:
        return _check(paths, rules, config, changed, progress, cache, jobs)[0]
    from . import observe

    kept = runcache.load(run_key)
    if kept is not None:
        findings, names, files = kept
        return Report(findings, names, files, config.fail_on, rules)
    recorder = observe.start()
    try:
        report, complete = _check(paths, rules, config, changed, progress, cache, jobs)
    finally:
        observe.stop()
    if complete:
        runcache.save(run_key, recorder, (report.findings, report.deployments, report.files))
    return report


def _holds_any(changed: list[str]) -> Callable[["Target"], bool]:
    """For --changed-only: is one of ``changed`` inside this discovered deployment?"""
    reals = [os.path.abspath(p) for p in changed]

    def holds(target: "Target") -> bool:
        roots = [m.real.rstrip(os.sep) or os.sep for m in target.fs.mounts]
        return any(r == root or r.startswith(root.rstrip(os.sep) + os.sep)
                   for r in reals for root in roots)
    return holds


def _check(paths: list[str], rules: list[Rule], config: Config, changed: list[str] | None,
           progress: Progress | None, cache: bool, jobs: int | None) -> tuple[Report, bool]:
    """The run itself, and whether it completed: no timeout, nothing abandoned."""
    # Here, not at the top: a run the run cache answers needs none of them.
    from .discover import discover
    from .parse.cache import Session, active
    from .resolve.deployment import abandoned, build, too_deep

    only = _holds_any(changed) if changed is not None else None
    complete = True
    findings = set()  # a file read through two routes must not report twice
    names: list[str] = []
    files = 0
    budget = Budget(config.limits)  # what the whole run may read, and until when
    targets = [t for t in discover(paths, budget) if only is None or only(t)]
    # Every parse goes through the session; closing it writes new results to the cache at once.
    # After the timeout, nothing hangs the run: see heatlint/limits.py.
    with active(Session(use_cache=cache, jobs=jobs)) as session, budget.hard_stop(), _no_gc():
        for i, target in enumerate(targets):
            if progress is not None:
                progress(i, len(targets), target.name, files)
            try:
                with budget.armed():
                    try:
                        session.prefetch(target)  # parse ahead in worker processes
                        deployment = build(target)
                    finally:
                        session.stop_workers()
                    found = run(rules, deployment, config)
            except DeadlineExceeded as stop:  # only the finding that says so: no rule runs again
                complete = False
                deployment = abandoned(target, stopped_in(stop, rules))
                found = run([r for r in rules if r.code == LIMIT_CODE], deployment, config)
            except RecursionError:  # a safety net: max-depth should have kept it from happening
                complete = False
                deployment = too_deep(target)
                found = run([r for r in rules if r.code == LIMIT_CODE], deployment, config)
            names.append(deployment.name)
            files += len(deployment.files)
            findings.update(found)
    if progress is not None:
        progress(len(targets), len(targets), "", files)
    complete = complete and not budget.expired() and "timeout" not in _skipped(targets)
    report = Report(sorted(findings, key=lambda f: f.sort_key), names, files, config.fail_on, rules)
    return report, complete


def _skipped(targets: list["Target"]) -> set[str]:
    """The run-wide limits that kept files unread."""
    return {limit for t in targets for limit in t.fs.skipped}
