"""What a built page loads and where it points: Mermaid only with a diagram, the form's address, a description."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from playbook_cli.main import main
from site_builder.build import build_site, default_config_file
from site_builder.common import SiteLinks
from tests.site_builder.conftest import ODD_PROCESS

ROOT = Path(__file__).resolve().parents[2]
MERMAID = 'src="/assets/javascripts/mermaid.min.js"'


def _pages(site: Path) -> dict[str, str]:
    return {page.relative_to(site).as_posix(): page.read_text(encoding="utf-8") for page in site.rglob("*.html")}


def test_mermaid_loads_only_on_pages_with_a_diagram(default_site: Path) -> None:
    pages = _pages(default_site)
    with_diagram = {path for path, html in pages.items() if 'class="mermaid"' in html}
    assert with_diagram == {"pipeline/index.html"}
    for path, html in pages.items():
        assert (MERMAID in html or "mermaid.min.js" in html) == (path in with_diagram), path


def test_every_page_has_a_description(default_site: Path) -> None:
    for path, html in _pages(default_site).items():
        assert (
            '<meta name="description" content="The B2B New Business sales playbook: every stage of the pipeline' in html
        ), path


def test_the_home_page_speaks_to_reps(default_site: Path) -> None:
    home = (default_site / "index.html").read_text(encoding="utf-8")
    assert "playbook serve" not in home and "mkdocs serve" not in home
    assert 'href="/check"' in home


def test_a_playbook_published_on_its_own_links_to_the_configured_form(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    text = (
        default_config_file()
        .read_text(encoding="utf-8")
        .replace("  form_url: /check", "  form_url: https://forms.example.com/check")
    )
    config.write_text(
        text.replace("docs_dir: pages", f"docs_dir: {default_config_file().parent / 'pages'}")
        .replace("custom_dir: ../theme", f"custom_dir: {ROOT / 'site_builder/theme'}")
        .replace("  - ../mkdocs_hooks.py", f"  - {ROOT / 'site_builder/mkdocs_hooks.py'}"),
        encoding="utf-8",
    )
    shutil.copy(ODD_PROCESS, tmp_path / "process.yaml")
    site = tmp_path / "site"
    build_site(tmp_path / "process.yaml", site, config_file=config)
    assert 'href="https://forms.example.com/check"' in (site / "index.html").read_text(encoding="utf-8")
    stage = (site / "stages" / "stage-1" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://forms.example.com/check?claimed_stage=stage-1"' in stage

    # `playbook serve` serves the form itself, whatever mkdocs.yml says.
    build_site(tmp_path / "process.yaml", site, config_file=config, links=SiteLinks(served_at="http://127.0.0.1:8731/"))
    assert 'href="/check"' in (site / "index.html").read_text(encoding="utf-8")
    reference = (site / "reference" / "index.html").read_text(encoding="utf-8")
    assert "this preview is served on" in reference and 'href="http://127.0.0.1:8731/"' in reference


@pytest.mark.parametrize("form_url", ["/check", "https://forms.example.com/check?team=emea"])
def test_the_claimed_stage_joins_the_form_address(form_url: str) -> None:
    from site_builder.common import check_url

    separator = "&" if "?" in form_url else "?"
    assert check_url(SiteLinks(form_url=form_url), "proposing") == f"{form_url}{separator}claimed_stage=proposing"


def test_build_form_url_points_every_page_at_a_form_hosted_elsewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(ODD_PROCESS, tmp_path / "process.yaml")
    site = tmp_path / "site"
    argv = ["build", "--process", str(tmp_path / "process.yaml"), "--site-dir", str(site)]
    assert main([*argv, "--form-url", "https://forms.example.com/check"]) == 0
    assert 'href="https://forms.example.com/check"' in (site / "index.html").read_text(encoding="utf-8")
    stage = (site / "stages" / "stage-1" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://forms.example.com/check?claimed_stage=stage-1"' in stage
    assert main(argv) == 0  # without it, the shipped configuration's /check
    assert 'href="/check"' in (site / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "form_url", ["javascript:alert(1)", "check", "https://", "ftp://forms.example.com/check", "/check me", ""]
)
def test_build_refuses_a_form_url_that_is_not_an_address(
    form_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(ODD_PROCESS, tmp_path / "process.yaml")
    site = tmp_path / "site"
    argv = ["build", "--process", str(tmp_path / "process.yaml"), "--site-dir", str(site), "--form-url", form_url]
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert f"argument --form-url: {form_url!r} is not the form's address; give an http(s) address such as" in error
    assert not site.exists()
