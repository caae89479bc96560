"""On a phone, a milestone's note ("helps, not required") sits under its question, not beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assess_app import create_app
from site_builder.build import build_site
from tests.browser import live_wsgi
from tests.requirements.posthog import write_process

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
def test_each_question_keeps_the_width_of_its_card(browser: Any, tmp_path: Path, width: int) -> None:
    process = write_process(tmp_path)
    build_site(process, tmp_path / "site")
    app = create_app(
        {
            "TESTING": True,
            "PROCESS_PATH": str(process),
            "SITE_DIR": str(tmp_path / "site"),
            "SECRET_KEY": "layout",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'records.db'}",
        }
    )
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        with live_wsgi(app) as url:
            page.goto(f"{url}/check")
            boxes = page.eval_on_selector_all(
                ".milestone__question:has(.requirement)",
                """rows => rows.map(row => {
                    const box = element => element.getBoundingClientRect();
                    const [label, note] = [box(row.querySelector('label')), box(row.querySelector('.requirement'))];
                    return {row: box(row).width, label: label.width, labelBottom: label.bottom,
                            noteTop: note.top, noteRight: note.right};
                })""",
            )
    finally:
        context.close()
    assert len(boxes) >= 2, "the process has no milestone with a note"
    for box in boxes:
        assert box["noteRight"] <= width, box
        # Beside the question, the note left it a word wide on a phone (75 px of 329), and a third of the card
        # on a wide screen once it named a group's other question in full: under the question at every width.
        assert box["label"] >= box["row"] * 0.8, box
        assert box["noteTop"] >= box["labelBottom"] - 1, box
