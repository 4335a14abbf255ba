"""A uwsgi app without an explicit ``processes`` (or ``workers``) setting.

uwsgi's default is **one** worker process. With the default single thread too, that worker
handles one request at a time: one slow Heat call (a stack create that waits on Nova) stalls every
other request behind it, and clients time out. Apache keeps queueing; nothing is logged.

Note that ``p = 4`` is not this setting in an ini file (single letters are command-line only).

Option ``min-processes`` (default 1): also warn when the value is lower.

Fixed::

    processes = 4
    threads = 2
"""

from heatlint.check import Problem

CODE = "HL401"
NAME = "uwsgi-no-processes"
SEVERITY = "warning"
SUMMARY = "uwsgi app without processes/workers: one worker serialises requests"
OPTIONS = {"min-processes": 1}  # also warn when an explicit value is below this


def check(deployment, options):
    minimum = options["min-processes"]
    for app in deployment.apps:
        setting = app.get("processes")
        if setting is None:
            yield Problem("no `processes` (or `workers`) setting: uwsgi runs a single worker "
                          "process, so requests wait for each other; set `processes = N`", app.location)
        elif app.number("processes") < minimum:
            yield Problem(f"`{setting.key} = {setting.value}` is below the configured minimum of "
                          f"{minimum} worker processes (min-processes)", setting.location)

