"""A route whose path names one Heat service while the uwsgi app behind it runs the other.

Heat has two APIs: ``heat-api`` (``heat.wsgi.api:application``, the OpenStack orchestration API,
usually at ``/heat-api`` or ``/orchestration``) and ``heat-api-cfn`` (``heat.wsgi.cfn:application``,
the CloudFormation-compatible API at ``/heat-api-cfn``). Swapped sockets or ports between the two
start fine and fail per request: the Keystone catalog sends orchestration calls to the CFN API,
which answers with 404s and CloudFormation XML errors clients cannot read.

Failing::

    ProxyPass "/heat-api-cfn" "unix:/var/run/uwsgi/heat-api.socket|uwsgi://uwsgi-uds-heat-api-cfn"
    # heat-api-uwsgi.ini: socket = /var/run/uwsgi/heat-api.socket, module = heat.wsgi.api:application

Fixed: route ``/heat-api-cfn`` to the socket of the app whose module is ``heat.wsgi.cfn``.
"""

from heatlint.check import Problem
from heatlint.source import Note

from ._common import backends, live_routes
from ._heat import service_of_app, service_of_path

CODE = "HL601"
NAME = "heat-service-mismatch"
SEVERITY = "error"
SUMMARY = "route for one Heat API (heat-api / heat-api-cfn) reaches the app of the other"

_NAMES = {"api": "heat-api (heat.wsgi.api)", "cfn": "heat-api-cfn (heat.wsgi.cfn)"}


def check(deployment):
    for route in live_routes(deployment):
        wanted = service_of_path(route.path)
        if not wanted:
            continue
        for app, listener in backends(deployment, route):
            running = service_of_app(app)
            if running and running != wanted:
                yield Problem(f"{route.path} is the {_NAMES[wanted]} path, but it reaches {app.path}, "
                              f"which runs {_NAMES[running]}: clients get the wrong API",
                              route.location, (Note(app.application.location, "the app it reaches"),))
