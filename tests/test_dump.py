"""``heatlint dump``: the resolved Apache configuration, for a person and as JSON (version 1)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from heatlint.cli import main
from treeutil import write_tree as write

TREE = {
    "etc/apache2/apache2.conf": (
        "LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n"
        "Define PORT 8004\n"
        "KeepAlive \\\n    Off\n"
        "<IfModule mod_nope.c>\n  Timeout 1\n</IfModule>\n"
        "Include conf.d/*.conf\n"),
    "etc/apache2/conf.d/heat.conf": (
        "LoadModule proxy_module /usr/lib/apache2/modules/mod_proxy.so\n"
        "Listen ${PORT}\n"
        "<VirtualHost *:${PORT}>\n"
        "  ServerName heat\n"
        '  ProxyPass "/heat-api" "unix:/run/uwsgi/heat-api.socket|uwsgi://heat-api"\n'
        "</VirtualHost>\n"),
}



def test_json_dump_shape_and_content(tmp_path):
    root = write(tmp_path / "root", TREE)
    result = CliRunner().invoke(main, ["dump", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["version", "directives", "modules", "includes", "listen", "vhosts", "routes"]
    assert data["version"] == 1
    main_file, site = str(root / "etc/apache2/apache2.conf"), str(root / "etc/apache2/conf.d/heat.conf")
    # Include, Define and LoadModule are read-time directives; the false <IfModule> vanishes;
    # a continued directive carries httpd's line number (its last line).
    assert data["directives"] == [
        {"name": "KeepAlive", "args": ["Off"], "path": main_file, "line": 4, "depth": 0},
        {"name": "Listen", "args": ["8004"], "path": site, "line": 2, "depth": 0},
        {"name": "<VirtualHost>", "args": ["*:8004"], "path": site, "line": 3, "depth": 0},
        {"name": "ServerName", "args": ["heat"], "path": site, "line": 4, "depth": 1},
        {"name": "ProxyPass", "args": ["/heat-api", "unix:/run/uwsgi/heat-api.socket|uwsgi://heat-api"],
         "path": site, "line": 5, "depth": 1},
    ]
    modules = {m["name"]: m for m in data["modules"]}
    assert modules["proxy_module"] == {"name": "proxy_module", "path": site, "line": 1}
    assert modules["core_module"] == {"name": "core_module", "path": None, "line": None}
    assert data["includes"] == [main_file, site]
    assert data["listen"] == [{"address": "*", "port": 8004, "protocol": "http", "path": site, "line": 2}]
    assert data["vhosts"] == [{"addresses": ["*:8004"], "server_name": "heat", "path": site, "line": 3}]
    (route,) = data["routes"]
    assert (route["match"], route["backend"], route["vhost"], route["active"]) == (
        "/heat-api", "unix:/run/uwsgi/heat-api.socket", f"{site}:3", True)


def test_text_dump_reads_like_dump_config(tmp_path):
    root = write(tmp_path / "root", TREE)
    result = CliRunner().invoke(main, ["dump", str(root)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"# In file: {root / 'etc/apache2/conf.d/heat.conf'}" in out
    assert "3  <VirtualHost *:8004>" in out and "4    ServerName heat" in out
    for heading in ("Directives (5)", "Loaded modules", "Included files", "Listen (1)",
                    "Virtual hosts (1)", "Proxy routes (1)"):
        assert heading in out
    assert "Timeout" not in out  # inside the false <IfModule>


def test_dump_usage_errors_exit_2(tmp_path):
    assert CliRunner().invoke(main, ["dump", str(tmp_path / "missing")]).exit_code == 2
    write(tmp_path / "two/a", TREE)
    write(tmp_path / "two/b", TREE)
    result = CliRunner().invoke(main, ["dump", str(tmp_path / "two")])
    assert result.exit_code == 2 and "holds 2 Apache configurations" in result.output
    (tmp_path / "empty").mkdir()
    assert CliRunner().invoke(main, ["dump", str(tmp_path / "empty")]).exit_code == 2
    assert CliRunner().invoke(main, ["dump"]).exit_code == 2
