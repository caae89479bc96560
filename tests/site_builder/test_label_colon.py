"""A label's colon follows the language's typography: French puts a narrow no-break space (U+202F) before it,
English none; the colon comes from the site's words, as the French sentences' own colons do."""

from __future__ import annotations

import re

from sales_process.loader import LoadedProcess, parse_process
from sales_process.site_words import SITE_WORDS
from site_builder.checklist import checklist_markdown
from site_builder.stage_page import milestone_block
from tests.engine.test_buyer_confirmation import PROCESS_TEXT

NARROW = "\u202f"


def _loaded(language: str) -> LoadedProcess:
    """The buyer-confirmation process (milestones with and without a statement), written in `language`."""
    text = PROCESS_TEXT.replace("\nstages:\n", f"\nlanguage: {language}\nstages:\n", 1)
    return parse_process(text.encode(), "colon.yaml")


def test_a_french_stage_page_puts_a_narrow_no_break_space_before_each_label_colon() -> None:
    stage = _loaded("fr").process.stages[0]
    block = "\n".join(milestone_block(milestone, stage, "fr") for milestone in stage.milestones)
    assert f"**Le client{NARROW}:**" in block
    assert f"**Preuve exigée{NARROW}:** oui{NARROW}:" in block
    assert f"**L'acheteur confirme{NARROW}:**" in block
    assert " :" not in block.replace(f"{NARROW}:", "")
    assert ":**" not in block.replace(f"{NARROW}:**", "")


def test_an_english_stage_page_keeps_its_plain_colon() -> None:
    stage = _loaded("en").process.stages[0]
    block = milestone_block(stage.milestones[0], stage, "en")
    assert "**The customer:**" in block
    assert NARROW not in block


def test_the_french_checklist_puts_a_narrow_no_break_space_before_each_label_colon() -> None:
    page = checklist_markdown(_loaded("fr"))
    assert f"Preuve{NARROW}: " in page
    assert f'Affaire{NARROW}: <span class="playbook-fill-in__line">' in page
    assert f"<br>L'acheteur confirme{NARROW}: “" in page  # it read "The buyer confirms:" in French too
    assert "The buyer confirms" not in page
    assert not re.search(r'[^\u202f]: <span class="playbook-fill-in__line">', page)


def test_the_french_words_use_a_narrow_no_break_space_before_every_colon() -> None:
    assert not [key for key, text in SITE_WORDS["fr"].items() if " :" in text]
    assert SITE_WORDS["fr"]["label_colon"] == f"{NARROW}:"
    assert all(SITE_WORDS[language]["label_colon"] == ":" for language in ("en", "de", "es"))
