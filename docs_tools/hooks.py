"""MkDocs hooks of the manual (manual.yml): the field reference from the model, the changelog, a navigation that tolerates pages not merged yet.

The field reference is written into the page at build time by `field_reference()`, the function
that writes the playbook's "Editing process.yaml" page, so the manual keeps no copy of it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from site_builder.reference import field_reference

FIELD_REFERENCE = "<!-- field-reference -->"
CHANGELOG_PAGE = "changelog.md"
CHANGELOG = "CHANGELOG.md"  # beside manual.yml: the one changelog, shown as the manual's last page
log = logging.getLogger("mkdocs.plugins.manual")


def _present(entry: Any, docs_dir: Path, elsewhere: set[str]) -> Any:
    """The nav entry without the pages other branches write that are not here yet (None: nothing left)."""
    if isinstance(entry, str):
        return None if entry in elsewhere and not (docs_dir / entry).is_file() else entry
    if isinstance(entry, list):
        items = [item for item in (_present(item, docs_dir, elsewhere) for item in entry) if item is not None]
        return items or None
    if isinstance(entry, dict):
        values = {title: _present(value, docs_dir, elsewhere) for title, value in entry.items()}
        section = {title: value for title, value in values.items() if value is not None}
        return section or None
    return entry


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Leave out of the nav the pages listed under extra.written_elsewhere that do not exist yet."""
    elsewhere = set(config.extra.get("written_elsewhere", []))
    missing = sorted(page for page in elsewhere if not (Path(config.docs_dir) / page).is_file())
    if missing:
        log.info("manual: not in the navigation until merged: %s", ", ".join(missing))
    config.nav = _present(config.nav, Path(config.docs_dir), elsewhere)
    return config


def with_field_reference(markdown: str, src_uri: str) -> str:
    """The page with the field reference written where it says FIELD_REFERENCE (at most once)."""
    if FIELD_REFERENCE not in markdown:
        return markdown
    if markdown.count(FIELD_REFERENCE) != 1:
        raise PluginError(f"{src_uri}: {FIELD_REFERENCE} may appear once")
    return markdown.replace(FIELD_REFERENCE, field_reference())


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Write the field reference where a page asks for it; the changelog page is CHANGELOG.md."""
    if page.file.src_uri == CHANGELOG_PAGE:
        return Path(config.config_file_path).parent.joinpath(CHANGELOG).read_text(encoding="utf-8")
    return with_field_reference(markdown, page.file.src_uri)
