"""Every app made in one process shares the compiled templates (site_builder.template_cache), as builds do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import pytest

from assess_app import create_app
from assess_app.store import ProcessStore
from sales_process.loader import LoadedProcess
from tests.conftest import DEFAULT_PROCESS


def test_a_second_app_compiles_no_template_the_first_compiled(
    site_dir: Path, default_process: LoadedProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled: list[str | None] = []
    original = jinja2.Environment.compile

    def counted(self: jinja2.Environment, source: str, name: str | None = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(name)
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    pages = []
    for _ in range(2):
        app = create_app(
            {"TESTING": True, "PROCESS_PATH": str(DEFAULT_PROCESS), "SITE_DIR": str(site_dir), "SECRET_KEY": "test"},
            store=ProcessStore(default_process),
        )
        page = app.test_client().get("/check")
        pages.append((page.status_code, "<form" in page.get_data(as_text=True)))
        compiled.append("-- the next app")
    assert pages == [(200, True), (200, True)]
    assert compiled[-1] == "-- the next app" and compiled[-2] == "-- the next app", compiled
