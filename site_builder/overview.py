"""The pipeline overview: every stage in order, and a Mermaid diagram of the pipeline."""

from __future__ import annotations

from sales_process.loader import LoadedProcess
from sales_process.model import Process, Stage
from sales_process.site_words import counted, site_words
from site_builder.common import PIPELINE_PAGE, link_from, page, stage_page
from site_builder.markdown_text import inline, mermaid_label, percent


def pipeline_diagram(process: Process) -> str:
    """A top-down Mermaid flowchart (readable on a phone too); each arrow says how many milestones gate it."""
    tag = process.language
    lines = ["```mermaid", "flowchart TD"]
    for number, stage in enumerate(process.stages):
        lines.append(f'  s{number}["{mermaid_label(stage.name)}<br/>{percent(stage.probability)}"]')
    for number, stage in enumerate(process.stages[:-1]):
        gate = counted(tag, len(stage.milestones), "milestone") + _kinds(stage, tag)
        lines.append(f'  s{number} -->|"{gate}"| s{number + 1}')
    lines.append("```")
    return "\n".join(lines)


def _kinds(stage: Stage, tag: str) -> str:
    """ " (1 helps, not required; 2 alternatives; 1 required only for some deals)" after a gate not all required alike,
    in the language of `tag`."""
    if stage.all_required:
        return ""
    words = site_words(tag)
    milestones = stage.milestones
    parts = [
        (sum(not m.required for m in milestones), "optional"),
        (sum(m.group is not None for m in milestones), "alternative"),
        (sum(m.required_when is not None for m in milestones), "conditional"),
    ]
    said = [
        f"{count} {words[f'overview.{kind}.one' if count == 1 else f'overview.{kind}.many']}"
        for count, kind in parts
        if count
    ]
    return " (" + "; ".join(said) + ")"


def stage_table(process: Process, from_page: str) -> str:
    """A table of the stages in order with probability, summary and milestone count."""
    words = site_words(process.language)
    rows = [words["overview.columns"], "|---|---|---|---|---|"]
    for number, stage in enumerate(process.stages, start=1):
        link = f"[{inline(stage.name)}]({link_from(from_page, stage_page(stage.id))})"
        summary = inline(stage.summary) if stage.summary else "—"
        gate = (
            f"{len(stage.milestones)}{_kinds(stage, process.language)}" if stage.milestones else words["overview.last"]
        )
        rows.append(f"| {number} | {link} | {percent(stage.probability)} | {summary} | {gate} |")
    return "\n".join(rows)


def overview_markdown(loaded: LoadedProcess) -> str:
    """The pipeline overview page."""
    process = loaded.process
    tag = process.language
    words = site_words(tag)
    intro = words["overview.intro"].format(
        name=inline(process.name),
        stages=counted(tag, len(process.stages), "stage"),
        milestones=counted(tag, len(process.milestones()), "milestone"),
    )
    body = [intro, pipeline_diagram(process), f"## {words['overview.stages']}", stage_table(process, PIPELINE_PAGE)]
    return page(words["overview.title"], body, loaded)
