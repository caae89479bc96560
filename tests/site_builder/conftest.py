"""Fixtures of the site tests: an unusual process file and sites built from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sales_process.loader import LoadedProcess, load_process
from site_builder.build import build_site

HERE = Path(__file__).parent
ODD_PROCESS = HERE / "odd_process.yaml"


@pytest.fixture(scope="session")
def odd_process() -> LoadedProcess:
    """3 stages with odd ids, unicode, Markdown, HTML and table-breaking characters, 10 milestones."""
    return load_process(ODD_PROCESS)


@pytest.fixture(scope="session")
def odd_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site built from the odd process."""
    site = tmp_path_factory.mktemp("odd") / "site"
    build_site(ODD_PROCESS, site)
    return site


@pytest.fixture(scope="session")
def default_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole site built from the repository's process.yaml."""
    site = tmp_path_factory.mktemp("default") / "site"
    build_site(HERE.parent.parent / "process.yaml", site)
    return site
