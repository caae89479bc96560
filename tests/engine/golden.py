"""Compare long generated output with files in tests/engine/golden/ (UPDATE_GOLDEN=1 rewrites them)."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def assert_golden(name: str, actual: str, folder: Path = GOLDEN) -> None:
    """Assert `actual` equals the golden file `name` in `folder`; with UPDATE_GOLDEN=1, write it instead."""
    path = folder / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"{path} differs; rerun with UPDATE_GOLDEN=1 and review the diff"
