"""The table of the playbook site's own words: every language has every word of English's, with the same
placeholders, and the practice script's English words are the table's."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from sales_process.site_words import SITE_WORDS, counted, has_site_words, site_words
from site_builder.common import script_words

PRACTICE_SCRIPT = Path(__file__).resolve().parents[2] / "site_builder" / "practice_assets" / "practice.js"
SCROLLWRAP_SCRIPT = (
    Path(__file__).resolve().parents[2] / "site_builder" / "site" / "pages" / "assets" / "javascripts" / "scrollwrap.js"
)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("language", sorted(set(SITE_WORDS) - {"en"}))
def test_every_language_has_every_word_with_its_placeholders(language: str) -> None:
    english, words = SITE_WORDS["en"], SITE_WORDS[language]
    assert sorted(set(english) ^ set(words)) == []
    assert [key for key in english if _placeholders(english[key]) != _placeholders(words[key])] == []
    assert [key for key in english if not words[key].strip()] == []


def test_the_practice_scripts_english_words_are_the_tables() -> None:
    # The script keeps English words for the English page, which carries none: they must not drift from the table.
    found = re.search(r"var ENGLISH = (\{.*?\});", PRACTICE_SCRIPT.read_text(encoding="utf-8"), re.S)
    assert found is not None
    assert json.loads(found.group(1)) == script_words(site_words("en"), "practice.js.")


def test_the_scrollwrap_scripts_english_words_are_the_tables() -> None:
    found = re.search(r"var ENGLISH = (\{.*?\});", SCROLLWRAP_SCRIPT.read_text(encoding="utf-8"), re.S)
    assert found is not None
    assert json.loads(found.group(1)) == script_words(site_words("en"), "scrollwrap.js.")


@pytest.mark.parametrize(
    ("tag", "known", "word"),
    [
        ("fr-CA", True, "Pièges"),
        ("DE-ch", True, "Fallstricke"),
        ("es-419", True, "Errores frecuentes"),
        ("en-GB", True, "Pitfalls"),
        ("sw", False, "Pitfalls"),
        ("pt-BR", False, "Pitfalls"),
    ],
)
def test_words_are_chosen_by_the_primary_subtag_else_english(tag: str, known: bool, word: str) -> None:
    assert has_site_words(tag) is known
    assert site_words(tag)["stage.pitfalls"] == word


@pytest.mark.parametrize(
    ("tag", "count", "shown"),
    [("en", 0, "0 days"), ("en", 1, "1 day"), ("fr", 0, "0 jour"), ("fr", 2, "2 jours"), ("de", 3, "3 Tage")],
)
def test_a_count_takes_its_languages_singular_or_plural(tag: str, count: int, shown: str) -> None:
    assert counted(tag, count, "day") == shown
