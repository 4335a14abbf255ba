"""Where things are: the one position type shared by every stage."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a file, as the user can open it. ``text`` is that source line, for reports."""

    path: str
    line: int = 0
    column: int = 0
    text: str = field(default="", compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, slots=True)
class Note:
    """A related location with what it says about the finding ("uwsgi listens here")."""

    location: Location
    message: str


@dataclass(frozen=True, slots=True)
class InputProblem:
    """Something the parse or resolve stage could not read as httpd/uwsgi would.

    The ``code`` names the input rule that reports it (HL001 for Apache syntax, …); rules in the
    input family turn these into findings, so suppression and levels work for them like any other.
    """

    code: str
    message: str
    location: Location
    related: tuple[Note, ...] = ()


@dataclass(slots=True)
class Suppression:
    """A ``# heatlint: disable=…`` comment. The engine marks what it did with it, so the
    unused-suppression rule can report the ones that suppress nothing."""

    rules: tuple[str, ...]  # codes or names, as written
    location: Location  # the comment
    whole_file: bool
    target_line: int = 0  # the line it applies to (0: the whole file, or nothing followed it)
    reason: str = ""
    used: bool = False  # it suppressed a finding
    checked: bool = False  # one of the rules it names ran
    unknown: tuple[str, ...] = ()  # what it names that is no rule at all

    def covers(self, code: str, name: str, path: str, line: int) -> bool:
        if path != self.location.path or not (code in self.rules or name in self.rules):
            return False
        return self.whole_file or (self.target_line != 0 and line == self.target_line)
