"""A uwsgi app without a ``threads`` setting.

uwsgi's default is one thread per worker: each worker process serves one request at a time, so
concurrency is exactly ``processes``. Heat API calls block on other services; a few slow ones
occupy every worker while the rest queue. ``threads = N`` lets each worker overlap waiting
requests (and turns on Python thread support, which ``enable-threads`` alone also does).

Option ``min-threads`` (default 1): also warn when the value is lower.

Fixed::

    threads = 4
"""

from heatlint.check import Problem

CODE = "HL402"
NAME = "uwsgi-no-threads"
SEVERITY = "warning"
SUMMARY = "uwsgi app without threads: each worker serves one request at a time"
OPTIONS = {"min-threads": 1}  # also warn when an explicit value is below this


def check(deployment, options):
    minimum = options["min-threads"]
    for app in deployment.apps:
        setting = app.get("threads")
        if setting is None:
            workers = app.number("processes") or 1
            yield Problem(f"no `threads` setting: each of its {workers} worker process(es) serves "
                          "one request at a time; set `threads = N`", app.location)
        elif app.number("threads") < minimum:
            yield Problem(f"`threads = {setting.value}` is below the configured minimum of "
                          f"{minimum} threads per worker (min-threads)", setting.location)
