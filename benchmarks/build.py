"""Generator overhead: `playbook build` against a bare `mkdocs build --strict` of the same pages.

Both run cold in a subprocess, so both pay for the interpreter and MkDocs start-up alike.
The bare side builds a plain docs folder: the hand-written pages plus the generated Markdown
written out as files, with the repository's mkdocs.yml minus the hooks (site name and
navigation written in, as the hooks would set them).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from benchmarks.common import DEFAULT_PROCESS, QUIET_ENV, ROOT, Row, ratio_row, seconds
from sales_process.loader import LoadedProcess, load_process
from site_builder.pages import generate_pages, navigation

GOAL = 1.2
_HOOKS = re.compile(r"^hooks:\n(?:[ \t]+-.*\n)+", re.MULTILINE)
_SITE_NAME = re.compile(r"^site_name:.*$", re.MULTILINE)
_CUSTOM_DIR = re.compile(r"^(\s+custom_dir:\s*)(\S+)", re.MULTILINE)


def export_plain(loaded: LoadedProcess, folder: Path) -> Path:
    """Write a plain MkDocs project of this process into `folder`; return its mkdocs.yml."""
    config_text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    docs = folder / "playbook"
    shutil.copytree(ROOT / "playbook", docs)
    for name, markdown in generate_pages(loaded).items():
        page = docs / name
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(markdown, encoding="utf-8")
    config_text = _HOOKS.sub("", config_text)
    # The theme's overrides stay where they are; only the docs folder moves.
    config_text = _CUSTOM_DIR.sub(lambda match: f"{match[1]}{ROOT / match[2]}", config_text)
    name = yaml.safe_dump(loaded.process.name, default_flow_style=True).removesuffix("\n...\n").strip()
    config_text = _SITE_NAME.sub(lambda _: f"site_name: {name}", config_text, count=1)
    config_text += "\n" + yaml.safe_dump({"nav": navigation(loaded)}, allow_unicode=True, sort_keys=False)
    config = folder / "mkdocs.yml"
    config.write_text(config_text, encoding="utf-8")
    return config


def _run(command: list[str]) -> None:
    done = subprocess.run(command, env=QUIET_ENV, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")


def playbook_build(process: Path, site: Path) -> list[str]:
    """The command line of `playbook build`."""
    return [sys.executable, "-m", "playbook_cli", "build", "--process", str(process), "--site-dir", str(site)]


def mkdocs_build(config: Path, site: Path) -> list[str]:
    """The command line of a bare `mkdocs build --strict`."""
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir", str(site)]


def run(repeats: int, process: Path = DEFAULT_PROCESS) -> list[Row]:
    """Alternate the two builds `repeats` times (after one warm-up of each, for the disk cache)."""
    loaded = load_process(process)
    with tempfile.TemporaryDirectory(prefix="bench-build-") as folder:
        work = Path(folder)
        config = export_plain(loaded, work / "plain")
        ours, bare = playbook_build(process, work / "site-a"), mkdocs_build(config, work / "site-b")
        _run(ours)
        _run(bare)
        generated, plain = [], []
        for _ in range(repeats):
            generated.append(seconds(lambda: _run(ours)))
            plain.append(seconds(lambda: _run(bare)))
    return [ratio_row("1. build overhead", "playbook build", "mkdocs build --strict (plain .md)", "s", generated, plain, GOAL)]
