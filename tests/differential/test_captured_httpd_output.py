"""heatlint against httpd output captured on the hosts the corpus trees came from.

certbot's compatibility test data holds three complete 2015 Ubuntu ``/etc/apache2`` trees, each
with what ``apache2ctl -M`` and ``apache2ctl -S`` printed there (Apache 2.4.10). heatlint must find
the same loaded modules and the same virtual hosts (file, line, ServerName). Needs only the corpus.
"""

from __future__ import annotations

import pytest

import httpd
from corpus_paths import CORPUS, needs_corpus
from heatlint.discover import discover
from heatlint.resolve.deployment import build

CAPTURED = ("certbot/f769e35e/certbot-compatibility-test/src/certbot_compatibility_test/testdata/"
            "apache.tar.gz.extracted")
TREES = ["simple_vhost", "two_vhost_80", "vhost_with_tls"]


@needs_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("tree", TREES)
def test_modules_and_vhosts_match_what_apache2ctl_printed(tree):
    folder = CORPUS / CAPTURED / tree
    (target,) = discover([str(folder / "apache2")])
    config = build(target).apache
    captured = httpd.HttpdRun(0, (folder / "modules").read_text() + (folder / "vhosts").read_text(), "")
    httpd.parse_output(captured)
    assert captured.modules and captured.vhosts  # the capture was read
    assert sorted(config.modules) == sorted(m for m, _ in captured.modules)
    theirs = sorted((target.fs.shown(path), line) for _, _, path, line in captured.vhosts)
    assert sorted((v.location.path, v.location.line) for v in config.vhosts) == theirs
    names = {(target.fs.shown(path), line): name for _, name, path, line in captured.vhosts}
    for vhost in config.vhosts:
        if vhost.server_name:  # without one httpd shows the host's own name
            assert names[(vhost.location.path, vhost.location.line)] == vhost.server_name
