"""A ProxyPass that can never match because an earlier one already covers its path.

Outside ``<Location>``, httpd tries ProxyPass rules **in configuration order and the first match
wins**; the main server's rules come before every VirtualHost's own. Matching is by path prefix,
segment by segment: ``/heat-api`` covers ``/heat-api/v1`` but not ``/heat-api-cfn``. So a longer
path listed after a shorter one is dead, and an exclusion (``ProxyPass /x/static !``) listed after
the rule it should carve out never applies.

Failing::

    ProxyPass "/heat" "http://127.0.0.1:8004/"
    ProxyPass "/heat/static" "!"

Fixed: list the longer path (and every exclusion) first.
"""

from heatlint.check import Problem
from heatlint.source import Note

CODE = "HL306"
NAME = "route-shadowed"
SEVERITY = "warning"
SUMMARY = "ProxyPass listed after an earlier one that already matches its whole path"


def _covers(prefix: str, path: str) -> bool:
    if not path.startswith(prefix):
        return False
    return len(path) == len(prefix) or prefix.endswith("/") or path[len(prefix)] == "/"


def _covering_prefixes(path: str):
    """Every prefix that _covers ``path``: the path itself, and its cuts before or after a '/'."""
    yield path
    i = path.find("/")
    while i >= 0:
        if i:
            yield path[:i]
        if i + 1 < len(path):
            yield path[:i + 1]
        i = path.find("/", i + 1)


def check(deployment):
    # Inside <Location> the most specific Location wins instead: only server-level rules race.
    server_level = [r for r in deployment.apache.routes if r.active and not r.in_location
                    and r.directive.lower() == "proxypass" and not r.regex and r.path]
    # The main server's rules apply in every vhost; a vhost's only in itself. So the earlier rules
    # that can shadow a later one are the main server's and its own vhost's: looked up by scope
    # (0 for the main server, else the vhost's id) and path, the first rule for each.
    first = {}
    for i, later in enumerate(server_level):
        scopes = (0,) if later.vhost is None else (0, id(later.vhost))
        hits = [first[(scope, prefix)] for prefix in _covering_prefixes(later.path)
                for scope in scopes if (scope, prefix) in first]
        if hits:
            _, earlier = min(hits, key=lambda hit: hit[0])  # the first match in configuration order
            if earlier.path == later.path:
                yield Problem(f"`ProxyPass {later.path}` is routed again: the earlier line with the same "
                              "path wins (first match), so this one is dead; remove one of them",
                              later.location, (Note(earlier.location, "matches first"),))
            else:
                what = "this exclusion never applies" if later.url == "!" else "this rule is dead"
                yield Problem(f"`ProxyPass {later.path}` comes after `ProxyPass {earlier.path}`, which "
                              f"already matches every request under {later.path} (first match "
                              f"wins): {what}; move it above", later.location,
                              (Note(earlier.location, "matches first"),))
        first.setdefault((0 if later.vhost is None else id(later.vhost), later.path), (i, later))
