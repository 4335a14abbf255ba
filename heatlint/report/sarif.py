"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning (github/codeql-action/upload-sarif),
GitLab, Azure DevOps and SARIF viewers.

One run. ``tool.driver.rules`` lists every rule with its summary, its full documentation (``help``,
as text and Markdown) and ``helpUri``, the rule's anchor in docs/rules.md (``…/docs/rules.md#hl301``).
Each result has the rule, a level (``error``, ``warning``, ``note`` for info), the message, the
place (a relative path is relative to ``%SRCROOT%``, the folder heatlint ran in), related places,
and ``partialFingerprints["heatlint/v1"]``: a hash of the baseline key (file, rule, normalised
source line, occurrence), so code scanning tracks a finding across edits that move it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from . import REPOSITORY, Report, rule_url
from .baseline import fingerprint, keyed
from .ruledoc import markdown

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"


def artifact(path: str) -> dict:
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(os.path.normpath(path).replace(os.sep, "/")), "uriBaseId": SRCROOT}


def _folder_uri(path: str) -> str:
    uri = Path(path).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _location(location, message: str | None = None, ident: int | None = None) -> dict:
    physical: dict = {"artifactLocation": artifact(location.path)}
    if location.line:
        region: dict = {"startLine": location.line}
        if location.column:
            region["startColumn"] = location.column
        if location.text:
            region["snippet"] = {"text": location.text}
        physical["region"] = region
    out: dict = {"physicalLocation": physical}
    if ident is not None:
        out["id"] = ident
    if message:
        out["message"] = {"text": message}
    return out


def _first_paragraph(doc: str) -> str:
    return doc.strip().split("\n\n", 1)[0].replace("\n", " ").replace("``", "`")


def _descriptor(rule) -> dict:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _first_paragraph(rule.doc) or rule.summary},
        "help": {"text": rule.doc or rule.summary, "markdown": markdown(rule.doc or rule.summary)},
        "helpUri": rule_url(rule.code),
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"tags": [rule.family], "family": rule.family},
    }


def render(report: Report) -> str:
    descriptors = [_descriptor(r) for r in report.rules]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    for f in report.findings:  # a finding from a rule the report was not told about
        if f.code not in index:
            index[f.code] = len(descriptors)
            descriptors.append({"id": f.code, "name": f.name, "helpUri": rule_url(f.code),
                                "shortDescription": {"text": f.name}})
    prints = {id(f): fingerprint(k) for k, f in keyed(report.findings)}
    results = []
    for f in report.findings:
        result = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [_location(f.location)],
            "partialFingerprints": {"heatlint/v1": prints[id(f)]},
        }
        if f.related:
            result["relatedLocations"] = [_location(n.location, n.message, i)
                                          for i, n in enumerate(f.related, 1)]
        results.append(result)
    run = {
        "tool": {"driver": {"name": "heatlint", "version": __version__,
                            "semanticVersion": __version__, "informationUri": REPOSITORY,
                            "rules": descriptors}},
        "originalUriBaseIds": {SRCROOT: {"uri": _folder_uri(os.getcwd())}},
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": True}],
        "results": results,
        "properties": {"summary": report.summary(), "baselined": report.baselined},
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2,
                      ensure_ascii=False)
