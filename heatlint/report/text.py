"""The terminal report: findings grouped by file, each with its source line and related places."""

from __future__ import annotations

from itertools import groupby

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from . import Report

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def render(report: Report, console: Console) -> None:
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
    s = report.summary()
    if not report.findings:
        console.print(f"[green]No problems found[/green] in {s['files']} file(s), "
                      f"{s['deployments']} deployment(s).")
        return
    parts = [f"{s['errors']} error(s)", f"{s['warnings']} warning(s)"]
    if s["infos"]:
        parts.append(f"{s['infos']} info")
    verdict = "[red]failed[/red]" if report.failed else "[green]passed[/green]"
    console.print(f"{', '.join(parts)} in {s['files']} file(s), {s['deployments']} deployment(s): "
                  f"{verdict} (--fail-on {report.fail_on}).")
