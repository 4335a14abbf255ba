#!/usr/bin/env python3
"""Regenerate what the rules document about themselves: the README's rule table and docs/rules.md.

    python3 tools/update_docs.py

Tests fail when either is stale, printing this command.
"""

from __future__ import annotations

import re
from pathlib import Path

from heatlint.check import load_rules
from heatlint.report.ruledoc import rules_page

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- rules-table:start -->", "<!-- rules-table:end -->"


def rules_table() -> str:
    rows = ["| code | name | severity | what it finds |", "| --- | --- | --- | --- |"]
    rows += [f"| {r.code} | `{r.name}` | {r.severity} | {r.summary} |" for r in load_rules()]
    return "\n".join(rows)


def readme_with_table(readme: str) -> str:
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    return pattern.sub(lambda _: f"{START}\n{rules_table()}\n{END}", readme)


def main() -> None:
    readme = ROOT / "README.md"
    readme.write_text(readme_with_table(readme.read_text()))
    (ROOT / "docs" / "rules.md").write_text(rules_page(load_rules()))


if __name__ == "__main__":
    main()
