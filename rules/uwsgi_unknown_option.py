"""A key in a ``[uwsgi]`` section that is no uwsgi option: uwsgi silently ignores it.

uwsgi accepts any key (it becomes a custom placeholder) and says nothing, so a typo quietly
does nothing: ``vaccum = true`` leaves sockets behind, ``process = 2`` runs one worker, ``p = 4``
(single letters are command-line shortcuts only) and ``buffer_size`` (ini keys are never
normalised) change nothing. Both ``vaccum`` and ``process`` occur in real published files.

The option table is the one the real uwsgi 2.0 prints with ``--help`` for its core and every
Debian plugin. A key the file itself uses as ``%(key)``, one made by ``declare-option``, and
``start-time`` (devstack's placeholder that OpenStack services read) are not reported.

Failing::

    [uwsgi]
    vaccum = true
    process = 2

Fixed::

    [uwsgi]
    vacuum = true
    processes = 2
"""

import difflib

from heatlint.check import Problem
from heatlint.resolve.uwsgi import option_table

CODE = "HL403"
NAME = "uwsgi-unknown-option"
SEVERITY = "warning"
SUMMARY = "key uwsgi does not know (silently ignored), with a did-you-mean"

KNOWN_PLACEHOLDERS = {"start-time"}  # devstack writes it; services read it through uwsgi.opt


def _suggestion(key: str) -> str:
    table = option_table()
    shortcuts = sorted(name for name, (short, _) in table.items() if short and short == key)
    if shortcuts:
        return (f"-{key} is a command-line shortcut only; in an ini file write "
                f"{' or '.join(shortcuts)}")
    if key.replace("_", "-") in table:
        return f"uwsgi never turns '_' into '-' in ini keys: write {key.replace('_', '-')}"
    if key.lower() in table:
        return f"ini keys are case-sensitive: write {key.lower()}"
    close = difflib.get_close_matches(key, table.keys(), n=1, cutoff=0.75)
    return f"did you mean {close[0]}?" if close else "check `uwsgi --help` for the option's name"


def check(deployment):
    for app in deployment.apps:
        for opt in app.options:
            if opt.origin or opt.key in KNOWN_PLACEHOLDERS or not opt.key:
                continue
            yield Problem(f"uwsgi has no option {opt.key!r} and silently ignores it: "
                          f"{_suggestion(opt.key)}", opt.location)
