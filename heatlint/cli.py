"""Command line: ``heatlint check``, ``heatlint rules``, ``heatlint explain``.

Exit status: 0 when no finding reaches ``--fail-on``, 1 when one does, 2 for a usage error, a path
that cannot be read at all, or an internal error.
"""

from __future__ import annotations

import os
import sys

import click

from . import __version__

FORMATS = ("text", "json")
LEVELS = ("error", "warning", "info", "never")


def _fail(message: str) -> "NoReturn":  # noqa: F821
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
    """Static analysis of Apache httpd + uwsgi deployments of OpenStack Heat API (and any WSGI API)."""


def _comma_list(values: tuple[str, ...]) -> list[str] | None:
    items = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return items or None


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Report format.")
@click.option("--fail-on", type=click.Choice(LEVELS), default=None,
              help="Lowest severity that makes the exit status 1 [default: error].")
@click.option("--select", multiple=True, metavar="RULES",
              help="Only these rules: codes, code prefixes (HL3) or names, comma-separated.")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rules.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: .heatlint.toml or pyproject.toml [tool.heatlint], "
                   "found walking up from the working directory).")
@click.option("--show-config", is_flag=True, help="Print the effective configuration and exit.")
def check(paths: tuple[str, ...], fmt: str, fail_on: str | None, select: tuple[str, ...],
          ignore: tuple[str, ...], config_path: str | None, show_config: bool) -> None:
    """Check PATHS (default: /etc): system roots, etc/ folders, Apache ServerRoots, or loose
    Apache and uwsgi files."""
    from .config import ConfigError, describe, load
    from .discover import UsageError
    from .pipeline import check_paths

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
    try:
        report = check_paths(list(paths) or ["/etc"], rules, config)
    except UsageError as exc:
        _fail(str(exc))
    except RecursionError:
        _fail("internal error: configuration nested too deeply to analyse")
    except Exception as exc:  # never a bare traceback for a user; HEATLINT_DEBUG=1 shows it
        if os.environ.get("HEATLINT_DEBUG"):
            raise
        _fail(f"internal error: {exc.__class__.__name__}: {exc} (set HEATLINT_DEBUG=1 for details)")
    if fmt == "json":
        from .report.json import render

        click.echo(render(report))
    else:
        from rich.console import Console

        from .report.text import render

        render(report, Console(highlight=False, soft_wrap=not sys.stdout.isatty()))
    sys.exit(1 if report.failed else 0)


@main.command("rules")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
def list_rules(fmt: str) -> None:
    """List every rule: code, name, severity, family and summary."""
    rules = _rules()
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
