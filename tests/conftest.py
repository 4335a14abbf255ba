"""Shared test set-up. ``../shared/corpus`` is optional: tests that need it skip without it
(see tests/corpus_paths.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _not_on_github_actions(monkeypatch):
    # heatlint picks GitHub annotations when GITHUB_ACTIONS=true; tests assert on other formats.
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


@pytest.fixture(autouse=True)
def _private_parse_cache(monkeypatch, tmp_path_factory):
    # `heatlint check` keeps a parse cache in $XDG_CACHE_HOME/heatlint: never the user's own in
    # tests. One folder for the whole session, so the tests also run on a warm cache.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))
