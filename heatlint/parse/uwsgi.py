"""Parse one uWSGI .ini file into its sections and options, as uwsgi 2.0's core/ini.c reads it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..source import InputProblem, Location, Suppression, pickled_by_constructor
from . import cache
from .grammar import lark_parser
from .suppress import parse_comment

SYNTAX_CODE = "HL002"
_STRIP = " \t\r"  # uwsgi strips only these three


@pickled_by_constructor
@dataclass(slots=True)
class IniOption:
    key: str  # case-sensitive, never normalised (uwsgi does not)
    value: str  # verbatim after stripping: quotes and "; comments" are part of it
    section: str
    location: Location
    bare: bool = False  # written without "=" (how booleans like "master" are set)


@pickled_by_constructor
@dataclass(slots=True)
class IniFile:
    path: str
    options: list[IniOption]  # every section, in file order
    sections: list[tuple[str, Location]]  # headers as uwsgi names them
    problems: list[InputProblem]
    suppressions: list[Suppression] = field(default_factory=list)

    def section(self, name: str = "uwsgi") -> list[IniOption]:
        return [o for o in self.options if o.section == name]

    def has_section(self, name: str = "uwsgi") -> bool:
        return any(s == name for s, _ in self.sections)


def _lines():
    """The transformer that runs inside the LALR parser (built on first use: see parse/apache.py)."""
    from lark import Transformer

    class _Lines(Transformer):
        __visit_tokens__ = False  # tokens pass through untouched: no per-token callback

        def header(self, toks):
            return ("h", toks[0], None)

        def option(self, toks):
            return ("=", toks[0], None)  # "key = value" in one token: split below

        def bare_option(self, toks):
            return ("b", toks[0], None)

        def keyless_option(self, toks):
            return ("o", None, toks[0] if toks else None)

        def start(self, items):
            # Lines, and the comment tokens that may hold "# heatlint: disable=…".
            return [i for i in items if type(i) is tuple or "heatlint" in i]

    return _Lines()


def parse_ini(text: str, path: str) -> IniFile:
    """Parse a whole ini file; during a run the answer may come from the parse cache."""
    session = cache.current()
    if session is not None:
        return session.parse("uwsgi", text, path)
    return parse_text(text, path)


def parse_text(text: str, path: str) -> IniFile:
    """:func:`parse_ini`, always parsing."""
    from lark.exceptions import UnexpectedInput

    physical = text.split("\n")
    if not text.endswith("\n"):
        text += "\n"
    problems: list[InputProblem] = []

    def loc(line: int, col: int) -> Location:
        return Location(path, line, col, physical[line - 1].rstrip("\r") if line <= len(physical) else "")

    try:
        lines = lark_parser("uwsgi", _lines).parse(text)
    except UnexpectedInput as exc:  # the grammar accepts any text; this is a safety net
        problems.append(InputProblem(SYNTAX_CODE, f"cannot read this line: {exc.__class__.__name__}",
                                     loc(max(exc.line, 1), max(exc.column, 1))))
        return IniFile(path, [], [], problems)

    options: list[IniOption] = []
    sections: list[tuple[str, Location]] = []
    current = ""  # lines before the first header belong to section "" and are never used
    suppressions: list[Suppression] = []
    pending: list[Suppression] = []
    for item in lines:
        if type(item) is not tuple:  # a comment mentioning heatlint
            found = parse_comment(item.value, loc(item.line, item.column))
            if found is not None:
                suppressions.append(found)
                if not found.whole_file:
                    pending.append(found)
            continue
        kind, first, value = item
        if kind == "=":  # "key = value", the common line: its position inline
            line = first.line
            where = Location(path, line, first.column, physical[line - 1].rstrip("\r"))
            key, _, val = first.value.rstrip("\n").partition("=")
            options.append(IniOption(key.rstrip(_STRIP), val.strip(_STRIP), current, where))
            if pending:
                for suppression in pending:
                    suppression.target_line = line
                pending.clear()
            continue
        tok = first if first is not None else value
        where = loc(tok.line, tok.column) if tok is not None else loc(1, 1)
        for suppression in pending:
            suppression.target_line = where.line
        pending.clear()
        if kind == "h":
            header = first.value.rstrip(_STRIP + "\n")
            current = header[1:-1]  # uwsgi drops the last character, whatever it is
            sections.append((current, where))
            if not header.endswith("]") or current != current.strip(_STRIP):
                problems.append(InputProblem(
                    SYNTAX_CODE,
                    f"uwsgi reads this header as section {current!r}, not as a clean section name: "
                    "a header must be exactly [name] (no trailing text, no inner spaces)", where))
            continue
        key = first.value.rstrip(_STRIP + "\n") if first is not None else ""
        val = value.value.rstrip(_STRIP) if value is not None else ""
        options.append(IniOption(key, val, current, where, bare=(kind == "b")))
    return IniFile(path, options, sections, problems, suppressions)
