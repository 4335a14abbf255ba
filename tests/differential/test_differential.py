"""heatlint against the real httpd: every Apache tree of the corpus and a seeded run of generated
trees go through both, and both must build the same configuration (directives in order with file,
line and depth; modules; files read; virtual hosts) or refuse it at the same place.

Needs Debian's apache2 and root (httpd runs in a private mount namespace in which the tree is
/etc); skipped, saying why, otherwise. ``HEATLINT_DIFFERENTIAL_SEED`` and
``HEATLINT_DIFFERENTIAL_TREES`` change the generated run (default: seed 20241125, 250 trees); a
failing generated tree is kept and named in the failure, with the command that rebuilds it.
"""

from __future__ import annotations

import collections
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

import compare
import directive_table
import generator
import httpd
from corpus_paths import CORPUS, needs_corpus
from heatlint.resolve import directives as shipped

SKIP = httpd.skip_reason()
pytestmark = [pytest.mark.differential, pytest.mark.skipif(SKIP is not None, reason=SKIP or "")]

SEED = int(os.environ.get("HEATLINT_DIFFERENTIAL_SEED", "20241125"))
COUNT = int(os.environ.get("HEATLINT_DIFFERENTIAL_TREES", "250"))
WORKERS = max(2, (os.cpu_count() or 2) * 2)  # httpd runs in its own processes: overlap them

_CERTBOT = "certbot/f769e35e/certbot/src/certbot/_internal/tests/plugins/apache/testdata"
_COMPAT = ("certbot/f769e35e/certbot-compatibility-test/src/certbot_compatibility_test/testdata/"
           "apache.tar.gz.extracted")
_DEVSTACK = "openstack-devstack/rendered-by-hand"

# Every whole Apache tree of the corpus: name → parts copied on top of each other (corpus path,
# where it goes in the host root; "" for a tree that is itself a host root). A single part is
# checked where it lies; overlays are composed in a temporary folder first.
CORPUS_TREES: dict[str, list[tuple[str, str]]] = {
    "debian-apache2": [("debian-bookworm/apache2_2.4.71-1~deb12u1", "")],
    "debian-apache2+mailman3": [("debian-bookworm/composed-apache2+mailman3-web", "")],
    "devstack-unix-socket": [(f"{_DEVSTACK}/ubuntu-unix-socket", "")],
    "devstack-unix-socket-tls-proxy": [(f"{_DEVSTACK}/ubuntu-unix-socket-tls-proxy", "")],
    "devstack-local-http-proxy": [(f"{_DEVSTACK}/ubuntu-unix-socket", ""),
                                  (f"{_DEVSTACK}/ubuntu-local-http-proxy-overlay", "")],
    "devstack-restacked": [(f"{_DEVSTACK}/ubuntu-unix-socket", ""),
                           (f"{_DEVSTACK}/ubuntu-restacked-overlay", "")],
    "devstack-fedora-on-certbot-centos7": [(f"{_CERTBOT}/centos7_apache/apache/httpd", "etc/httpd"),
                                           (f"{_DEVSTACK}/fedora-unix-socket-overlay", "")],
    "certbot-debian-default_vhost": [(f"{_CERTBOT}/debian_apache_2_4/default_vhost/apache2", "")],
    "certbot-debian-augeas_vhosts": [(f"{_CERTBOT}/debian_apache_2_4/augeas_vhosts/apache2", "")],
    "certbot-debian-multi_vhosts": [(f"{_CERTBOT}/debian_apache_2_4/multi_vhosts/apache2", "")],
    "certbot-debian-multiple_vhosts": [(f"{_CERTBOT}/debian_apache_2_4/multiple_vhosts/apache2", "")],
    "certbot-complex_parsing": [(f"{_CERTBOT}/complex_parsing", "")],
    "certbot-gentoo": [(f"{_CERTBOT}/gentoo_apache/apache/apache2", "")],
    "certbot-centos7": [(f"{_CERTBOT}/centos7_apache/apache/httpd", "")],
    "certbot-centos6": [("certbot/2574a8df/certbot-apache/tests/testdata/centos6_apache/apache/httpd", "")],
    "certbot-compat-simple_vhost": [(f"{_COMPAT}/simple_vhost/apache2", "")],
    "certbot-compat-two_vhost_80": [(f"{_COMPAT}/two_vhost_80/apache2", "")],
    "certbot-compat-vhost_with_tls": [(f"{_COMPAT}/vhost_with_tls/apache2", "")],
}

# Differences that remain, each with why (README "Accuracy" lists them too). A difference that
# disappears makes the test fail, so this list cannot go stale.
KNOWN: dict[str, list[str]] = {
    # An Apache 2.2 tree: with an MPM supplied it gets as far as mod_ssl, which checks the
    # *argument* of SSLSessionCache ("shmcb" needs mod_socache_shmcb). heatlint checks directive
    # names, argument counts of read-time directives and sections, not every module's arguments.
    "certbot-centos6 (MPM supplied)": ["httpd refuses the tree at", "SSLSessionCache"],
}


def _compose(parts: list[tuple[str, str]], into: Path) -> Path:
    for source, where in parts:
        httpd.copy_tree(CORPUS / source, into / where, real_links=False)
    return into


def _corpus_outcomes(name: str) -> list[tuple[str, compare.Outcome]]:
    parts = CORPUS_TREES[name]
    work = Path(tempfile.mkdtemp(prefix="heatlint-corpus-"))
    try:
        src = CORPUS / parts[0][0] if len(parts) == 1 else _compose(parts, work / "tree")
        outcome = compare.compare_tree(name, src)
        found = [(name, outcome)]
        if "No MPM loaded" in outcome.run.stderr:
            # Test trees often load no MPM: compare them again with one supplied by the harness.
            label = f"{name} (MPM supplied)"
            found.append((label, compare.compare_tree(label, src, preload_mpm=True)))
        return found
    finally:
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="module")
def corpus_outcomes() -> dict[str, compare.Outcome]:
    present = [n for n in CORPUS_TREES if (CORPUS / CORPUS_TREES[n][0][0]).is_dir()]
    with ThreadPoolExecutor(WORKERS) as pool:
        results = list(pool.map(_corpus_outcomes, present))
    return {label: outcome for found in results for label, outcome in found}


def _check_known(label: str, outcome: compare.Outcome) -> None:
    expected = KNOWN.get(label, [])
    if not expected:
        assert not outcome.differences, outcome.report()
        return
    assert len(outcome.differences) == 1 and all(s in outcome.differences[0] for s in expected), (
        f"the known difference of {label} changed (update KNOWN and README's Accuracy):\n"
        + outcome.report())


@needs_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(CORPUS_TREES))
def test_corpus_tree_matches_httpd(name, corpus_outcomes):
    labels = [label for label in corpus_outcomes if label == name or label.startswith(name + " (")]
    assert labels, f"{name}: not in the corpus at {CORPUS}"
    for label in labels:
        _check_known(label, corpus_outcomes[label])


@needs_corpus
@pytest.mark.corpus
def test_corpus_comparison_covers_what_it_claims(corpus_outcomes):
    """The corpus run compares real content, not just refusals: most trees (or their MPM-supplied
    variants) are accepted by httpd, and the Red Hat, Gentoo and text-link paths are exercised."""
    accepted = [label for label, o in corpus_outcomes.items() if o.run.ok]
    assert len(accepted) >= 10, sorted(accepted)
    assert sum(len(o.run.directives) for o in corpus_outcomes.values()) > 2000
    layouts = {o.target.layout for o in corpus_outcomes.values()}
    assert {"debian", "redhat", "gentoo"} <= layouts
    assert any(o.target.fs.text_links for o in corpus_outcomes.values())


# -- generated trees ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def generated():
    # Not pytest's tmp_path: its clean-up of old sessions may remove a folder a concurrent
    # session still uses. Trees that agree are removed; the others stay for inspection.
    base = Path(tempfile.mkdtemp(prefix="heatlint-differential-"))

    def one(index: int):
        tree = generator.generate(SEED, index, base / f"tree-{index:04d}")
        return index, (tree, compare.compare_generated(f"generated #{index}", tree.root))

    with ThreadPoolExecutor(WORKERS) as pool:
        results = dict(pool.map(one, range(COUNT)))
    for index, (tree, outcome) in results.items():
        if not outcome.differences:
            shutil.rmtree(tree.root, ignore_errors=True)
    yield results
    if not any(base.iterdir()):
        base.rmdir()


@pytest.mark.parametrize("index", range(COUNT))
def test_generated_tree_matches_httpd(index, generated):
    tree, outcome = generated[index]
    assert not outcome.differences, (
        f"{outcome.report()}\n  tree kept at {tree.root} (layout {tree.layout}, injected error: "
        f"{tree.injected or 'none'}); rebuild it with generator.generate({SEED}, {index}, path)")


def test_generated_run_covers_every_feature(generated):
    """What the seeded run must have exercised, so a generator change cannot quietly make the
    comparison easy."""
    features = collections.Counter(f for tree, _ in generated.values() for f in tree.features)
    injected = collections.Counter(tree.injected for tree, _ in generated.values() if tree.injected)
    outcomes = [o for _, o in generated.values()]
    wanted = {"glob-file", "glob-dir", "include-dir", "include-absolute", "include-absolute-elsewhere",
              "IncludeOptional-missing", "glob-over-linked-folder", "IfModule", "IfDefine", "IfVersion",
              "IfFile", "IfDirective", "negation", "Define", "UnDefine", "variables",
              "variable-in-section", "variable-in-include", "variable-expanding-to-words",
              "continuation", "continued-comment", "quoting", "tricky-quoting",
              "a2enmod-relative-link", "a2enmod-absolute-link", "LoadModule-in-conf", "redhat",
              "VirtualHost", "ServerRoot", "mod_wsgi", "false-IfModule", "false-IfDefine"}
    assert {f for f in wanted if features[f] < 3} == set(), features
    assert len(injected) >= 10, injected
    assert sum(o.run.ok for o in outcomes) >= 0.75 * len(outcomes)
    assert sum(len(o.run.directives) for o in outcomes) >= 20 * len(outcomes)


def test_comparison_notices_a_wrong_model(generated):
    """The comparison is not vacuous: the same outcome with one directive moved, one line number
    changed or one module dropped from heatlint's model is reported as a difference."""
    tree, outcome = next((t, o) for t, o in generated.values()
                         if o.run.ok and not o.differences and len(o.deployment.apache.directives) > 3)
    config = outcome.deployment.apache
    original = list(config.directives)
    try:
        config.directives[:] = original[1:] + original[:1]
        assert compare.compare(outcome)
        config.directives[:] = [replace(original[0], end_line=original[0].end_line + 1)] + original[1:]
        assert compare.compare(outcome)
    finally:
        config.directives[:] = original
    modules = dict(config.modules)
    config.modules.pop(next(m for m, loaded in modules.items() if loaded.location is not None))
    try:
        assert any("modules differ" in d for d in compare.compare(outcome))
    finally:
        config.modules.clear()
        config.modules.update(modules)
    assert compare.compare(outcome) == []


def test_shipped_directive_table_is_what_apache2_registers():
    """heatlint/resolve/directives.py (which decides "Invalid command") equals ``apache2 -L`` with
    every module of this machine loaded; regenerate it with tests/differential/directive_table.py."""
    table = directive_table.directive_table()
    assert {k: sorted(v) for k, v in shipped.DIRECTIVES.items()} == table
