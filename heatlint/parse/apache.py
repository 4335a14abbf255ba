"""Parse one Apache httpd configuration file into nested sections and directives.

The order of work is httpd's (``ap_cfg_getline`` then ``ap_build_config_sub``): join backslash
continuations, trim, skip comments, split into words, then nest sections by name. Variable
expansion (``${VAR}``) and conditionals happen later, in the resolve stage, because they depend on
what was read before this file.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ..source import InputProblem, Location, Suppression, pickled_by_constructor
from . import cache
from .grammar import lark_parser
from .suppress import parse_comment
from .words import split_words, unquote

SYNTAX_CODE = "HL001"
# Sections httpd evaluates while reading (their body is read or skipped, never kept).
CONDITIONAL_SECTIONS = {"ifmodule", "ifdefine", "ifversion", "iffile", "ifdirective", "ifsection"}
_TRIM = " \t\r\n\f\v"
_TAG = re.compile(r"[^ \t\r\n\f\v]*")  # a section tag: up to the first space (apr_isspace)
START = ("start", "words")  # the grammar's start symbols: statements, and the words of one


@pickled_by_constructor
@dataclass(slots=True)
class Directive:
    name: str  # as written (httpd matches names case-insensitively)
    args: list[str]  # split and unquoted exactly as ap_getword_conf does
    raw: str  # the argument text as written: ${VAR} is expanded in it before splitting
    location: Location  # where the directive name starts
    end_line: int  # last physical line: httpd's line number for a continued directive

    @property
    def lname(self) -> str:
        return self.name.lower()


@pickled_by_constructor
@dataclass(slots=True)
class Section:
    name: str  # without the "<"
    args: list[str]  # the words before the last ">" of the opening line
    raw: str
    location: Location
    end_line: int
    children: list["Directive | Section"] = field(default_factory=list)
    close_line: int = 0  # 0: still open at the end of the file
    tail: str = ""  # everything after the name, ">" included (what <IfVersion> splits into words)
    close_exact: bool = True  # the close tag stands alone on its line (a true conditional needs it)

    @property
    def lname(self) -> str:
        return self.name.lower()


Node = Directive | Section


@pickled_by_constructor
@dataclass(slots=True)
class ApacheFile:
    path: str  # as shown to the user
    nodes: list[Node]
    problems: list[InputProblem]
    lines: int = 0
    suppressions: list[Suppression] = field(default_factory=list)


def _statements():
    """The transformer that runs inside the LALR parser: each statement becomes a (kind, token)
    pair, nothing more. Built on first use, so a run whose parses all come from the cache never
    imports Lark."""
    from lark import Transformer

    class _Statements(Transformer):
        __visit_tokens__ = False  # tokens pass through untouched: no per-token callback

        def directive(self, toks):
            return ("d", toks[0])

        def section_open(self, toks):
            return ("o", toks[0])

        def section_close(self, toks):
            return ("c", toks[0])

        def start(self, items):
            # Statements, and the comment tokens that may hold "# heatlint: disable=…".
            return [i for i in items if type(i) is tuple or "heatlint" in i]

    return _Statements()


@functools.lru_cache(maxsize=None)
def _words_pattern() -> re.Pattern:
    """A statement's words, cut with the grammar's own word terminals (first match wins, as in
    the lexer; what matches none of them is the space between words)."""
    parser = lark_parser("apache", _statements, START)
    return re.compile("|".join(f"(?:{parser.get_terminal(name).pattern.to_regexp()})"
                               for name in ("DQ_WORD", "SQ_WORD", "WORD")))


class _LineMap:
    """Maps positions in the joined (logical-line) text back to physical lines and columns."""

    def __init__(self, physical: list[str]):
        self.physical = physical
        self.first: list[int] = []  # logical line index -> first physical line (1-based)
        self.segments: dict[int, list[tuple[int, int]]] = {}  # joined lines: (offset, phys line)

    def position(self, logical_line: int, column: int) -> tuple[int, int]:
        segs = self.segments.get(logical_line)
        if segs is None:
            return self.first[logical_line - 1], column
        line, offset = segs[0][1], 0
        for off, phys in segs:
            if column - 1 >= off:
                line, offset = phys, off
        return line, column - offset

    def last(self, logical_line: int) -> int:
        segs = self.segments.get(logical_line)
        return segs[-1][1] if segs else self.first[logical_line - 1]


def _join_continuations(text: str) -> tuple[str, _LineMap]:
    physical = text.split("\n")
    had_final_newline = text.endswith("\n")
    if had_final_newline:
        physical.pop()
    lmap = _LineMap(physical)
    logical: list[str] = []
    i, n = 0, len(physical)
    while i < n:
        start = i
        buf = physical[i]
        segs = None
        # A backslash right before LF (or CR LF) joins the next physical line; not on a last line
        # that has no LF, and not a backslash followed by spaces (httpd checks one character).
        while (i < n - 1 or had_final_newline) and (buf.endswith("\\") or buf.endswith("\\\r")):
            buf = buf[:-2] if buf.endswith("\r") else buf[:-1]
            if segs is None:
                segs = [(0, start + 1)]
            i += 1
            if i >= n:
                break
            segs.append((len(buf), i + 1))
            buf += physical[i]
        if segs is not None:
            lmap.segments[len(logical) + 1] = segs
        lmap.first.append(start + 1)
        logical.append(buf.rstrip(_TRIM))
        i += 1
    return "\n".join(logical) + "\n", lmap


def parse_apache(text: str, path: str) -> ApacheFile:
    """Parse a whole file. Never raises on bad input: problems come back as HL001 findings.
    During a run (heatlint.pipeline) the answer may come from the parse cache (parse/cache.py):
    the same as parsing, by construction."""
    session = cache.current()
    if session is not None:
        return session.parse("apache", text, path)
    return parse_text(text, path)


def parse_text(text: str, path: str) -> ApacheFile:
    """:func:`parse_apache`, always parsing."""
    from lark.exceptions import UnexpectedInput

    joined, lmap = _join_continuations(text)
    problems: list[InputProblem] = []

    def loc(line: int, col: int) -> Location:
        text_line = lmap.physical[line - 1] if 0 < line <= len(lmap.physical) else ""
        return Location(path, line, col, text_line.rstrip("\r"))

    try:
        statements = lark_parser("apache", _statements, START).parse(joined, start="start")
    except UnexpectedInput as exc:  # the grammar accepts any text; this is a safety net
        line, col = lmap.position(exc.line, exc.column) if exc.line > 0 else (1, 1)
        problems.append(InputProblem(SYNTAX_CODE, f"cannot read this line: {exc.__class__.__name__}",
                                     loc(line, col)))
        return ApacheFile(path, [], problems, len(lmap.physical))

    root: list[Node] = []
    stack: list[Section] = []
    children = root
    words_of = _words_pattern().findall
    segments, first, physical = lmap.segments, lmap.first, lmap.physical
    suppressions: list[Suppression] = []
    pending: list[Suppression] = []  # "disable" comments waiting for the next statement
    for item in statements:
        if type(item) is not tuple:  # a comment mentioning heatlint
            line, col = lmap.position(item.line, item.column)
            found = parse_comment(item.value, loc(line, col))
            if found is not None:
                suppressions.append(found)
                if not found.whole_file:
                    pending.append(found)
            continue
        kind, tok = item
        statement = tok.value.rstrip("\n")  # the token holds the line break(s) after it
        logical = tok.line
        if logical in segments:  # joined from continued lines
            line, col = lmap.position(logical, tok.column)
            end_line = lmap.last(logical)
        else:
            line = end_line = first[logical - 1]
            col = tok.column
        where = Location(path, line, col, physical[line - 1].rstrip("\r"))
        if pending:
            for suppression in pending:
                suppression.target_line = line
            pending.clear()
        if kind == "d":
            words = words_of(statement)
            rest = statement[len(words[0]):].lstrip(_TRIM)
            if "\"" in statement or "'" in statement or "\\" in statement:
                words = [unquote(w) for w in words]
            children.append(Directive(words[0], words[1:], rest, where, end_line))
            continue
        token = _TAG.match(statement).group()
        rest = statement[len(token):].lstrip(_TRIM)
        if kind == "o":
            name = token[1:]
            if name.endswith(">"):
                name = name[:-1]
                rest = rest or ">"
            close = rest.rfind(">")
            if close < 0:
                problems.append(InputProblem(SYNTAX_CODE, f"<{name}> directive missing closing '>'",
                                             where))
                arg_text = rest
            else:
                arg_text = rest[:close].strip(_TRIM)
            section = Section(name, split_words(arg_text), arg_text, where, end_line, tail=rest)
            children.append(section)
            stack.append(section)
            children = section.children
        else:
            if not token.endswith(">") or len(token) < 4:
                problems.append(InputProblem(
                    SYNTAX_CODE, f"{token}> directive missing closing '>' (write {token.rstrip('>')}>"
                    " with nothing between the name and '>')", where))
                name = token[2:].rstrip(">")
            else:
                name = token[2:-1]
            lname = name.lower()
            if not stack:
                problems.append(InputProblem(SYNTAX_CODE,
                                             f"</{name}> without matching <{name}> section", where))
                continue
            if stack[-1].lname != lname:
                expected = stack[-1]
                problems.append(InputProblem(
                    SYNTAX_CODE, f"Expected </{expected.name}> but saw </{name}>", where,
                ))
                # One finding per mistake: a close tag matching an outer section closes the inner
                # ones too; any other name is taken as a misspelled close of the innermost.
                if any(s.lname == lname for s in stack):
                    while stack[-1].lname != lname:
                        stack.pop().close_line = line
            closed = stack.pop()
            closed.close_line = line
            closed.close_exact = statement == token
            children = stack[-1].children if stack else root
    # Sections open at the end of the file. A true conditional reads its body up to the end of
    # the file without complaint, whatever is left open inside it; a false one fails ("Expected
    # </IfModule> before end of configuration"): only the resolver knows which it is. Any other
    # section open outside every conditional is an error here.
    for section in stack:
        if section.lname in CONDITIONAL_SECTIONS:
            break
        location = section.location
        if section.end_line != location.line:  # httpd names the last line of a continued tag
            location = Location(location.path, section.end_line, 1, lmap.physical[section.end_line - 1])
        problems.append(InputProblem(SYNTAX_CODE, f"<{section.name}> was not closed", location))
    return ApacheFile(path, root, problems, len(lmap.physical), suppressions)
