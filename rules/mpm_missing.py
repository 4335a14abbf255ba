"""A whole Apache tree that loads no MPM: httpd refuses to start.

Every httpd 2.4 needs exactly one multi-processing module (``mpm_event``, ``mpm_worker`` or
``mpm_prefork``). Debian and Red Hat build them as loadable modules, so the tree must load one;
without it the configuration test fails with "AH00534: apache2: Configuration error: No MPM
loaded." and names no file. It happens when ``mods-enabled/mpm_*.load`` was removed (a2dismod of
the last MPM with ``-f``), or in a Red Hat tree whose ``conf.modules.d/00-mpm.conf`` has every
``LoadModule`` commented out.

Failing (Debian, ``mods-enabled/`` without any ``mpm_*.load``)::

    IncludeOptional mods-enabled/*.load

Fixed: ``a2enmod mpm_event`` (Red Hat: uncomment one ``LoadModule mpm_…_module`` line of
``conf.modules.d/00-mpm.conf``).
"""

from heatlint.check import Problem
from heatlint.source import Location

CODE = "HL120"
NAME = "mpm-missing"
SEVERITY = "error"
SUMMARY = "no MPM (mpm_event, mpm_worker, mpm_prefork) is loaded: httpd will not start"


def check(deployment):
    apache = deployment.apache
    if not apache.whole_tree or not apache.main_file:
        return
    if any(name.startswith("mpm_") for name in apache.modules):
        return
    hint = ("run `a2enmod mpm_event`" if apache.layout == "debian"
            else "add `LoadModule mpm_event_module modules/mod_mpm_event.so`")
    yield Problem("no MPM module is loaded (mpm_event, mpm_worker or mpm_prefork): httpd refuses "
                  f"to start (\"AH00534: Configuration error: No MPM loaded.\"); {hint}",
                  Location(apache.main_file))
