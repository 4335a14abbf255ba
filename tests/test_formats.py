"""Report formats (json, sarif, github, junit, text), --output files and exit statuses."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from heatlint import cli
from heatlint.check import Finding
from heatlint.cli import main
from heatlint.report import Report, render, rule_url, write_atomic
from heatlint.source import Location, Note
from treeutil import write_tree as write

ROOT = Path(__file__).resolve().parent.parent  # the repository

SARIF_SCHEMA = Path(os.environ.get("HEATLINT_SARIF_SCHEMA",
                                   ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"))
needs_sarif_schema = pytest.mark.skipif(
    not SARIF_SCHEMA.is_file(),
    reason=f"the official SARIF 2.1.0 schema is not at {SARIF_SCHEMA} (set HEATLINT_SARIF_SCHEMA)")

BROKEN = {  # HL303 (error) in a loose deployment, with a related place in the ini
    "httpd/uwsgi-heat-api.conf": 'KeepAlive Off\nProxyPass "/heat-api" "http://127.0.0.1:8004" retry=0\n',
    "uwsgi/heat-api-uwsgi.ini": "[uwsgi]\nsocket = 127.0.0.1:8004\nprocesses = 2\nthreads = 2\n",
}
WARNINGS_ONLY = {"uwsgi/heat-api-uwsgi.ini": "[uwsgi]\nsocket = :3031\n"}  # only warnings and below
CLEAN = {
    "httpd/heat.conf": 'ProxyPass "/heat-api" "http://127.0.0.1:8004" retry=0\n',
    "uwsgi/heat.ini": "[uwsgi]\nhttp-socket = 127.0.0.1:8004\nprocesses = 2\nthreads = 2\n"}



# Format tests must not change when a rule is added: they run these rules only, unless told.
SELECT = ("--select", "HL303,HL401,HL402")


def run(*args: str, env: dict | None = None):
    if args[:1] == ("check",) and "--select" not in args:
        args = (*args, *SELECT)
    return CliRunner().invoke(main, list(args), env={"GITHUB_ACTIONS": None, **(env or {})})


def json_schema() -> dict:
    return json.loads((files("heatlint.report") / "schema" / "heatlint-report.schema.json").read_text())


def synthetic(**kw) -> Report:
    """Findings no real tree produces easily: a whole-file finding, characters every format must
    escape, a finding below --fail-on."""
    findings = [
        Finding("HL003", "unreadable-file", "error", "cannot read: 100% gone\nsecond line",
                Location("etc/a,b:c.conf")),
        Finding("HL303", "protocol-mismatch", "error", "scheme <http> & uwsgi \x01 differ",
                Location("httpd/x.conf", 2, 1, 'ProxyPass "/heat-api" "http://127.0.0.1:8004"'),
                (Note(Location("uwsgi/x.ini", 2, 1, "socket = :8004"), "uwsgi speaks uwsgi here"),)),
        Finding("HL402", "uwsgi-no-threads", "warning", "no threads", Location("uwsgi/x.ini", 1, 1, "[uwsgi]")),
        Finding("HL407", "uwsgi-no-die-on-term", "info", "no die-on-term", Location("/abs/x y.ini", 1, 1)),
    ]
    return Report(findings, ["d"], 3, kw.get("fail_on", "error"), kw.get("rules", []))


# -- json ---------------------------------------------------------------------------------------

def test_json_schema_is_shipped_in_the_package_and_is_a_valid_schema():
    jsonschema.Draft202012Validator.check_schema(json_schema())


@pytest.mark.parametrize("tree", [BROKEN, WARNINGS_ONLY, CLEAN], ids=["broken", "warnings", "clean"])
def test_real_json_output_validates_against_the_shipped_schema(tmp_path, tree):
    result = run("check", str(write(tmp_path, tree)), "--format", "json")
    report = json.loads(result.stdout)
    jsonschema.validate(report, json_schema(), cls=jsonschema.Draft202012Validator)
    assert result.exit_code == (1 if report["summary"]["failed"] else 0)


def test_json_output_of_the_broken_example_validates_and_has_related_places():
    report = json.loads(run("check", str(ROOT / "examples/heat-broken"), "--format", "json",
                            "--select", "HL1,HL2,HL3,HL4").stdout)
    jsonschema.validate(report, json_schema(), cls=jsonschema.Draft202012Validator)
    assert any(f["related"] for f in report["findings"])


def test_json_schema_rejects_what_version_1_does_not_have():
    report = json.loads(render("json", synthetic()))
    jsonschema.validate(report, json_schema(), cls=jsonschema.Draft202012Validator)
    report["findings"][0]["extra"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(report, json_schema(), cls=jsonschema.Draft202012Validator)


# -- sarif --------------------------------------------------------------------------------------

def sarif_of(*args: str) -> dict:
    return json.loads(run("check", *args, "--format", "sarif").stdout)


@needs_sarif_schema
@pytest.mark.parametrize("tree", [BROKEN, CLEAN], ids=["broken", "clean"])
def test_sarif_validates_against_the_official_schema(tmp_path, tree):
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.Draft4Validator(schema).validate(sarif_of(str(write(tmp_path, tree))))


@needs_sarif_schema
def test_sarif_of_the_broken_example_and_of_edge_cases_validates():
    validator = jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text()))
    validator.validate(sarif_of(str(ROOT / "examples/heat-broken"), "--select", "HL0,HL1,HL2,HL3,HL4"))
    validator.validate(json.loads(render("sarif", synthetic(rules=cli._rules()))))


def test_sarif_rules_carry_help_text_and_a_help_uri_into_docs(tmp_path):
    sarif = sarif_of(str(write(tmp_path, BROKEN)))
    assert sarif["version"] == "2.1.0"
    (run_,) = sarif["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.code for r in cli._rules()]
    for r in rules:
        assert r["help"]["text"].strip() and r["help"]["markdown"].strip()
        assert r["helpUri"] == rule_url(r["id"]) and r["helpUri"].endswith(f"docs/rules.md#{r['id'].lower()}")
        assert not any(line.endswith("::") for line in r["help"]["markdown"].splitlines())
    (result,) = run_["results"]
    assert result["ruleId"] == "HL303" and rules[result["ruleIndex"]]["id"] == "HL303"
    assert result["level"] == "error"
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"].endswith("httpd/uwsgi-heat-api.conf")
    assert loc["region"]["startLine"] == 2 and loc["region"]["startColumn"] == 1
    (related,) = result["relatedLocations"]
    assert related["message"]["text"] == "uwsgi speaks uwsgi here"
    assert run_["properties"]["summary"]["errors"] == 1


def test_sarif_paths_relative_to_srcroot_and_absolute_as_file_uris():
    run_ = json.loads(render("sarif", synthetic()))["runs"][0]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in run_["results"]]
    assert uris[0] == {"uri": "etc/a%2Cb%3Ac.conf", "uriBaseId": "%SRCROOT%"}
    assert uris[3] == {"uri": "file:///abs/x%20y.ini"}
    assert "region" not in run_["results"][0]["locations"][0]["physicalLocation"]  # whole file
    assert [r["level"] for r in run_["results"]] == ["error", "error", "warning", "note"]
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_docs_page_has_the_anchor_every_help_uri_names():
    page = (ROOT / "docs" / "rules.md").read_text()
    missing = [r.code for r in cli._rules() if f'<a id="{r.code.lower()}"></a>' not in page]
    assert not missing, (f"docs/rules.md lacks {', '.join(missing)}: run "
                         "`heatlint rules --format markdown > docs/rules.md`")


def test_rules_markdown_converts_literal_blocks():
    page = run("rules", "--format", "markdown").stdout
    assert '<a id="hl301"></a>' in page and "## HL301 `no-app-on-port`" in page
    assert "Failing:\n\n```\n" in page and "``" not in page.replace("```", "")


# -- github -------------------------------------------------------------------------------------

def test_github_annotations(tmp_path):
    root = write(tmp_path, BROKEN)
    out = run("check", str(root), "--format", "github").stdout
    (line,) = out.splitlines()
    assert line.startswith(f"::error file={root}/httpd/uwsgi-heat-api.conf,line=2,col=1,"
                           "title=HL303 protocol-mismatch::")
    assert "%0A-> " in line and "uwsgi speaks uwsgi here" in line


def test_github_format_escapes_data_and_properties():
    lines = render("github", synthetic()).splitlines()
    assert lines[0] == ("::error file=etc/a%2Cb%3Ac.conf,title=HL003 unreadable-file::"
                        "cannot read: 100%25 gone%0Asecond line")
    assert lines[2].startswith("::warning ") and lines[3].startswith("::notice ")
    assert len(lines) == 4  # a newline in a message never starts a line of its own


def test_github_format_is_chosen_in_github_actions_unless_a_format_is_given(tmp_path):
    root = str(write(tmp_path, BROKEN))
    assert run("check", root, env={"GITHUB_ACTIONS": "true"}).stdout.startswith("::error ")
    assert "HL303" in run("check", root, env={"GITHUB_ACTIONS": "true"}, ).stdout
    text = run("check", root, "--format", "text", env={"GITHUB_ACTIONS": "true"}).stdout
    assert "::error" not in text and "1 error(s)" in text
    assert "::error" not in run("check", root).stdout


# -- junit --------------------------------------------------------------------------------------

def test_junit_counts_follow_fail_on(tmp_path):
    root = str(write(tmp_path, {**BROKEN, "other/heat-api-uwsgi.ini": "[uwsgi]\nsocket = :3031\n"}))
    result = run("check", root, "--format", "junit")
    suites = ET.fromstring(result.stdout)
    assert suites.tag == "testsuites"
    failures = suites.findall(".//failure")
    skipped = suites.findall(".//skipped")
    assert [f.get("type") for f in failures] == ["HL303"]
    assert len(skipped) >= 2 and int(suites.get("failures")) == 1
    assert int(suites.get("tests")) == len(suites.findall(".//testcase"))
    assert "uwsgi speaks uwsgi here" in failures[0].text
    strict = ET.fromstring(run("check", root, "--format", "junit", "--fail-on", "warning").stdout)
    assert int(strict.get("failures")) == int(strict.get("tests")) and strict.get("skipped") == "0"


def test_junit_clean_run_is_one_passing_test(tmp_path):
    suites = ET.fromstring(run("check", str(write(tmp_path, CLEAN)), "--format", "junit").stdout)
    (case,) = suites.findall(".//testcase")
    assert suites.get("tests") == "1" and suites.get("failures") == "0" and case.find("failure") is None


def test_junit_escapes_and_drops_characters_xml_cannot_hold():
    suites = ET.fromstring(render("junit", synthetic()))  # parses: & < > and \x01 handled
    messages = [f.get("message") for f in suites.iter("failure")]
    assert "scheme <http> & uwsgi \\x01 differ" in messages


# -- --output -----------------------------------------------------------------------------------

def test_several_outputs_in_one_run_while_text_goes_to_the_terminal(tmp_path):
    root = str(write(tmp_path / "tree", BROKEN))
    out = tmp_path / "out"
    result = run("check", root, "--output", f"sarif:{out}/r.sarif", "--output", f"json:{out}/r.json",
                 "-o", str(out / "r.xml"), "-o", f"github:{out}/annotations", "-o", str(out / "r.txt"))
    assert result.exit_code == 1
    assert "HL303" in result.stdout and "1 error(s)" in result.stdout
    assert json.loads((out / "r.sarif").read_text())["version"] == "2.1.0"
    jsonschema.validate(json.loads((out / "r.json").read_text()), json_schema(),
                        cls=jsonschema.Draft202012Validator)
    assert ET.parse(out / "r.xml").getroot().tag == "testsuites"
    assert (out / "annotations").read_text().startswith("::error ")
    text = (out / "r.txt").read_text()
    assert "HL303" in text and "\x1b[" not in text
    assert sorted(p.name for p in out.iterdir()) == ["annotations", "r.json", "r.sarif", "r.txt", "r.xml"]


def test_output_usage_errors_exit_two(tmp_path):
    root = str(write(tmp_path, BROKEN))
    result = run("check", root, "-o", str(tmp_path / "report.unknown"))
    assert result.exit_code == 2 and "FORMAT:FILE" in result.output
    assert run("check", root, "-o", "yaml:x.yaml").exit_code == 2
    assert run("check", root, "-o", "json:", ).exit_code == 2
    assert run("check", root, "-o", f"json:{tmp_path}/a.json", "-o", f"sarif:{tmp_path}/a.json").exit_code == 2
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where a folder should be")
    result = run("check", root, "-o", f"json:{blocked}/r.json")
    assert result.exit_code == 2 and "cannot write the json report" in result.output


def test_write_atomic_replaces_whole_or_not_at_all(tmp_path, monkeypatch):
    target = tmp_path / "report.json"
    target.write_text("old report")
    target.chmod(0o644)
    write_atomic(str(target), "new report")
    assert target.read_text() == "new report" and (target.stat().st_mode & 0o777) == 0o644

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomic(str(target), "half")
    assert target.read_text() == "new report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left


def test_new_report_file_gets_the_usual_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(str(tmp_path / "new.sarif"), "{}")
    finally:
        os.umask(old)
    assert ((tmp_path / "new.sarif").stat().st_mode & 0o777) == 0o644


# -- exit status --------------------------------------------------------------------------------

def test_exit_status_contract(tmp_path, monkeypatch):
    broken, clean = str(write(tmp_path / "b", BROKEN)), str(write(tmp_path / "c", CLEAN))
    assert run("check", clean).exit_code == 0
    assert run("check", broken).exit_code == 1
    assert run("check", broken, "--exit-zero").exit_code == 0
    assert run("check", broken, "--exit-zero", "--format", "json").exit_code == 0
    assert run("check", broken, "--fail-on", "never").exit_code == 0
    assert run("check", str(tmp_path / "missing"), "--exit-zero").exit_code == 2  # usage error
    assert run("check", broken, "--no-such-option").exit_code == 2
    config = tmp_path / "bad.toml"
    config.write_text('fail-on = "sometimes"\n')
    assert run("check", broken, "--config", str(config), "--exit-zero").exit_code == 2

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("heatlint.pipeline.check_paths", explode)
    result = run("check", broken, "--exit-zero")
    assert result.exit_code == 2 and "internal error: RuntimeError: boom" in result.output


def test_machine_formats_normalise_relative_paths_for_code_hosts():
    report = Report([Finding("HL302", "no-app-on-socket", "error", "m",
                             Location("./rootfs/etc/apache2/sites-enabled/heat.conf", 4, 1))])
    assert render("github", report).startswith("::error file=rootfs/etc/apache2/sites-enabled/heat.conf,")
    location = json.loads(render("sarif", report))["runs"][0]["results"][0]["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "rootfs/etc/apache2/sites-enabled/heat.conf"
