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


def read_config(config_file: Path) -> dict[str, Any]:
    """mkdocs.yml as data, `!!python/name:` values kept as text."""
    config: dict[str, Any] = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_ConfigLoader)
    return config


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

    Build the result with `mkdocs build -f out_dir/mkdocs.yml` or `zensical build -f out_dir/mkdocs.yml`.
    """
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
    header = f"# Exported by `playbook export` from {config_file.name} and {Path(loaded.path).name}; do not edit.\n"
    dumped = yaml.dump(exported_config(config, loaded), Dumper=_ConfigDumper, allow_unicode=True, sort_keys=False)
    settings.write_text(header + dumped, encoding="utf-8")
    return [settings, *written]
