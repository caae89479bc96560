"""The thin MkDocs adapter: adds the generated pages to a MkDocs build (listed in mkdocs.yml `hooks`).

MkDocs loads this file afresh for every configuration it reads, so the module state
below belongs to one build.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from sales_process.loader import LoadedProcess, load_process
from sales_process.model import DEFAULT_LANGUAGE
from sales_process.problems import InvalidFile
from sales_process.site_words import SiteWords, site_words
from sales_process.wording import STALE_PREVIEW_HINT, STALE_PREVIEW_TITLE
from site_builder.common import CHECK_URL, SiteLinks, data_words, hidden_by_hand_written
from site_builder.markdown_text import inline
from site_builder.pages import generate_pages, navigation, site_description
from site_builder.practice_page import practice_assets
from site_builder.source import active_links, active_process, configured_process_path, last_good, remember_good
from site_builder.theme_env import use_theme_env

if TYPE_CHECKING:  # importing the live-reload server costs a one-shot build ~10 ms
    from mkdocs.livereload import LiveReloadServer

log = logging.getLogger("mkdocs.plugins.playbook")
_build: dict[str, Any] = {}
# A sitemap's <lastmod> is the build date, which would make every build differ; nobody crawls a playbook.
_SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")


def _load(config: MkDocsConfig) -> tuple[LoadedProcess, list[str]]:
    """The process to render, and the errors of the saved file when it is the last good version instead."""
    active = active_process()
    if active is not None:
        return active, []
    path = configured_process_path()
    try:
        loaded = load_process(path)
    except InvalidFile as error:
        errors = [str(diagnostic) for diagnostic in error.diagnostics]
        for line in errors:
            log.error(line)
        previous = last_good(path)
        if previous is None:
            raise SystemExit(f"{path}: invalid process, the playbook was not built; fix the errors above") from None
        log.error(f"{path}: invalid process; the preview keeps the last good version until you fix the errors above")
        return previous, errors
    remember_good(path, loaded)
    return loaded, []


def _stale_banner(errors: list[str]) -> str:
    """Shown on every generated page while the preview shows the last good version."""
    lines = "\n".join(f"    - {inline(line)}" for line in errors)
    return f'!!! failure "{STALE_PREVIEW_TITLE}"\n\n    {STALE_PREVIEW_HINT}\n\n{lines}\n\n'


@event_priority(100)  # before the search plugin's, which makes theme environments
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Load the process; its name becomes the site's title; the stages drive the navigation.

    The theme's environments keep, across this process's builds, what MkDocs would redo each time.
    """
    use_theme_env(config.theme)
    loaded, errors = _load(config)
    _build["loaded"] = loaded
    _build["banner"] = _stale_banner(errors) if errors else ""
    _build["links"] = active_links() or SiteLinks(form_url=str(config.extra.get("form_url") or CHECK_URL))
    if not config.site_description:
        config.site_description = site_description(loaded)
    for warning in loaded.warnings:
        log.info(str(warning))
    # The theme prints site_name both raw and through `|e`; Markup is escaped once, and never twice.
    config.site_name = Markup.escape(loaded.process.name)
    config.nav = navigation(loaded, Markup.escape)
    # Before the search plugin's on_config, which reads its words (and its stemmer) from the theme's language.
    config.theme["language"] = theme_language(loaded.process.language, _theme_languages(config))
    return config


def _theme_languages(config: MkDocsConfig) -> set[str]:
    """The languages the theme has its own words in: Material's partials/languages/<tag>.html."""
    return {path.stem for folder in config.theme.dirs for path in Path(folder, "partials", "languages").glob("*.html")}


def theme_language(tag: str, available: Collection[str]) -> str:
    """The theme's language for a BCP 47 tag: the longest prefix of it the theme has (pt-BR; zh-Hant for zh-Hant-TW;
    de for de-CH), compared ignoring case, else English. The pages' `lang` is the tag itself (with_language)."""
    names = {name.lower(): name for name in available}
    parts = tag.split("-")
    for end in range(len(parts), 0, -1):
        found = names.get("-".join(parts[:end]).lower())
        if found is not None:
            return found
    return DEFAULT_LANGUAGE


_HTML_LANG = re.compile(r'<html lang="[^"]*"')


def with_language(output: str) -> str:
    """The page with the process's language as its `lang`: the theme writes its own language's, which for a tag it
    has no words for (sw, de-CH) is not the language the page is written in."""
    language = _build["loaded"].process.language
    return _HTML_LANG.sub(f'<html lang="{html.escape(language)}"', output, count=1)


def on_post_page(output: str, *, page: Page, config: MkDocsConfig) -> str:
    """Each page in the process's language."""
    return with_language(output)


def on_post_template(output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
    """The theme's own pages (404.html) in the process's language too."""
    return with_language(output_content) if template_name.endswith(".html") else output_content


def _with_banner(markdown: str) -> str:
    title, body = markdown.split("\n\n", 1)
    return f"{title}\n\n{_build['banner']}{body}"


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Add the generated pages and their assets as virtual files; a hand-written file may not take their place."""
    pages = {
        src_uri: _with_banner(markdown)
        for src_uri, markdown in generate_pages(_build["loaded"], _build["links"]).items()
    }
    for src_uri, content in {**pages, **practice_assets()}.items():
        if files.get_file_from_path(src_uri) is not None:
            raise PluginError(hidden_by_hand_written(f"{config.docs_dir}/{src_uri}"))
        files.append(File.generated(config, src_uri, content=content))
    return files


# A heading (its text names the tables under it), a content tab's label and block (a table in the block adds the
# label to the name), a table as Markdown writes it, a code block's code.
_SCROLLABLE = re.compile(
    r"<h[1-6][^>]*>(?P<heading>.*?)</h[1-6]>|<label for=\"__tabbed_[^\"]*\">(?P<tab>.*?)</label>"
    r"|<div class=\"tabbed-block\">|<table>|<pre><span></span><code(?=[ >])",
    re.S,
)
_TAGS = re.compile(r"<[^>]+>")
# scrollwrap.js's words, the table's keys without this prefix (data_words).
_SCROLLWRAP_WORDS = "scrollwrap.js."


def _plain_text(fragment: str) -> str:
    """What a fragment of HTML reads as: its text without tags, entities or a heading's permalink sign."""
    return html.unescape(_TAGS.sub("", fragment)).replace("\u00b6", "").strip()


def _keyboard_scrollable(content: str, words: SiteWords) -> str:
    """Every table and code block, which scroll sideways on a narrow screen, takes the focus (Tab) so that a
    keyboard user can scroll it, even without the theme's script; a table is named by the heading above it.

    The theme's script wraps each table in a box that scrolls instead: scrollwrap.js moves both to that box, and
    reads the words it adds to the name from the table (`data-words`, none in English).
    """
    extra = data_words(words, _SCROLLWRAP_WORDS)
    heading = ""
    tabs: list[str] = []  # the labels of the content tabs whose blocks are still to come
    tab = ""

    def focusable(match: re.Match[str]) -> str:
        nonlocal heading, tab
        if match["heading"] is not None:
            heading, tab = _plain_text(match["heading"]), ""
        elif match["tab"] is not None:
            tabs.append(_plain_text(match["tab"]))
        elif match[0].startswith("<div"):
            tab = tabs.pop(0) if tabs else ""
        elif match[0] == "<table>":
            name = f"{words['label_colon']} ".join(part for part in (heading, tab) if part) or words["table"]
            return f'<table tabindex="0" aria-label="{html.escape(name)}"{extra}>'
        else:
            return match[0] + ' tabindex="0"'
        return match[0]

    return _SCROLLABLE.sub(focusable, content)


# A table as Markdown writes it (cells hold no table), the cells of its header, a row, the opening of a body cell.
_TABLE = re.compile(r"<table\b.*?</table>", re.S)
_HEADER_CELL = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S)
_ROW = re.compile(r"<tr>.*?</tr>", re.S)
_BODY_CELL = re.compile(r"<td(?=[ >])")


def _labelled_cells(content: str, words: SiteWords) -> str:
    """Each body cell of a table names its column (`data-label`): on a phone the stylesheet shows each row as a card
    of labelled lines, as the app's deals list does, instead of a table wider than the screen. A language whose
    colon after a label is not English's (French's has a narrow no-break space) gives it too (`data-colon`)."""
    colon = words["label_colon"]
    own_colon = "" if colon == site_words(DEFAULT_LANGUAGE)["label_colon"] else f' data-colon="{html.escape(colon)}"'

    def labelled_table(table: re.Match[str]) -> str:
        head, end, body = table[0].partition("</thead>")
        labels = [html.escape(_plain_text(cell), quote=True) for cell in _HEADER_CELL.findall(head)]
        return head + end + _ROW.sub(lambda row: labelled_row(row[0], labels), body)

    def labelled_row(row: str, labels: list[str]) -> str:
        columns = iter(labels)
        return _BODY_CELL.sub(lambda cell: labelled_cell(cell[0], next(columns, "")), row)

    def labelled_cell(opening: str, label: str) -> str:
        return f'{opening} data-label="{label}"{own_colon}' if label else opening

    return _TABLE.sub(labelled_table, content)


def on_page_content(content: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """The page's HTML, with what scrolls sideways reachable by the keyboard and each table cell naming its column."""
    words = site_words(_build["loaded"].process.language)
    return _labelled_cells(_keyboard_scrollable(content, words), words)


def on_serve(server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., Any]) -> LiveReloadServer:
    """Rebuild when the process file is saved."""
    server.watch(str(configured_process_path().resolve()))
    return server


def on_post_build(*, config: MkDocsConfig) -> None:
    """Drop the date-stamped sitemaps so that the same inputs give byte-identical sites."""
    for name in _SITEMAPS:
        Path(config.site_dir, name).unlink(missing_ok=True)
