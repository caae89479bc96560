"""The thin MkDocs adapter: adds the generated pages to a MkDocs build (listed in mkdocs.yml `hooks`).

MkDocs loads this file afresh for every configuration it reads, so the module state
below belongs to one build.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files

from sales_process.loader import LoadedProcess, load_process
from sales_process.problems import InvalidFile
from site_builder.pages import generate_pages, navigation
from site_builder.source import active_process, configured_process_path

log = logging.getLogger("mkdocs.plugins.playbook")
_build: dict[str, LoadedProcess] = {}
# A sitemap's <lastmod> is the build date, which would make every build differ; nobody crawls a playbook.
_SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")


def _load(config: MkDocsConfig) -> LoadedProcess:
    active = active_process()
    if active is not None:
        return active
    path = configured_process_path(config.config_file_path)
    try:
        return load_process(path)
    except InvalidFile as error:
        for diagnostic in error.diagnostics:
            log.error(str(diagnostic))
        # `mkdocs serve` prints a SystemExit's message without a traceback and keeps serving the last good build.
        raise SystemExit(f"{path}: invalid process, the playbook was not rebuilt; fix the errors above and save again") from None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Load the process; its name becomes the site's title; the stages drive the navigation."""
    loaded = _load(config)
    _build["loaded"] = loaded
    for warning in loaded.warnings:
        log.info(str(warning))
    # The theme prints site_name both raw and through `|e`; Markup is escaped once, and never twice.
    config.site_name = Markup.escape(loaded.process.name)
    config.nav = [_escaped(entry) for entry in navigation(loaded)]
    return config


def _escaped(entry: Any) -> Any:
    """Nav titles reach the theme's HTML unescaped, and stage names are user text."""
    if isinstance(entry, dict):
        return {Markup.escape(title): _escaped(value) for title, value in entry.items()}
    if isinstance(entry, list):
        return [_escaped(item) for item in entry]
    return entry


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Add the generated pages as virtual files; a hand-written page may not take their place."""
    for src_uri, markdown in generate_pages(_build["loaded"]).items():
        if files.get_file_from_path(src_uri) is not None:
            raise PluginError(f"{config.docs_dir}/{src_uri} is generated from the process; rename or delete the hand-written file")
        files.append(File.generated(config, src_uri, content=markdown))
    return files


def on_serve(server: LiveReloadServer, *, config: MkDocsConfig, builder: Callable[..., Any]) -> LiveReloadServer:
    """Rebuild when the process file is saved."""
    server.watch(str(configured_process_path(config.config_file_path).resolve()))
    return server


def on_post_build(*, config: MkDocsConfig) -> None:
    """Drop the date-stamped sitemaps so that the same inputs give byte-identical sites."""
    for name in _SITEMAPS:
        Path(config.site_dir, name).unlink(missing_ok=True)
