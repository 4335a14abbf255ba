"""Rule documentation as Markdown: for SARIF's ``help.markdown`` and for ``docs/rules.md``
(``heatlint rules --format markdown``), whose per-rule anchors (``#hl301``) SARIF's helpUri names.

Rule docstrings are plain text with two reStructuredText habits: ````literal```` and a paragraph
ending in ``::`` that introduces an indented literal block. Both become their Markdown forms.
"""

from __future__ import annotations

import re
import textwrap

from . import RULES_DOC, rule_url

_LITERAL = re.compile(r"``(.+?)``", re.DOTALL)  # may wrap onto the next line


def markdown(doc: str) -> str:
    out: list[str] = []
    prose: list[str] = []

    def flush() -> None:
        if prose:
            out.append(_LITERAL.sub(r"`\1`", "\n".join(prose)))
            prose.clear()

    lines = doc.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.rstrip().endswith("::"):
            prose.append(line)
            i += 1
            continue
        head = line.rstrip()[:-2].rstrip()
        if head:
            prose.append(head + ":")
        flush()
        i += 1
        block: list[str] = []
        while i < len(lines) and (not lines[i].strip() or lines[i][:1].isspace()):
            block.append(lines[i])
            i += 1
        code = textwrap.dedent("\n".join(block)).strip("\n")
        out.append(f"\n```\n{code}\n```\n")
    flush()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def rules_page(rules) -> str:
    """The whole of docs/rules.md."""
    parts = [
        "# heatlint rules\n",
        "<!-- Written by `heatlint rules --format markdown > docs/rules.md`; edit the rules' "
        "docstrings, not this file. -->\n",
        "Each rule has an anchor named after its code in lower case (`#hl301`); SARIF reports link "
        f"to them ({RULES_DOC}#hl301). `heatlint explain CODE` prints the same text.\n",
        "| code | name | severity | summary |\n| --- | --- | --- | --- |",
        *(f"| [{r.code}](#{r.code.lower()}) | `{r.name}` | {r.severity} | {r.summary} |" for r in rules),
        "",
    ]
    for r in rules:
        parts += [f'<a id="{r.code.lower()}"></a>\n',
                  f"## {r.code} `{r.name}`\n",
                  f"*{r.severity}, {r.family}* — {r.summary}\n",
                  markdown(r.doc)]
    return "\n".join(parts)


__all__ = ["markdown", "rules_page", "rule_url"]
