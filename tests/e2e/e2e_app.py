"""The WSGI app every end-to-end scenario serves (copied into the scenario as /etc/heat/e2e_app.py).

It answers every request with JSON saying which app answered (the uwsgi ini file, or the mod_wsgi
process group) and what the app saw as SCRIPT_NAME and PATH_INFO, so the harness can tell "200
from the right app at the right path" from "200 from the wrong app" or "a path the app would not
route". A path ending in ``/sleep`` waits ``?s=`` seconds first, for the concurrency probe, and
every answer says when the app started and finished serving it.
"""

import json
import os
import threading
import time
from urllib.parse import parse_qs


def _identity(environ):
    try:
        import uwsgi  # only importable inside uwsgi
    except ImportError:
        return "mod_wsgi:" + environ.get("mod_wsgi.process_group", "")
    ini = uwsgi.opt.get("ini", b"")
    if isinstance(ini, list):
        ini = ini[-1]
    if isinstance(ini, bytes):
        ini = ini.decode("utf-8", "replace")
    return os.path.basename(ini)


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    started = time.time()
    if path.endswith("/sleep"):
        seconds = parse_qs(environ.get("QUERY_STRING", "")).get("s", ["1"])[0]
        time.sleep(min(float(seconds), 10.0))
    body = json.dumps({
        "started": started,  # when the app began serving, so the harness can see overlap
        "ended": time.time(),
        "app": _identity(environ),
        "script_name": environ.get("SCRIPT_NAME", ""),
        "path_info": path,
        "token_bytes": len(environ.get("HTTP_X_AUTH_TOKEN", "")),
        "pid": os.getpid(),
        "thread": threading.get_ident(),
    }).encode()
    start_response("200 OK", [("Content-Type", "application/json"),
                              ("Content-Length", str(len(body)))])
    return [body]
