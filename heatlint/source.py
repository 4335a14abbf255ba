"""Where things are: the one position type shared by every stage."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """A place in a file, as the user can open it. ``text`` is that source line, for reports."""

    path: str
    line: int = 0
    column: int = 0
    text: str = field(default="", compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Note:
    """A related location with what it says about the finding ("uwsgi listens here")."""

    location: Location
    message: str


@dataclass(frozen=True)
class InputProblem:
    """Something the parse or resolve stage could not read as httpd/uwsgi would.

    The ``code`` names the input rule that reports it (HL001 for Apache syntax, …); rules in the
    input family turn these into findings, so suppression and levels work for them like any other.
    """

    code: str
    message: str
    location: Location
    related: tuple[Note, ...] = ()
