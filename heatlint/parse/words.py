"""httpd's word splitter, ``ap_getword_conf`` + ``substring_conf`` (server/util.c), in Python.

The grammar splits lines as written; this splits text that only exists after ``${VAR}`` expansion
(httpd expands a whole line, then splits it) and the argument part of section tags. Both must
give the same words, and the parser tests hold them to it.
"""

from __future__ import annotations

_SPACE = " \t\n\r\f\v"  # apr_isspace


def _unescape(s: str, quote: str) -> str:
    """Inside quotes, \\\\ → \\ and \\<quote> → <quote>; unquoted, only \\\\ → \\."""
    if "\\" not in s:
        return s
    out = []
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "\\" and i + 1 < n and (s[i + 1] == "\\" or (quote and s[i + 1] == quote)):
            out.append(s[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_words(s: str) -> list[str]:
    words: list[str] = []
    i, n = 0, len(s)
    while True:
        while i < n and s[i] in _SPACE:
            i += 1
        if i >= n:
            return words
        quote = s[i]
        if quote == '"' or quote == "'":
            j = i + 1
            while j < n and s[j] != quote:
                j += 2 if s[j] == "\\" and j + 1 < n and s[j + 1] in (quote, "\\") else 1
            words.append(_unescape(s[i + 1:j], quote))
            i = j + 1  # past the closing quote (an unterminated quote runs to the end)
        else:
            j = i
            while j < n and s[j] not in _SPACE:
                j += 1
            words.append(_unescape(s[i:j], ""))
            i = j


def unquote(token: str) -> str:
    """The value of one word exactly as the grammar cut it."""
    quote = token[0] if token else ""
    if quote == '"' or quote == "'":
        if "\\" not in token:
            return token[1:-1] if len(token) > 1 and token.endswith(quote) else token[1:]
        return split_words(token)[0]
    return _unescape(token, "")
