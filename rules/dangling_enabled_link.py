"""An entry of sites-enabled, conf-enabled or mods-enabled that points to nothing.

``a2dissite``/``a2dismod`` remove links, but deleting or renaming the file in ``*-available``
leaves a link to nowhere. Debian's ``IncludeOptional sites-enabled/*.conf`` silently skips it, so
the site (or module) the operator believes enabled is not there: its routes answer **404**
(a missing module: "Invalid command" or 500). With ``Include`` instead, httpd refuses to start.

Failing: ``sites-enabled/heat-api.conf -> ../sites-available/heat-api.conf`` after
``sites-available/heat-api.conf`` was renamed.

Fixed: ``a2dissite heat-api`` and enable the file that exists, or restore the target.
"""

from heatlint.check import Problem

CODE = "HL202"
NAME = "dangling-enabled-link"
SEVERITY = "error"
SUMMARY = "sites/conf/mods-enabled entry that points to a missing file (silently skipped)"


def check(deployment):
    for site in deployment.apache.sites:
        if site.state == "dangling" and site.entry is not None:
            target = f" points to {site.link_target}, which" if site.link_target else ""
            yield Problem(
                f"{site.kind}-enabled entry {site.name!r}{target} does not exist in this tree: httpd "
                f"silently skips it, so what it should enable is missing", site.entry)
