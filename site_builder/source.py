"""Which process a MkDocs build renders: the one `build_site` passes, else the configured file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from sales_process.loader import DEFAULT_PROCESS, PROCESS_ENV, LoadedProcess
from site_builder.common import SiteLinks

# Per thread of control, so a background rebuild never sees another thread's process.
_ACTIVE: ContextVar[LoadedProcess | None] = ContextVar("playbook_process", default=None)
_LINKS: ContextVar[SiteLinks | None] = ContextVar("playbook_links", default=None)
# The last valid version of each file read during this run, for a live preview that meets a broken save.
_LAST_GOOD: dict[Path, LoadedProcess] = {}


@contextmanager
def rendering(loaded: LoadedProcess, links: SiteLinks | None = None) -> Iterator[None]:
    """Make the MkDocs hooks render this already validated process (no second read of the file).

    `links` overrides mkdocs.yml's form address (`playbook serve` serves the form at /check).
    """
    token, links_token = _ACTIVE.set(loaded), _LINKS.set(links)
    try:
        yield
    finally:
        _LINKS.reset(links_token)
        _ACTIVE.reset(token)


def active_process() -> LoadedProcess | None:
    """The process passed by `rendering`, if a build is running inside it."""
    return _ACTIVE.get()


def active_links() -> SiteLinks | None:
    """The links passed by `rendering`, if any."""
    return _LINKS.get()


def configured_process_path() -> Path:
    """$PLAYBOOK_PROCESS, else ./process.yaml (plain `mkdocs build` and `mkdocs serve`).

    Not beside mkdocs.yml: the playbook's configuration ships inside the package, and the
    process is the user's file, in the folder they work in.
    """
    from_env = os.environ.get(PROCESS_ENV)
    return Path(from_env) if from_env else Path.cwd() / DEFAULT_PROCESS


def remember_good(path: Path, loaded: LoadedProcess) -> None:
    """Keep this valid version of the file for `last_good`."""
    _LAST_GOOD[path.resolve()] = loaded


def last_good(path: Path) -> LoadedProcess | None:
    """The last valid version of the file read in this run, if any."""
    return _LAST_GOOD.get(path.resolve())
