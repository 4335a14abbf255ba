"""A uwsgi option value that uwsgi reads as something else, or refuses.

uwsgi reads numbers with C ``atoi``: ``processes = four`` or ``processes = 0`` means zero workers,
"Operational MODE: no-workers": the socket is bound and accepts connections, and no request is
ever answered (Apache: 502/500 after its timeout). A negative number is fatal at start-up
("invalid value for option … must be > 0"). ``chmod-socket`` takes exactly three octal digits (or
``1`` for 666): a bare ``chmod-socket``, ``0666`` or ``true`` is fatal ("invalid chmod value").

Failing::

    processes = four
    chmod-socket = 0666

Fixed::

    processes = 4
    chmod-socket = 666
"""

import re

from heatlint.check import Problem

CODE = "HL404"
NAME = "uwsgi-bad-value"
SEVERITY = "error"
SUMMARY = "uwsgi option value read as something else or refused (no workers, bad chmod)"

_COUNTS = ("processes", "threads")
_INT = re.compile(r"^\s*-?\d+\s*$")


def check(deployment):
    for app in deployment.apps:
        for name in _COUNTS:
            opt = app.get(name)
            if opt is None:
                continue
            number = app.number(name)
            if number < 0:
                yield Problem(f"`{opt.key} = {opt.value}`: uwsgi refuses to start (\"invalid value for "
                              f"option {name}: must be > 0\")", opt.location)
            elif name == "processes" and number == 0:
                why = "is not a number" if not _INT.match(opt.value) else "is zero"
                yield Problem(f"`{opt.key} = {opt.value}` {why}: uwsgi reads 0 workers (\"no-workers\" "
                              "mode): the socket accepts connections and no request is ever answered",
                              opt.location)
        for opt in app.all("chmod-socket"):
            value = opt.value
            if value != "1" and not re.fullmatch(r"[0-7]{3}", value):
                shown = f"`chmod-socket = {value}`" if value else "a bare `chmod-socket`"
                yield Problem(f"{shown}: uwsgi refuses to start (\"invalid chmod value\"); it takes "
                              "exactly three octal digits such as 660 or 666", opt.location)
