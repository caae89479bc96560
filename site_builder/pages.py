"""The engine-neutral generator: a process in, Markdown pages out (a pure function)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

from sales_process.loader import LoadedProcess
from sales_process.site_words import site_words
from site_builder.checklist import checklist_markdown
from site_builder.common import (
    CHECKLIST_PAGE,
    CVO_PAGE,
    DEFAULT_LINKS,
    HOME_PAGE,
    PIPELINE_PAGE,
    PRACTICE_PAGE,
    REFERENCE_PAGE,
    SiteLinks,
    stage_page,
)
from site_builder.home import home_markdown
from site_builder.overview import overview_markdown
from site_builder.practice_page import practice_markdown
from site_builder.reference import reference_markdown
from site_builder.stage_page import stage_markdown

NavEntry: TypeAlias = "str | dict[str, str | list[NavEntry]]"


def generate_pages(loaded: LoadedProcess, links: SiteLinks = DEFAULT_LINKS) -> dict[str, str]:
    """Every generated page: path relative to the docs folder -> Markdown text."""
    pages = {
        HOME_PAGE: home_markdown(loaded, links),
        PIPELINE_PAGE: overview_markdown(loaded),
        CHECKLIST_PAGE: checklist_markdown(loaded),
        REFERENCE_PAGE: reference_markdown(loaded, links),
        PRACTICE_PAGE: practice_markdown(loaded),
    }
    for index, stage in enumerate(loaded.process.stages):
        pages[stage_page(stage.id)] = stage_markdown(loaded, index, links)
    return pages


def site_description(loaded: LoadedProcess) -> str:
    """The site's meta description (search results, link previews)."""
    return (
        f"The {loaded.process.name} sales playbook: every stage of the pipeline, what the customer must do "
        "to move a deal on, and a self-check of the stage a deal's evidence supports."
    )


def _as_is(title: str) -> str:
    return title


def navigation(loaded: LoadedProcess, escape: Callable[[str], str] = _as_is) -> list[NavEntry]:
    """The site's navigation in MkDocs `nav` form: the stages in pipeline order, not alphabetical.

    Themes print nav titles as HTML, so pass an HTML escape for the stage names.
    """
    words = site_words(loaded.process.language)
    stages: list[NavEntry] = [{words["nav.overview"]: PIPELINE_PAGE}]
    stages += [{escape(stage.label): stage_page(stage.id)} for stage in loaded.process.stages]
    return [
        {words["nav.home"]: HOME_PAGE},
        {words["nav.cvo"]: CVO_PAGE},
        {words["nav.pipeline"]: stages},
        {words["nav.checklist"]: CHECKLIST_PAGE},
        {words["nav.practice"]: PRACTICE_PAGE},
        {words["nav.reference"]: REFERENCE_PAGE},
    ]
