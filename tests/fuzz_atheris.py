"""Coverage-guided fuzzing of heatlint with atheris (libFuzzer), for sessions longer than the
test suite's fixed budget (tests/test_fuzz.py). Not collected by pytest: its name does not start
with ``test_``.

    pip install atheris                          # in heatlint's virtualenv (wheels for Linux)
    python tests/fuzz_atheris.py -max_total_time=3600 -timeout=20 fuzz-corpus/
    python tests/fuzz_atheris.py -atheris_runs=100000           # a fixed number of inputs

``fuzz-corpus/`` (any empty folder; libFuzzer keeps the inputs that reach new code there) can be
seeded with real files: ``cp examples/*/etc/apache2/sites-available/*.conf fuzz-corpus/``.
Each input becomes a small tree (an Apache site, the main file that includes it, a uwsgi ini,
split at the first two NUL bytes) that the whole pipeline checks, and is also given to each parser
alone. Any exception, or a run longer than ``-timeout`` seconds, is a crash: libFuzzer saves the
input as ``crash-*`` / ``timeout-*`` to replay with ``python tests/fuzz_atheris.py crash-…``.
"""

from __future__ import annotations

import os
import sys
import tempfile

import atheris

with atheris.instrument_imports():
    from heatlint.check import load_rules
    from heatlint.config import Config
    from heatlint.limits import Limits
    from heatlint.parse.apache import parse_apache
    from heatlint.parse.uwsgi import parse_ini
    from heatlint.pipeline import check_paths

RULES = load_rules()
# Small limits keep each input fast; the code paths that reach them are fuzzed too.
CONFIG = Config(limits=Limits(max_files=50, max_file_size=256 * 1024, max_depth=50, timeout=30))
ROOT = tempfile.mkdtemp(prefix="heatlint-fuzz-")
FILES = ("etc/apache2/sites-enabled/site.conf", "etc/apache2/apache2.conf", "etc/heat/app-uwsgi.ini")
MAIN_PREFIX = b"IncludeOptional sites-enabled/*.conf\n"


def tree(data: bytes) -> None:
    parts = (data.split(b"\0", 2) + [b"", b""])[:3]
    parts[1] = MAIN_PREFIX + parts[1]
    parts[2] = b"[uwsgi]\n" + parts[2]
    for name, content in zip(FILES, parts):
        path = os.path.join(ROOT, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as fh:
            fh.write(content)


def TestOneInput(data: bytes) -> None:  # noqa: N802 (atheris' name)
    text = data.decode("latin-1")
    parse_apache(text, "f.conf")
    parse_ini(text, "f.ini")
    tree(data)
    check_paths([ROOT], RULES, CONFIG)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
