"""Resolution as httpd and uwsgi do it: Include order, variables, conditionals, links, placeholders."""

from __future__ import annotations

from pathlib import Path

from heatlint.discover import discover
from heatlint.parse.uwsgi import parse_ini
from heatlint.resolve.deployment import build, read_envvars
from heatlint.resolve.endpoints import parse_proxy_url, parse_uwsgi_address
from heatlint.resolve.uwsgi import resolve_app
from treeutil import write_tree


def tree(tmp_path: Path, files: dict[str, str], links: dict[str, str] | None = None) -> Path:
    return write_tree(tmp_path / "root", files, links)


def deployment(root: Path):
    (target,) = discover([str(root)])
    return build(target)


def names(d) -> list[str]:
    return [x.name + " " + " ".join(x.args) for x in d.apache.directives]


def test_include_wildcards_sort_by_strcmp_and_skip_dotfiles(tmp_path):
    root = tree(tmp_path, {
        "etc/apache2/apache2.conf": "Include inc/*.conf\nInclude inc/sub/*/x.conf\n",
        "etc/apache2/inc/a.conf": "A 1\n",
        "etc/apache2/inc/B.conf": "B 1\n",
        "etc/apache2/inc/.hidden.conf": "H 1\n",
        "etc/apache2/inc/c.conf~": "C 1\n",
        "etc/apache2/inc/sub/one/x.conf": "X 1\n",
        "etc/apache2/inc/sub/two/x.conf": "X 2\n",
    })
    assert names(deployment(root)) == ["B 1", "A 1", "X 1", "X 2"]


def test_include_of_a_directory_reads_everything_below_it(tmp_path):
    root = tree(tmp_path, {
        "etc/apache2/apache2.conf": "Include inc\n",
        "etc/apache2/inc/.dot": "D 1\n",
        "etc/apache2/inc/1.txt": "T 1\n",
        "etc/apache2/inc/nested/z": "Z 1\n",
    })
    assert names(deployment(root)) == ["D 1", "T 1", "Z 1"]


def test_define_variables_environment_and_order(tmp_path):
    root = tree(tmp_path, {
        "etc/apache2/apache2.conf": (
            "ServerAdmin ${ADMIN}\n"           # used before its Define: stays literal
            "Define ADMIN a@b\n"
            "ServerAdmin ${admin}\n"           # Define lookups ignore case
            "ErrorLog ${APACHE_LOG_DIR}/error.log\n"  # from envvars
            "Define V \"x y\"\n"
            "Header ${V}\n"                    # expanded, then split: two words
            "<IfDefine ADMIN>\nA yes\n</IfDefine>\n"
            "<IfDefine !ADMIN>\nA no\n</IfDefine>\n"
            "UnDefine ADMIN\n"
            "<IfDefine ADMIN>\nB yes\n</IfDefine>\n"
        ),
        "etc/apache2/envvars": "export APACHE_LOG_DIR=/var/log/apache2$SUFFIX\n",
    })
    assert names(deployment(root)) == ["ServerAdmin ${ADMIN}", "ServerAdmin a@b",
                                       "ErrorLog /var/log/apache2/error.log", "Header x y", "A yes"]


def test_ifmodule_sees_only_modules_loaded_above_it(tmp_path):
    root = tree(tmp_path, {
        "etc/apache2/apache2.conf": (
            "<IfModule rewrite_module>\nEarly 1\n</IfModule>\n"
            "LoadModule rewrite_module /usr/lib/apache2/modules/mod_rewrite.so\n"
            "<IfModule mod_rewrite.c>\nLate 1\n</IfModule>\n"
            "<IfModule mod_version.c>\nStatic 1\n</IfModule>\n"
            "<IfModule MOD_SO.C>\nWrongCase 1\n</IfModule>\n"
            "<IfVersion >= 2.4>\nV 1\n</IfVersion>\n"
            "<IfVersion = 2.4>\nV 2\n</IfVersion>\n"
            "<IfVersion !< 2.4>\nV 3\n</IfVersion>\n"
        ),
    })
    d = deployment(root)
    assert names(d) == ["Late 1", "Static 1", "V 1", "V 3"]
    assert d.apache.modules["rewrite_module"].location.line == 4


def test_false_conditional_keeps_its_routes_as_dropped(tmp_path):
    root = tree(tmp_path, {
        "etc/apache2/apache2.conf": (
            "<IfModule mod_proxy.c>\n<Location /heat-api>\n"
            "ProxyPass http://127.0.0.1:8004/\n</Location>\n</IfModule>\n"),
    })
    (route,) = deployment(root).apache.routes
    assert (route.path, route.endpoint.port, route.dropped_by.subject) == ("/heat-api", 8004, "mod_proxy.c")
    assert not route.active


def test_absolute_links_resolve_inside_the_checked_tree(tmp_path):
    root = tree(tmp_path, {
        "etc/apache2/apache2.conf": "IncludeOptional conf-enabled/*.conf\n",
        "etc/mailman3/apache.conf": "Alias /mailman3 /usr/share/mailman3-web\n",
    }, links={"etc/apache2/conf-available/mailman3.conf": "/etc/mailman3/apache.conf",
              "etc/apache2/conf-enabled/mailman3.conf": "../conf-available/mailman3.conf"})
    d = deployment(root)
    assert names(d) == ["Alias /mailman3 /usr/share/mailman3-web"]
    assert d.apache.sites[0].state == "enabled"


def test_server_root_changes_later_relative_includes(tmp_path):
    root = tree(tmp_path, {
        "etc/apache2/apache2.conf": "Include a.conf\nServerRoot /etc/other\nInclude a.conf\n",
        "etc/apache2/a.conf": "From apache2\n",
        "etc/other/a.conf": "From other\n",
    })
    assert names(deployment(root)) == ["From apache2", "From other"]


def test_include_cycle_stops_with_a_finding(tmp_path):
    root = tree(tmp_path, {"etc/apache2/apache2.conf": "Include apache2.conf\n"})
    d = deployment(root)
    assert any("maximum include depth" in p.message for p in d.problems)


def test_envvars_default_instance():
    env = read_envvars('SUFFIX=\nexport APACHE_RUN_USER=www-data\n'
                       'export APACHE_PID_FILE=/var/run/apache2$SUFFIX/apache2.pid\n'
                       'export APACHE_LOG_DIR="/var/log/apache2${SUFFIX}"\n')
    assert env == {"APACHE_RUN_USER": "www-data", "APACHE_PID_FILE": "/var/run/apache2/apache2.pid",
                   "APACHE_LOG_DIR": "/var/log/apache2"}


def test_proxy_urls():
    t = parse_proxy_url("unix:/var/run/uwsgi/heat-api.socket|uwsgi://uwsgi-uds-heat-api")
    assert (t.scheme, t.endpoint.transport, t.endpoint.path, t.port) == (
        "uwsgi", "unix", "/var/run/uwsgi/heat-api.socket", 0)
    t = parse_proxy_url("UNIX:///run/x.sock|HTTP://Up:8080/")
    assert (t.scheme, t.endpoint.path, t.port) == ("http", "/run/x.sock", 8080)
    t = parse_proxy_url("http://[::1]:8004/v1")
    assert (t.endpoint.host, t.endpoint.port, t.path) == ("::1", 8004, "/v1")
    assert parse_proxy_url("http://h/").port == 80
    assert parse_proxy_url("uwsgi://127.0.0.1/").port == 0  # mod_proxy has no uwsgi default
    assert parse_proxy_url("http://h:8a/").error


def test_uwsgi_addresses_use_atoi_and_the_last_colon():
    cases = {"127.0.0.1:80999": ("tcp", "127.0.0.1", 80999), ":3031": ("tcp", "0.0.0.0", 3031),
             "127.0.0.1: 19017": ("tcp", "127.0.0.1", 19017), "h:19014x": ("tcp", "h", 19014),
             "[::1]:19016": ("tcp", "::1", 19016), "/run/a:b.sock": ("tcp", "/run/a", 0)}
    for value, (transport, host, port) in cases.items():
        ep = parse_uwsgi_address(value)
        assert (ep.transport, ep.host, ep.port) == (transport, host, port), value
    assert parse_uwsgi_address("/run/uwsgi/x.socket").path == "/run/uwsgi/x.socket"
    assert parse_uwsgi_address("@abstract") is None


def test_uwsgi_aliases_magic_and_placeholders():
    ini = parse_ini(
        "[uwsgi]\n"
        "workers = 2\n"
        "wsgi = heat.wsgi.api:application\n"
        "socket = %(base)/%n.socket\n"
        "base = /run/uwsgi\n"          # a placeholder may be defined after its use
        "chdir = %d\n"
        "odd = 50%z\n"                 # an unknown %X vanishes, both characters
        "pct = 100%%\n"
        "start-time = %t\n"            # runtime magic: kept as written
        "protocol = http\n",
        "heat-api.ini")
    app = resolve_app(ini, "/etc/heat/heat-api.ini")
    assert app.get("processes").value == "2" and app.get("processes").key == "workers"
    assert app.application.value == "heat.wsgi.api:application"
    assert [(l.option, l.endpoint.path, l.protocol) for l in app.listeners] == [
        ("socket", "/run/uwsgi/heat-api.socket", "http")]
    assert [app.get(k).value for k in ("chdir", "odd", "pct", "start-time")] == [
        "/etc/heat/", "50", "100%", "%t"]
