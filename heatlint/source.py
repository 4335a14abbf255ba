"""Where things are: the one position type shared by every stage."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


def pickled_by_constructor(cls):
    """Pickle a slotted dataclass as a call of its constructor. dataclasses' own __setstate__
    for slotted classes looks up the fields and sets each from Python, which made loading parse
    results (from the cache and from worker processes) 2.5 times slower."""
    from operator import attrgetter

    names = tuple(f.name for f in fields(cls))
    get = attrgetter(*names)

    def __reduce__(self):
        return (cls, get(self) if len(names) > 1 else (get(self),))

    cls.__reduce__ = __reduce__
    return cls


# The objects made once per line of configuration: immutable by convention, not frozen. A frozen
# dataclass sets each field through object.__setattr__, four times slower to build (0.4 against
# 0.1 µs), and a 10,000-vhost run builds a million of them; they still compare and hash by value.
value_class = dataclass(slots=True, unsafe_hash=True)


@pickled_by_constructor
@value_class
class Location:
    """A place in a file, as the user can open it. ``text`` is that source line, for reports."""

    path: str
    line: int = 0
    column: int = 0
    text: str = field(default="", compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@pickled_by_constructor
@dataclass(frozen=True, slots=True)
class Note:
    """A related location with what it says about the finding ("uwsgi listens here")."""

    location: Location
    message: str


@pickled_by_constructor
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


@pickled_by_constructor
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
