"""A uwsgi unix socket that Apache's user is not allowed to connect to, or to reach.

Connecting to a unix socket needs **write** permission on it. uwsgi creates the socket as the user
it runs as (``uid``, else whoever started it: root, or the service's ``User=``) with mode
``0777 & ~umask``, i.e. ``0755`` (``srwxr-xr-x``), unless ``chmod-socket`` says otherwise, and
``chown-socket`` hands it to another owner. Apache's children run as ``www-data`` (Debian) or
``apache`` (Red Hat); when that user is neither the owner (with ``u+w``) nor in the group (with
``g+w``) and the mode has no ``o+w``, every request gets **503**: "(13)Permission denied: AH02454:
uwsgi: attempt to connect to Unix domain socket …".

Apache's user comes from the tree's ``User``/``Group`` (after envvars); where the tree does not say
(loose snippets), the settings ``apache-user`` and ``apache-group`` name it, else the layout's
default. The owner is taken from ``chown-socket``, else ``uid``/``gid``; without them the socket belongs to
the user that starts uwsgi, which these files do not say: only a mode that lets anyone write
(``chmod-socket = 666``) is then known to work.

Every directory on the socket's path must also be searchable (``x``) by Apache's user: a ``0666``
socket in a ``0700`` root-owned directory gets the same 503 "(13)Permission denied: AH02454". No
Apache or uwsgi file creates that directory; ``/etc/tmpfiles.d`` does (devstack:
``d /var/run/uwsgi 0755 stack root``), and those lines are checked too. A directory made some other
way (a systemd ``RuntimeDirectory=``, a start script) is not seen.

Failing::

    socket = /var/run/uwsgi/heat-api.socket
    chmod-socket = 660
    uid = heat
    gid = heat

Fixed: ``chmod-socket = 666`` (devstack), or ``gid = www-data`` with ``chmod-socket = 660``, or
``chown-socket = www-data:www-data`` with ``chmod-socket = 660``; and a socket directory others can
enter (``d /var/run/uwsgi 0755 heat root``).

Verified end to end: tests/e2e/scenarios/broken-socket-*.toml (including
broken-socket-dir-not-traversable.toml), works-socket-gid-www-data.toml, works-chown-socket.toml.
"""

import posixpath
import re

from heatlint.check import Problem
from heatlint.source import Note

from ._common import apache_identity, first_routes

CODE = "HL454"
NAME = "unix-socket-permission"
SEVERITY = "error"
SUMMARY = "uwsgi unix socket Apache's user cannot write to (HTTP 503 Permission denied)"
# Who Apache runs as when the tree does not say (no User line, or loose snippets); "" means the
# layout's default: www-data on Debian, apache on Red Hat.
OPTIONS = {"apache-user": "", "apache-group": ""}

DEFAULT_MODE = 0o755  # 0777 & ~022; also systemd-tmpfiles' default for a directory


def _mode(app):
    opt = app.get("chmod-socket")
    if opt is None:
        return DEFAULT_MODE, None
    if opt.value == "1":
        return 0o666, opt
    if re.fullmatch(r"[0-7]{3}", opt.value):
        return int(opt.value, 8), opt
    return None, opt  # refused by uwsgi at start-up: HL404 says so


def _owner(app) -> tuple[str, str]:
    """(user, group) that will own the socket; "" when these files do not say."""
    chown = app.get("chown-socket")
    if chown is not None and chown.value.strip():
        user, _, group = chown.value.strip().partition(":")
        return user, group or (app.get("gid").value.strip() if app.get("gid") else "")
    uid = app.get("uid")
    gid = app.get("gid")
    return (uid.value.strip() if uid else ""), (gid.value.strip() if gid else "")


def _run_path(path: str) -> str:
    """/var/run is a link to /run."""
    return "/run" + path[len("/var/run"):] if path == "/var/run" or path.startswith("/var/run/") else path


def _may(mode: int, owner: str, owner_group: str, user: str, group: str, bit: int) -> bool:
    """Does ``user``/``group`` get permission ``bit`` (4 read, 2 write, 1 search) by ``mode``?"""
    return bool(mode & bit or (mode & bit << 3 and owner_group == group)
                or (mode & bit << 6 and owner == user))


def _closed_directory(deployment, socket_path: str, user: str, group: str):
    """The first directory above the socket that tmpfiles.d creates without search permission
    for Apache's user, or None."""
    made = {}
    for rd in deployment.runtime_dirs:  # a later line for the same path wins, as in systemd
        made[_run_path(rd.path.rstrip("/"))] = rd
    directory = posixpath.dirname(_run_path(socket_path))
    chain = []
    while directory not in ("/", ""):
        chain.append(directory)
        directory = posixpath.dirname(directory)
    for directory in reversed(chain):
        rd = made.get(directory)
        if rd is None:
            continue
        mode = DEFAULT_MODE if rd.mode is None else rd.mode
        if not _may(mode, rd.user or "root", rd.group or "root", user, group, 1):
            return rd, mode
    return None


def check(deployment, options):
    user, group = apache_identity(deployment, options["apache-user"], options["apache-group"])
    seen = set()  # run directories reported
    for route, app, listener in first_routes(deployment, lambda app, listener: id(listener)):
        if listener.endpoint.transport != "unix":
            continue
        closed = _closed_directory(deployment, listener.endpoint.path, user, group)
        if closed is not None and id(closed[0]) not in seen:
            rd, mode = closed
            seen.add(id(rd))
            yield Problem(
                f"{rd.path} is created {mode:04o} {rd.user or 'root'}:{rd.group or 'root'}, and the "
                f"socket {listener.address} is inside it: Apache's user {user} (group {group}) "
                "cannot enter the directory, so requests get 503 (\"(13)Permission denied: "
                "AH02454\") whatever the socket's own mode; make it 0755", rd.location,
                (Note(listener.location, "uwsgi binds the socket here"),
                 Note(route.location, "Apache connects here")))
        mode, chmod = _mode(app)
        if mode is None or mode & 0o002:
            continue
        owner, owner_group = _owner(app)
        if owner.isdigit() or owner_group.isdigit():
            continue  # numeric ids: which names they are is on the host, not in these files
        if _may(mode, owner, owner_group, user, group, 2):
            continue
        how = f"`chmod-socket = {chmod.value}`" if chmod else "no `chmod-socket` (mode 0755)"
        if owner:
            whose = f"owned by {owner}" + (f":{owner_group}" if owner_group else " and its group")
        else:
            whose = "owned by whoever starts uwsgi (no uid or chown-socket here)"
        yield Problem(
            f"the socket {listener.address} gets {how}, {whose}: Apache's user {user} (group "
            f"{group}) cannot write to it, so requests get 503 (\"(13)Permission denied: "
            f"AH02454\"); use `chmod-socket = 666`, or `chown-socket = {user}:{group}` with "
            "`chmod-socket = 660`", listener.location,
            (Note(route.location, "Apache connects here"),))
