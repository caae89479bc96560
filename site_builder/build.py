"""Build the whole static playbook into a folder, atomically, with MkDocs in-process."""

from __future__ import annotations

import html
import logging
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from sales_process.loader import LoadedProcess, load_process
from sales_process.problems import Diagnostic, InvalidFile
from site_builder.common import SiteLinks
from site_builder.site_dir import folder_mode, site_dir_problem, swap_in
from site_builder.source import rendering

CONFIG_NAME = "mkdocs.yml"
# MkDocs counts warnings on one global logger, so two builds in one process take turns.
_BUILD_LOCK = threading.Lock()


class SiteBuildError(Exception):
    """The site could not be built (MkDocs failed, or the output folder is unusable); the old site is kept."""


def default_config_file() -> Path:
    """The playbook's MkDocs configuration, shipped inside this package (site/mkdocs.yml).

    Its paths (pages, theme override, hooks) are relative to the file itself, so the playbook
    builds wherever the package is installed, with no checkout.
    """
    config = resources.files("site_builder") / "site" / CONFIG_NAME
    # MkDocs reads configuration and pages from the file system; a wheel installs them as files.
    return Path(str(config))


def build_site(
    process_path: Path,
    site_dir: Path,
    *,
    config_file: Path | None = None,
    links: SiteLinks | None = None,
    loaded: LoadedProcess | None = None,
) -> LoadedProcess:
    """Validate the process, build the whole static site into site_dir atomically; return the loaded process.

    `links` overrides where the pages point (the form's address; mkdocs.yml's `extra.form_url` by default).
    `loaded` is the process already read from process_path (`playbook serve` builds the version it
    validated, not whatever the file holds a moment later: its watcher catches up with that).

    Raises InvalidFile (before touching site_dir) when the process is invalid, SiteBuildError when
    MkDocs fails. Safe to call from a background thread while another thread serves the old site_dir:
    the site is built in a sibling folder and swapped in, so readers see the old or the new site, whole.
    """
    if loaded is None:
        loaded = load_process(process_path)
    config = (config_file or default_config_file()).resolve()
    if not config.is_file():
        raise InvalidFile(
            [
                Diagnostic(
                    str(config),
                    None,
                    None,
                    "error",
                    "no MkDocs configuration here; pass --config-file PATH, the playbook's mkdocs.yml",
                )
            ]
        )
    site_dir = site_dir.resolve()
    problem = site_dir_problem(site_dir, [Path.cwd(), config.parent, Path(process_path).resolve()])
    if problem:
        raise SiteBuildError(problem)
    try:
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.new-", dir=site_dir.parent))
        staging.chmod(folder_mode())  # mkdtemp's 0700 would hide the site from the web server's user
    except OSError as error:
        raise SiteBuildError(f"{site_dir}: cannot write there: {error.strerror}") from None
    try:
        _build_into(loaded, config, staging, links)
        swap_in(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return loaded


def _build_into(loaded: LoadedProcess, config_file: Path, site_dir: Path, links: SiteLinks | None) -> None:
    with _BUILD_LOCK, rendering(loaded, links), _mkdocs_warnings() as warnings:
        try:
            config = load_config(str(config_file), site_dir=str(site_dir), strict=True)
            build(config)
        except MkDocsException as error:
            raise SiteBuildError("\n".join([*warnings, str(error)])) from None
        write_moved_stages(loaded, site_dir)


def write_moved_stages(loaded: LoadedProcess, site_dir: Path) -> None:
    """A page at the address of each id a stage was renamed from, sending the reader on to the stage: a bookmark
    or a link in an old email still reaches it."""
    for stage in loaded.process.stages:
        for old in stage.renamed_from:
            page = site_dir / "stages" / old / "index.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            name = html.escape(stage.name)
            page.write_text(
                f'<!doctype html>\n<html lang="{html.escape(loaded.process.language)}">\n<head>\n<meta charset="utf-8">\n'
                f"<title>{name} (moved)</title>\n"
                f'<meta http-equiv="refresh" content="0; url=../{stage.id}/">\n'
                f'<link rel="canonical" href="../{stage.id}/">\n</head>\n<body>\n'
                f'<p>This stage is now <a href="../{stage.id}/">{name}</a>.</p>\n</body>\n</html>\n',
                encoding="utf-8",
            )


class _Collector(logging.Handler):
    """Keeps each warning as 'LEVEL: message'."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}: {record.getMessage()}")


@contextmanager
def _mkdocs_warnings() -> Iterator[list[str]]:
    """Collect MkDocs' warnings so that a failed strict build says why."""
    handler = _Collector()
    messages = handler.messages
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
