"""Report stage: findings → text for a person or JSON for a machine. Reporters see only findings
and the run's counts, never the model."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..check import Finding
from ..check.engine import SEVERITIES


@dataclass
class Report:
    findings: list[Finding]
    deployments: list[str] = field(default_factory=list)
    files: int = 0
    fail_on: str = "error"

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def failed(self) -> bool:
        if self.fail_on == "never":
            return False
        floor = SEVERITIES.index(self.fail_on)
        return any(SEVERITIES.index(f.severity) >= floor for f in self.findings)

    def summary(self) -> dict:
        return {"errors": self.count("error"), "warnings": self.count("warning"),
                "infos": self.count("info"), "files": self.files,
                "deployments": len(self.deployments), "failed": self.failed}
