"""Apache configuration that httpd cannot read.

httpd refuses to start (``apache2ctl -t`` prints "Syntax error on line N") when a section is not
closed, a closing tag does not match the open one, a tag lacks its ``>``, or a file starts with a
UTF-8 byte order mark (httpd on Unix reads the BOM as part of the first directive's name).

Failing::

    <VirtualHost *:80>
        ProxyPass /heat-api unix:/run/uwsgi/heat-api.socket|uwsgi://heat-api
    </Location>

Fixed: close every section with its own name (``</VirtualHost>``).
"""

from ._common import input_problems

CODE = "HL001"
NAME = "apache-syntax"
SEVERITY = "error"
SUMMARY = "Apache configuration httpd cannot parse (unclosed or mismatched section, BOM, …)"


def check(deployment):
    return input_problems(deployment, CODE)
