"""Small trees of configuration files for tests."""

from __future__ import annotations

import os
from pathlib import Path


def write_tree(root: Path, files: dict[str, str], links: dict[str, str] | None = None) -> Path:
    """Write ``{relative path: text}`` under ``root`` (folders as needed), then the symbolic
    links ``{relative path: target}``; return ``root``."""
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    for name, target in (links or {}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, root / name)
    return root
