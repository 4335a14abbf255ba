"""``--format junit``: JUnit XML, which Jenkins, GitLab, Azure Pipelines and most CI systems show as
test results.

One ``<testsuite>`` per file with findings, one ``<testcase>`` per finding (classname: the file;
name: code, rule name and position). A finding that reaches ``--fail-on`` is a ``<failure>``; one
below it is ``<skipped>`` (reported, not failing), so the test counts agree with the exit status.
A run without findings is one passing test case, ``heatlint``, so the report is never empty.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby

from . import Report

# XML 1.0 cannot hold these characters at all, not even escaped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _details(finding) -> str:
    loc = finding.location
    lines = [f"{loc.path}:{loc.line}:{loc.column}: {finding.severity} {finding.code} "
             f"[{finding.name}] {finding.message}" if loc.line else
             f"{loc.path}: {finding.severity} {finding.code} [{finding.name}] {finding.message}"]
    if loc.text.strip():
        lines.append(f"    | {loc.text.strip()}")
    for note in finding.related:
        lines.append(f"    -> {note.location}: {note.message}")
        if note.location.text.strip():
            lines.append(f"       | {note.location.text.strip()}")
    return _clean("\n".join(lines))


def _counts(element: ET.Element, tests: int, failures: int, skipped: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", "0")
    element.set("skipped", str(skipped))


def render(report: Report) -> str:
    root = ET.Element("testsuites", name="heatlint")
    total = failures = skipped = 0
    for path, group in groupby(report.findings, key=lambda f: f.location.path):
        group = list(group)
        suite = ET.SubElement(root, "testsuite", name=_clean(path))
        suite_failures = suite_skipped = 0
        for f in group:
            pos = f" ({f.location.line}:{f.location.column})" if f.location.line else ""
            case = ET.SubElement(suite, "testcase", classname=_clean(path),
                                 name=f"{f.code} {f.name}{pos}", file=_clean(path))
            if f.location.line:
                case.set("line", str(f.location.line))
            if report.fails(f):
                failure = ET.SubElement(case, "failure", type=f.code, message=_clean(f.message))
                failure.text = _details(f)
                suite_failures += 1
            else:
                ET.SubElement(case, "skipped", message=_clean(
                    f"{f.severity} below --fail-on {report.fail_on}: {f.message}"))
                suite_skipped += 1
        _counts(suite, len(group), suite_failures, suite_skipped)
        total, failures, skipped = total + len(group), failures + suite_failures, skipped + suite_skipped
    if not report.findings:
        s = report.summary()
        suite = ET.SubElement(root, "testsuite", name="heatlint")
        case = ET.SubElement(suite, "testcase", classname="heatlint", name="heatlint")
        out = ET.SubElement(case, "system-out")
        out.text = (f"no problems found in {s['files']} file(s), {s['deployments']} deployment(s)"
                    + (f"; {report.baselined} finding(s) in the baseline" if report.baselined else ""))
        _counts(suite, 1, 0, 0)
        total = 1
    _counts(root, total, failures, skipped)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")
