"""APR's wildcard matching, which httpd's Include uses (apr strings/apr_fnmatch.c, APR 1.7).

It differs from Python's :mod:`fnmatch`: ``[^a]`` negates like ``[!a]``, a backslash escapes the
next character, a ``[`` without its ``]`` is an ordinary character, and with ``APR_FNM_PERIOD``
(what httpd passes) a name starting with ``.`` only matches a pattern starting with ``.``.
"""

from __future__ import annotations

import functools


def fnmatch_test(pattern: str) -> bool:
    """apr_fnmatch_test: does ``pattern`` hold a wildcard? (``*``, ``?``, or ``[`` with a later
    ``]``; a backslash hides the next character)."""
    nesting = 0
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c in "?*":
            return True
        if c == "\\":
            i += 1
            if i >= n:
                return False
        elif c == "[":
            nesting += 1
        elif c == "]" and nesting:
            return True
        i += 1
    return False


# A pattern is compiled to tokens: ("?",), ("*",), ("c", char) or ("[", negate, items) where each
# item is a char or a (low, high) range.
Token = tuple


def _bracket(p: str, k: int) -> tuple[Token, int] | None:
    """The set starting at p[k] == '[' and the index after it, or None when it is not a
    well-formed set (then the '[' is an ordinary character), as fnmatch_ch decides."""
    n = len(p)
    m = k + 1
    negate = m < n and p[m] in "!^"
    if negate:
        m += 1
    items: list = []
    leading = m < n and p[m] == "]"  # ']' first in the set is an ordinary character
    while m < n:
        if not leading:
            if p[m] == "]":
                return ("[", negate, tuple(items)), m + 1
            if p[m] == "\\":
                m += 1
                if m >= n:
                    return None
        leading = False
        if m + 1 < n and p[m + 1] == "-" and (m + 2 >= n or p[m + 2] != "]"):
            low = p[m]
            m += 3 if m + 2 < n and p[m + 2] == "\\" else 2
            if m >= n:
                return None
            items.append((low, p[m]))
            m += 1
            continue
        items.append(p[m])
        m += 1
    return None


@functools.lru_cache(maxsize=1024)
def _compile(pattern: str) -> tuple[Token, ...]:
    tokens: list[Token] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            tokens.append(("*",))
            i += 1
        elif c == "?":
            tokens.append(("?",))
            i += 1
        elif c == "[":
            found = _bracket(pattern, i)
            if found is None:
                tokens.append(("c", "["))
                i += 1
            else:
                tokens.append(found[0])
                i = found[1]
        elif c == "\\" and i + 1 < n:
            tokens.append(("c", pattern[i + 1]))
            i += 2
        else:
            tokens.append(("c", c))
            i += 1
    return tuple(tokens)


def _one(token: Token, ch: str) -> bool:
    if token[0] == "?":
        return True
    if token[0] == "c":
        return token[1] == ch
    hit = any(ch == item if isinstance(item, str) else item[0] <= ch <= item[1] for item in token[2])
    return hit != token[1]


def fnmatch(pattern: str, name: str) -> bool:
    """apr_fnmatch(pattern, name, APR_FNM_PERIOD) == APR_SUCCESS, for one path component."""
    if name.startswith(".") and not pattern.startswith("."):
        return False
    tokens = _compile(pattern)
    # Iterative wildcard matching with backtracking to the last '*'.
    t = s = 0
    star_t, star_s = -1, 0
    while s < len(name):
        if t < len(tokens) and tokens[t][0] == "*":
            star_t, star_s = t, s
            t += 1
        elif t < len(tokens) and _one(tokens[t], name[s]):
            t += 1
            s += 1
        elif star_t >= 0:
            star_s += 1
            s = star_s
            t = star_t + 1
        else:
            return False
    while t < len(tokens) and tokens[t][0] == "*":
        t += 1
    return t == len(tokens)
