"""heatlint over every folder of the shared corpus of ~2,000 real published files: it must answer
(exit 0 or 1) without an internal error. Skipped, saying why, where ../shared is absent."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from heatlint.cli import main

from corpus_paths import CORPUS, needs_corpus

FOLDERS = sorted(p.name for p in CORPUS.iterdir() if p.is_dir()) if CORPUS.is_dir() else []


@needs_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("folder", FOLDERS)
def test_corpus_folder_is_checked_without_internal_error(folder):
    result = CliRunner().invoke(main, ["check", str(CORPUS / folder), "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.stdout)
    assert report["summary"]["deployments"] >= 1
    assert report["summary"]["files"] >= 1


@needs_corpus
@pytest.mark.corpus
def test_heat_samples_report_the_out_of_range_port_on_both_sides():
    files = CORPUS / "openstack-heat/be1481de/heat/httpd/files"
    result = CliRunner().invoke(main, ["check", str(files), "--format", "json"])
    found = {(f["code"], f["path"].rsplit("/", 1)[-1], f["line"]) for f in
             json.loads(result.stdout)["findings"]}
    assert {("HL304", "uwsgi-heat-api.conf", 2), ("HL304", "uwsgi-heat-api-cfn.conf", 2),
            ("HL304", "heat-api-uwsgi.ini", 13), ("HL304", "heat-api-cfn-uwsgi.ini", 13)} <= found
    assert result.exit_code == 1


@needs_corpus
@pytest.mark.corpus
def test_devstack_unix_socket_tree_is_a_working_deployment():
    # devstack's default heat layout (rendered by hand, see MANIFEST.md): every route reaches its
    # socket with the right protocol; its only errors are the links the corpus stores as text.
    tree = CORPUS / "openstack-devstack/rendered-by-hand/ubuntu-unix-socket"
    result = CliRunner().invoke(main, ["check", str(tree), "--format", "json"])
    errors = {f["code"] for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"}
    assert errors <= {"HL005"}
