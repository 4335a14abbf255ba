"""The command line: report shapes, exit statuses and the rule listing."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from heatlint.cli import main
from treeutil import write_tree as write

BROKEN = {
    "httpd/uwsgi-heat-api.conf": 'KeepAlive Off\nProxyPass "/heat-api" "http://127.0.0.1:8004" retry=0\n',
    "uwsgi/heat-api-uwsgi.ini": "[uwsgi]\nsocket = 127.0.0.1:8004\nprocesses = 2\nthreads = 2\n"
                                "master = true\ndie-on-term = true\nmodule = heat.wsgi.api:application\n"
                                "plugins = python3\nbuffer-size = 65535\n",
}



def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_json_report_shape_and_exit_status(tmp_path):
    root = write(tmp_path, BROKEN)
    result = run("check", str(root), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["version"] == 1
    (finding,) = report["findings"]
    assert set(finding) == {"code", "name", "severity", "message", "path", "line", "column", "related"}
    assert (finding["code"], finding["name"], finding["severity"]) == ("HL303", "protocol-mismatch", "error")
    assert (finding["path"], finding["line"], finding["column"]) == (
        str(root / "httpd/uwsgi-heat-api.conf"), 2, 1)
    (note,) = finding["related"]
    assert note == {"path": str(root / "uwsgi/heat-api-uwsgi.ini"), "line": 2, "column": 1,
                    "message": "uwsgi speaks uwsgi here"}
    assert report["summary"] == {"errors": 1, "warnings": 0, "infos": 0, "files": 2,
                                 "deployments": 1, "failed": True}


def test_fail_on_levels(tmp_path):
    root = write(tmp_path, {"uwsgi/heat-api-uwsgi.ini": "[uwsgi]\nsocket = :3031\nmaster = true\n"
                            "die-on-term = true\nmodule = heat.wsgi.api\nplugins = python3\n"
                            "buffer-size = 65535\n"})  # 2 warnings
    assert run("check", str(root)).exit_code == 0
    assert run("check", str(root), "--fail-on", "warning").exit_code == 1
    assert run("check", str(root), "--fail-on", "info").exit_code == 1
    broken = write(tmp_path / "b", BROKEN)
    assert run("check", str(broken), "--fail-on", "never").exit_code == 0


def test_clean_deployment_exits_zero(tmp_path):
    root = write(tmp_path, {
        "httpd/heat.conf": 'ProxyPass "/heat-api" "http://127.0.0.1:8004" retry=0\n',
        "uwsgi/heat.ini": "[uwsgi]\nhttp-socket = 127.0.0.1:8004\nprocesses = 2\nthreads = 2\n"
                          "master = true\ndie-on-term = true\nmodule = heat.wsgi.api:application\n"
                          "plugins = python3\nbuffer-size = 65535\n"})
    result = run("check", str(root))
    assert result.exit_code == 0 and "No problems found" in result.stdout


def test_text_report_shows_the_line_and_where_uwsgi_listens(tmp_path):
    root = write(tmp_path, BROKEN)
    out = run("check", str(root)).stdout
    assert "HL303" in out and '| ProxyPass "/heat-api" "http://127.0.0.1:8004" retry=0' in out
    assert "heat-api-uwsgi.ini:2: uwsgi speaks uwsgi here" in out
    assert "1 error(s), 0 warning(s)" in out


def test_usage_errors_exit_two(tmp_path):
    result = run("check", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "no such file or directory" in result.output
    assert run("check", "--format", "yaml", str(tmp_path)).exit_code == 2
    assert run("explain", "HL999").exit_code == 2


def test_rules_and_explain():
    listing = json.loads(run("rules", "--format", "json").stdout)
    codes = [r["code"] for r in listing]
    assert codes == sorted(codes) and {"HL101", "HL301", "HL401"} <= set(codes)
    assert all(set(r) == {"code", "name", "severity", "family", "summary"} for r in listing)
    by_code = run("explain", "HL304").stdout
    assert by_code == run("explain", "port-out-of-range").stdout
    assert "80999" in by_code and "Heat" in by_code


def test_installed_entry_point_runs(tmp_path):
    root = write(tmp_path, BROKEN)
    proc = subprocess.run([sys.executable, "-m", "heatlint", "check", str(root), "--format", "json"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and json.loads(proc.stdout)["findings"][0]["code"] == "HL303"
