"""A uwsgi app without a ``threads`` setting.

uwsgi's default is one thread per worker: each worker process serves one request at a time, so
concurrency is exactly ``processes``. Heat API calls block on other services; a few slow ones
occupy every worker while the rest queue. ``threads = N`` lets each worker overlap waiting
requests (and turns on Python thread support, which ``enable-threads`` alone also does).

Fixed::

    threads = 4
"""

from heatlint.check import Problem

CODE = "HL402"
NAME = "uwsgi-no-threads"
SEVERITY = "warning"
SUMMARY = "uwsgi app without threads: each worker serves one request at a time"


def check(deployment):
    for app in deployment.apps:
        if app.get("threads") is None:
            processes = app.get("processes")
            count = processes.value if processes is not None else "1"
            yield Problem(f"no `threads` setting: each of its {count} worker process(es) serves "
                          "one request at a time; set `threads = N`", app.location)
