"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

    ::error file=etc/apache2/sites-enabled/heat-api.conf,line=4,col=1,title=HL302 no-app-on-socket::…

GitHub shows each on the line it names in the pull request's diff and in the run's summary.
Severities map to ``error``, ``warning`` and ``notice``; related places are appended to the
message. Escaping follows the runner's rules (``%``, CR and LF everywhere; ``:`` and ``,`` too in
properties), so a message can never end the command early or start another.
"""

from __future__ import annotations

import os

from . import Report

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding) -> str:
    loc = finding.location
    path = loc.path if os.path.isabs(loc.path) else os.path.normpath(loc.path)  # ./rootfs → rootfs
    props = [f"file={escape_property(path)}"]
    if loc.line:
        props.append(f"line={loc.line}")
        if loc.column:
            props.append(f"col={loc.column}")
    props.append(f"title={escape_property(f'{finding.code} {finding.name}')}")
    message = finding.message
    for note in finding.related:
        message += f"\n-> {note.location}: {note.message}"
    return f"::{LEVEL[finding.severity]} {','.join(props)}::{escape_data(message)}"


def render(report: Report) -> str:
    return "\n".join(annotation(f) for f in report.findings)
