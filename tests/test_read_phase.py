"""httpd's read and walk phases where heatlint once differed from the real apache2 2.4.71 (each
case was found by tests/differential and checked against apache2 -t there)."""

from __future__ import annotations

from pathlib import Path

import pytest

from heatlint.discover import discover
from heatlint.parse.words import split_words
from heatlint.resolve.aprmatch import fnmatch, fnmatch_test
from heatlint.resolve.apache import ifversion
from heatlint.resolve.deployment import build
from treeutil import write_tree

MAIN = "etc/apache2/apache2.conf"
BASE = "LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n"


def deployment(tmp_path: Path, files: dict[str, str], links: dict[str, str] | None = None):
    root = write_tree(tmp_path / "root", files, links)
    (target,) = discover([str(root)])
    return build(target)


def errors(d) -> list[tuple[str, str, int]]:
    return sorted((p.code, p.location.path.rsplit("/", 1)[-1], p.location.line) for p in d.problems)


@pytest.mark.parametrize("pattern,name,expected", [
    ("*.conf", "a.conf", True),
    ("*.conf", ".a.conf", False),  # APR_FNM_PERIOD
    (".*.conf", ".a.conf", True),
    ("[!a]*", "b.conf", True),
    ("[^a]*", "b.conf", True),  # APR negates with ^ too; Python's fnmatch does not
    ("[^a]*", "a.conf", False),
    ("[]a]0.conf", "]0.conf", True),
    ("[a-c]?.conf", "b1.conf", True),
    ("\\*.conf", "*.conf", True),  # an escaped wildcard is an ordinary character
    ("\\*.conf", "a.conf", False),
    ("[ab.conf", "[ab.conf", True),  # '[' without ']' is an ordinary character
])
def test_apr_fnmatch(pattern, name, expected):
    assert fnmatch(pattern, name) is expected


def test_apr_fnmatch_test_decides_what_is_a_wildcard():
    assert fnmatch_test("a/*.conf") and fnmatch_test("a/[ab].conf")
    assert not fnmatch_test("a/\\*.conf") and not fnmatch_test("a/[ab.conf")


@pytest.mark.parametrize("text,expected", [
    (">= 2.4>", (True, "")),
    ("!>= 2.4>", (False, "")),
    ("2.4.71>", (True, "")),
    ("= 2.4>", (False, "")),  # missing parts are 0: 2.4.0
    (">= 2.4 >", (True, "")),  # a separate '>' is the third argument
    ("= /^2\\.4/>", (True, "")),
    ("!~ ^2\\.3>", (True, "")),
])
def test_ifversion_as_mod_version_reads_it(text, expected):
    assert ifversion(split_words(text)) == expected


@pytest.mark.parametrize("text", ["! < 2.4>", "! > 2.4>", ">= 2.x>", "!/^2/>", "a b c d>"])
def test_ifversion_errors(text):
    assert ifversion(split_words(text))[1]


def test_unclosed_true_conditional_reads_to_the_end_of_the_file(tmp_path):
    d = deployment(tmp_path, {MAIN: BASE + "<IfModule mod_so.c>\n<Location /x>\nKeepAlive On\n"})
    assert errors(d) == []
    assert [x.name for x in d.apache.directives] == ["<Location>", "KeepAlive"]


def test_unclosed_false_conditional_is_an_error_at_its_line(tmp_path):
    d = deployment(tmp_path, {MAIN: BASE + "<IfModule mod_nope.c>\nKeepAlive On\n"})
    assert errors(d) == [("HL001", "apache2.conf", 2)]


def test_unclosed_section_of_a_continued_tag_is_reported_on_its_last_line(tmp_path):
    d = deployment(tmp_path, {MAIN: BASE + "<Location \\\n /x>\n"})
    assert errors(d) == [("HL001", "apache2.conf", 3)]


def test_invalid_command_is_found_in_the_walk_phase(tmp_path):
    d = deployment(tmp_path, {MAIN: BASE + "KeepAlive On\nRequire all granted\nGenBogus \\\n 1\n"})
    assert errors(d) == [("HL001", "apache2.conf", 3), ("HL001", "apache2.conf", 5)]


def test_directive_before_its_loadmodule_is_valid(tmp_path):
    d = deployment(tmp_path, {MAIN: BASE + "Require all granted\nLoadModule authz_core_module "
                                           "/usr/lib/apache2/modules/mod_authz_core.so\n"})
    assert errors(d) == []


def test_ifdirective_knows_what_is_loaded_so_far(tmp_path):
    d = deployment(tmp_path, {MAIN: BASE + "<IfDirective Require>\nKeepAlive On\n</IfDirective>\n"
                                           "<IfDirective ServerName>\nTimeout 5\n</IfDirective>\n"})
    assert [x.name for x in d.apache.directives] == ["Timeout"]


def test_defaultruntimedir_and_serverroot_are_read_time_directives(tmp_path):
    d = deployment(tmp_path, {MAIN: BASE + "DefaultRuntimeDir run\nServerRoot /usr/lib64/apache2\n"
                                           "IncludeOptional modules.d/*.conf\nTimeout 5\n"})
    assert [x.name for x in d.apache.directives] == ["Timeout"]
    assert d.apache.runtime_dir == "/etc/apache2/run"
    assert d.apache.server_root == "/usr/lib64/apache2"


def test_read_time_directives_check_their_argument_count(tmp_path):
    d = deployment(tmp_path, {MAIN: BASE + "UnDefine A B\nDefine A:B x\nDefine OK\n"})
    assert errors(d) == [("HL001", "apache2.conf", 2), ("HL001", "apache2.conf", 3)]


def test_wildcard_in_a_folder_part_skips_links_to_folders(tmp_path):
    d = deployment(tmp_path, {MAIN: BASE + "Include inc/*/x.conf\nInclude whole\n",
                              "etc/apache2/inc/real/x.conf": "Timeout 1\n",
                              "etc/apache2/whole/a/x.conf": "Timeout 2\n"},
                   links={"etc/apache2/inc/link": "real", "etc/apache2/whole/b": "a"})
    assert [x.args for x in d.apache.directives] == [("1",), ("2",), ("2",)]


WSGI = "LoadModule wsgi_module /usr/lib/apache2/modules/mod_wsgi.so\n"


def test_mod_wsgi_daemons_groups_and_aliases(tmp_path):
    d = deployment(tmp_path, {MAIN: BASE + WSGI + (
        "WSGIDaemonProcess plain\n"
        "<VirtualHost *:8004>\n"
        "  WSGIDaemonProcess heat-api processes=4 threads=10 user=heat display-name=%{GROUP}\n"
        "  WSGIProcessGroup heat-api\n"
        "  WSGIScriptAlias / /usr/bin/heat-wsgi-api process-group=heat-api application-group=%{GLOBAL}\n"
        "  <Directory /usr/bin>\n    WSGIProcessGroup plain\n  </Directory>\n"
        "</VirtualHost>\n"
        "WSGIDaemonProcess bad Processes=2 threads = 3\n"
        "<IfModule mod_nope.c>\n  WSGIDaemonProcess dropped\n</IfModule>\n")})
    plain, heat, bad = d.apache.wsgi_daemons
    assert (plain.name, plain.processes, plain.threads, plain.processes_written) == ("plain", 1, 15, False)
    assert (heat.processes, heat.threads, heat.option("user")) == (4, 10, "heat")
    assert heat.vhost is d.apache.vhosts[0] and plain.vhost is None
    assert bad.bad_options == ("Processes=2", "threads", "=", "3")
    (alias,) = d.apache.wsgi_script_aliases
    assert (alias.url_path, alias.script, alias.process_group, alias.application_group) == (
        "/", "/usr/bin/heat-wsgi-api", "heat-api", "%{GLOBAL}")
    assert [(g.group, g.scope) for g in d.apache.wsgi_process_groups] == [("heat-api", None),
                                                                          ("plain", "/usr/bin")]


def test_red_hat_conf_d_entries_are_sites(tmp_path):
    d = deployment(tmp_path, {
        "etc/httpd/conf/httpd.conf": 'ServerRoot "/etc/httpd"\nInclude conf.modules.d/*.conf\n'
                                     "IncludeOptional conf.d/*.conf\n",
        "etc/httpd/conf.modules.d/00-mpm.conf": "LoadModule mpm_event_module modules/mod_mpm_event.so\n",
        "etc/httpd/conf.d/welcome.conf": "KeepAlive On\n",
        "etc/httpd/conf.d/heat-api.conf.disabled": 'ProxyPass "/heat-api" "http://127.0.0.1:8004"\n'})
    assert d.apache.layout == "redhat"
    assert [(s.kind, s.name, s.state, len(s.routes)) for s in d.apache.sites] == [
        ("conf.d", "heat-api", "available", 1), ("conf.d", "welcome", "enabled", 0)]


def test_close_tag_of_a_true_conditional_must_stand_alone(tmp_path):
    d = deployment(tmp_path, {MAIN: BASE + "<IfModule mod_so.c>\nKeepAlive On\n</IfModule> # end\n"
                                           "<IfModule mod_nope.c>\nKeepAlive On\n</IfModule> # end\n"})
    assert errors(d) == [("HL001", "apache2.conf", 4)]


def test_a_variable_can_name_the_directive(tmp_path):
    d = deployment(tmp_path, {MAIN: BASE + "Define D KeepAlive\nDefine I Include\n${D} Off\n"
                                           "${I} /etc/apache2/x.conf\n",
                              "etc/apache2/x.conf": "Timeout 5\n"})
    assert errors(d) == []
    assert [(x.name, x.args) for x in d.apache.directives] == [("KeepAlive", ("Off",)),
                                                              ("Timeout", ("5",))]


def test_include_cycle_is_refused_at_the_include_httpd_runs_at_depth_128(tmp_path):
    d = deployment(tmp_path, {MAIN: BASE + "IncludeOptional nothing/*.conf\n"
                                           "Include /etc/apache2/apache2.conf\n"})
    assert errors(d) == [("HL008", "apache2.conf", 2)]


def test_a_cycle_is_followed_while_it_changes_what_httpd_reads(tmp_path):
    # The second time round ServerRoot is /etc/other: ports.conf is no longer found there.
    d = deployment(tmp_path, {MAIN: BASE + "Include ports.conf\nServerRoot /etc/other\n"
                                           "Include /etc/apache2/apache2.conf\n",
                              "etc/apache2/ports.conf": "Listen 80\n",
                              "etc/other/README": "not a configuration\n"})
    assert ("HL004", "apache2.conf", 2) in errors(d)


def test_loose_snippets_evaluate_ifversion(tmp_path):
    # Modules of a loose snippet's host are unknown: <IfVersion> is decided as mod_version would.
    (tmp_path / "heat.conf").write_text("<IfVersion >= 2.4>\nKeepAlive On\n</IfVersion>\n"
                                        "<IfVersion < 2.4>\nKeepAlive Off\n</IfVersion>\n")
    (target,) = discover([str(tmp_path / "heat.conf")])
    assert [(x.name, x.args) for x in build(target).apache.directives] == [("KeepAlive", ("On",))]
