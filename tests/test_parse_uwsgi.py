"""The uwsgi ini parser against uwsgi 2.0's verified reading (uwsgi.md §2)."""

from __future__ import annotations

from heatlint.parse.uwsgi import parse_ini


def options(text: str):
    return [(o.key, o.value) for o in parse_ini(text, "t.ini").section("uwsgi")]


def test_values_keep_what_uwsgi_keeps():
    assert options(
        "[uwsgi]\n"
        "processes = 4 ; inline comment\n"
        "socket = \"/run/x.sock\"\n"
        "k1 =   spaced value   \n"
        "k2 = a = b\n"
        "k3 = line \\\n"
        "k4 = x # not a comment\n"
    ) == [("processes", "4 ; inline comment"), ("socket", '"/run/x.sock"'), ("k1", "spaced value"),
          ("k2", "a = b"), ("k3", "line \\"), ("k4", "x # not a comment")]


def test_bare_keys_empty_keys_and_keys_with_spaces():
    assert options("[uwsgi]\n  master  \n=5\nfoo bar = 1\n") == [("master", ""), ("", "5"),
                                                                  ("foo bar", "1")]


def test_repeated_keys_and_sections_keep_file_order():
    ini = parse_ini("[uwsgi]\nsocket = a\n[other]\nsocket = x\n[uwsgi]\nsocket = b\n", "t.ini")
    assert [(o.key, o.value, o.location.line) for o in ini.section()] == [("socket", "a", 2),
                                                                          ("socket", "b", 6)]


def test_lines_before_any_header_and_other_sections_are_not_uwsgi_options():
    assert options("processes = 4\n[app1]\nprocesses = 5\n") == []


def test_comments_and_crlf():
    assert options("[uwsgi]\r\n; c\r\n# c\r\nmaster = true\r\n") == [("master", "true")]


def test_header_names_as_uwsgi_reads_them():
    for text, name in [("[uwsgi] ; c", "uwsgi] ; "), ("[ uwsgi ]", " uwsgi "), ("[uwsgi", "uwsg"),
                       ("[uwsgi]x", "uwsgi]"), ("[UWSGI]", "UWSGI")]:
        ini = parse_ini(text + "\nk = v\n", "t.ini")
        assert ini.sections[0][0] == name
        assert not ini.has_section("uwsgi")


def test_a_malformed_header_is_a_problem_and_a_clean_one_is_not():
    assert [p.code for p in parse_ini("[uwsgi] ; c\n", "t.ini").problems] == ["HL002"]
    assert parse_ini("\n[uwsgi]\nmaster\n", "t.ini").problems == []


def test_positions():
    ini = parse_ini("\n[uwsgi]\n  socket = /run/x.sock\n", "t.ini")
    (opt,) = ini.section()
    assert (opt.location.line, opt.location.column, opt.location.text) == (3, 3, "  socket = /run/x.sock")
