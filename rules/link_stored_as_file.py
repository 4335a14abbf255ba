"""A symbolic link stored as a plain file holding the link's target path.

git writes symlinks this way when ``core.symlinks`` is false (Windows checkouts, some CI
runners), and some copy tools do the same. ``sites-enabled/heat-api.conf`` then contains the
text ``../sites-available/heat-api.conf`` instead of pointing at it; httpd reads that text as a
directive and refuses to start ("Invalid command '../sites-available/heat-api.conf'").

heatlint reports each such file and then follows it as the link it was meant to be, so the rest
of the report describes the intended deployment.

Fixed: ``ln -sf ../sites-available/heat-api.conf sites-enabled/heat-api.conf`` (or
``git config core.symlinks true`` and check out again).
"""

from ._common import input_problems

CODE = "HL005"
NAME = "link-stored-as-file"
SEVERITY = "error"
SUMMARY = "a symlink stored as a text file holding its target (httpd: Invalid command)"


def check(deployment):
    return input_problems(deployment, CODE)
