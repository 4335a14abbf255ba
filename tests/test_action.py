"""The composite GitHub Action (action.yml): its shape, and its shell steps run here the way a
runner runs them (bash --noprofile --norc -eo pipefail), with this checkout's heatlint."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML is not installed (it comes with pre-commit)")

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).with_name("heatlint")
BASH = shutil.which("bash")
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text())


def step(name: str) -> dict:
    return next(s for s in action()["runs"]["steps"] if s["name"] == name)


def test_action_is_composite_and_refers_only_to_its_own_inputs():
    spec = action()
    assert spec["runs"]["using"] == "composite"
    declared = set(spec["inputs"])
    assert {"paths", "args", "sarif", "sarif-file"} <= declared
    text = (ROOT / "action.yml").read_text()
    used = set(re.findall(r"inputs\.([a-z-]+)", text))
    assert used and used <= declared
    for s in spec["runs"]["steps"]:
        if "run" in s:
            assert s["shell"] == "bash"
            assert "${{" not in s["run"]  # inputs reach scripts through env, never pasted into code
        else:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@v\d+", s["uses"])
    upload = step("Upload SARIF to code scanning")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")


@pytest.mark.skipif(BASH is None or not SCRIPT.exists(), reason="needs bash and an installed heatlint script")
@pytest.mark.parametrize("example, status", [("heat-broken", 1), ("heat-working", 0)])
def test_run_step_reports_status_and_writes_sarif(tmp_path, example, status):
    venv_bin = tmp_path / "runner-temp" / "heatlint-venv" / "bin"
    venv_bin.mkdir(parents=True)
    (venv_bin / "heatlint").symlink_to(SCRIPT)
    outputs = tmp_path / "github-output"
    outputs.write_text("")
    run = step("Run heatlint")
    inputs = {**{k: v.get("default", "") for k, v in action()["inputs"].items()},
              "paths": str(ROOT / "examples" / example), "sarif": "true",
              "sarif-file": str(tmp_path / "out" / "heatlint.sarif"), "args": "--fail-on error"}
    env = {"PATH": "/usr/bin:/bin", "RUNNER_TEMP": str(tmp_path / "runner-temp"),
           "GITHUB_OUTPUT": str(outputs), "GITHUB_ACTIONS": "true"}
    for key, value in run["env"].items():
        env[key] = EXPRESSION.sub(lambda m: inputs[m.group(1).removeprefix("inputs.")], value)
    proc = subprocess.run([BASH, "--noprofile", "--norc", "-eo", "pipefail", "-c", run["run"]],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr  # the step itself never fails: the verdict step does
    recorded = dict(line.split("=", 1) for line in outputs.read_text().splitlines())
    assert recorded["exit-code"] == str(status)
    assert recorded["sarif-file"] == inputs["sarif-file"]
    sarif = json.loads(Path(recorded["sarif-file"]).read_text())
    assert sarif["version"] == "2.1.0" and bool(sarif["runs"][0]["results"]) == (status == 1)
    if status:
        assert proc.stdout.startswith("::error file=")  # annotations on the pull request


@pytest.mark.skipif(BASH is None, reason="needs bash")
@pytest.mark.parametrize("status, verdict", [("0", 0), ("1", 1), ("2", 2), ("", 2)])
def test_verdict_step_fails_the_job_as_heatlint_exited(status, verdict):
    proc = subprocess.run([BASH, "--noprofile", "--norc", "-eo", "pipefail", "-c",
                           step("Verdict")["run"]], env={"HEATLINT_STATUS": status},
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == verdict and proc.stdout.startswith("heatlint: ")
