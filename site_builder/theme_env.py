"""The theme's Jinja environment, without the work MkDocs repeats on every build of one process.

On each build MkDocs lists every file of every theme folder to find the theme's static
assets (Material ships 14,500 files, nearly all of them icons) and matches each name against
its exclusion patterns, and Material's search plugin makes three more environments that
compile the language templates again: together half of a live-preview rebuild. Installed
themes do not change while a process runs, so their listings and the patterns' verdicts are
kept; the project's own theme folder (`custom_dir`) is listed afresh on every build.
"""

from __future__ import annotations

import sysconfig
import threading
from collections.abc import Callable, Collection, Iterable
from pathlib import Path

import jinja2
from mkdocs.theme import Theme

from site_builder.template_cache import TEMPLATES

_INSTALLED = tuple({Path(sysconfig.get_path(name)).resolve() for name in ("purelib", "platlib")})
# The filter of mkdocs.structure.files.Files.add_files_from_theme: a name's verdict depends
# only on the name and the theme's static templates, so it is kept per set of static templates.
_THEME_FILES_FILTER = "Files.add_files_from_theme.<locals>.filter"

_lock = threading.Lock()
_listings: dict[str, list[str]] = {}  # an installed theme folder -> its files, as Jinja names them
_verdicts: dict[frozenset[str], dict[str, bool]] = {}  # static templates -> name -> kept as a theme file


def _installed(folder: str) -> bool:
    path = Path(folder).resolve()
    return any(path.is_relative_to(root) for root in _INSTALLED)


def _listing(folder: str) -> list[str]:
    """The files of one theme folder; an installed theme's are listed once per process."""
    if not _installed(folder):
        return list(jinja2.FileSystemLoader(folder).list_templates())
    with _lock:
        names = _listings.get(folder)
        if names is None:
            names = _listings[folder] = list(jinja2.FileSystemLoader(folder).list_templates())
    return names


class ThemeLoader(jinja2.FileSystemLoader):
    """Jinja's loader for the theme folders; listing them reuses the installed themes' listings."""

    def list_templates(self) -> list[str]:
        """Every file of every folder, sorted, as FileSystemLoader lists them."""
        found: set[str] = set()
        for folder in self.searchpath:
            found.update(_listing(folder))
        return sorted(found)


def _kept(names: Iterable[str], keep: Callable[[str], bool], verdicts: dict[str, bool]) -> list[str]:
    kept = []
    for name in names:
        verdict = verdicts.get(name)
        if verdict is None:
            verdict = verdicts[name] = keep(name)
        if verdict:
            kept.append(name)
    return kept


def theme_env(theme: Theme) -> jinja2.Environment:
    """MkDocs' environment for `theme`, with the theme folders' listing and compiled templates kept per process."""
    env = Theme.get_env(theme)
    env.loader = ThemeLoader(theme.dirs)
    env.bytecode_cache = TEMPLATES
    list_templates = env.list_templates

    def theme_files(
        extensions: Collection[str] | None = None, filter_func: Callable[[str], bool] | None = None
    ) -> list[str]:
        if (
            extensions is not None
            or filter_func is None
            or getattr(filter_func, "__qualname__", "") != _THEME_FILES_FILTER
        ):
            return list_templates(extensions, filter_func)
        with _lock:
            verdicts = _verdicts.setdefault(frozenset(theme.static_templates), {})
        return _kept(list_templates(), filter_func, verdicts)

    env.list_templates = theme_files  # type: ignore[method-assign]
    return env


def use_theme_env(theme: Theme) -> None:
    """Make every environment this build makes for `theme` a `theme_env`."""
    theme.get_env = lambda: theme_env(theme)  # type: ignore[method-assign]
