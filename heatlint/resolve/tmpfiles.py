"""systemd-tmpfiles configuration (tmpfiles.d(5)): the directories created at boot.

Unix sockets live in directories that nothing in Apache's or uwsgi's files creates: uwsgi binds
into an existing directory, and ``/run`` is empty after every boot. devstack writes
``/etc/tmpfiles.d/uwsgi.conf`` (``d /var/run/uwsgi 0755 stack root``); a mode or owner there
decides whether Apache's user may enter the directory to reach the socket. Only ``d`` and ``D``
lines are read: they are the ones that create directories with a mode and an owner.
"""

from __future__ import annotations

import re

from ..model import RuntimeDir
from ..source import Location

_MODE = re.compile(r"^[~:]*([0-7]{3,4})$")
_SPECIFIERS = {"%t": "/run", "%%": "%"}  # %t: the system runtime directory


def _field(fields: list[str], i: int) -> str:
    return fields[i] if len(fields) > i and fields[i] != "-" else ""


def runtime_dirs(text: str, shown: str) -> list[RuntimeDir]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        fields = stripped.split()
        kind = fields[0].rstrip("!-=~^+")  # modifiers: boot-only, ignore errors, …
        if kind not in ("d", "D") or len(fields) < 2:
            continue
        path = fields[1]
        for spec, value in _SPECIFIERS.items():
            path = path.replace(spec, value)
        if "%" in path:
            continue  # a per-user or per-machine specifier: not a fixed path
        mode_text = _field(fields, 2)
        m = _MODE.match(mode_text)
        mode = int(m.group(1), 8) if m else None
        column = line.index(fields[0]) + 1
        found.append(RuntimeDir(path, mode, _field(fields, 3), _field(fields, 4),
                                Location(shown, number, column)))
    return found
