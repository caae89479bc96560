"""MkDocs hooks of the manual (manual.yml): the field reference from the model, and the changelog.

The field reference is written into the page at build time by `field_reference()`, the function
that writes the playbook's "Editing process.yaml" page, so the manual keeps no copy of it.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from site_builder.reference import field_reference

FIELD_REFERENCE = "<!-- field-reference -->"
CHANGELOG_PAGE = "changelog.md"
CHANGELOG = "CHANGELOG.md"  # beside manual.yml: the one changelog, shown as the manual's last page


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
