"""Keep secrets found in configuration out of every report.

heatlint quotes source lines and values back to the user, into terminals, CI logs and SARIF files
that many people read. Passwords in URLs (``mysql+pymysql://heat:secret@db/heat``,
``http://user:pass@backend/``), values of options that name a secret (``password =``,
``SSLCertificateKeyFile``'s neighbours such as ``admin_token``), and private key material are
masked before anything is reported.
"""

from __future__ import annotations

import re

MASK = "****"

# Every pattern runs in time linear in the text, whatever it holds (a 100,000-character line of
# letters must not take minutes): a match may only start where a word starts (the lookbehinds),
# and what a match has consumed is never tried again (possessive quantifiers).
# scheme://user:password@host -> scheme://user:****@host
_URL_PASSWORD = re.compile(r"(?<![A-Za-z0-9+.\-])(?P<head>[A-Za-z][A-Za-z0-9+.\-]*+://[^/\s:@\"']*+:)"
                           r"(?P<secret>[^/\s@\"']++)(?=@)")
# key = value, key: value, key=value where the key names a secret
_SECRET_OPTION = re.compile(
    r"(?<![\w.\-])(?=[\w.\-]*?(?:password|passwd|passphrase|secret|token|api[_-]?key|private[_-]?key))"
    r"(?P<head>[\w.\-]*+\s*+[=:]\s*+)(?P<secret>\"[^\"]*+\"|'[^']*+'|\S++)", re.I)
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?(-----END [A-Z ]*PRIVATE KEY-----|$)", re.S)


def redact(text: str) -> str:
    if not text:
        return text
    text = _PRIVATE_KEY.sub("-----BEGIN PRIVATE KEY----- " + MASK, text)
    text = _URL_PASSWORD.sub(lambda m: m.group("head") + MASK, text)
    return _SECRET_OPTION.sub(lambda m: m.group("head") + MASK, text)
