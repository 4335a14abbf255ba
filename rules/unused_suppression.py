"""A ``# heatlint: disable=…`` comment that suppresses nothing.

Suppressions rot: the problem gets fixed, the rule gets renamed, the comment moves away from the
line it was about, and the comment stays, ready to hide the next real problem on that line. This
rule reports a suppression comment that hid no finding, or that names no rule at all.

Suppression syntax, in Apache files and uwsgi inis alike (``;`` also works in ini files)::

    # heatlint: disable=HL301 -- backend is on another host      (the next directive or option)
    # heatlint: disable-file=uwsgi-no-threads -- single-threaded by design   (the whole file)

Fixed: delete the comment, or correct the code or name it lists.
"""

from heatlint.check import Problem

CODE = "HL006"
NAME = "unused-suppression"
SEVERITY = "warning"
SUMMARY = "heatlint: disable comment that suppresses nothing or names no rule"
LATE = True


def check(deployment):
    for s in deployment.suppressions:
        if s.unknown:
            yield Problem(f"this suppression names {', '.join(map(repr, s.unknown))}, which is no "
                          "heatlint rule (see `heatlint rules`)", s.location)
        elif s.checked and not s.used:
            what = "in this file" if s.whole_file else "on the line after it"
            yield Problem(f"this suppression of {', '.join(s.rules)} suppresses nothing {what}; "
                          "remove it", s.location)
