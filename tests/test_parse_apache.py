"""The Apache parser on tricky syntax, against httpd 2.4's verified behaviour (reference §1)."""

from __future__ import annotations

import pytest

from heatlint.parse.apache import Directive, Section, parse_apache
from heatlint.parse.words import split_words

# (argument text, words) — each pair was printed by httpd 2.4.71 (reference §1.5).
WORDS = [
    ('"x y"', ["x y"]),
    ("'p q'", ["p q"]),
    ('"a \\" b"', ['a " b']),
    ('"a \\\\ b \\n c"', ["a \\ b \\n c"]),
    ('abc"def"', ['abc"def"']),
    ("'it\\'s'", ["it's"]),
    ('"unterminated quote', ["unterminated quote"]),
    ('a\\"b', ['a\\"b']),
    ("a\\\\b", ["a\\b"]),
    ('"abc"def', ["abc", "def"]),
    ('one "two three" \'four\'  five', ["one", "two three", "four", "five"]),
    ('"" x', ["", "x"]),
]


@pytest.mark.parametrize("text,words", WORDS)
def test_split_words_matches_httpd(text, words):
    assert split_words(text) == words


@pytest.mark.parametrize("text,words", WORDS)
def test_grammar_splits_like_split_words(text, words):
    # The grammar splits lines as written; split_words splits text after ${VAR} expansion.
    # Both must agree, or a line would change meaning once it contains a variable.
    (d,) = parse_apache(f"Define {text}\n", "t.conf").nodes
    assert d.args == words


def one(text: str):
    parsed = parse_apache(text, "t.conf")
    assert not parsed.problems, parsed.problems
    return parsed.nodes


def test_continuation_joins_lines_and_keeps_both_line_numbers():
    (d,) = one("KeepAlive \\\n    Off\n")
    assert (d.name, d.args, d.location.line, d.end_line) == ("KeepAlive", ["Off"], 1, 2)


def test_continuation_inside_a_word_and_crlf():
    (d,) = one("Server\\\r\nAdmin a@b\r\n")
    assert (d.name, d.args) == ("ServerAdmin", ["a@b"])


def test_backslash_followed_by_space_is_not_a_continuation():
    nodes = one("ServerAdmin a@b \\ \nKeepAlive Off\n")
    assert [n.name for n in nodes] == ["ServerAdmin", "KeepAlive"]
    assert nodes[0].args == ["a@b", "\\"]


def test_comment_ending_in_backslash_swallows_the_next_line():
    nodes = one("# comment \\\nKeepAlive Bogus\nTimeout 5\n")
    assert [n.name for n in nodes] == ["Timeout"]


def test_backslash_on_a_last_line_without_newline_stays():
    (d,) = one("ServerAdmin a@b\\")
    assert d.args == ["a@b\\"]


def test_hash_inside_a_line_is_an_ordinary_word():
    (d,) = one("KeepAlive Off # not a comment\n")
    assert d.args == ["Off", "#", "not", "a", "comment"]


def test_indented_comments_and_blank_lines():
    assert one("   # indented\n\t\n\n") == []


def test_sections_nest_and_close_by_name_case_insensitively():
    (vhost,) = one("<VirtualHost *:80>\n  <LOCATION /heat-api>\n    ProxyPass http://h:1/\n"
                   "  </location>\n</virtualhost>\n")
    assert isinstance(vhost, Section) and vhost.args == ["*:80"] and vhost.close_line == 5
    (loc,) = vhost.children
    assert (loc.name, loc.args, loc.location.line, loc.close_line) == ("LOCATION", ["/heat-api"], 2, 4)
    (d,) = loc.children
    assert isinstance(d, Directive) and d.location.column == 5


def test_section_arguments_end_at_the_last_angle_bracket():
    (s,) = one('<Location "/a b"> trailing text\n</Location> more\n')
    assert s.args == ["/a b"]
    (s,) = one("<If \"%{REQUEST_URI} =~ m#>#\">\n</If>\n")
    assert s.args == ["%{REQUEST_URI} =~ m#>#"]


@pytest.mark.parametrize("text,message", [
    ("<Location /x\n</Location>\n", "<Location> directive missing closing '>'"),
    ("<Location /x>\n</Directory>\n", "Expected </Location> but saw </Directory>"),
    ("</Location>\n", "</Location> without matching <Location> section"),
    ("<VirtualHost *:80>\n", "<VirtualHost> was not closed"),
    ("<Location /x>\n</Location >\n", "</Location> directive missing closing '>'"),
    ("<Location /x>\\\n</Location>\n", "<Location> was not closed"),
])
def test_structure_errors_are_problems_with_httpd_wording(text, message):
    problems = parse_apache(text, "t.conf").problems
    assert [p.message.split(" (")[0] for p in problems] == [message]
    assert all(p.code == "HL001" and p.location.path == "t.conf" for p in problems)


def test_any_text_parses_without_raising():
    for text in ["\x00\x01", "<", "</", "'", '"', "<>", "\\", "\\\n\\\n", "<a><b></a>", "=" * 50]:
        parse_apache(text, "t.conf")


def test_a_bare_two_line_snippet():
    nodes = one('KeepAlive Off\nProxyPass "/heat-api" "http://127.0.0.1:80999" retry=0')
    assert nodes[1].args == ["/heat-api", "http://127.0.0.1:80999", "retry=0"]
    assert nodes[1].raw == '"/heat-api" "http://127.0.0.1:80999" retry=0'
