"""The playbook site's own words follow the process's language: a French or German playbook shows none of our
English headings, labels and buttons; a language the site has no words in falls back to English, with one warning."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from playbook_cli.main import main
from site_builder.build import build_site

ROOT = Path(__file__).resolve().parents[2]

# Our English words on the pages a rep reads, as they appear in the HTML (the default process's own texts are
# English, so each is taken where only the site writes it: a label, a heading, a button).
ENGLISH_ON_A_STAGE_PAGE = (
    "Win probability:",
    ">You are here when<",
    ">What the rep does<",
    ">To move on, the customer must\u2026<",
    "<strong>The customer:</strong>",
    "<strong>Evidence that proves it:</strong>",
    "<strong>Evidence required:</strong>",
    "<strong>Maximum age:</strong>",
    "<strong>Milestone id:</strong>",
    "(the outcome must be dated)",
    ">How to get there<",
    ">Pitfalls<",
    ">Traps at this stage<",
    "Check a deal at this stage",
    "Generated from the process",
)
ENGLISH_ON_THE_PRACTICE_PAGE = (
    ">Check answer<",
    ">Show the answer<",
    "Which stage is this deal verifiably in?",
    "What must the customer do next?",
    "Yes, it counts",
    "What the rep recorded, as of",
    ">Your score<",
    "No answers checked yet",
    ">Start again<",
    ">Back to top<",
    "Without JavaScript nothing is checked",
)
ENGLISH_ON_THE_REFERENCE_PAGE = (">Every field<", "<th>Field</th>", "<th>Meaning</th>", "<th>Default</th>")
ENGLISH_ON_THE_OVERVIEW = (" has 6 stages and ", "A deal moves to the next stage only when", "2 milestones")
ENGLISH_IN_THE_NAVIGATION = (">Home<", ">Overview<", ">Deal checklist<", ">Practice<", ">Editing process.yaml<")


def _process(tmp_path: Path, language: str) -> Path:
    """The default process, written in `language`."""
    process = tmp_path / "process.yaml"
    text = (ROOT / "process.yaml").read_text(encoding="utf-8")
    process.write_text(text.replace("\nstages:\n", f"\nlanguage: {language}\nstages:\n", 1), encoding="utf-8")
    return process


def _build(tmp_path: Path, language: str) -> Path:
    site = tmp_path / "site"
    build_site(_process(tmp_path, language), site)
    return site


def _page(site: Path, path: str) -> str:
    """A page's HTML with the navigation's labels (`<span class="md-ellipsis">`) as plain `>label<`."""
    page = (site / path / "index.html").read_text(encoding="utf-8")
    return re.sub(r">\s*<span class=\"md-ellipsis\">\s*(.*?)\s*</span>", r">\1<", page, flags=re.S)


def _english_of_ours(site: Path) -> list[tuple[str, tuple[str, ...]]]:
    """Each page looked at, with the English words of ours to look for on it."""
    return [
        (_page(site, "stages/qualifying"), ENGLISH_ON_A_STAGE_PAGE + ENGLISH_IN_THE_NAVIGATION),
        (_page(site, "practice"), ENGLISH_ON_THE_PRACTICE_PAGE),
        (_page(site, "reference"), ENGLISH_ON_THE_REFERENCE_PAGE),
        (_page(site, "pipeline"), ENGLISH_ON_THE_OVERVIEW),
    ]


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        pytest.param(
            "fr-CA",
            {
                "stages/qualifying": (">Vous êtes ici quand<", "<strong>Preuve exigée\u202f:</strong> oui", ">Pièges<"),
                "practice": (">Vérifier la réponse<", ">Afficher la réponse<", ">Recommencer<"),
                "reference": (">Tous les champs<", "<th>Signification</th>"),
                "pipeline": (" compte 6 étapes et 16 jalons. Une affaire ne passe", '|"2 jalons"|'),
            },
            id="french-by-its-primary-subtag",
        ),
        pytest.param(
            "de",
            {
                "stages/qualifying": (
                    ">Sie sind hier, wenn<",
                    "<strong>Nachweis erforderlich:</strong> ja",
                    ">Fallstricke<",
                ),
                "practice": (">Antwort prüfen<", ">Antwort anzeigen<", ">Neu beginnen<"),
                "reference": (">Alle Felder<", "<th>Bedeutung</th>"),
                "pipeline": (" hat 6 Phasen und 16 Meilensteine. Ein Deal rückt", '|"2 Meilensteine"|'),
            },
            id="german",
        ),
    ],
)
def test_a_playbook_in_french_or_german_shows_no_english_word_of_ours(
    language: str, shown: dict[str, tuple[str, ...]], tmp_path: Path
) -> None:
    # A French process built a playbook whose headings, labels, buttons and navigation were all English.
    site = _build(tmp_path, language)
    for page, english in _english_of_ours(site):
        assert [word for word in english if word in page] == []
    for path, words in shown.items():
        page = _page(site, path)
        assert [word for word in words if word not in page] == [], path


def test_the_practice_script_gets_its_feedback_in_the_process_language(tmp_path: Path) -> None:
    # The script's verdicts and score ("Not quite: the answer is …") were English whatever the language.
    words = re.search(r'data-words="([^"]*)"', _page(_build(tmp_path, "fr"), "practice"))
    assert words is not None
    feedback = json.loads(html.unescape(words.group(1)))
    assert feedback["wrong"] == "Pas tout à fait\u202f: la réponse est {answer}."
    assert feedback["choose"] == "Choisissez d'abord une réponse."


def test_an_english_playbook_shows_those_words_and_carries_none_for_the_script(tmp_path: Path) -> None:
    # The words looked for above are on the English pages as written, so their absence there says something.
    site = _build(tmp_path, "en")
    for page, english in _english_of_ours(site):
        assert [word for word in english if word not in page] == []
    # The script's own English words serve it: the English site stays as it was, byte for byte.
    assert "data-words" not in _page(site, "practice")


def test_a_language_without_words_falls_back_to_english_with_one_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    process = _process(tmp_path, "sw")
    assert main(["validate", str(process)]) == 0
    assert main(["validate", "--strict", str(process)]) == 1
    assert main(["build", "--process", str(process), "--site-dir", str(tmp_path / "site")]) == 0
    out = capsys.readouterr()
    warnings = [line for line in (out.out + out.err).splitlines() if "no words of its own in 'sw'" in line]
    assert len(warnings) == 3, warnings  # once per command
    assert all(re.match(rf"{re.escape(str(process))}:\d+:11: warning: ", line) for line in warnings), warnings
    assert "they will be in English" in warnings[0]
    stage = _page(tmp_path / "site", "stages/qualifying")
    assert ">You are here when<" in stage and 'lang="sw"' in stage


@pytest.mark.parametrize("language", ["en", "fr-CA", "de", "es"])
def test_a_language_the_site_speaks_gets_no_warning(
    language: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--strict", str(_process(tmp_path, language))]) == 0
    assert "no words of its own" not in capsys.readouterr().err
