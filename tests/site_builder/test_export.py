"""`playbook export`: plain files and a mkdocs.yml without hooks build the same playbook."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from playbook_cli.main import main
from tests.site_builder.conftest import ODD_PROCESS


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The odd process exported with `playbook export`."""
    out = tmp_path_factory.mktemp("export") / "playbook"
    assert main(["export", "--process", str(ODD_PROCESS), "--out", str(out)]) == 0
    return out


def test_the_export_has_the_generated_and_hand_written_pages(exported: Path) -> None:
    docs = exported / "docs"
    for page in ("index.md", "cvo.md", "pipeline.md", "checklist.md", "reference.md", "stages/stage-2b.md"):
        assert (docs / page).is_file(), page
    assert (docs / "assets" / "javascripts" / "mermaid.min.js").is_file()
    assert (docs / "practice.md").is_file()
    assert (docs / "assets" / "javascripts" / "practice.js").is_file()
    assert (docs / "assets" / "stylesheets" / "practice.css").is_file()


def test_the_exported_config_has_no_hooks_and_escaped_titles(exported: Path) -> None:
    text = (exported / "mkdocs.yml").read_text(encoding="utf-8")
    assert "hooks" not in text
    assert "!!python/name:pymdownx.superfences.fence_code_format" in text
    config = yaml.load(text, Loader=yaml.Loader)  # the real MkDocs loader resolves !!python/name
    assert config["site_name"] == "Ventes &lt;Élan&gt; &amp; *Co* | Nord"
    assert config["docs_dir"] == "docs" and "custom_dir" not in config["theme"]
    assert config["nav"][2]["Pipeline"][2] == {"Stage 2b: &quot;quotes&quot; (50%)": "stages/stage-2b.md"}


def test_the_export_builds_with_plain_mkdocs(exported: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(exported / "mkdocs.yml")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    html = (exported / "site" / "stages" / "stage-1" / "index.html").read_text(encoding="utf-8")
    assert 'id="budget-ok"' in html and "5%" in html


def test_a_hand_written_page_may_not_hide_a_generated_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "pipeline.md").write_text("# Mine\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\ndocs_dir: docs\n", encoding="utf-8")
    status = main(
        ["export", "--process", str(ODD_PROCESS), "--config-file", str(config), "--out", str(tmp_path / "out")]
    )
    assert status == 1
    assert "pipeline.md is generated from the process" in capsys.readouterr().err
