"""The Practice page: generated deals to place by their evidence, each answered by the engine.

The questions are plain HTML forms; a small script loaded from a file (CSP-safe, no inline
script) checks them and keeps the session's score in the browser. Without JavaScript every
answer is behind a "Show the answer" disclosure, so the page works as a printed quiz too.
"""

from __future__ import annotations

import html
from importlib.resources import files

from sales_process.loader import LoadedProcess
from sales_process.model import Milestone, Stage
from sales_process.practice import (
    SolvedScenario,
    Verdict,
    evidence_question_text,
    lower_first,
    practice_scenarios,
    recorded_outcomes,
)
from sales_process.site_words import SiteWords, counted, site_words
from site_builder.common import PRACTICE_PAGE, data_words, link_from, page, stage_page
from site_builder.markdown_text import block, indent, inline

SCRIPT = "assets/javascripts/practice.js"
STYLESHEET = "assets/stylesheets/practice.css"
_ASSET_FILES = {SCRIPT: "practice.js", STYLESHEET: "practice.css"}
# A long pipeline would make every scenario long (and the page quadratic): show a window of it.
MAX_STAGE_CHOICES = 8
MAX_LISTED_OUTCOMES = 12
MAX_DISTRACTORS = 3

_NONE = (
    "There are no practice deals: `generated: false` under `practice:` in process.yaml turns the generated "
    "ones off, and no scenarios are written under `scenarios:`."
)
_NO_SCRIPT = '<div class="playbook-practice-noscript"><link rel="stylesheet" href="{stylesheet}"><p>{text}</p></div>'
# The script's words, the table's keys without this prefix (data_words).
_SCRIPT_WORDS = "practice.js."


# An admonition of its own type, not `success`: its tick read as "right" before anything was answered. It has no
# mark until the script, once the question is checked, marks it right or wrong (practice.css).
def answer_disclosure(words: SiteWords) -> str:
    """The opening of a collapsed answer: "Show the answer", in the page's words."""
    return f'??? practice-answer "{words["practice.show"]}"\n\n'


def _back_to_top(words: SiteWords) -> str:
    return f'<p class="playbook-practice-back"><a href="#practice">{words["practice.back_to_top"]}</a></p>'


def practice_assets() -> dict[str, str]:
    """The script and stylesheet the page loads: path in the site -> file content."""
    folder = files("site_builder") / "practice_assets"
    return {path: (folder / name).read_text(encoding="utf-8") for path, name in _ASSET_FILES.items()}


def _asset_url(path: str) -> str:
    # Raw HTML is not rewritten by MkDocs: this is the published URL of `path` from practice/.
    return "../" + path


def _stage_label(stage: Stage) -> str:
    return stage.label


def _choices(name: str, kind: str, options: list[tuple[str, str]]) -> str:
    """One labelled input per option; ids are `<name>-<value>`."""
    items = []
    for value, label in options:
        box = f"{name}-{value}"
        items.append(
            f'<div class="playbook-practice-choice"><input type="{kind}" name="{name}" id="{box}" value="{html.escape(value)}">'
            f' <label for="{box}">{html.escape(label)}</label></div>'
        )
    return "\n".join(items)


def _words(solved: SolvedScenario) -> SiteWords:
    return site_words(solved.assessment.process.language)


def _question(
    name: str, legend: str, kind: str, options: list[tuple[str, str]], correct: list[str], answer_text: str, button: str
) -> str:
    """A form the script checks; without the script its button stays hidden."""
    return "\n".join(
        [
            f'<form class="playbook-practice-question" id="{name}" data-correct="{html.escape(" ".join(correct))}" '
            f'data-answer="{html.escape(answer_text)}">',
            f"<fieldset><legend>{html.escape(legend)}</legend>",
            _choices(name, kind, options),
            "</fieldset>",
            f'<button type="submit" class="md-button playbook-practice-check" hidden>{button}</button>',
            '<p class="playbook-practice-verdict" role="status"></p>',
            "</form>",
        ]
    )


def _rule_link(verdict: Verdict, solved: SolvedScenario) -> str:
    milestone = next(m for _, m in solved.assessment.process.milestones() if m.id == verdict.milestone_id)
    target = link_from(PRACTICE_PAGE, stage_page(verdict.stage_id), verdict.milestone_id)
    return f"[{_words(solved)['practice.rule'].format(question=inline(milestone.question))}]({target})"


def _disclosure(answer: str, verdict: Verdict, solved: SolvedScenario, extra: list[str] | None = None) -> str:
    """The answer, its rule and a link, in a collapsed admonition (a <details> element)."""
    parts = [
        f"**{answer}** {inline(verdict.rule)}",
        *(inline(note) for note in verdict.notes),
        *(extra or []),
        _rule_link(verdict, solved),
    ]
    return answer_disclosure(_words(solved)) + indent("\n\n".join(parts))


def _stage_choices(solved: SolvedScenario) -> list[Stage]:
    """Every stage; in a long pipeline, the stages around the answer and the claimed one (the page stays linear)."""
    assessment = solved.assessment
    stages = assessment.process.stages
    if len(stages) <= MAX_STAGE_CHOICES:
        return list(stages)
    low = max(0, min(assessment.verified_index - MAX_STAGE_CHOICES // 2, len(stages) - MAX_STAGE_CHOICES))
    shown = set(range(low, low + MAX_STAGE_CHOICES))
    if assessment.claimed_index is not None:
        shown.add(assessment.claimed_index)
    return [stage for index, stage in enumerate(stages) if index in shown]


def _stage_question(number: int, solved: SolvedScenario) -> str:
    answer = _stage_label(solved.verified_stage)
    words = _words(solved)
    form = _question(
        f"q-{solved.scenario.id}-stage",
        words["practice.stage_question"],
        "radio",
        [(stage.id, _stage_label(stage)) for stage in _stage_choices(solved)],
        [solved.verified_stage.id],
        answer,
        words["practice.check"],
    )
    return form + "\n\n" + _disclosure(f"{inline(answer)}.", solved.stage_verdict, solved)


def _next_options(solved: SolvedScenario) -> list[tuple[str, str]]:
    """The verified stage's milestones, and a few of the following stage's as the happy-ears distractors.

    Before the last stage (which has no milestones) the earlier stage's outcomes, already done,
    are the distractors instead, so a one-milestone gate is still a choice and not a giveaway.
    """
    assessment = solved.assessment
    stages = assessment.process.stages
    index = assessment.verified_index
    following = stages[index + 1].milestones[:MAX_DISTRACTORS] if index + 1 < len(stages) else []
    earlier = stages[index - 1].milestones[-MAX_DISTRACTORS:] if not following and index > 0 else []
    return [(m.id, m.customer_action) for m in [*earlier, *solved.verified_stage.milestones, *following]]


def _next_answer(solved: SolvedScenario) -> str:
    """The answer in words, for "Not quite: the answer is …": a group's alternatives as "one of: a or b"."""
    steps = []
    language = solved.assessment.process.language
    words = site_words(language)
    for members in solved.next_alternatives:
        actions = [lower_first(milestone.customer_action.rstrip(". "), language) for milestone in members]
        one_of = words["practice.one_of"].format(actions=words["practice.or"].join(actions))
        steps.append(actions[0] if len(actions) == 1 else one_of)
    return "; ".join(steps)


def _next_rules(solved: SolvedScenario) -> str:
    """Each step's rule with its link, a group's alternatives under "One of these N is enough"."""
    lines = []
    for verdicts in solved.next_verdicts:
        rules = [f"{inline(' '.join([v.rule, *v.notes]))} ({_rule_link(v, solved)})" for v in verdicts]
        if len(rules) == 1:
            lines.append(f"- {rules[0]}")
        else:
            lines.append(f"- {_words(solved)['practice.one_of_these'].format(count=len(rules))}\n")
            lines += [f"    - {rule}" for rule in rules]
    return "\n".join(lines)


def _next_question(number: int, solved: SolvedScenario) -> str | None:
    steps = solved.next_alternatives
    if not steps:
        return None
    # A step is right when one of its alternatives is ticked: "a b|c" is a, and b or c.
    correct = ["|".join(milestone.id for milestone in members) for members in steps]
    words = _words(solved)
    form = _question(
        f"q-{solved.scenario.id}-next",
        words["practice.next_question"],
        "checkbox",
        _next_options(solved),
        correct,
        _next_answer(solved),
        words["practice.check"],
    )
    if len(steps) == 1 and len(steps[0]) == 1:
        return form + "\n\n" + _disclosure(words["practice.next"], solved.next_verdicts[0][0], solved)
    outcomes = counted(solved.assessment.process.language, len(steps), "outcome")
    intro = words["practice.next"] if len(steps) == 1 else words["practice.next_many"].format(outcomes=outcomes)
    answer = f"**{intro}**\n\n{_next_rules(solved)}"
    return form + "\n\n" + answer_disclosure(words) + indent(answer)


def _evidence_question(number: int, solved: SolvedScenario) -> str | None:
    question = evidence_question_text(solved)
    verdict = solved.evidence_verdict
    if question is None or verdict is None:
        return None
    words = _words(solved)
    options = {"yes": words["practice.counts"], "no": words["practice.does_not_count"]}
    answer = "yes" if solved.evidence_counts else "no"
    form = _question(
        f"q-{solved.scenario.id}-evidence",
        question,
        "radio",
        list(options.items()),
        [answer],
        options[answer].lower(),
        words["practice.check"],
    )
    return form + "\n\n" + _disclosure(f"{options[answer]}.", verdict, solved)


def _summarised_stages(solved: SolvedScenario, recorded: list[tuple[Stage, Milestone, str]]) -> list[Stage]:
    """The earliest stages to sum up in one line when the list would be long (all their outcomes are verified)."""
    assessment = solved.assessment
    summed: list[Stage] = []
    count = len(recorded)
    for stage in assessment.process.stages[: assessment.verified_index]:
        if count <= MAX_LISTED_OUTCOMES:
            break
        summed.append(stage)
        count -= len(stage.milestones)
    return summed


def _all_met(count: int, language: str) -> str:
    """ "all 5 outcomes recorded as met, …", but "both" for two and "its one outcome" for one."""
    words = site_words(language)
    if count == 1:
        return words["practice.all_met_one"]
    if count == 2:
        return words["practice.all_met_both"]
    return words["practice.all_met"].format(outcomes=counted(language, count, "outcome"))


def _recorded(solved: SolvedScenario) -> str:
    as_of = solved.assessment.as_of.isoformat()
    language = solved.assessment.process.language
    words = site_words(language)
    recorded = recorded_outcomes(solved)
    if not recorded:
        return words["practice.nothing_recorded"].format(date=as_of)
    summed = _summarised_stages(solved, recorded)
    lines = []
    if summed:
        names = ", ".join(inline(stage.name) for stage in summed)
        lines.append(
            f"- **{names}{words['label_colon']}** {_all_met(sum(len(stage.milestones) for stage in summed), language)}"
        )
    skipped = {stage.id for stage in summed}
    lines += [
        f"- **{inline(m.question)}** ({inline(stage.name)}){words['label_colon']} {inline(answer)}"
        for stage, m, answer in recorded
        if stage.id not in skipped
    ]
    return words["practice.recorded"].format(date=as_of) + "\n\n" + "\n".join(lines)


def scenario_markdown(number: int, solved: SolvedScenario) -> str:
    """One scenario: its story, what the rep recorded, and two or three questions."""
    scenario = solved.scenario
    story = block(scenario.story) if scenario.hand_written else inline(scenario.story)
    parts = [f"## {number}. {inline(scenario.title)} {{#scenario-{scenario.id}}}", story, _recorded(solved)]
    parts += [
        q
        for q in (_stage_question(number, solved), _next_question(number, solved), _evidence_question(number, solved))
        if q
    ]
    return "\n\n".join(parts)


def _score(loaded: LoadedProcess, questions: int) -> str:
    words = site_words(loaded.process.language)
    to_go = words["practice.js.to_go_one" if questions == 1 else "practice.js.to_go_many"].format(n=questions)
    return "\n".join(
        [
            f'<div class="playbook-practice-score" data-process="{loaded.short_sha}" data-questions="{questions}"'
            f"{data_words(words, _SCRIPT_WORDS)} hidden>",
            # Inside the hidden box, not a Markdown heading: without the script there is no score to head
            # (and no entry in the table of contents leads to a hidden heading).
            f'<h2 id="your-score">{words["practice.score"]}</h2>',
            f'<p class="playbook-practice-total" role="status">{words["practice.js.none_yet"].format(to_go=to_go)}</p>',
            f'<button type="button" class="md-button playbook-practice-reset">{words["practice.start_again"]}</button>',
            "</div>",
        ]
    )


def practice_markdown(loaded: LoadedProcess) -> str:
    """The Practice page of the playbook."""
    solved = practice_scenarios(loaded.process)
    language = loaded.process.language
    words = site_words(language)
    if not solved:
        return page(words["practice.title"], [_NONE], loaded)
    scenarios = [scenario_markdown(number, item) for number, item in enumerate(solved, 1)]
    questions = sum(1 + bool(item.next_milestones) + (item.evidence_counts is not None) for item in solved)
    count = words["practice.count"].format(
        deals=counted(language, len(solved), "deal"), questions=counted(language, questions, "question")
    )
    head = [
        words["practice.intro"],
        count,
        _NO_SCRIPT.format(stylesheet=_asset_url(STYLESHEET), text=words["practice.noscript"]),
    ]
    # On a phone practice.css hides Material's floating button, which covered the questions: this link leads up.
    tail = [_score(loaded, questions), _back_to_top(words), f'<script src="{_asset_url(SCRIPT)}" defer></script>']
    return page(words["practice.title"], [*head, *scenarios, *tail], loaded)
