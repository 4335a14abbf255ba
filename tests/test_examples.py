"""The shipped examples say what the README says they say."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from click.testing import CliRunner

from heatlint.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from update_docs import readme_with_table  # noqa: E402

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


def test_readme_rule_table_is_current():
    readme = (EXAMPLES.parent / "README.md").read_text()
    assert readme_with_table(readme) == readme, "README's rule table is stale: run tools/update_docs.py"
