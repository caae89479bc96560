"""The printable checklist: every question of every stage, to tick with the evidence at hand."""

from __future__ import annotations

from sales_process.loader import LoadedProcess
from sales_process.model import Stage
from site_builder.common import CHECKLIST_PAGE, link_from, page, stage_page
from site_builder.markdown_text import inline, percent

_INTRO = (
    "Tick a question only when you can name the evidence. A deal belongs in the first stage whose questions "
    "are not all ticked. Print this page for deal reviews: the navigation is left off the paper."
)
_DEAL_LINE = '<p class="playbook-fill-in">Deal: <span></span> Rep: <span></span> Date: <span></span></p>'


def _stage_checklist(stage: Stage) -> str:
    heading = f"## {inline(stage.name)} ({percent(stage.probability)})"
    items = []
    for milestone in stage.milestones:
        link = link_from(CHECKLIST_PAGE, stage_page(stage.id), milestone.id)
        items.append(
            f"- [ ] [{inline(milestone.question)}]({link})  \n"
            f"    <small>Evidence: {inline(milestone.evidence)}</small>"
        )
    return heading + "\n\n" + "\n".join(items)


def checklist_markdown(loaded: LoadedProcess) -> str:
    """The checklist page; stages without milestones (the last) have nothing to tick."""
    stages = [_stage_checklist(stage) for stage in loaded.process.stages if stage.milestones]
    return page("Deal checklist", [_INTRO, _DEAL_LINE, *stages], loaded)
