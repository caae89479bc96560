"""What every generated page shares: where pages live, links to the form, the source note."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urlencode

from sales_process.loader import LoadedProcess
from sales_process.model import DEFAULT_LANGUAGE
from sales_process.site_words import SiteWords, site_words
from site_builder.markdown_text import inline

HOME_PAGE = "index.md"
CVO_PAGE = "cvo.md"
PIPELINE_PAGE = "pipeline.md"
CHECKLIST_PAGE = "checklist.md"
REFERENCE_PAGE = "reference.md"
PRACTICE_PAGE = "practice.md"
# Absolute on purpose: `playbook serve` serves the site at / and the form at /check.
CHECK_URL = "/check"


@dataclass(frozen=True)
class SiteLinks:
    """Where the pages point outside the playbook.

    `form_url`: the self-check form (`/check` under `playbook serve`, else mkdocs.yml's
    `extra.form_url`, so a playbook published on its own can point at a form hosted elsewhere).
    `served_at`: the preview server's address, when the site is built for one.
    """

    form_url: str = CHECK_URL
    served_at: str | None = None


DEFAULT_LINKS = SiteLinks()


def stage_page(stage_id: str) -> str:
    """The source path of a stage's page; MkDocs publishes it at ``stages/<id>/``."""
    return f"stages/{stage_id}.md"


def link_from(page: str, target: str, anchor: str = "") -> str:
    """A relative link from one generated page to another (MkDocs checks it)."""
    start = PurePosixPath(page).parent
    depth = len(start.parts)
    relative = "../" * depth + target
    return f"{relative}#{anchor}" if anchor else relative


def check_url(links: SiteLinks, claimed_stage: str | None = None) -> str:
    """The self-check form, optionally with the CRM's claimed stage filled in."""
    if not claimed_stage:
        return links.form_url
    separator = "&" if "?" in links.form_url else "?"
    return f"{links.form_url}{separator}{urlencode({'claimed_stage': claimed_stage})}"


DEALS_PATH = "/deals"


def deals_url(links: SiteLinks) -> str | None:
    """Sign-in / My deals of the app that serves the form (the form's address with /deals for /check).

    None when the form is hosted somewhere whose app this playbook cannot know.
    """
    if not links.form_url.endswith(CHECK_URL):
        return None
    return links.form_url[: -len(CHECK_URL)] + DEALS_PATH


def source_note(loaded: LoadedProcess) -> str:
    """The line that lets a printed page be traced to the exact process file."""
    process = loaded.process
    words = site_words(process.language)
    version = words["source.version"].format(version=inline(process.version)) if process.version else ""
    filename = inline(PurePosixPath(loaded.path.replace("\\", "/")).name)
    note = words["source"].format(name=inline(process.name), version=version, filename=filename, sha=loaded.short_sha)
    return f'<p class="playbook-source" markdown>{note}</p>'


def hidden_by_hand_written(path: str) -> str:
    """The error when a hand-written page sits where a generated one goes."""
    return f"{path} is generated from the process; rename or delete the hand-written file"


def page(title: str, body: list[str], loaded: LoadedProcess) -> str:
    """A whole page: the title, the body's blocks separated by blank lines, the source note."""
    return "\n\n".join([f"# {title}", *body, source_note(loaded)]) + "\n"


def script_words(words: SiteWords, prefix: str) -> dict[str, str]:
    """A script's words (the table's keys starting with `prefix`), by the names the script knows them by."""
    return {key.removeprefix(prefix): text for key, text in words.items() if key.startswith(prefix)}


def data_words(words: SiteWords, prefix: str) -> str:
    """A script's words as a `data-words` attribute of the element it reads them from; none for English, which
    the script keeps itself (a test keeps the two equal)."""
    given = script_words(words, prefix)
    if given == script_words(site_words(DEFAULT_LANGUAGE), prefix):
        return ""
    return f' data-words="{html.escape(json.dumps(given, ensure_ascii=False))}"'
