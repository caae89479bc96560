"""The printable checklist: every question of every stage, to tick with the evidence at hand."""

from __future__ import annotations

import html

from sales_process.answer_needs import BUYER_MUST_CONFIRM, NO_EVIDENCE_REQUIRED, answer_notes
from sales_process.loader import LoadedProcess
from sales_process.model import Milestone, Stage
from sales_process.requirement import milestone_note, process_segments
from sales_process.site_words import counted, site_words
from site_builder.common import page
from site_builder.markdown_text import inline

_TICK = "Tick a question only when you can name the evidence."
_INTRO = (
    "Tick a question only when you can name the evidence. A deal belongs in the first stage whose questions "
    "are not all ticked. Print this page for deal reviews: the navigation is left off the paper."
)
_INTRO_REQUIREMENTS = (
    "Tick a question only when you can name the evidence. A deal belongs in the first stage with a question it needs "
    "left unticked: of questions marked “one of”, one ticked is enough; a question marked “required only for …” is not "
    "needed by other deals, and one that “helps, not required” never holds a deal back. Print this page for "
    "deal reviews: the navigation is left off the paper."
)
# Said only where the process has such questions: the note beside each names them in the same words.
_INTRO_NO_EVIDENCE = f"A question marked “{NO_EVIDENCE_REQUIRED}” may be ticked without naming any."
_INTRO_BUYER = (
    f"A question marked “{BUYER_MUST_CONFIRM}” counts only once the buyer has confirmed its statement through the "
    "confirmation link, sent from the saved deal: tick it when the buyer has."
)
# Raw HTML links are not rewritten by MkDocs: this is the published URL of stages/<id>.md from checklist/.
_STAGES_URL = "../stages/"


def _fill_in(colon: str, *labels: str) -> str:
    """A line of fields to fill in on paper, each label followed by `colon`; each label stays with its line when
    the page is narrow."""
    fields = " ".join(
        f'<span class="playbook-fill-in__field">{label}{colon} <span class="playbook-fill-in__line"></span></span>'
        for label in labels
    )
    return f'<p class="playbook-fill-in">{fields}</p>'


_DEAL_FIELDS = ("deal", "rep", "date")
# Conditions name the deal's amount and segment: the paper asks for them too.
_DEAL_FIELDS_AMOUNT = (*_DEAL_FIELDS, "amount")
_DEAL_FIELDS_SEGMENT = (*_DEAL_FIELDS_AMOUNT, "segment")


def _dated(milestone: Milestone, language: str) -> str:
    """What a dated outcome asks of the evidence on paper: its date, and how long it counts."""
    if not milestone.max_age_days:
        return ""
    return site_words(language)["checklist.dated"].format(days=counted(language, milestone.max_age_days, "day"))


def _stage_checklist(stage: Stage, language: str) -> str:
    """Real labelled checkboxes (raw HTML): a rep can tick them on screen, and they print as boxes."""
    words = site_words(language)
    heading = f"## {inline(stage.label)}"
    items = []
    for milestone in stage.milestones:
        # Underscores never occur in slugs or heading ids, so these ids cannot collide.
        box = f"check_{milestone.id}"
        notes = "; ".join(filter(None, [milestone_note(stage, milestone), *answer_notes(milestone)]))
        shown = f" <em>({html.escape(notes)})</em>" if notes else ""
        statement = (
            f"<br>{words['checklist.buyer_confirms']}{words['label_colon']} “{html.escape(milestone.buyer_statement)}”"
            if milestone.buyer_confirms and milestone.buyer_statement
            else ""
        )
        items.append(
            f'<li><input type="checkbox" id="{box}"> <label for="{box}">{html.escape(milestone.question)}</label>{shown} '
            f'<a href="{_STAGES_URL}{stage.id}/#{milestone.id}">{words["checklist.details"]}</a><br>'
            f"<small>{words['checklist.evidence']}{words['label_colon']} {html.escape(milestone.evidence)}{_dated(milestone, language)}{statement}</small></li>"
        )
    return heading + '\n\n<ul class="playbook-checklist">\n' + "\n".join(items) + "\n</ul>"


def checklist_markdown(loaded: LoadedProcess) -> str:
    """The checklist page; stages without milestones (the last) have nothing to tick."""
    words = site_words(loaded.process.language)
    stages = [_stage_checklist(stage, loaded.process.language) for stage in loaded.process.stages if stage.milestones]
    intro = _INTRO if all(stage.all_required for stage in loaded.process.stages) else _INTRO_REQUIREMENTS
    milestones = [milestone for _, milestone in loaded.process.milestones()]
    exceptions = [
        *([_INTRO_NO_EVIDENCE] if any(not milestone.evidence_required for milestone in milestones) else []),
        *([_INTRO_BUYER] if any(milestone.buyer_confirms for milestone in milestones) else []),
    ]
    # Right after "Tick a question only when you can name the evidence.", which they qualify.
    intro = intro.replace(_TICK, " ".join([_TICK, *exceptions]), 1)
    fields: tuple[str, ...] = _DEAL_FIELDS
    if any(m.required_when is not None for m in milestones):
        fields = _DEAL_FIELDS_SEGMENT if process_segments(loaded.process.milestones()) else _DEAL_FIELDS_AMOUNT
    deal_line = _fill_in(words["label_colon"], *(words[f"checklist.{field}"] for field in fields))
    return page(words["checklist.title"], [intro, deal_line, *stages], loaded)
