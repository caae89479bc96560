"""One page per stage: where the deal is, what the rep does, what the customer must do next."""

from __future__ import annotations

from sales_process.loader import LoadedProcess
from sales_process.model import DEFAULT_LANGUAGE, Milestone, Stage
from sales_process.requirement import milestone_note
from sales_process.site_words import SiteWords, counted, site_words
from site_builder.common import SiteLinks, check_url, link_from, page, stage_page
from site_builder.markdown_text import block, indent, inline, percent


def _heading_block(stage: Stage, words: SiteWords) -> str:
    probability = words["stage.probability"].format(percent=percent(stage.probability))
    lines = [f'<p class="playbook-probability" markdown>**{probability}**</p>']
    if stage.summary:
        lines.append(f"*{inline(stage.summary)}*")
    if stage.description:
        lines.append(block(stage.description))
    return "\n\n".join(lines)


# A long pipeline's last page names its first and previous stages only, not a dozen.
MAX_NAMED_EARLIER = 6


def _gates_passed(own_page: str, earlier: list[Stage], language: str) -> str:
    """ "The deal has passed both stages before this one: … gates A and B, last of all what gates B:" """
    words = site_words(language)
    links = [f"[{inline(stage.name)}]({link_from(own_page, stage_page(stage.id))})" for stage in earlier]
    if len(earlier) == 1:
        return words["stage.passed_one"].format(stage=links[0])
    passed = (
        words["stage.passed_both"]
        if len(earlier) == 2
        else words["stage.passed_all"].format(stages=counted(language, len(earlier), "stage"))
    )
    named = (
        words["stage.named"].format(first=", ".join(links[:-1]), last=links[-1])
        if len(earlier) <= MAX_NAMED_EARLIER
        else words["stage.named_range"].format(first=links[0], last=links[-1])
    )
    return words["stage.passed_many"].format(passed=passed, named=named, last=inline(earlier[-1].name))


def _you_are_here(stage: Stage, earlier: list[Stage], language: str) -> str:
    words = site_words(language)
    heading = f"## {words['stage.here']}"
    if not earlier:
        return f"{heading}\n\n{words['stage.first']}"
    previous = earlier[-1]
    own_page = stage_page(stage.id)
    target = stage_page(previous.id)
    items = "\n".join(
        f"- [{inline(milestone.question)}]({link_from(own_page, target, milestone.id)}){_note(previous, milestone)}"
        for milestone in previous.milestones
    )
    return f"{heading}\n\n{_gates_passed(own_page, earlier, language)}\n\n{items}"


def _note(stage: Stage, milestone: Milestone) -> str:
    """ " (one of: a, b; required only for deals of 25k or more)" after a milestone not every deal needs alone."""
    note = milestone_note(stage, milestone)
    return f" *({inline(note)})*" if note else ""


def _bullets(heading: str, items: list[str], empty: str) -> str:
    if not items:
        return f"{heading}\n\n{empty}"
    return heading + "\n\n" + "\n".join(f"- {inline(item)}" for item in items)


def _max_age(milestone: Milestone, language: str) -> str:
    words = site_words(language)
    if milestone.max_age_days is None:
        return words["milestone.no_limit"]
    return words["milestone.dated"].format(days=counted(language, milestone.max_age_days, "day"))


def _buyer_statement(milestone: Milestone, words: SiteWords) -> str:
    """The statement the buyer confirms, and whether the milestone waits for it."""
    if not milestone.buyer_statement:
        return ""
    colon = words["label_colon"]
    when = (
        f"**{words['milestone.required']}**{colon} {words['rule.confirmation_required']}"
        if milestone.buyer_confirms
        else f"{words['milestone.optional']}{colon} {words['rule.confirmation_optional']}"
    )
    return f"\n- **{words['milestone.buyer_confirms']}{colon}** “{inline(milestone.buyer_statement)}” ({when})"


def milestone_block(milestone: Milestone, stage: Stage | None = None, language: str = DEFAULT_LANGUAGE) -> str:
    """A milestone as a block whose HTML id is the milestone id, so links land on it; its labels in `language`."""
    words = site_words(language)
    colon = words["label_colon"]
    required = (
        f"{words['yes']}{colon} {words['rule.evidence']}"
        if milestone.evidence_required
        else f"{words['no']}{colon} {words['rule.no_evidence']}"
    )
    note = milestone_note(stage, milestone) if stage is not None else None
    parts = [
        f'<div class="playbook-milestone" id="{milestone.id}" markdown>',
        # A link to an id the milestone was renamed from still lands on it.
        f"### {inline(milestone.question)}" + "".join(f' <span id="{old}"></span>' for old in milestone.renamed_from),
        (f"- **{words['milestone.requirement']}{colon}** {inline(note)}\n" if note else "")
        + f"- **{words['milestone.customer']}{colon}** {inline(milestone.customer_action)}\n"
        f"- **{words['milestone.evidence']}{colon}** {inline(milestone.evidence)}{_buyer_statement(milestone, words)}\n"
        f"- **{words['milestone.evidence_required']}{colon}** {required}\n"
        f"- **{words['milestone.max_age']}{colon}** {_max_age(milestone, language)}\n"
        f"- **{words['milestone.id']}{colon}** `{milestone.id}`",
    ]
    if milestone.guidance:
        parts.append(f'!!! tip "{words["milestone.guidance"]}"\n\n' + indent(block(milestone.guidance)))
    parts.append("</div>")
    return "\n\n".join(parts)


def _move_on(stage: Stage, language: str) -> str:
    words = site_words(language)
    heading = f"## {words['move_on']}"
    if not stage.milestones:
        return f"{heading}\n\n{words['stage.last']}"
    name = inline(stage.name)
    if not stage.all_required:
        intro = words["stage.leaves_some"].format(stage=name)
    elif len(stage.milestones) > 1:
        intro = words["stage.leaves_all"].format(
            stage=name, count=counted(language, len(stage.milestones), "milestone")
        )
    else:
        intro = words["stage.leaves_one"].format(stage=name)
    blocks = (milestone_block(milestone, stage, language) for milestone in stage.milestones)
    return "\n\n".join([heading, intro, *blocks])


def _pitfalls(stage: Stage, words: SiteWords) -> str:
    heading = f"## {words['stage.pitfalls']}"
    if not stage.pitfalls:
        return f"{heading}\n\n{words['stage.no_pitfalls']}"
    items = "\n".join(f"- {inline(pitfall)}" for pitfall in stage.pitfalls)
    return f'{heading}\n\n!!! warning "{words["stage.traps"]}"\n\n' + indent(items)


def stage_markdown(loaded: LoadedProcess, index: int, links: SiteLinks) -> str:
    """The Markdown page of the stage at this position in the pipeline, in the process's language."""
    stages = loaded.process.stages
    stage = stages[index]
    language = loaded.process.language
    words = site_words(language)
    check = f"[{words['stage.check']}]({check_url(links, stage.id)}){{ .md-button .md-button--primary }}"
    body = [
        _heading_block(stage, words),
        _you_are_here(stage, list(stages[:index]), language),
        _bullets(f"## {words['stage.rep']}", stage.rep_activities, words["stage.no_rep"]),
        _move_on(stage, language),
        _pitfalls(stage, words),
        check,
    ]
    return page(inline(stage.name), body, loaded)
