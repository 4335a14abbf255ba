"""A regular file in sites-enabled (or conf-enabled) that differs from its sites-available namesake.

``a2ensite`` makes a link, so editing ``sites-available/heat-api.conf`` changes what httpd reads.
A *copy* in sites-enabled breaks that: the operator edits sites-available, reloads Apache, and
nothing changes, because httpd reads the stale copy. heatlint reports copies whose content has
drifted from the file beside them.

Fixed: ``rm sites-enabled/heat-api.conf && a2ensite heat-api`` (after merging the changes you want).
"""

from heatlint.check import Problem
from heatlint.source import Location, Note

CODE = "HL204"
NAME = "site-drift"
SEVERITY = "warning"
SUMMARY = "sites/conf-enabled copy that differs from its *-available file (edits have no effect)"


def check(deployment):
    for site in deployment.apache.sites:
        if site.drift and site.entry is not None:
            available = site.entry.path.replace(f"{site.kind}-enabled/", f"{site.kind}-available/", 1)
            yield Problem(f"{site.kind}-enabled/{site.name} is a copy, not a link, and differs from "
                          f"{site.kind}-available/{site.name}: httpd reads this copy, so edits to the "
                          f"available file have no effect", site.entry,
                          (Note(Location(available), "the file a2ensite would link"),))
