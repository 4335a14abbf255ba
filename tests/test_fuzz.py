"""Fuzzing with a fixed budget: whatever the text, heatlint answers with findings, never an
exception. Hypothesis generates Apache and uwsgi text from their grammars' building blocks (valid
and nearly valid); byte-level mutations of real corpus files cover the rest.

A longer session: HEATLINT_FUZZ_EXAMPLES=20000 pytest tests/test_fuzz.py (see README, Robustness).
"""

from __future__ import annotations

import os
import random

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from corpus_paths import CORPUS, needs_corpus
from heatlint.parse.apache import parse_apache
from heatlint.parse.uwsgi import parse_ini
from heatlint.parse.words import split_words
from heatlint.pipeline import check_paths

BUDGET = settings(max_examples=int(os.environ.get("HEATLINT_FUZZ_EXAMPLES", "300")), deadline=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

NAMES = st.sampled_from(["ProxyPass", "Include", "IncludeOptional", "Define", "UnDefine", "Listen",
                         "LoadModule", "ServerRoot", "SetHandler", "WSGIDaemonProcess", "KeepAlive",
                         "ProxyPassMatch", "Bogus", "X"])
SECTIONS = st.sampled_from(["VirtualHost", "Location", "IfModule", "IfDefine", "IfVersion",
                            "Directory", "LocationMatch", "If", "Else", "IfFile", "Weird"])
WORD = st.one_of(
    st.text(alphabet=st.characters(blacklist_characters="\n\r\x00", blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(['"quoted arg"', "'single'", '"unterminated', "a\\\\b", 'x"y"', "${VAR}",
                     "${A:B}", "!", "~", "mod_proxy.c", "!mod_proxy.c", "*:80", "127.0.0.1:80999",
                     "unix:/run/x.sock|uwsgi://h/", "uwsgi://127.0.0.1/", "*.conf", "../x/*",
                     "/etc/apache2/*", "[::1]:80", "#", ">", "<", "\\",
                     # numbers Python's int() refuses: a digit that is not decimal, 5,000 digits
                     "8²", "127.0.0.1:8²", "٨٠", "9" * 5000, "127.0.0.1:" + "9" * 5000]),
)


@st.composite
def apache_line(draw):
    kind = draw(st.integers(0, 6))
    args = " ".join(draw(st.lists(WORD, max_size=4)))
    if kind == 0:
        return f"<{draw(SECTIONS)} {args}>"
    if kind == 1:
        return f"</{draw(SECTIONS)}>"
    if kind == 2:
        return "# " + args
    if kind == 3:
        return f"{draw(NAMES)} {args} \\"  # a continuation
    return f"{draw(NAMES)} {args}"


@st.composite
def apache_text(draw):
    lines = draw(st.lists(apache_line(), max_size=25))
    sep = draw(st.sampled_from(["\n", "\r\n"]))
    text = sep.join(lines) + draw(st.sampled_from(["", sep, "\\"]))
    return ("\ufeff" if draw(st.booleans()) else "") + text


@BUDGET
@given(apache_text())
def test_apache_parser_never_raises(text):
    parsed = parse_apache(text, "f.conf")
    lines = text.count("\n") + 1
    assert all(p.code == "HL001" and 0 <= p.location.line <= lines for p in parsed.problems)


@BUDGET
@given(st.lists(WORD, max_size=6).map(" ".join))
def test_grammar_and_split_words_agree(arguments):
    assume(not arguments.endswith("\\"))  # that would be a line continuation, not a word
    (directive,) = parse_apache(f"Define {arguments}\n", "f.conf").nodes
    assert directive.args == split_words(arguments.strip(" \t\r\f\v"))


INI_LINE = st.one_of(
    st.sampled_from(["[uwsgi]", "[uwsgi] ; c", "[ uwsgi ]", "[app1]", "[", "master", "=5",
                     "processes = %(threads)", "socket = %(base)/%n.sock", "threads = %", "%%",
                     "ini = %d/other.ini", "for = a b", "endfor", "if-env = HOME", "endif",
                     "http = 127.0.0.1:80999", "socket = @abstract", "chmod-socket"]),
    st.text(alphabet=st.characters(blacklist_characters="\n\x00", blacklist_categories=("Cs",)), max_size=30),
    st.builds(lambda k, v: f"{k} = {v}", st.sampled_from(["socket", "processes", "threads", "base",
                                                          "plugins", "module", "x"]),
              st.text(alphabet=st.characters(blacklist_characters="\n\x00", blacklist_categories=("Cs",)), max_size=20)),
)


@BUDGET
@given(st.lists(INI_LINE, max_size=25).map("\n".join))
def test_uwsgi_parser_never_raises(text):
    ini = parse_ini(text, "f.ini")
    assert all(p.code == "HL002" for p in ini.problems)


@BUDGET
@given(apache_text(), st.lists(INI_LINE, max_size=15).map("\n".join))
def test_whole_pipeline_on_generated_trees(tmp_path_factory, site, ini):
    root = tmp_path_factory.mktemp("tree")
    (root / "etc/apache2/sites-enabled").mkdir(parents=True)
    (root / "etc/apache2/apache2.conf").write_text("IncludeOptional sites-enabled/*.conf\n" + site)
    (root / "etc/apache2/sites-enabled/site.conf").write_text(site)
    (root / "etc/heat").mkdir(parents=True)
    (root / "etc/heat/app.ini").write_text("[uwsgi]\n" + ini)
    check_paths([str(root)])


def _mutations(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        op = rng.randint(0, 3)
        pos = rng.randint(0, max(len(data) - 1, 0))
        if op == 0 and data:
            data[pos] = rng.randint(0, 255)
        elif op == 1:
            data[pos:pos] = rng.choice([b"<", b"</", b">", b"\\\n", b'"', b"\x00", b"${", b"[", b"="])
        elif op == 2 and data:
            del data[pos:pos + rng.randint(1, 40)]
        else:
            data = data[:pos]
    return bytes(data)


@needs_corpus
def test_mutated_corpus_files_never_raise(tmp_path):
    rng = random.Random(20261125)
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix in (".conf", ".ini", ".load"))
    assert files
    for path in rng.sample(files, min(len(files), 150)):
        original = path.read_bytes()
        for _ in range(4):
            text = _mutations(original, rng).decode("utf-8", "replace")
            if path.suffix == ".ini":
                parse_ini(text, path.name)
            else:
                parse_apache(text, path.name)
