"""The shipped examples say what the README says they say."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from heatlint.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def findings(name: str):
    result = CliRunner().invoke(main, ["check", str(EXAMPLES / name), "--format", "json"])
    return result.exit_code, sorted((f["code"], f["path"].split(name + "/", 1)[1], f["line"])
                                    for f in json.loads(result.stdout)["findings"])


def test_broken_heat_example():
    assert findings("heat-broken") == (1, [
        ("HL102", "etc/apache2/sites-enabled/heat-api.conf", 4),
        ("HL201", "etc/apache2/sites-available/heat-api-cfn.conf", 1),
        ("HL302", "etc/apache2/sites-enabled/heat-api.conf", 4),
        ("HL401", "etc/heat/heat-api-cfn-uwsgi.ini", 1),
        ("HL402", "etc/heat/heat-api-cfn-uwsgi.ini", 1),
    ])


def test_working_heat_example():
    assert findings("heat-working") == (0, [])


def test_readme_lists_every_rule():
    readme = (EXAMPLES.parent / "README.md").read_text()
    listing = json.loads(CliRunner().invoke(main, ["rules", "--format", "json"]).stdout)
    missing = [r["code"] for r in listing
               if f"| {r['code']} | `{r['name']}` | {r['severity']} |" not in readme]
    assert not missing, f"README's rule table lacks {missing}"
