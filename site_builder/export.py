"""Write the playbook as a plain MkDocs project (no hooks), for builders that run none, such as Zensical."""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import Any

import yaml

from sales_process.loader import LoadedProcess
from site_builder.common import CHECK_URL, SiteLinks, hidden_by_hand_written
from site_builder.pages import generate_pages, navigation, site_description
from site_builder.practice_page import practice_assets

_PYTHON_NAME = "tag:yaml.org,2002:python/name:"
HEADER = "# Exported by `playbook export`"  # the first line of the mkdocs.yml an export writes
MERMAID_SCRIPT = "assets/javascripts/mermaid.min.js"


class _PythonName(str):
    """A `!!python/name:` value of mkdocs.yml, kept as written (never imported here)."""


class _ConfigLoader(yaml.SafeLoader):
    pass


class _ConfigDumper(yaml.SafeDumper):
    pass


def _load_python_name(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> _PythonName:
    return _PythonName(suffix)


def _dump_python_name(dumper: yaml.SafeDumper, name: _PythonName) -> yaml.Node:
    return dumper.represent_scalar(_PYTHON_NAME + str(name), "")


_ConfigLoader.add_multi_constructor(_PYTHON_NAME, _load_python_name)
_ConfigDumper.add_representer(_PythonName, _dump_python_name)


class ExportError(Exception):
    """A configuration the export cannot read, or a folder it may not write: the message says what to do."""


def read_config(config_file: Path) -> dict[str, Any]:
    """mkdocs.yml as data, `!!python/name:` values kept as text; ExportError when it is not a configuration."""
    try:
        config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    except UnicodeDecodeError:
        raise ExportError(f"{config_file}: not a MkDocs configuration: the file is not UTF-8 text") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ExportError(f"{config_file}{where}: not a MkDocs configuration: {problem}; correct the YAML") from None
    if not isinstance(config, dict):
        raise ExportError(
            f"{config_file}: not a MkDocs configuration (the file holds no settings); pass the playbook's "
            "mkdocs.yml, or leave --config-file out for the one shipped with cvo-playbook"
        )
    return config


def export_dir_problem(out_dir: Path) -> str | None:
    """Why the export may not write to out_dir (None when it may): it replaces out_dir/docs and out_dir/mkdocs.yml,
    so only a new or empty folder, or one an earlier export wrote, is safe to write."""
    if out_dir.exists() and not out_dir.is_dir():
        return f"{out_dir} is a file, not a folder; choose a folder for the exported project, such as build/playbook"
    if out_dir.is_dir() and any(out_dir.iterdir()) and not _exported_before(out_dir):
        return (
            f"{out_dir} is not empty and holds no earlier export (its mkdocs.yml was not written by playbook export), "
            "and the export replaces its docs/ and mkdocs.yml; choose a new or empty folder, such as build/playbook"
        )
    return None


def _exported_before(out_dir: Path) -> bool:
    settings = out_dir / "mkdocs.yml"
    try:
        with settings.open(encoding="utf-8") as handle:
            return handle.readline().startswith(HEADER)
    except (OSError, UnicodeDecodeError):
        return False


def exported_config(config: dict[str, Any], loaded: LoadedProcess) -> dict[str, Any]:
    """mkdocs.yml with what the hooks would set written out, and the hooks removed."""
    config = {**config, "theme": dict(config.get("theme", {}))}
    config.pop("hooks", None)
    # Themes print these as HTML without escaping them everywhere: escape user text here.
    config["site_name"] = html.escape(loaded.process.name)
    config["docs_dir"] = "docs"
    config["site_dir"] = "site"
    config["nav"] = navigation(loaded, html.escape)
    config.setdefault("site_description", site_description(loaded))
    # The override patches one Material partial; Zensical's templates differ (and name their search dialog).
    config["theme"].pop("custom_dir", None)
    # Without the override, which loads Mermaid only where a diagram is, every page loads it.
    config["extra_javascript"] = [*config.get("extra_javascript", []), MERMAID_SCRIPT]
    return config


def export_project(loaded: LoadedProcess, config_file: Path, out_dir: Path) -> list[Path]:
    """Write out_dir/mkdocs.yml and out_dir/docs (hand-written pages, assets, generated pages); return the files written.

    Raises ExportError, before writing anything, when out_dir holds other files or the configuration cannot be read.

    Build the result with `mkdocs build -f out_dir/mkdocs.yml` or `zensical build -f out_dir/mkdocs.yml`.
    """
    problem = export_dir_problem(out_dir)
    if problem is not None:
        raise ExportError(problem)
    config = read_config(config_file)
    source_docs = config_file.parent / config.get("docs_dir", "docs")
    docs = out_dir / "docs"
    shutil.rmtree(docs, ignore_errors=True)
    shutil.copytree(source_docs, docs)
    written = []
    links = SiteLinks(form_url=str((config.get("extra") or {}).get("form_url") or CHECK_URL))
    for src_uri, markdown in {**generate_pages(loaded, links), **practice_assets()}.items():
        target = docs / src_uri
        if target.exists():
            raise FileExistsError(hidden_by_hand_written(str(source_docs / src_uri)))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(markdown, encoding="utf-8")
        written.append(target)
    settings = out_dir / "mkdocs.yml"
    header = f"{HEADER} from {config_file.name} and {Path(loaded.path).name}; do not edit.\n"
    dumped = yaml.dump(exported_config(config, loaded), Dumper=_ConfigDumper, allow_unicode=True, sort_keys=False)
    settings.write_text(header + dumped, encoding="utf-8")
    return [settings, *written]
