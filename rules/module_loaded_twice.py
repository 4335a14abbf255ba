"""The same module loaded twice.

httpd keeps the first ``LoadModule`` and skips the others with a start-up warning ("AH01574:
module proxy_module is already loaded, skipping"). Harmless by itself, it usually means two
mechanisms manage modules (a2enmod links and a hand-written LoadModule in conf-enabled, or a
distribution file and a configuration-management file), and the next change to one of them will
not have the effect intended.

Fixed: keep one LoadModule per module (on Debian: only ``a2enmod``).
"""

from heatlint.check import Problem
from heatlint.source import Note

CODE = "HL104"
NAME = "module-loaded-twice"
SEVERITY = "warning"
SUMMARY = "LoadModule of a module that is already loaded (AH01574, skipped)"


def check(deployment):
    apache = deployment.apache
    for duplicate in apache.duplicate_loads:
        first = apache.modules.get(duplicate.name)
        related = (Note(first.location, "loaded first here"),) if first and first.location else ()
        where = "compiled into httpd" if first and first.location is None else "already loaded"
        yield Problem(f"{duplicate.name} is {where}: httpd skips this LoadModule (AH01574)",
                      duplicate.location, related)
