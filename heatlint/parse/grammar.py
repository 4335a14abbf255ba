"""Load the Lark grammars shipped in ``grammars/`` (installed as ``heatlint/grammars``).

Lark is imported only here and only when a file is actually parsed. Building a parser from its
grammar takes about 20 ms; during a run with a cache (parse/cache.py) the built parser is kept in
the cache folder, written atomically, checked by digest and rebuilt when it does not load.
"""

from __future__ import annotations

import functools
import os
import pickle
import sys

from .cache import blake2b

_MAGIC = b"heatlint lark parser 1\n"
_OPTIONS = {"parser": "lalr", "lexer": "contextual", "maybe_placeholders": False}


def grammar_text(name: str) -> str:
    from importlib import resources

    return resources.files("heatlint.grammars").joinpath(f"{name}.lark").read_text("utf-8")


@functools.lru_cache(maxsize=None)
def lark_parser(name: str, transformer_factory, start: tuple[str, ...] = ("start",)):
    """An LALR parser for grammars/<name>.lark that runs ``transformer`` while parsing (no tree is
    built, which is both faster and lighter). Built once per process."""
    import lark

    from .cache import current

    text = grammar_text(name)
    session = current()
    directory = session.directory if session is not None else None
    if directory is None:
        return lark.Lark(text, transformer=transformer_factory(), start=list(start), **_OPTIONS)
    key = blake2b(f"{lark.__version__}\0{sys.version_info[:2]}\0{start}\0{_OPTIONS}\0{text}"
                          .encode(), digest_size=16).hexdigest()
    path = os.path.join(directory, f"grammar-{name}-{key}.pickle")
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        digest, payload = data[len(_MAGIC):len(_MAGIC) + 16], data[len(_MAGIC) + 16:]
        if data.startswith(_MAGIC) and blake2b(payload, digest_size=16).digest() == digest:
            return lark.Lark.__new__(lark.Lark)._load(pickle.loads(payload),
                                                      transformer=transformer_factory())
    except Exception:
        pass  # missing, damaged or from another Lark: build it and write it again
    parser = lark.Lark(text, transformer=transformer_factory(), start=list(start), **_OPTIONS)
    try:
        _save(parser, path)
    except Exception:
        pass
    return parser


def _save(parser, path: str) -> None:
    """Lark's own serialisation, behind a magic line and a digest, renamed into place."""
    import io
    import tempfile

    buffer = io.BytesIO()
    parser.save(buffer, exclude_options=("transformer", "postlex", "lexer_callbacks", "tree_class",
                                         "_plugins", "debug", "use_bytes", "g_regex_flags", "regex",
                                         "propagate_positions"))
    payload = buffer.getvalue()
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".grammar-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC + blake2b(payload, digest_size=16).digest() + payload)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
