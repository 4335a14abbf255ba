"""Load the Lark grammars shipped in ``grammars/`` (installed as ``heatlint/grammars``)."""

from __future__ import annotations

import functools
from importlib import resources

from lark import Lark


@functools.lru_cache(maxsize=None)
def lark_parser(name: str, transformer_factory, start: tuple[str, ...] = ("start",)) -> Lark:
    """An LALR parser for grammars/<name>.lark that runs ``transformer`` while parsing (no tree is
    built, which is both faster and lighter). Built once per process; Lark caches the grammar
    analysis on disk (``cache=True``) so start-up stays cheap."""
    text = resources.files("heatlint.grammars").joinpath(f"{name}.lark").read_text("utf-8")
    try:
        return Lark(text, parser="lalr", lexer="contextual", transformer=transformer_factory(),
                    cache=True, maybe_placeholders=False, start=list(start))
    except OSError:  # read-only cache directory: build without a cache
        return Lark(text, parser="lalr", lexer="contextual", transformer=transformer_factory(),
                    maybe_placeholders=False, start=list(start))
