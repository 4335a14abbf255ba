"""Print the README's "Verified against Apache and uwsgi" table from an end-to-end run.

    HEATLINT_E2E_RESULTS=/tmp/e2e.json .venv/bin/pytest -m e2e
    .venv/bin/python tests/e2e/table.py /tmp/e2e.json

Every cell comes from the run: what the real stack did and what heatlint said.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import e2e_harness as harness  # noqa: E402


def heatlint_cell(findings: list[dict], scenario: harness.Scenario) -> str:
    errors, warnings = harness.errors_and_warnings(findings)
    named = lambda codes: ", ".join(sorted(codes))  # noqa: E731
    if scenario.expect == "works":
        said = "no error"
        if warnings:
            said += f" (warnings {named(warnings)})"
    elif errors:
        said = f"error {named(errors)}" + (f"; warning {named(warnings)}" if warnings else "")
    elif warnings:
        said = f"warning {named(warnings)}"
    else:
        said = "nothing"
    if scenario.xfail:
        said += f" — {scenario.xfail}"
    return said


def real_cell(result: dict, scenario: harness.Scenario) -> str:
    """What the stack did, compactly: statuses, the 6 KB token, the concurrency probe, and the
    log line the scenario names as evidence (the test checked that it is in the logs)."""
    real = result["real"]
    expected = real["expected"]
    if real.get("configtest", {}).get("rc") != 0 or not real.get("apache", {}).get("running"):
        return harness.summary(result)
    basic = [r for r in real["requests"] if expected[r["name"]]["kind"] == "basic"]
    token = [r for r in real["requests"] if expected[r["name"]]["kind"] == "token"]

    def status(r: dict) -> str:
        if harness.request_ok(r, expected[r["name"]]):
            return "200"
        if r.get("status") == 200:
            body = json.loads(r["body"])
            app = body.get("app", "").replace("-uwsgi.ini", "")
            return (f"200 from {app}" if body.get("app") != expected[r["name"]].get("app")
                    else f"200, PATH_INFO={body.get('path_info')}")
        if r.get("status") is None:
            return "refused" if "refused" in r.get("error", "") else "no answer"
        return f"{r['status']}" + (f" after {r['elapsed']:.0f} s" if r["elapsed"] >= 2 else "")

    if len(basic) == 1:
        parts = [status(basic[0])]
    else:
        parts = [", ".join(f"{r['name']} {status(r)}" for r in basic)]
    if all(harness.request_ok(r, expected[r["name"]]) for r in basic):
        parts.append(f"6 KB token {status(token[0])}")
        probe = real.get("concurrency")
        if probe:
            parts.append(f"{probe['count']}×{probe['seconds']:g} s parallel: {probe['elapsed']:.1f} s "
                         f"({probe['overlap']} at once)")
    evidence = scenario.data.get("evidence", [])
    if evidence:
        parts.append(f"`{evidence[0][:70]}`")
    return "; ".join(parts)


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;")


def main(path: str) -> None:
    results = json.loads(Path(path).read_text())
    scenarios = {s.name: s for s in harness.load_scenarios()}
    print("| scenario | what really happened | outcome | heatlint |")
    print("| --- | --- | --- | --- |")
    for name in sorted(results, key=lambda n: (["works", "degraded", "broken"].index(
            scenarios[n].expect), n)):
        result = results[name]
        real, cell = (_escape(real_cell(result, scenarios[name])),
                      _escape(heatlint_cell(result["heatlint"], scenarios[name])))
        print(f"| `{name}` | {real} | {result['outcome']} | {cell} |")


if __name__ == "__main__":
    main(sys.argv[1])
