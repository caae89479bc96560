"""Generator overhead: `playbook build` against a bare `mkdocs build --strict` of the same pages.

Both run cold in a subprocess, so both pay for the interpreter and MkDocs start-up alike.
The bare side builds what `playbook export` writes: the hand-written pages plus the generated
Markdown as plain files, with the packaged mkdocs.yml minus the hooks (site name and
navigation written in, as the hooks would set them).

Both import compiled bytecode, as an installed package does: pip compiles a wheel's modules when
it installs them, so the warm-up runs may write the checkout's `__pycache__` even where
PYTHONDONTWRITEBYTECODE is set. Both find their compiled templates too: `playbook build` in the
cache folder its first run filled (see site_builder/template_cache.py), MkDocs nowhere, since it
compiles them on every build; the table's note gives the first build's time as well.
"""

from __future__ import annotations

import functools
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import DEFAULT_PROCESS, QUIET_ENV, Row, ratio_row, seconds
from sales_process.loader import load_process
from site_builder.build import default_config_file
from site_builder.export import export_project

GOAL = 1.2


def _run(command: list[str], environment: dict[str, str]) -> None:
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-2000:]}")


def playbook_build(process: Path, site: Path) -> list[str]:
    """The command line of `playbook build`."""
    return [sys.executable, "-m", "playbook_cli", "build", "--process", str(process), "--site-dir", str(site)]


def mkdocs_build(config: Path, site: Path) -> list[str]:
    """The command line of a bare `mkdocs build --strict`."""
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir", str(site)]


def run(repeats: int, process: Path = DEFAULT_PROCESS) -> list[Row]:
    """Alternate the builds `repeats` times, after one warm-up of each (for the disk cache and the bytecode).

    The second row starts every `playbook build` with an empty template cache, as the first build
    after installing does.
    """
    loaded = load_process(process)
    with tempfile.TemporaryDirectory(prefix="bench-build-") as folder:
        work = Path(folder)
        config = export_project(loaded, default_config_file(), work / "plain")[0]
        ours, bare = playbook_build(process, work / "site-a"), mkdocs_build(config, work / "site-b")
        environment = {
            **{name: value for name, value in QUIET_ENV.items() if name != "PYTHONDONTWRITEBYTECODE"},
            "PLAYBOOK_CACHE_DIR": str(work / "cache"),
        }
        _run(ours, environment)
        _run(bare, environment)
        generated, first, plain = [], [], []
        for repeat in range(repeats):
            generated.append(seconds(functools.partial(_run, ours, environment)))
            empty = {**environment, "PLAYBOOK_CACHE_DIR": str(work / f"empty-{repeat}")}
            first.append(seconds(functools.partial(_run, ours, empty)))
            plain.append(seconds(functools.partial(_run, bare, environment)))
    return [
        ratio_row(
            "1. build overhead", "playbook build", "mkdocs build --strict (plain .md)", "s", generated, plain, GOAL
        ),
        ratio_row(
            "1. build overhead",
            "playbook build, first run (no compiled templates)",
            "mkdocs build --strict (plain .md)",
            "s",
            first,
            plain,
            None,
        ),
    ]
