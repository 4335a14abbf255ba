"""The run reached one of its limits, so part of the configuration was not checked.

heatlint bounds every run, whatever it is pointed at: how many files it reads (``max-files``),
how large one file may be (``max-file-size``; a larger one is not read at all), how many bytes it
reads in all (``max-total-size``), how deeply sections may nest in a file (``max-depth``), and how
long it runs (``timeout``; after it nothing more is read, and a deployment still being checked a
little later is abandoned). The defaults (10,000 files, 4 MiB, 32 MiB, 100, 300 s) are far above
any real deployment; reaching one usually means a wildcard that includes far more than meant, a
log or data file among the configuration, or generated configuration. The finding names the limit,
what was not checked, and the line that raises it.

Failing (a 200 MB file among the sites)::

    sites-enabled/access.log.conf      # 200 MiB, more than the max-file-size limit of 4 MiB

Fixed: remove what does not belong there, or raise the limit in ``.heatlint.toml``::

    max-file-size = "256 MiB"
"""

from ._common import input_problems

CODE = "HL010"
NAME = "limit-reached"
SEVERITY = "error"
SUMMARY = "a file, size, nesting or time limit of the run was reached: part of the tree was not checked"


def check(deployment):
    return input_problems(deployment, CODE)
