"""The terminal report: findings grouped by file, each with its source line and related places,
then (``--statistics``) a count per rule, then one summary line."""

from __future__ import annotations

from collections import Counter
from itertools import groupby

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from . import Report

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def summary_line(report: Report) -> Text:
    """One line that says what was checked, what was found and the verdict."""
    s = report.summary()
    where = f"in {s['files']} file(s), {s['deployments']} deployment(s)"
    line = Text()
    if not report.findings:
        line.append("No problems found", style="green")
        line.append(f" {where}.")
    else:
        parts = [f"{s['errors']} error(s)", f"{s['warnings']} warning(s)"]
        if s["infos"]:
            parts.append(f"{s['infos']} info")
        line.append(f"{', '.join(parts)} {where}: ")
        if report.failed:
            line.append("failed", style="red")
        else:
            line.append("passed", style="green")
        line.append(f" (--fail-on {report.fail_on}).")
    if report.baselined:
        line.append(f" {report.baselined} finding(s) in the baseline not shown.", style="dim")
    return line


def statistics(report: Report) -> list[tuple[int, str, str, str]]:
    """(count, code, name, severity) per rule that found something, most frequent first."""
    counts = Counter((f.code, f.name, f.severity) for f in report.findings)
    return sorted(((n, code, name, sev) for (code, name, sev), n in counts.items()),
                  key=lambda row: (-row[0], row[1], row[3]))


def render_statistics(report: Report, console: Console) -> None:
    rows = statistics(report)
    if not rows:
        return
    width = max(len(name) for _, _, name, _ in rows)
    for count, code, name, severity in rows:
        line = Text(f"{count:>6}  ")
        line.append(code, style="bold")
        line.append(f"  {name:<{width}}  ")
        line.append(severity, style=_STYLE[severity])
        console.print(line)
    console.print()


def render(report: Report, console: Console, *, quiet: bool = False, stats: bool = False) -> None:
    """``quiet``: only the summary line, and nothing at all when nothing was found."""
    if not quiet:
        _render_findings(report, console)
    if stats:
        render_statistics(report, console)
    if quiet and not report.findings:
        return
    console.print(summary_line(report))


def _render_findings(report: Report, console: Console) -> None:
    for path, group in groupby(report.findings, key=lambda f: f.location.path):
        console.print(Text(path, style="bold underline"))
        for f in group:
            pos = f"{f.location.line}:{f.location.column}" if f.location.line else "-"
            line = Text("  ")
            line.append(f"{pos:>7}  ", style="dim")
            line.append(f"{f.severity:<7}", style=_STYLE[f.severity])
            line.append(f" {f.code} ", style="bold")
            line.append(f.message)
            line.append(f"  [{f.name}]", style="dim")
            console.print(line)
            if f.location.text.strip():
                console.print(Text(f"           | {f.location.text.strip()}", style="dim"))
            for note in f.related:
                console.print(f"           [dim]-> {escape(str(note.location))}:[/dim] "
                              f"{escape(note.message)}")
                if note.location.text.strip():
                    console.print(Text(f"              | {note.location.text.strip()}", style="dim"))
        console.print()
