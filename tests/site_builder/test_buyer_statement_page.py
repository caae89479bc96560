"""The buyer statement on its milestone's block in the playbook, marked "the buyer confirms this"."""

from __future__ import annotations

from pathlib import Path

from sales_process.loader import parse_process
from site_builder.build import build_site
from site_builder.stage_page import milestone_block
from tests.engine.test_buyer_confirmation import PROCESS_TEXT
from tests.site_builder.test_pages import render

LOADED = parse_process(PROCESS_TEXT.replace("Our budget for", "Our <b>budget</b> & *plan* for").encode(), "buyer.yaml")
NEXT_STEP, BUDGET = LOADED.process.stages[0].milestones


def test_a_required_confirmation_is_marked_required() -> None:
    html = render(milestone_block(NEXT_STEP))
    assert (
        "<li><strong>The buyer confirms this:</strong> “We have agreed that a proposal is the next step.” "
        "(<strong>required</strong>: the outcome counts only once the buyer has confirmed it through a confirmation link, sent from the saved deal)</li>"
    ) in html


def test_an_optional_confirmation_is_offered_and_the_statement_is_shown_as_text() -> None:
    html = render(milestone_block(BUDGET))
    assert (
        "<strong>The buyer confirms this:</strong> “Our &lt;b&gt;budget&lt;/b&gt; &amp; *plan* for this project is approved.” "
        in html.replace("\\*", "*")
    )
    assert (
        "(optional: the rep may ask the buyer to confirm it through a confirmation link, sent from the saved deal)"
        in html
    )
    assert "<b>budget" not in html


def test_a_milestone_without_a_statement_has_no_buyer_line() -> None:
    plain = NEXT_STEP.model_copy(update={"buyer_statement": None, "confirmation": "optional"})
    assert "buyer confirms" not in milestone_block(plain)


def test_the_built_stage_page_shows_the_statement_in_the_milestone_block(tmp_path: Path) -> None:
    process = tmp_path / "process.yaml"
    process.write_text(PROCESS_TEXT, encoding="utf-8")
    build_site(process, tmp_path / "site")
    page = (tmp_path / "site" / "stages" / "qualifying" / "index.html").read_text(encoding="utf-8")
    block = page[page.index('id="next-step"') : page.index('id="budget"')]
    assert "The buyer confirms this:</strong> “We have agreed that a proposal is the next step.”" in block
    assert "<strong>required</strong>" in block
