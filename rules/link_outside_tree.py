"""A symbolic link whose target lies outside the tree heatlint was asked to check.

heatlint reads a tree the way its host would, but never reads anything outside it: an absolute
link target is looked up inside the tree (``/etc/mailman3/apache.conf`` means
``rootfs/etc/mailman3/apache.conf``), and ``..`` stops at the tree's root as it does at ``/``.
A link can still lead out when the checked folder is not a whole system root: an Apache
ServerRoot checked on its own (``heatlint check conf/apache2``), or a folder of loose files with a
link to a file beside it. heatlint does not follow such a link, so what the file it leads to
configures was **not checked**; httpd on the host may well read it.

Failing (``heatlint check conf/apache2``, a ServerRoot that is not under an ``etc`` folder)::

    conf-enabled/mailman3.conf -> ../../mailman3/apache.conf

Fixed: check the system root that holds both (``heatlint check rootfs``), or copy the target into
the checked folder.
"""

from ._common import input_problems

CODE = "HL009"
NAME = "link-outside-tree"
SEVERITY = "warning"
SUMMARY = "a symbolic link that leads outside the checked tree (not followed: what it holds is unchecked)"


def check(deployment):
    return input_problems(deployment, CODE)
