"""The Practice page's Markdown: golden for the default process, links that MkDocs can check."""

from __future__ import annotations

import re
from pathlib import Path

from sales_process.loader import LoadedProcess, parse_process
from sales_process.model import Process
from sales_process.practice import practice_scenarios
from site_builder.build import build_site
from site_builder.pages import generate_pages, navigation
from site_builder.practice_page import SCRIPT, STYLESHEET, practice_assets, practice_markdown
from tests.conftest import DEFAULT_PROCESS
from tests.foundation.processes import VALID
from tests.site_builder.golden_pages import assert_golden_pages
from tests.support.synthetic_process import process_document


def test_the_practice_page_of_the_default_process_matches_its_golden_file(default_process: LoadedProcess) -> None:
    assert_golden_pages("practice-default", {"practice.md": practice_markdown(default_process)})


def test_the_page_is_generated_with_the_others_and_listed_in_the_navigation(default_process: LoadedProcess) -> None:
    assert "practice.md" in generate_pages(default_process)
    assert {"Practice": "practice.md"} in navigation(default_process)


def test_every_answer_links_to_the_milestone_that_holds_its_rule(default_process: LoadedProcess) -> None:
    markdown = practice_markdown(default_process)
    milestones = {(stage.id, m.id) for stage, m in default_process.process.milestones()}
    links = set(re.findall(r"\]\(stages/([a-z0-9-]+)\.md#([a-z0-9-]+)\)", markdown))
    assert links and links <= milestones
    assert markdown.count('??? practice-answer "Show the answer"') == markdown.count("<form ")


def test_the_script_and_stylesheet_are_files_not_inline(default_process: LoadedProcess) -> None:
    markdown = practice_markdown(default_process)
    assert f'<script src="../{SCRIPT}" defer></script>' in markdown
    assert markdown.count("<script") == 1
    assert not re.search(r"<[^>]+\son[a-z]+=", markdown), "inline event handlers break the CSP"
    assets = practice_assets()
    assert set(assets) == {SCRIPT, STYLESHEET}
    assert "sessionStorage" in assets[SCRIPT]


def test_changing_a_milestone_changes_the_practice_page_on_the_next_build(tmp_path: Path) -> None:
    process = tmp_path / "process.yaml"
    original = DEFAULT_PROCESS.read_text(encoding="utf-8")
    process.write_text(original, encoding="utf-8")
    site = tmp_path / "site"
    build_site(process, site)
    before = (site / "practice" / "index.html").read_text(encoding="utf-8")
    # Demonstrating's one outcome that expires (pricing agreeable) no longer does, and another (the demonstration
    # attended) does instead: its stale scenario moves to it.
    changed = original.replace("        max_age_days: 60\n", "").replace(
        "        evidence: The meeting attendee list and the customer's feedback email or call notes.\n",
        "        evidence: The meeting attendee list and the customer's feedback email or call notes.\n"
        "        max_age_days: 50\n",
    )
    process.write_text(changed, encoding="utf-8")
    build_site(process, site)
    after = (site / "practice" / "index.html").read_text(encoding="utf-8")
    assert "it only counts for 60 days" in before and "it only counts for 60 days" not in after
    assert 'id="q-stale-outcome-in-demonstrating-next" data-correct="pricing-agreeable"' in before
    assert 'id="q-stale-outcome-in-demonstrating-stage" data-correct="demonstrating"' in after
    assert 'id="q-stale-outcome-in-demonstrating-next" data-correct="demo-attended"' in after


def test_a_long_pipeline_keeps_every_scenario_short() -> None:
    process = Process.model_validate(process_document(30, 9))
    loaded = LoadedProcess(process, "long.yaml", "0" * 64)
    markdown = practice_markdown(loaded)
    solved = practice_scenarios(process)
    for item in solved:
        section = markdown.split(f"{{#scenario-{item.scenario.id}}}")[1].split("\n## ")[0]
        stage_form = section.split(f'id="q-{item.scenario.id}-stage"')[1].split("</form>")[0]
        assert stage_form.count('type="radio"') <= 9
        assert f'value="{item.verified_stage.id}"' in stage_form
        recorded = section.split("What the rep recorded")[1].split("<form")[0]
        assert recorded.count("\n- ") <= 2 * 9 + 1  # at most two stages listed outcome by outcome
    assert len(markdown) < 900_000


def test_a_hand_written_story_keeps_its_markdown_but_never_its_html() -> None:
    text = (
        VALID
        + """\
practice:
  generated: false
  scenarios:
    - id: happy-ears
      story: The customer *loved* the demo <script>alert(1)</script>.
      deal: {deal: Contoso, claimed_stage: won, as_of: 2027-03-01, milestones: {pain-confirmed: true}}
      answer: {verified_stage: talking, next_milestones: [pain-confirmed]}
"""
    )
    loaded = parse_process(text.encode(), "process.yaml")
    markdown = practice_markdown(loaded)
    assert "## 1. Contoso, in the CRM as Won {#scenario-happy-ears}" in markdown
    assert "The customer *loved* the demo &lt;script>alert(1)&lt;/script>." in markdown
    assert (
        "- **Has the customer confirmed the problem in writing?** (Talking): yes, no evidence named, no date"
        in markdown
    )
    assert "1 deal, 2 questions." in markdown


def test_no_scenarios_at_all_says_why() -> None:
    loaded = parse_process((VALID + "practice:\n  generated: false\n").encode(), "process.yaml")
    markdown = practice_markdown(loaded)
    assert "There are no practice deals: `generated: false`" in markdown
    assert "<form" not in markdown and "<script" not in markdown


def test_the_last_gate_with_one_milestone_still_offers_a_choice_of_next_steps() -> None:
    # Before the last stage there is no following stage to borrow distractors from: the earlier stage's outcomes serve.
    def stage(id_: str, probability: int, milestone: str | None) -> dict[str, object]:
        milestones = (
            [
                {
                    "id": milestone,
                    "question": f"{milestone}?",
                    "customer_action": f"The customer does {milestone}.",
                    "evidence": "The customer's email.",
                }
            ]
            if milestone
            else []
        )
        return {"id": id_, "name": id_.title(), "probability": probability, "milestones": milestones}

    process = Process.model_validate(
        {
            "name": "Three",
            "stages": [stage("talking", 10, "replied"), stage("signing", 50, "signed"), stage("won", 100, None)],
        }
    )
    markdown = practice_markdown(LoadedProcess(process, "three.yaml", "0" * 64))
    for question in re.findall(
        r'<form class="playbook-practice-question" id="q-[a-z0-9-]+-next".*?</form>', markdown, re.S
    ):
        assert question.count('type="checkbox"') >= 2, question


def test_a_wrong_next_step_is_answered_in_one_sentence(default_process: LoadedProcess) -> None:
    # The script writes "Not quite: the answer is " + data-answer: the customer's action continues the sentence.
    answers = re.findall(
        r'id="q-[a-z0-9-]+-next" data-correct="[^"]*" data-answer="([^"]*)"', practice_markdown(default_process)
    )
    assert answers and all(answer[0].islower() for answer in answers), answers
    assert "the prospect accepts a meeting invitation with the people who own the problem" in answers


def test_a_wrong_next_step_keeps_the_capitals_of_a_process_in_german(default_process: LoadedProcess) -> None:
    # German capitalises nouns: "the answer is partnermanagerin Frau Groß …" would misspell the buyer's words.
    text = DEFAULT_PROCESS.read_text(encoding="utf-8").replace("\nstages:\n", "\nlanguage: de\nstages:\n", 1)
    answers = re.findall(
        r'id="q-[a-z0-9-]+-next" data-correct="[^"]*" data-answer="([^"]*)"',
        practice_markdown(parse_process(text.encode(), "de.yaml")),
    )
    steps = [step.removeprefix("one of: ") for answer in answers for step in answer.split("; ")]
    assert steps and all(step[0].isupper() for step in steps), steps
    assert "The prospect accepts a meeting invitation with the people who own the problem" in answers


def test_earlier_stages_summed_up_in_one_line_count_their_outcomes_in_words(default_process: LoadedProcess) -> None:
    # "Discovery: all 2 outcomes recorded as met": two are "both", one is "its one outcome".
    markdown = practice_markdown(default_process)
    assert "- **Discovery:** both outcomes recorded as met, each with its evidence and a recent date" in markdown
    assert (
        "- **Discovery, Qualifying:** all 5 outcomes recorded as met, each with its evidence and a recent date"
        in markdown
    )
    assert "all 2 " not in markdown
    process = Process.model_validate(process_document(16, 1))
    one_each = practice_markdown(LoadedProcess(process, "long.yaml", "0" * 64))
    assert "- **Stage 1:** its one outcome recorded as met, with its evidence and a recent date" in one_each
    assert "- **Stage 1, Stage 2:** both outcomes recorded as met, each with its evidence and a recent date" in one_each
    assert "- **Stage 1, Stage 2, Stage 3:** all 3 outcomes recorded as met" in one_each
    assert not re.search(r"all [12] outcome", one_each)


def test_the_page_says_the_first_answer_is_scored_and_heads_the_score_only_where_it_is_shown(
    default_process: LoadedProcess,
) -> None:
    markdown = practice_markdown(default_process)
    assert "Only your first answer to each question is scored" in markdown
    # A Markdown heading would stand, with nothing under it, on a page read without JavaScript.
    assert "## Your score" not in markdown
    score_box = markdown.split('<div class="playbook-practice-score"')[1].split("</div>")[0]
    assert score_box.split(">", 1)[0].endswith(" hidden") and '<h2 id="your-score">Your score</h2>' in score_box
