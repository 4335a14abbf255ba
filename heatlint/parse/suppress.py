"""Inline suppression comments, the same in Apache files and uwsgi inis::

    # heatlint: disable=HL301,no-app-on-port -- reason      (the next directive or option)
    # heatlint: disable-file=HL402 -- reason                (the whole file)

In ini files ``;`` works as well as ``#``. Codes and rule names may be mixed.
"""

from __future__ import annotations

import re

from ..source import Location, Suppression

_COMMENT = re.compile(
    r"^[#;]\s*heatlint:\s*(?P<kind>disable-file|disable)\s*=\s*(?P<rules>[^\s]+(?:\s*,\s*[^\s,]+)*)"
    r"(?:\s+--\s*(?P<reason>.*))?\s*$")


def parse_comment(text: str, location: Location) -> Suppression | None:
    """A Suppression if this comment line is one (text starts at the '#' or ';')."""
    if "heatlint" not in text:
        return None
    m = _COMMENT.match(text.strip())
    if not m:
        return None
    rules = tuple(r.strip() for r in m.group("rules").split(",") if r.strip())
    return Suppression(rules, location, m.group("kind") == "disable-file",
                       reason=(m.group("reason") or "").strip())
