"""Compiled templates are kept on disk between runs, and never trusted blindly."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import pytest
from jinja2.bccache import bc_magic

from site_builder.template_cache import TemplateCache, cache_folder
from tests.conftest import DEFAULT_PROCESS


class CountingEnvironment(jinja2.Environment):
    """A Jinja environment that counts the templates it compiles from source."""

    compiled = 0

    def compile(self, *args: Any, **kwargs: Any) -> Any:
        type(self).compiled += 1
        return super().compile(*args, **kwargs)


def _render(templates: Path, cache: TemplateCache) -> tuple[str, int]:
    """Render page.html through a fresh environment (as a new process would) and count compilations."""
    CountingEnvironment.compiled = 0
    env = CountingEnvironment(loader=jinja2.FileSystemLoader(templates), bytecode_cache=cache)
    return env.get_template("page.html").render(name="Ada"), CountingEnvironment.compiled


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "theme"
    folder.mkdir()
    (folder / "page.html").write_text("<p>Hello {{ name }}</p>", encoding="utf-8")
    return folder


def test_a_new_process_reads_the_templates_the_last_one_compiled(templates: Path, tmp_path: Path) -> None:
    disk = tmp_path / "cache"
    assert _render(templates, TemplateCache(lambda: disk)) == ("<p>Hello Ada</p>", 1)
    assert len(list(disk.glob("*.bin"))) == 1
    assert _render(templates, TemplateCache(lambda: disk)) == ("<p>Hello Ada</p>", 0)


def test_an_edited_template_is_compiled_again(templates: Path, tmp_path: Path) -> None:
    disk = tmp_path / "cache"
    _render(templates, TemplateCache(lambda: disk))
    (templates / "page.html").write_text("<p>Goodbye {{ name }}</p>", encoding="utf-8")
    assert _render(templates, TemplateCache(lambda: disk)) == ("<p>Goodbye Ada</p>", 1)
    assert _render(templates, TemplateCache(lambda: disk)) == ("<p>Goodbye Ada</p>", 0)


DAMAGES: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda good: b"",
    "not bytecode": lambda good: b"garbage",
    "cut inside the checksum": lambda good: good[: len(bc_magic) + 5],
    "cut inside the code": lambda good: good[: len(good) - 20],
    "overwritten code": lambda good: good[: len(good) // 2] + b"\xff" * (len(good) - len(good) // 2),
}


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_file_costs_a_compilation_and_is_replaced(
    templates: Path, tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    disk = tmp_path / "cache"
    _render(templates, TemplateCache(lambda: disk))
    [kept] = disk.glob("*.bin")
    good = kept.read_bytes()
    kept.write_bytes(damage(good))
    assert _render(templates, TemplateCache(lambda: disk)) == ("<p>Hello Ada</p>", 1)
    assert kept.read_bytes() == good


def test_a_folder_others_may_write_to_is_never_read(templates: Path, tmp_path: Path) -> None:
    disk = tmp_path / "shared"
    _render(templates, TemplateCache(lambda: disk))
    disk.chmod(0o777)
    assert _render(templates, TemplateCache(lambda: disk)) == ("<p>Hello Ada</p>", 1)


def test_a_folder_that_cannot_be_made_keeps_templates_in_memory(templates: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    cache = TemplateCache(lambda: blocked / "cache")
    assert _render(templates, cache) == ("<p>Hello Ada</p>", 1)
    assert _render(templates, cache) == ("<p>Hello Ada</p>", 0)


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"PLAYBOOK_CACHE_DIR": "/srv/cache"}, Path("/srv/cache/templates")),
        ({"PLAYBOOK_CACHE_DIR": ""}, None),
        ({"XDG_CACHE_HOME": "/home/ada/.cache-elsewhere"}, Path("/home/ada/.cache-elsewhere/cvo-playbook/templates")),
        ({"HOME": "/home/ada"}, Path("/home/ada/.cache/cvo-playbook/templates")),
        ({"XDG_CACHE_HOME": "relative/cache"}, None),
    ],
)
def test_the_cache_folder_follows_the_environment(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: Path | None
) -> None:
    for name in ("PLAYBOOK_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert cache_folder() == expected


@pytest.mark.slow  # two whole builds: ./scripts/test --quick leaves it out
def test_a_second_playbook_build_compiles_no_template(tmp_path: Path) -> None:
    disk = tmp_path / "cache"
    environment = {**os.environ, "PLAYBOOK_CACHE_DIR": str(disk)}

    def build(site: Path) -> None:
        command = [sys.executable, "-m", "playbook_cli", "build", "--process", str(DEFAULT_PROCESS)]
        done = subprocess.run([*command, "--site-dir", str(site)], env=environment, capture_output=True, check=False)
        assert done.returncode == 0, done.stderr.decode()

    build(tmp_path / "one")
    kept = {path: path.stat().st_mtime_ns for path in (disk / "templates").glob("*.bin")}
    assert len(kept) > 30, "the first build kept fewer templates than Material has"
    build(tmp_path / "two")
    assert {path: path.stat().st_mtime_ns for path in (disk / "templates").glob("*.bin")} == kept
    for page in (tmp_path / "one").rglob("*.html"):
        assert page.read_bytes() == (tmp_path / "two" / page.relative_to(tmp_path / "one")).read_bytes()
