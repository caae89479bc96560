"""One page per stage: where the deal is, what the rep does, what the customer must do next."""

from __future__ import annotations

from sales_process.answer_needs import confirmation_rule, evidence_rule
from sales_process.loader import LoadedProcess
from sales_process.model import Milestone, Stage
from sales_process.requirement import milestone_note
from sales_process.vocabulary import plural
from site_builder.common import MOVE_ON_HEADING, SiteLinks, check_url, link_from, page, stage_page
from site_builder.markdown_text import block, indent, inline, percent


def _heading_block(stage: Stage) -> str:
    lines = [f'<p class="playbook-probability" markdown>**Win probability: {percent(stage.probability)}**</p>']
    if stage.summary:
        lines.append(f"*{inline(stage.summary)}*")
    if stage.description:
        lines.append(block(stage.description))
    return "\n\n".join(lines)


# A long pipeline's last page names its first and previous stages only, not a dozen.
MAX_NAMED_EARLIER = 6


def _gates_passed(own_page: str, earlier: list[Stage]) -> str:
    """ "The deal has passed both stages before this one: … gates A and B, last of all what gates B:" """
    links = [f"[{inline(stage.name)}]({link_from(own_page, stage_page(stage.id))})" for stage in earlier]
    if len(earlier) == 1:
        return f"The deal has passed the stage before this one: the customer has verifiably done everything that gates {links[0]}:"
    passed = "both stages" if len(earlier) == 2 else f"all {plural(len(earlier), 'stage')}"
    named = (
        f"{', '.join(links[:-1])} and {links[-1]}"
        if len(earlier) <= MAX_NAMED_EARLIER
        else f"every stage from {links[0]} to {links[-1]}"
    )
    return (
        f"The deal has passed {passed} before this one: the customer has verifiably done everything that gates "
        f"{named}, last of all what gates {inline(earlier[-1].name)}:"
    )


def _you_are_here(stage: Stage, earlier: list[Stage]) -> str:
    heading = "## You are here when"
    if not earlier:
        return f"{heading}\n\nThis is the first stage: a deal is here as soon as it enters the pipeline."
    previous = earlier[-1]
    own_page = stage_page(stage.id)
    target = stage_page(previous.id)
    items = "\n".join(
        f"- [{inline(milestone.question)}]({link_from(own_page, target, milestone.id)}){_note(previous, milestone)}"
        for milestone in previous.milestones
    )
    return f"{heading}\n\n{_gates_passed(own_page, earlier)}\n\n{items}"


def _note(stage: Stage, milestone: Milestone) -> str:
    """ " (one of: a, b; required only for deals of 25k or more)" after a milestone not every deal needs alone."""
    note = milestone_note(stage, milestone)
    return f" *({inline(note)})*" if note else ""


def _bullets(heading: str, items: list[str], empty: str) -> str:
    if not items:
        return f"{heading}\n\n{empty}"
    return heading + "\n\n" + "\n".join(f"- {inline(item)}" for item in items)


def _max_age(milestone: Milestone) -> str:
    if milestone.max_age_days is None:
        return "no limit"
    return f"{plural(milestone.max_age_days, 'day')} (the outcome must be dated)"


def _buyer_statement(milestone: Milestone) -> str:
    """The statement the buyer confirms, and whether the milestone waits for it."""
    if not milestone.buyer_statement:
        return ""
    when = (
        f"**required**: {confirmation_rule(milestone)}"
        if milestone.buyer_confirms
        else f"optional: {confirmation_rule(milestone)}"
    )
    return f"\n- **The buyer confirms this:** “{inline(milestone.buyer_statement)}” ({when})"


def milestone_block(milestone: Milestone, stage: Stage | None = None) -> str:
    """A milestone as a block whose HTML id is the milestone id, so links land on it."""
    required = f"{'yes' if milestone.evidence_required else 'no'}: {evidence_rule(milestone)}"
    note = milestone_note(stage, milestone) if stage is not None else None
    parts = [
        f'<div class="playbook-milestone" id="{milestone.id}" markdown>',
        # A link to an id the milestone was renamed from still lands on it.
        f"### {inline(milestone.question)}" + "".join(f' <span id="{old}"></span>' for old in milestone.renamed_from),
        (f"- **Requirement:** {inline(note)}\n" if note else "")
        + f"- **The customer:** {inline(milestone.customer_action)}\n"
        f"- **Evidence that proves it:** {inline(milestone.evidence)}{_buyer_statement(milestone)}\n"
        f"- **Evidence required:** {required}\n"
        f"- **Maximum age:** {_max_age(milestone)}\n"
        f"- **Milestone id:** `{milestone.id}`",
    ]
    if milestone.guidance:
        parts.append('!!! tip "How to get there"\n\n' + indent(block(milestone.guidance)))
    parts.append("</div>")
    return "\n\n".join(parts)


def _move_on(stage: Stage) -> str:
    heading = f"## {MOVE_ON_HEADING}"
    if not stage.milestones:
        return f"{heading}\n\nNothing: this is the last stage of the pipeline."
    count = plural(len(stage.milestones), "milestone")
    intro = (
        f"A deal leaves {inline(stage.name)} only when all {count} below are verified by evidence."
        if len(stage.milestones) > 1
        else f"A deal leaves {inline(stage.name)} only when the milestone below is verified by evidence."
    )
    if not stage.all_required:
        intro = (
            f"A deal leaves {inline(stage.name)} when every milestone below that it needs is verified by evidence: "
            "of milestones marked “one of”, one verified is enough; one marked “required only for …” is not needed "
            "by other deals; and one that “helps, not required” never holds a deal back."
        )
    return "\n\n".join([heading, intro, *(milestone_block(milestone, stage) for milestone in stage.milestones)])


def _pitfalls(stage: Stage) -> str:
    if not stage.pitfalls:
        return "## Pitfalls\n\nNo pitfalls are listed for this stage."
    items = "\n".join(f"- {inline(pitfall)}" for pitfall in stage.pitfalls)
    return '## Pitfalls\n\n!!! warning "Traps at this stage"\n\n' + indent(items)


def stage_markdown(loaded: LoadedProcess, index: int, links: SiteLinks) -> str:
    """The Markdown page of the stage at this position in the pipeline."""
    stages = loaded.process.stages
    stage = stages[index]
    check = f"[Check a deal at this stage]({check_url(links, stage.id)}){{ .md-button .md-button--primary }}"
    body = [
        _heading_block(stage),
        _you_are_here(stage, list(stages[:index])),
        _bullets("## What the rep does", stage.rep_activities, "No rep activities are listed for this stage."),
        _move_on(stage),
        _pitfalls(stage),
        check,
    ]
    return page(inline(stage.name), body, loaded)
