"""Command line: ``heatlint check``, ``heatlint dump``, ``heatlint rules``, ``heatlint explain``.

Exit status: 0 when no finding reaches ``--fail-on`` (or with ``--exit-zero``), 1 when one does,
2 for a usage or configuration error, a path that cannot be read at all, a report or baseline that
cannot be written or read, or an internal error.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import NoReturn

import click

from . import __version__
from .report import FORMATS

LEVELS = ("error", "warning", "info", "never")
# --output FILE without FORMAT: takes the format from the file's suffix.
SUFFIXES = ((".sarif.json", "sarif"), (".sarif", "sarif"), (".json", "json"), (".xml", "junit"),
            (".txt", "text"), (".log", "text"))
PROGRESS_DELAY = 0.5  # seconds before a run shows its progress line (short runs never do)


def _fail(message: str) -> NoReturn:
    click.echo(f"heatlint: {message}", err=True)
    sys.exit(2)


def _rules():
    from .check import RuleError, load_rules

    try:
        return load_rules()
    except RuleError as exc:
        _fail(str(exc))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="heatlint")
def main() -> None:
    """Static analysis of Apache httpd + uwsgi deployments of OpenStack Heat API (and any WSGI API).

    Shell completion: eval "$(_HEATLINT_COMPLETE=bash_source heatlint)" (zsh_source, fish_source).
    """
    try:
        os.getcwd()  # relative paths, the configuration file and the cache key all start here
    except OSError:
        _fail("the current folder no longer exists (it was removed after this shell entered it): "
              "cd into a folder that exists and run heatlint again")


def run() -> NoReturn:
    """The ``heatlint`` command (and ``python -m heatlint``): :func:`main`, then exit without
    taking the interpreter down object by object. A large run leaves millions of objects alive,
    and freeing them one at a time took 0.8 s of 5.2 at 10,000 vhosts, for nothing: by then every
    report is written and closed, the parse cache is written, the workers are stopped. Only a
    normal end (SystemExit) is cut short; anything else ends the usual way, traceback and all."""
    try:
        main()
        code = 0
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:  # sys.exit("message"): what Python would print
            print(exc.code, file=sys.stderr)
            code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (heatlint check | head): nothing to add
            pass
    os._exit(code)


def _comma_list(values: tuple[str, ...]) -> list[str] | None:
    items = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return items or None


def _parse_outputs(ctx, param, values: tuple[str, ...]) -> list[tuple[str, str]]:
    """``FORMAT:FILE`` or ``FILE`` (format from its suffix) → [(format, file)]."""
    outputs: list[tuple[str, str]] = []
    for value in values:
        fmt, sep, path = value.partition(":")
        if not (sep and fmt in FORMATS):
            fmt, path = next((f for suffix, f in SUFFIXES if value.lower().endswith(suffix)), ""), value
            if not fmt:
                raise click.BadParameter(
                    f"cannot tell the format of {value!r} from its name; write FORMAT:FILE, "
                    f"FORMAT one of {', '.join(FORMATS)}", ctx, param)
        if not path:
            raise click.BadParameter(f"{value!r} names no file", ctx, param)
        if any(os.path.abspath(path) == os.path.abspath(p) for _, p in outputs):
            raise click.BadParameter(f"{path!r} is named twice", ctx, param)
        outputs.append((fmt, path))
    return outputs


def _parse_jobs(ctx, param, value: str) -> int | None:
    """``auto`` (None: decided by the CPUs available) or a whole number from 1."""
    if value == "auto":
        return None
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise click.BadParameter(f"{value!r} is neither a whole number from 1 nor 'auto'", ctx, param)
    return jobs


def _color_console(file=None, stderr: bool = False):
    """A console that colours only a terminal, and never when NO_COLOR is set (FORCE_COLOR and
    TTY_COMPATIBLE=1 count as a terminal, as rich reads them)."""
    from rich.console import Console

    no_color = os.environ.get("NO_COLOR", "") != ""
    probe = Console(file=file, stderr=stderr)
    return Console(file=file, stderr=stderr, highlight=False, soft_wrap=not probe.is_terminal,
                   color_system=None if no_color else "auto")


class _ProgressLine:
    """A transient progress line on stderr, shown only when stderr is a terminal and the run is
    still going after PROGRESS_DELAY seconds; it is erased before the report is printed."""

    def __init__(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

        console = Console(stderr=True, color_system=None if os.environ.get("NO_COLOR") else "auto")
        self.progress = Progress(SpinnerColumn(), TextColumn("checking"), BarColumn(),
                                 MofNCompleteColumn(), TextColumn("deployments, {task.fields[files]} "
                                                                  "files read  {task.description}"),
                                 console=console, transient=True)
        self.task = self.progress.add_task("", total=None, files=0)
        self.lock = threading.Lock()
        self.started = self.stopped = False
        self.timer = threading.Timer(PROGRESS_DELAY, self._start)
        self.timer.daemon = True
        self.timer.start()

    @staticmethod
    def wanted() -> bool:
        try:
            return os.isatty(sys.stderr.fileno()) and os.environ.get("TERM") != "dumb"
        except (AttributeError, OSError, ValueError):
            return False  # stderr replaced by something without a descriptor (tests, IDEs)

    def _start(self) -> None:
        with self.lock:
            if not self.stopped:
                self.progress.start()
                self.started = True

    def __call__(self, done: int, total: int, name: str, files: int) -> None:
        self.progress.update(self.task, completed=done, total=total, description=name, files=files)

    def stop(self) -> None:
        self.timer.cancel()
        with self.lock:
            self.stopped = True
            if self.started:
                self.progress.stop()


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Report format on standard output [default: github when GITHUB_ACTIONS=true, "
                   "else text].")
@click.option("-o", "--output", "outputs", multiple=True, metavar="[FORMAT:]FILE",
              callback=_parse_outputs,
              help="Also write a report to FILE (repeatable), e.g. sarif:heatlint.sarif. Without "
                   "FORMAT it comes from the suffix: .sarif, .json, .xml (junit), .txt.")
@click.option("--fail-on", type=click.Choice(LEVELS), default=None,
              help="Lowest severity that makes the exit status 1 [default: error].")
@click.option("--exit-zero", is_flag=True,
              help="Exit 0 even when findings reach --fail-on (errors still exit 2).")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Report only findings that this baseline does not hold.")
@click.option("--write-baseline", "write_baseline_path", type=click.Path(dir_okay=False),
              metavar="FILE", help="Record every finding of this run in FILE and exit 0.")
@click.option("--changed-only", is_flag=True,
              help="PATHS are changed files (and folders to look in, default .): check only the "
                   "deployments that hold one of them (for pre-commit).")
@click.option("-q", "--quiet", is_flag=True,
              help="Text: print only the summary line, and nothing when nothing is found.")
@click.option("--statistics", is_flag=True, help="Also print how many findings each rule made.")
@click.option("--select", multiple=True, metavar="RULES",
              help="Only these rules: codes, code prefixes (HL3) or names, comma-separated.")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rules.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: .heatlint.toml or pyproject.toml [tool.heatlint], "
                   "found walking up from the working directory).")
@click.option("--show-config", is_flag=True, help="Print the effective configuration and exit.")
@click.option("--no-cache", is_flag=True,
              help="Neither read nor write the cache ($XDG_CACHE_HOME/heatlint, else "
                   "~/.cache/heatlint): parsed files, and the findings of the last runs with "
                   "what they read. The cache never changes a result.")
@click.option("-j", "--jobs", default="auto", metavar="N|auto", callback=_parse_jobs,
              help="Processes that may parse at once on a large tree [default: auto, one per CPU "
                   "up to 8]. Never changes a result.")
def check(paths: tuple[str, ...], fmt: str | None, outputs: list[tuple[str, str]],
          fail_on: str | None, exit_zero: bool, baseline_path: str | None,
          write_baseline_path: str | None, changed_only: bool, quiet: bool, statistics: bool,
          select: tuple[str, ...], ignore: tuple[str, ...], config_path: str | None,
          show_config: bool, no_cache: bool, jobs: int | None) -> None:
    """Check PATHS (default: /etc): system roots, etc/ folders, Apache ServerRoots, or loose
    Apache and uwsgi files."""
    import gc

    from .config import ConfigError, describe, load
    from .discover import UsageError
    from .pipeline import check_paths
    from .report import baseline

    rules = _rules()
    try:
        config = load(rules, path=config_path, overrides={
            "select": _comma_list(select), "ignore": _comma_list(ignore), "fail-on": fail_on})
    except ConfigError as exc:
        _fail(str(exc))
    if show_config:
        width = max(len(k) for k, _, _ in describe(config))
        for key, value, source in describe(config):
            click.echo(f"{key:<{width}}  {value}    ({source})")
        return
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    targets, changed = list(paths) or ["/etc"], None
    if changed_only:
        changed = [p for p in paths if not os.path.isdir(p)]
        for p in changed:
            if not os.path.lexists(p):
                _fail(f"{p}: no such file or directory")
        targets = [p for p in paths if os.path.isdir(p)] or ["."]
    progress = _ProgressLine() if not quiet and _ProgressLine.wanted() else None
    # No cycle collection for the rest of this process (see pipeline._no_gc): turning it back on
    # would make its first pass walk every object the run created, 10% of a large run.
    gc.disable()
    try:
        report = check_paths(targets, rules, config, changed=changed, progress=progress,
                             cache=not no_cache, jobs=jobs)
        everything = report.findings  # --write-baseline records them all, old and new
        if baseline_path:
            report.findings, report.baselined = baseline.new_findings(report.findings, baseline_path)
    except (UsageError, baseline.BaselineError) as exc:
        _fail(str(exc))
    except RecursionError:
        _fail("internal error: configuration nested too deeply to analyse")
    except Exception as exc:  # never a bare traceback for a user; HEATLINT_DEBUG=1 shows it
        if os.environ.get("HEATLINT_DEBUG"):
            raise
        _fail(f"internal error: {exc.__class__.__name__}: {exc} (set HEATLINT_DEBUG=1 for details)")
    finally:
        if progress is not None:
            progress.stop()
    _emit(report, fmt, outputs, quiet, statistics)
    if write_baseline_path:
        try:
            count = baseline.write(write_baseline_path, everything)
        except OSError as exc:
            _fail(f"{write_baseline_path}: cannot write the baseline: {exc.strerror or exc}")
        click.echo(f"heatlint: recorded {count} finding(s) in {write_baseline_path}", err=True)
        sys.exit(0)
    sys.exit(1 if report.failed and not exit_zero else 0)


def _emit(report, fmt: str, outputs: list[tuple[str, str]], quiet: bool, statistics: bool) -> None:
    """The report on standard output, then each --output file (each written whole or not at all)."""
    from .report import render, write_atomic

    try:
        if fmt == "text":
            from .report.text import render as render_text

            render_text(report, _color_console(), quiet=quiet, stats=statistics)
        else:
            text = render(fmt, report)
            if text:
                click.echo(text, nl=False)
            if statistics:
                from .report.text import render_statistics

                render_statistics(report, _color_console(stderr=True))
        for out_fmt, path in outputs:
            try:
                write_atomic(path, render(out_fmt, report))
            except OSError as exc:
                _fail(f"{path}: cannot write the {out_fmt} report: {exc.strerror or exc}")
    except Exception as exc:
        if os.environ.get("HEATLINT_DEBUG"):
            raise
        _fail(f"internal error: {exc.__class__.__name__}: {exc} (set HEATLINT_DEBUG=1 for details)")


@main.command()
@click.argument("path", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text",
              show_default=True, help="json: the documented dump format (version 1).")
def dump(path: str, fmt: str) -> None:
    """Print the Apache configuration of PATH as heatlint resolves it: every effective directive
    (after Include, Define/${VAR} and conditionals, in httpd's order, with file and line), then the
    loaded modules, included files, Listen addresses, virtual hosts and proxy routes."""
    from .discover import UsageError, discover
    from .resolve.deployment import build

    try:
        targets = [t for t in discover([path]) if t.whole_tree or t.snippets]
    except UsageError as exc:
        _fail(str(exc))
    if not targets:
        _fail(f"{path}: no Apache configuration here")
    if len(targets) > 1:
        _fail(f"{path} holds {len(targets)} Apache configurations; dump one of them: "
              + ", ".join(t.name for t in targets))
    try:
        config = build(targets[0]).apache
    except Exception as exc:  # never a bare traceback for a user; HEATLINT_DEBUG=1 shows it
        if os.environ.get("HEATLINT_DEBUG"):
            raise
        _fail(f"internal error: {exc.__class__.__name__}: {exc} (set HEATLINT_DEBUG=1 for details)")
    from .report import dump as report

    if fmt == "json":
        click.echo(report.render_json(config), nl=False)
    else:
        report.render_text(config, _color_console())


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(("text", "json", "markdown")), default="text",
              show_default=True, help="markdown: the page docs/rules.md, each rule's documentation.")
def list_rules(fmt: str) -> None:
    """List every rule: code, name, severity, family and summary."""
    rules = _rules()
    if fmt == "markdown":
        from .report.ruledoc import rules_page

        click.echo(rules_page(rules), nl=False)
        return
    if fmt == "json":
        import json

        click.echo(json.dumps([{"code": r.code, "name": r.name, "severity": r.severity,
                                "family": r.family, "summary": r.summary} for r in rules], indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("code", "name", "severity", "family", "summary", box=None)
    for r in rules:
        table.add_row(r.code, r.name, r.severity, r.family, r.summary)
    Console().print(table)


@main.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Show the documentation of RULE (a code such as HL301, or a name)."""
    for r in _rules():
        if rule.upper() == r.code or rule == r.name:
            click.echo(f"{r.code} {r.name} ({r.severity}, {r.family})\n\n{r.summary}\n\n{r.doc}")
            return
    _fail(f"no rule named {rule!r}; `heatlint rules` lists them")
