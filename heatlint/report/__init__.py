"""Report stage: findings → a report for a person (text) or a machine (json, sarif, github, junit).
Reporters see only findings, the rules' documentation and the run's counts, never the model."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..check import Finding
from ..check.engine import SEVERITIES

FORMATS = ("text", "json", "sarif", "github", "junit")

# Where each rule's documentation lives: docs/rules.md in heatlint's repository, one anchor per rule
# named after its code in lower case (#hl301). Codes never change meaning, so the anchors are stable;
# `heatlint rules --format markdown` writes that page. SARIF's helpUri points here.
REPOSITORY = "https://github.com/heatlint/heatlint"
RULES_DOC = f"{REPOSITORY}/blob/main/docs/rules.md"


def rule_url(code: str) -> str:
    return f"{RULES_DOC}#{code.lower()}"


@dataclass
class Report:
    findings: list[Finding]
    deployments: list[str] = field(default_factory=list)
    files: int = 0
    fail_on: str = "error"
    rules: list = field(default_factory=list)  # heatlint.check.Rule: their codes and documentation
    baselined: int = 0  # findings left out because the baseline holds them

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def fails(self, finding: Finding) -> bool:
        """Whether this finding alone makes the run fail (it reaches ``fail_on``)."""
        if self.fail_on == "never":
            return False
        return SEVERITIES.index(finding.severity) >= SEVERITIES.index(self.fail_on)

    @property
    def failed(self) -> bool:
        return any(self.fails(f) for f in self.findings)

    def summary(self) -> dict:
        return {"errors": self.count("error"), "warnings": self.count("warning"),
                "infos": self.count("info"), "files": self.files,
                "deployments": len(self.deployments), "failed": self.failed}

    def rule(self, code: str):
        return next((r for r in self.rules if r.code == code), None)


def render(fmt: str, report: Report) -> str:
    """The whole report in ``fmt`` as text, as it is written to a file (text without colour)."""
    if fmt == "text":
        import io

        from rich.console import Console

        from .text import render as render_text

        buffer = io.StringIO()
        render_text(report, Console(file=buffer, color_system=None, force_terminal=False,
                                    highlight=False, soft_wrap=True, width=100))
        return buffer.getvalue()
    module = {"json": "json", "sarif": "sarif", "github": "github", "junit": "junit"}[fmt]
    from importlib import import_module

    text = import_module(f"{__name__}.{module}").render(report)
    return text if text.endswith("\n") or not text else text + "\n"


def write_atomic(path: str, text: str) -> None:
    """Write ``text`` to ``path`` so that no reader ever sees half of it: a temporary file in the
    same folder, flushed to disk, then renamed over ``path``. Raises OSError."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    import tempfile  # here: only runs that write a file need it

    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            mode = os.stat(path).st_mode & 0o7777  # keep the mode of the file it replaces
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask  # what open() would have created (mkstemp makes 0600)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
