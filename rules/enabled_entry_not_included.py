"""An entry of sites-enabled, conf-enabled or mods-enabled that no Include reads.

Debian's apache2.conf reads ``sites-enabled/*.conf`` and ``conf-enabled/*.conf`` (and
``mods-enabled/*.load`` / ``*.conf``). An entry without the suffix (``heat-api`` instead of
``heat-api.conf``, as older Ubuntu releases named sites) or a dotfile is silently ignored:
httpd starts, and the site's routes answer **404**. ``a2ensite`` refuses names without ``.conf``
("Site heat-api does not exist!"), so such entries come from hand-made links or copies.

Failing: ``sites-enabled/heat-api -> ../sites-available/heat-api``.

Fixed: rename the site to ``heat-api.conf`` in sites-available and ``a2ensite heat-api``.
"""

from heatlint.check import Problem

CODE = "HL203"
NAME = "enabled-entry-not-included"
SEVERITY = "error"
SUMMARY = "sites/conf/mods-enabled entry that the Include globs skip (e.g. no .conf suffix)"

_SUFFIXES = {"sites": (".conf",), "conf": (".conf",), "mods": (".load", ".conf")}


def check(deployment):
    for site in deployment.apache.sites:
        if site.state != "not-included" or site.entry is None:
            continue
        name = site.entry.path.rsplit("/", 1)[-1]
        suffixes = _SUFFIXES[site.kind]
        if name.startswith("."):
            why = "its name starts with '.', which Include wildcards never match"
        elif not name.endswith(suffixes):
            why = f"its name does not end in {' or '.join(suffixes)}, so the Include wildcard skips it"
        else:
            why = f"no Include reaches {site.kind}-enabled/ from {deployment.apache.main_file}"
        yield Problem(f"httpd never reads {site.kind}-enabled/{name}: {why}", site.entry)
