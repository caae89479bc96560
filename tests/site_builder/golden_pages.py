"""Compare generated pages with tests/site_builder/golden/<name>/ (UPDATE_GOLDEN=1 rewrites them)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def assert_golden_pages(name: str, pages: dict[str, str]) -> None:
    """Every page equals its golden file, and no golden page is missing or extra."""
    folder = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        shutil.rmtree(folder, ignore_errors=True)
        for path, text in pages.items():
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_text(text, encoding="utf-8")
    stored = {path.relative_to(folder).as_posix() for path in folder.rglob("*.md")}
    assert stored == set(pages), f"{folder}: pages added or removed; rerun with UPDATE_GOLDEN=1 and review the diff"
    for path, text in pages.items():
        assert text == (folder / path).read_text(encoding="utf-8"), (
            f"{folder / path} differs; rerun with UPDATE_GOLDEN=1 and review"
        )
