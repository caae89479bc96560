"""A process version is parsed once: the same bytes under the same name give the same LoadedProcess."""

from __future__ import annotations

from pathlib import Path

import pytest

from sales_process.loader import load_process, parse_process
from sales_process.problems import InvalidFile
from tests.foundation.processes import VALID


def test_an_unchanged_file_gives_the_same_loaded_process_and_a_saved_change_a_new_one(tmp_path: Path) -> None:
    path = tmp_path / "process.yaml"
    path.write_text(VALID, encoding="utf-8")
    first = load_process(path)
    assert load_process(path) is first
    path.write_text(VALID.replace("name:", "name: ", 1), encoding="utf-8")  # the same process, other bytes
    changed = load_process(path)
    assert changed is not first and changed.sha256 != first.sha256
    path.write_text(VALID, encoding="utf-8")
    assert load_process(path) is first  # the first version again: what was derived from it still holds


def test_the_same_bytes_under_another_name_are_another_version() -> None:
    raw = VALID.encode()
    assert parse_process(raw, "a.yaml").path == "a.yaml"
    assert parse_process(raw, "b.yaml").path == "b.yaml"


def test_an_invalid_file_is_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(InvalidFile):
            parse_process(b"name: [unclosed", "bad.yaml")
