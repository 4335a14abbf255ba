"""``${NAME}`` that no ``Define``, Debian ``envvars`` export or environment variable defines.

httpd replaces ``${NAME}`` while reading, from ``Define`` lines above it (case-insensitively) and
then from the environment apache2ctl prepared (Debian: ``/etc/apache2/envvars``). An undefined
name is only a start-up warning ("AH00111: Config variable ${NAME} is not defined") and the text
``${NAME}`` stays in place: a log path, a socket path or a ProxyPass URL that literally contains
``${HEAT_PORT}``. A ``Define`` *below* the use does not count: httpd reads top to bottom.

Failing::

    ProxyPass "/heat-api" "http://127.0.0.1:${HEAT_API_PORT}"
    Define HEAT_API_PORT 8004

Fixed: put ``Define HEAT_API_PORT 8004`` above its first use (or export it in envvars).
"""

from heatlint.check import Problem
from heatlint.source import Note

CODE = "HL007"
NAME = "undefined-variable"
SEVERITY = "warning"
SUMMARY = "${VAR} that nothing defined above it (httpd keeps the text literally)"


def check(deployment):
    uses: dict[str, list] = {}
    for name, location in deployment.apache.undefined_variables:
        if location not in uses.setdefault(name, []):
            uses[name].append(location)
    for name, locations in uses.items():
        first, others = locations[0], locations[1:]
        more = f" (and {len(others)} more use(s))" if others else ""
        hint = (" Debian's apache2ctl exports it from /etc/apache2/envvars, which this tree lacks"
                if name.startswith("APACHE_") else "")
        yield Problem(f"${{{name}}} is not defined at this point{more}: no Define above it and no "
                      f"envvars export, so httpd warns AH00111 and keeps the text ${{{name}}}.{hint}",
                      first, tuple(Note(loc, "used here too") for loc in others[:10]))
