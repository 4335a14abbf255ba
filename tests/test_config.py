"""Configuration files, command-line overrides, and every way a configuration can be wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from heatlint.check import load_rules
from heatlint.cli import main
from heatlint.config import ConfigError, find_config_file, load
from treeutil import write_tree as write

RULES = load_rules()
LOOSE = {
    "httpd/heat.conf": 'ProxyPass "/heat-api" "http://127.0.0.1:80999" retry=0\n',
    "uwsgi/heat.ini": "[uwsgi]\nhttp-socket = 127.0.0.1:8004\nprocesses = 1\nmaster = true\n"
                      "die-on-term = true\nmodule = heat.wsgi.api:application\nplugins = python3\n"
                      "buffer-size = 65535\n",
}



def codes(root: Path, *args: str) -> tuple[int, list[tuple[str, str]]]:
    result = CliRunner().invoke(main, ["check", ".", "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, sorted((f["code"], f["severity"]) for f in json.loads(result.stdout)["findings"])


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(write(tmp_path, LOOSE))
    assert codes(tmp_path) == (1, [("HL304", "error"), ("HL402", "warning")])


def test_heatlint_toml_select_ignore_severity_paths_and_options(tmp_path, monkeypatch):
    write(tmp_path, {**LOOSE, ".heatlint.toml": '''
select = ["HL3", "uwsgi-no-processes", "HL402"]
ignore = ["HL301"]
fail-on = "warning"
min-processes = 2
[severity]
port-out-of-range = "info"
[per-path-ignores]
"uwsgi/*" = ["HL402"]
'''})
    monkeypatch.chdir(tmp_path)
    assert codes(tmp_path) == (1, [("HL304", "info"), ("HL401", "warning")])


def test_pyproject_section_found_walking_up(tmp_path, monkeypatch):
    write(tmp_path, {**{f"deploy/{k}": v for k, v in LOOSE.items()},
                     "pyproject.toml": '[project]\nname = "x"\n[tool.heatlint]\nignore = ["HL402"]\n'})
    monkeypatch.chdir(tmp_path / "deploy" / "httpd")
    assert find_config_file(".") == str(tmp_path / "pyproject.toml")
    result = CliRunner().invoke(main, ["check", "..", "--format", "json"])
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ["HL304"]


def test_a_pyproject_without_our_section_is_not_a_configuration(tmp_path):
    write(tmp_path, {"pyproject.toml": '[project]\nname = "x"\n'})
    assert find_config_file(str(tmp_path)) != str(tmp_path / "pyproject.toml")


def test_command_line_overrides_the_file(tmp_path, monkeypatch):
    write(tmp_path, {**LOOSE, ".heatlint.toml": 'select = ["HL402"]\nfail-on = "never"\n'})
    monkeypatch.chdir(tmp_path)
    assert codes(tmp_path, "--select", "HL304,HL402", "--fail-on", "error") == (
        1, [("HL304", "error"), ("HL402", "warning")])
    assert codes(tmp_path, "--ignore", "HL402")[1] == []


def test_show_config_says_where_each_value_came_from(tmp_path, monkeypatch):
    write(tmp_path, {".heatlint.toml": 'fail-on = "warning"\nmin-threads = 2\n'})
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(main, ["check", "--show-config", "--ignore", "HL101"]).stdout
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "warning" in lines["fail-on"] and ".heatlint.toml" in lines["fail-on"]
    assert "HL101" in lines["ignore"] and "(--ignore)" in lines["ignore"]
    assert "2" in lines["min-threads"] and "(default)" in lines["select"]


@pytest.mark.parametrize("text,message", [
    ('selct = ["HL1"]\n', "unknown key 'selct'"),
    ('select = ["HL999"]\n', "select: 'HL999' names no rule"),
    ('ignore = ["no-such-rule"]\n', "ignore: 'no-such-rule' names no rule"),
    ('fail-on = "critical"\n', "fail-on must be one of"),
    ('[severity]\nHL301 = "fatal"\n', "severity.HL301 must be one of"),
    ('[severity]\nHL998 = "info"\n', "severity.HL998: 'HL998' names no rule"),
    ('min-processes = "two"\n', "min-processes must be a int"),
    ('[per-path-ignores]\n"x/*" = ["HL9"]\n', "'HL9' names no rule"),
    ('select = [\n', "not valid TOML"),
])
def test_configuration_errors_name_the_key_and_exit_two(tmp_path, monkeypatch, text, message):
    write(tmp_path, {**LOOSE, ".heatlint.toml": text})
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load(RULES, cwd=".")
    result = CliRunner().invoke(main, ["check", "."])
    assert result.exit_code == 2 and ".heatlint.toml" in result.output and message in result.output


def test_unknown_rule_on_the_command_line(tmp_path, monkeypatch):
    monkeypatch.chdir(write(tmp_path, LOOSE))
    result = CliRunner().invoke(main, ["check", ".", "--select", "HL9999"])
    assert result.exit_code == 2 and "--select: select: 'HL9999' names no rule" in result.output


def test_inline_suppression_in_both_file_types(tmp_path, monkeypatch):
    write(tmp_path, {
        "httpd/heat.conf": "# heatlint: disable=HL304 -- renumbering\n"
                           'ProxyPass "/heat-api" "http://127.0.0.1:80999" retry=0\n',
        "uwsgi/heat.ini": "[uwsgi]\n; heatlint: disable=uwsgi-no-threads\nhttp-socket = :8004\n"
                          "processes = 2\nmaster = true\ndie-on-term = true\nmodule = heat.wsgi.api\n"
                          "plugins = python3\nbuffer-size = 65535\n",
        "uwsgi/other.ini": "# heatlint: disable=HL402\n[uwsgi]\nprocesses = 2\n",
    })
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", ".", "--format", "json"])
    found = [(f["code"], f["path"], f["line"]) for f in json.loads(result.stdout)["findings"]]
    # the ini's comment sits before an option, not before the [uwsgi] header HL402 reports at
    assert found == [("HL402", "uwsgi/heat.ini", 1), ("HL006", "uwsgi/heat.ini", 2)]
