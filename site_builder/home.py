"""The home page: names the process, explains the playbook, leads to the self-check form."""

from __future__ import annotations

from sales_process.loader import LoadedProcess
from sales_process.site_words import site_words
from sales_process.wording import full_stop
from site_builder.common import (
    CHECKLIST_PAGE,
    CVO_PAGE,
    HOME_PAGE,
    PIPELINE_PAGE,
    PRACTICE_PAGE,
    REFERENCE_PAGE,
    SiteLinks,
    check_url,
    deals_url,
    link_from,
    page,
)
from site_builder.markdown_text import block, inline

_HOW_TO_USE = """## How to use this playbook

1. Read [Customer Verifiable Outcomes]({cvo}) once: it explains why a deal's stage is decided by what the
   customer did, not by how the last call felt.
2. Look at the [pipeline overview]({pipeline}) to see every stage, its probability and what gates it.
3. Before you update a deal in the CRM, open its stage's page and read **{move_on}**{move_on_stop}
4. Use **Check a deal** to answer the questions for one deal: it tells you the stage the evidence supports,
   the gap to the stage in the CRM, and what the customer must do next.
5. Print the [checklist]({checklist}) for deal reviews.

Sales enablement edits the process itself: see the [process.yaml reference]({reference})."""


def _check_a_deal(links: SiteLinks) -> str:
    deals = deals_url(links)
    saved = (
        f" [Sign in: my deals]({deals}){{ .md-button }}\n\n"
        "    Signed in, your deals and their checks are saved, and your manager reviews them with you."
        if deals
        else ""
    )
    practice = link_from(HOME_PAGE, PRACTICE_PAGE)
    return (
        '!!! abstract "Check a deal"\n\n'
        "    Answer the questions for one of your deals and see the stage it verifiably belongs in, "
        "the gap to the stage in the CRM, and what the customer must do next.\n\n"
        f"    [Check a deal]({check_url(links)}){{ .md-button .md-button--primary }}{saved}\n\n"
        f"    New to the process? [Practice]({practice}) on made-up deals first."
    )


def home_markdown(loaded: LoadedProcess, links: SiteLinks) -> str:
    """The home page of the playbook."""
    process = loaded.process
    what = (
        f"This playbook explains how we sell with the **{inline(process.name)}** process: its stages, "
        "what a rep does in each, and the customer verifiable outcomes that move a deal from one stage to the next."
    )
    body = [what]
    if process.description:
        body.append(block(process.description))
    body.append(_check_a_deal(links))
    pages = {
        name: link_from(HOME_PAGE, target)
        for name, target in {
            "cvo": CVO_PAGE,
            "pipeline": PIPELINE_PAGE,
            "checklist": CHECKLIST_PAGE,
            "reference": REFERENCE_PAGE,
        }.items()
    }
    move_on = site_words(process.language)["move_on"]
    body.append(_HOW_TO_USE.format(**pages, move_on=move_on, move_on_stop=full_stop(move_on)))
    return page(inline(process.name), body, loaded)
