"""Shared test set-up. ``../shared/corpus`` is optional: tests that need it skip without it
(see tests/corpus_paths.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _not_on_github_actions(monkeypatch):
    # heatlint picks GitHub annotations when GITHUB_ACTIONS=true; tests assert on other formats.
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
