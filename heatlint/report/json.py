"""``--format json``: the documented machine-readable report (version 1)."""

from __future__ import annotations

import json

from . import Report


def _loc(location) -> dict:
    return {"path": location.path, "line": location.line, "column": location.column}


def render(report: Report) -> str:
    findings = [
        {"code": f.code, "name": f.name, "severity": f.severity, "message": f.message,
         **_loc(f.location),
         "related": [{**_loc(n.location), "message": n.message} for n in f.related]}
        for f in report.findings
    ]
    return json.dumps({"version": 1, "findings": findings, "summary": report.summary()}, indent=2)
