"""Apps made in one process share their templates' compiled code, and an edited template is compiled afresh."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader

from assess_app.compiled_templates import SharedBytecode


def _environment(folder: Path, cache: SharedBytecode) -> Environment:
    """A new environment, as each app has its own, on the shared cache."""
    return Environment(loader=FileSystemLoader(folder), bytecode_cache=cache, autoescape=True)


def test_a_template_is_compiled_once_for_every_environment_until_it_is_edited(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled: list[str | None] = []
    original = Environment.compile

    def counted(self: Environment, source: str, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(name)
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(Environment, "compile", counted)
    (tmp_path / "deal.html").write_text("<p>{{ deal }} is at {{ stage }}</p>", encoding="utf-8")
    cache = SharedBytecode()
    first = _environment(tmp_path, cache).get_template("deal.html").render(deal="Acme", stage="Qualifying")
    second = _environment(tmp_path, cache).get_template("deal.html").render(deal="<b>", stage="Proposing")
    assert (first, second) == ("<p>Acme is at Qualifying</p>", "<p>&lt;b&gt; is at Proposing</p>")
    assert compiled == ["deal.html"]
    (tmp_path / "deal.html").write_text("<p>{{ deal }} claims {{ stage }}</p>", encoding="utf-8")
    edited = _environment(tmp_path, cache).get_template("deal.html").render(deal="Acme", stage="Proposing")
    assert edited == "<p>Acme claims Proposing</p>"
    assert compiled == ["deal.html", "deal.html"]
