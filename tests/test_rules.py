"""Every rule's firing and non-firing cases, as data (tests/rules/<rule-name>.toml).

A case file names its rule and lists cases. Each case builds a small tree in a temporary folder and
checks it from inside that folder, so paths in ``expect`` are relative to the tree:

    rule = "HL301"

    [[case]]
    name = "port differs"               # what the case shows
    base = "debian"                     # optional: start from tests/fixtures/debian-base
    mods = ["proxy", "proxy_http"]      # optional: a2enmod-style links in etc/apache2/mods-enabled
    sites = ["heat-api"]                # optional: a2ensite-style links in etc/apache2/sites-enabled
    links = { "etc/x" = "../y" }        # optional: any other symbolic link (may dangle)
    fifos = ["etc/apache2/sites-enabled/x.conf"]  # optional: named pipes
    check = "."                         # optional: what to check, relative to the tree
                                        # (a .heatlint.toml among the files configures the run)
    expect = ["HL301@etc/apache2/sites-available/heat-api.conf:1"]  # this rule's findings, exactly
    [case.files]
    "etc/apache2/sites-available/heat-api.conf" = '''...'''
    [case.latin1]                       # optional: files written in Latin-1, not UTF-8
    "etc/apache2/conf-available/x.conf" = "# Géré par l'équipe\n"
"""

from __future__ import annotations

import os
import shutil
import tomllib
from pathlib import Path

import pytest

from heatlint.check import load_rules
from heatlint.config import load
from heatlint.pipeline import check_paths

HERE = Path(__file__).parent
CASE_FILES = sorted((HERE / "rules").glob("*.toml"))
ALL_RULES = load_rules()
RULES = {r.code: r for r in ALL_RULES}


def _cases():
    for path in CASE_FILES:
        data = tomllib.loads(path.read_text())
        for case in data["case"]:
            yield pytest.param(data["rule"], case, id=f"{data['rule']}:{case['name']}")


def _link(tree: Path, entry: str, target: str) -> None:
    link = tree / entry
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.exists():
        link.unlink()
    os.symlink(target, link)


def materialise(case: dict, tree: Path) -> Path:
    if "base" in case:
        shutil.copytree(HERE / "fixtures" / f"{case['base']}-base", tree, symlinks=True)
    tree.mkdir(exist_ok=True)
    for name, text in case.get("files", {}).items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_text(text)
    for name, text in case.get("latin1", {}).items():
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_bytes(text.encode("latin-1"))
    apache = "etc/apache2"
    for mod in case.get("mods", []):
        _link(tree, f"{apache}/mods-enabled/{mod}.load", f"../mods-available/{mod}.load")
        if (tree / apache / "mods-available" / f"{mod}.conf").exists():
            _link(tree, f"{apache}/mods-enabled/{mod}.conf", f"../mods-available/{mod}.conf")
    for site in case.get("sites", []):
        _link(tree, f"{apache}/sites-enabled/{site}.conf", f"../sites-available/{site}.conf")
    for entry, target in case.get("links", {}).items():
        _link(tree, entry, target)
    for entry in case.get("fifos", []):  # must be skipped unopened: reading one would hang
        (tree / entry).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(tree / entry)
    return tree


@pytest.mark.parametrize("code,case", list(_cases()))
def test_rule_case(code, case, tmp_path, monkeypatch):
    assert code in RULES, f"no rule {code}"
    tree = materialise(case, tmp_path / "tree")
    monkeypatch.chdir(tree)
    report = check_paths([case.get("check", ".")], ALL_RULES, load(ALL_RULES, cwd="."))
    got = sorted(f"{f.code}@{f.location.path}:{f.location.line}" for f in report.findings
                 if f.code == code)
    assert got == sorted(case["expect"]), "\n".join(
        f"{f.code} {f.location}: {f.message}" for f in report.findings)


def test_every_rule_has_firing_and_passing_cases():
    seen: dict[str, set[bool]] = {}
    for param in _cases():
        code, case = param.values
        seen.setdefault(code, set()).add(bool(case["expect"]))
    missing = [code for code in RULES if seen.get(code) != {True, False}]
    assert not missing, f"rules without both firing and non-firing cases: {missing}"
