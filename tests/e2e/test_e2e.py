"""heatlint's verdicts against a real Apache httpd and uwsgi (issue 4).

For each scenario in scenarios/*.toml two tests run:

* ``test_real_outcome``: the real stack did what the scenario records (works / degraded / broken,
  each request's status, the log lines that show the cause). It checks the scenario, not heatlint:
  a scenario that no longer fails for the reason it states is a wrong scenario.
* ``test_heatlint_agrees``: heatlint on the same tree says the same. broken ⇒ an error whose code
  names the cause; degraded ⇒ a warning with that code and no error; works ⇒ no error. Where
  heatlint cannot know yet, the scenario says ``xfail = "rule missing: …"`` and the test is a
  strict xfail: it starts failing the day the rule exists, so the mark has to go.

The selected scenarios run once per session, several at a time: each has its own mount, PID and
network namespaces (e2e_harness.py), so they share no port, socket or process.
``HEATLINT_E2E_JOBS`` sets how many at once (default 4: the runs mostly wait on sleeps and
timeouts, not on the CPU). ``HEATLINT_E2E_RESULTS=path.json`` keeps every measurement;
``python tests/e2e/table.py path.json`` turns it into the README's table.

The rest of this file checks the scenario files and the classification without the real stack.
"""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import e2e_harness as harness  # noqa: E402
from heatlint.check import load_rules  # noqa: E402

SCENARIOS = harness.load_scenarios()


@pytest.fixture(scope="session")
def e2e_results(request, tmp_path_factory) -> dict[str, dict]:
    why = harness.available()
    if why:
        pytest.skip(f"end-to-end suite needs the real stack: {why}")
    selected = {}
    for item in request.session.items:
        scenario = getattr(item, "callspec", None) and item.callspec.params.get("scenario")
        if isinstance(scenario, harness.Scenario) and not harness.missing_modules(scenario):
            selected[scenario.name] = scenario
    base = tmp_path_factory.mktemp("e2e")
    jobs = int(os.environ.get("HEATLINT_E2E_JOBS", "4"))
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {name: pool.submit(harness.run_scenario, s, base / name)
                   for name, s in sorted(selected.items())}
        results = {name: f.result() for name, f in futures.items()}
    dump = os.environ.get("HEATLINT_E2E_RESULTS")
    if dump:
        Path(dump).write_text(json.dumps(results, indent=1, sort_keys=True))
    return results


def _params(with_xfail: bool):
    for s in SCENARIOS:
        marks = [pytest.mark.e2e]
        if with_xfail and s.xfail:
            marks.append(pytest.mark.xfail(strict=True, reason=s.xfail))
        yield pytest.param(s, id=s.name, marks=marks)


def _result(scenario, results: dict) -> dict:
    why = harness.missing_modules(scenario)
    if why:
        pytest.skip(why)
    return results[scenario.name]


def _transcript(real: dict) -> str:
    """Everything the stack said: config test, start, error log, uwsgi logs."""
    parts = [real.get("configtest", {}).get("output", ""), real.get("apache", {}).get("output", "")]
    parts += real.get("error_log", [])
    for u in real.get("uwsgi", []):
        parts += u.get("log", [])
    return "\n".join(parts)


@pytest.mark.parametrize("scenario", list(_params(with_xfail=False)))
def test_real_outcome(scenario, e2e_results):
    result = _result(scenario, e2e_results)
    real = result["real"]
    assert "harness_error" not in real, real["harness_error"]
    assert not real["leftovers"], f"processes survived the stop: {real['leftovers']}"
    assert result["outcome"] == scenario.expect, (
        f"the real stack: {harness.summary(result)}\n(work dir {result['workdir']})")
    got = {r["name"]: r for r in real["requests"]}
    for req in scenario.requests:
        if "real_status" in req:
            status = got[req["name"]]["status"] or 0  # 0: no HTTP answer (connection refused)
            assert status == req["real_status"], f"{req['name']}: {got[req['name']]}"
    transcript = _transcript(real)
    missing = [line for line in scenario.data.get("evidence", []) if line not in transcript]
    assert not missing, f"not in any log: {missing}\n--- logs ---\n{transcript[-4000:]}"


@pytest.mark.parametrize("scenario", list(_params(with_xfail=True)))
def test_heatlint_agrees(scenario, e2e_results):
    result = _result(scenario, e2e_results)
    assert result["outcome"] == scenario.expect, "the real outcome differs: see test_real_outcome"
    errors, warnings = harness.errors_and_warnings(result["heatlint"])
    shown = "\n".join(f"  {f['code']} {f['severity']}: {f['message']}" for f in result["heatlint"])
    reality = harness.summary(result)
    if scenario.expect == "broken":
        missing = [c for c in scenario.codes if c not in errors]
        assert not missing, f"really: {reality}\nheatlint lacks error {missing}; it said:\n{shown}"
    elif scenario.expect == "degraded":
        assert not errors, f"really: {reality} (it serves requests)\nheatlint said:\n{shown}"
        missing = [c for c in scenario.codes if c not in warnings]
        assert not missing, f"really: {reality}\nheatlint lacks warning {missing}; it said:\n{shown}"
    else:
        assert not errors, f"really: {reality}\nheatlint reported errors:\n{shown}"


# -- without the real stack --------------------------------------------------------------------
def test_matrix_covers_every_pattern_and_outcome():
    assert len(SCENARIOS) >= 30
    by_outcome = {o: [s for s in SCENARIOS if s.expect == o] for o in ("works", "broken", "degraded")}
    assert all(by_outcome.values()), {o: len(v) for o, v in by_outcome.items()}
    texts = [str(s.data.get("files", {})) for s in by_outcome["works"]]
    assert any("WSGIScriptAlias" in t for t in texts), "no working mod_wsgi scenario"
    assert any("http-socket" in t and "http://" in t for t in texts), "no working http-socket"
    assert any("unix:" in t and "uwsgi://" in t for t in texts), "no working unix socket"
    assert any(len(s.requests) > 1 for s in by_outcome["works"]), "no side-by-side scenario"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario_is_well_formed(scenario):
    codes = {r.code for r in load_rules()}
    for code in scenario.codes:
        assert code in codes or scenario.xfail, f"{code} is no heatlint rule and no xfail says why"
    if scenario.expect == "broken":
        said = scenario.data.get("evidence") or [r for r in scenario.requests if "real_status" in r]
        assert said, "a broken scenario records what the stack said (evidence or real_status)"
    names = [r["name"] for r in scenario.requests]
    assert len(names) == len(set(names))
    for req in scenario.requests:
        assert req["path"].startswith("/") and {"app", "path_info"} <= set(req)


def _real(status=200, app="a.ini", path_info="/v1", token=0, configtest=0, running=True, overlap=4):
    body = ('{"app": "%s", "path_info": "%s", "token_bytes": %d}' % (app, path_info, token))
    return {
        "configtest": {"rc": configtest}, "apache": {"running": running},
        "requests": [{"name": "r", "status": status, "body": body},
                     {"name": "r (large token)", "status": status, "body": body.replace(
                         '"token_bytes": 0', f'"token_bytes": {harness.BIG_TOKEN}')}],
        "concurrency": {"statuses": ["200"] * 4, "elapsed": 1.0, "seconds": 1.0, "count": 4,
                        "overlap": overlap},
        "expected": {"r": {"kind": "basic", "app": "a.ini", "path_info": "/v1"},
                     "r (large token)": {"kind": "token", "app": "a.ini", "path_info": "/v1",
                                         "token_bytes": harness.BIG_TOKEN}},
    }


@pytest.mark.parametrize("real,outcome", [
    (_real(), "works"),
    (_real(configtest=1), "broken"),
    (_real(running=False), "broken"),
    (_real(status=503), "broken"),
    (_real(app="other.ini"), "broken"),
    (_real(path_info="//v1"), "broken"),
    (_real(overlap=2), "degraded"),
    ({"harness_error": "boom"}, "harness-error"),
], ids=["works", "config-test", "not-started", "503", "wrong-app", "wrong-path", "serialised",
        "harness"])
def test_outcome_classification(real, outcome):
    assert harness.outcome(real) == outcome


def test_large_token_failure_is_degraded():
    real = _real()
    real["requests"][1]["status"] = 500
    assert harness.outcome(real) == "degraded"
