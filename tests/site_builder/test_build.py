"""Real MkDocs builds into temporary folders: pages, anchors, search, determinism, atomicity."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from playbook_cli.main import main
from sales_process.loader import LoadedProcess
from sales_process.problems import InvalidFile
from sales_process.site_words import site_words
from site_builder.build import SiteBuildError, build_site, default_config_file
from site_builder.mkdocs_hooks import _keyboard_scrollable, _labelled_cells
from tests.site_builder.conftest import ODD_PROCESS

ROOT = Path(__file__).resolve().parents[2]


def _search_index(site: Path) -> str:
    docs = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    return "\n".join(f"{doc['title']}\n{doc['text']}" for doc in docs)


def _as_html(text: str) -> str:
    """Plain text as the site shows it (escaped by Markdown, whitespace collapsed)."""
    return " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.mark.parametrize("site_name", ["odd_site", "default_site"])
def test_every_stage_page_shows_its_milestones_under_their_ids(
    site_name: str, request: pytest.FixtureRequest, odd_process: LoadedProcess, default_process: LoadedProcess
) -> None:
    site: Path = request.getfixturevalue(site_name)
    loaded = odd_process if site_name == "odd_site" else default_process
    search = _search_index(site)
    for stage in loaded.process.stages:
        html = (site / "stages" / stage.id / "index.html").read_text(encoding="utf-8")
        assert _as_html(stage.name) in html and f"{stage.probability}%" in html
        assert f'href="/check?claimed_stage={stage.id}"' in html
        assert loaded.short_sha in html
        for milestone in stage.milestones:
            block = html.split(f'id="{milestone.id}"', 1)[1].split("</div>", 1)[0]
            for text in (milestone.question, milestone.customer_action, milestone.evidence):
                assert _as_html(text) in block
            for text in (milestone.question, milestone.customer_action, milestone.evidence):
                assert _as_html(text) in search, text


def test_ids_are_unique_and_milestone_ids_win_over_headings(odd_site: Path) -> None:
    html = (odd_site / "stages" / "stage-1" / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    assert '<div class="playbook-milestone" id="budget-ok">' in html
    assert '<h2 id="budget-ok_1">' in html


def test_user_html_never_reaches_the_page_as_markup(odd_site: Path) -> None:
    for page in odd_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html, page
        assert "&amp;lt;" not in html, f"{page}: text escaped twice"


def test_the_site_is_titled_with_the_process_name_and_links_the_form(default_site: Path) -> None:
    home = (default_site / "index.html").read_text(encoding="utf-8")
    assert "<title>B2B New Business</title>" in home
    assert 'href="/check"' in home


def test_the_site_makes_no_external_requests(default_site: Path) -> None:
    for page in default_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        loads = re.findall(r'src="(?:https?:)?//[^"]*"|<link[^>]*href="(?:https?:)?//[^"]*"', html)
        assert loads == [], page
    assert "fonts.googleapis" not in (default_site / "index.html").read_text(encoding="utf-8")


def test_two_builds_are_byte_identical(tmp_path: Path, odd_site: Path) -> None:
    again = tmp_path / "again"
    build_site(ODD_PROCESS, again)
    first = {p.relative_to(odd_site): p.read_bytes() for p in odd_site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_a_second_build_replaces_the_site_and_leaves_no_temporary_folder(
    tmp_path: Path, default_process: LoadedProcess
) -> None:
    site = tmp_path / "site"
    build_site(ODD_PROCESS, site)
    build_site(ROOT / "process.yaml", site)
    assert (site / "stages" / "discovery" / "index.html").is_file()
    assert not (site / "stages" / "stage-1").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_builds_in_two_threads_at_once_each_render_their_own_process(tmp_path: Path) -> None:
    sites = {ODD_PROCESS: tmp_path / "odd", ROOT / "process.yaml": tmp_path / "default"}
    errors: list[BaseException] = []

    def build(process: Path, site: Path) -> None:
        try:
            build_site(process, site)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=build, args=item) for item in sites.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(p.name for p in (tmp_path / "odd" / "stages").iterdir()) == ["stage-1", "stage-2b", "z"]
    assert (tmp_path / "default" / "stages" / "closed-won" / "index.html").is_file()


def test_an_invalid_process_leaves_the_old_site_untouched(
    tmp_path: Path, write_file: Callable[[str, str], Path]
) -> None:
    site = tmp_path / "site"
    build_site(ODD_PROCESS, site)
    before = (site / "index.html").read_bytes()
    bad = write_file("bad.yaml", "name: Broken\nstages:\n  - id: Not A Slug\n")
    with pytest.raises(InvalidFile) as error:
        build_site(bad, site)
    assert str(error.value.diagnostics[0]).startswith(f"{bad}:3:")
    assert (site / "index.html").read_bytes() == before


def test_a_failed_mkdocs_build_keeps_the_old_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build_site(ODD_PROCESS, site)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "extra.md").write_text("# Extra\n\n[broken](missing.md)\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        default_config_file()
        .read_text(encoding="utf-8")
        .replace("docs_dir: pages", f"docs_dir: {docs}")
        .replace(" ../", f" {ROOT}/site_builder/"),
        encoding="utf-8",
    )
    with pytest.raises(SiteBuildError, match=r"missing\.md"):
        build_site(ODD_PROCESS, site, config_file=config)
    assert (site / "stages" / "stage-1" / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "mkdocs.yml", "site"]


def test_a_hand_written_page_may_not_hide_a_generated_one(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "checklist.md").write_text("# Mine\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        f"site_name: x\ndocs_dir: {docs}\nhooks:\n  - {ROOT}/site_builder/mkdocs_hooks.py\n", encoding="utf-8"
    )
    with pytest.raises(SiteBuildError, match=r"checklist\.md is generated from the process"):
        build_site(ODD_PROCESS, tmp_path / "site", config_file=config)


def test_playbook_build_reports_success_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "out"
    assert main(["build", "--process", str(ODD_PROCESS), "--site-dir", str(site)]) == 0
    assert "3 stages" in capsys.readouterr().out
    assert (site / "stages" / "stage-2b" / "index.html").is_file()
    missing = tmp_path / "missing.yaml"
    assert main(["build", "--process", str(missing), "--site-dir", str(site)]) == 1
    err = capsys.readouterr().err
    assert f"{missing}: error: no such file" in err and f"{site}: not changed (the previous build is kept)." in err
    assert main(["build", "--process", str(missing), "--site-dir", str(tmp_path / "never")]) == 1
    assert capsys.readouterr().err.endswith(f"{tmp_path / 'never'}: not built.\n")


def test_playbook_build_writes_the_folder_the_app_serves_when_playbook_site_dir_is_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PLAYBOOK_SITE_DIR", str(tmp_path / "served"))
    assert main(["build", "--process", str(ODD_PROCESS)]) == 0
    assert capsys.readouterr().out.startswith(f"{tmp_path / 'served'}: built the playbook")
    assert (tmp_path / "served" / "index.html").is_file()
    assert not (tmp_path / "site").exists()


def test_mkdocs_build_strict_of_the_packaged_config_reads_the_process_in_the_working_folder(tmp_path: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("PLAYBOOK_PROCESS", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(default_config_file()),
            "--site-dir",
            str(tmp_path / "site"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    assert (tmp_path / "site" / "stages" / "closed-won" / "index.html").is_file()


def test_mkdocs_build_reports_an_invalid_process_by_line(
    tmp_path: Path, write_file: Callable[[str, str], Path]
) -> None:
    bad = write_file("bad.yaml", "name: Broken\nstages: 3\n")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PLAYBOOK_PROCESS": str(bad)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(default_config_file()),
            "--site-dir",
            str(tmp_path / "site"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert f"{bad}:2:9: error:" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("make_site_dir", "message"),
    [
        (lambda tmp: tmp.joinpath("file.txt"), "is a file, not a folder"),
        (lambda tmp: ROOT, "which a build would delete"),
        (lambda tmp: ROOT.parent, "which a build would delete"),
        (lambda tmp: tmp.joinpath("process-folder"), "which a build would delete"),
        (lambda tmp: tmp.joinpath("notes"), "holds no built site (no index.html)"),
        (lambda tmp: Path("/proc/playbook-site"), "cannot write there"),
    ],
    ids=["file", "repository", "above-the-repository", "holds-the-process", "foreign-folder", "unwritable"],
)
def test_a_site_dir_that_is_not_ours_to_replace_is_refused_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make_site_dir: Callable[[Path], Path], message: str
) -> None:
    (tmp_path / "file.txt").write_text("keep me", encoding="utf-8")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.md").write_text("keep me", encoding="utf-8")
    (tmp_path / "process-folder").mkdir()
    process = tmp_path / "process-folder" / "process.yaml"
    process.write_bytes(ODD_PROCESS.read_bytes())
    site_dir = make_site_dir(tmp_path)
    assert main(["build", "--process", str(process), "--site-dir", str(site_dir)]) == 1
    assert message in capsys.readouterr().err
    assert (tmp_path / "file.txt").read_text(encoding="utf-8") == "keep me"
    assert (tmp_path / "notes" / "todo.md").read_text(encoding="utf-8") == "keep me"
    assert process.is_file() and default_config_file().is_file()


def test_rebuilds_reuse_the_compiled_theme_templates(tmp_path: Path) -> None:
    from site_builder.template_cache import TEMPLATES

    build_site(ODD_PROCESS, tmp_path / "one")
    compiled = dict(TEMPLATES._store)
    assert any(key for key in compiled), "the build compiled no template into the cache"
    build_site(ODD_PROCESS, tmp_path / "two")
    assert TEMPLATES._store == compiled, "the second build compiled templates again"
    for page in (tmp_path / "one").rglob("*.html"):
        assert page.read_bytes() == (tmp_path / "two" / page.relative_to(tmp_path / "one")).read_bytes()


def test_the_kept_theme_listing_finds_the_files_mkdocs_finds(tmp_path: Path) -> None:
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files
    from mkdocs.theme import Theme

    from site_builder.theme_env import theme_env

    config = load_config(str(default_config_file()), site_dir=str(tmp_path / "site"))
    theirs, ours, again = Files([]), Files([]), Files([])
    theirs.add_files_from_theme(Theme.get_env(config.theme), config)
    ours.add_files_from_theme(theme_env(config.theme), config)
    again.add_files_from_theme(theme_env(config.theme), config)  # from the kept listing and verdicts
    expected = sorted(file.abs_src_path or "" for file in theirs)
    assert expected, "the theme has no static files"
    assert sorted(file.abs_src_path or "" for file in ours) == expected
    assert sorted(file.abs_src_path or "" for file in again) == expected


def test_the_projects_theme_folder_is_listed_afresh_on_each_build(tmp_path: Path) -> None:
    from mkdocs.theme import Theme

    from site_builder.theme_env import theme_env

    custom = tmp_path / "theme"
    custom.mkdir()
    (custom / "extra.css").write_text("p {}", encoding="utf-8")
    theme = Theme("material", custom_dir=str(custom))
    assert "extra.css" in theme_env(theme).list_templates()
    (custom / "added.js").write_text("", encoding="utf-8")
    assert "added.js" in theme_env(theme).list_templates()


def test_the_site_folder_takes_its_mode_from_the_umask_as_mkdir_would(tmp_path: Path) -> None:
    # Built as a deploy user and served as another (www-data), a 0700 folder was unreadable to the server.
    site = tmp_path / "site"
    script = (
        "import os, sys; os.umask(0o027); from site_builder.build import build_site; "
        "from pathlib import Path; build_site(Path(sys.argv[1]), Path(sys.argv[2]))"
    )
    subprocess.run([sys.executable, "-c", script, str(ODD_PROCESS), str(site)], check=True, cwd=ROOT)
    assert (site.stat().st_mode & 0o777, (site / "index.html").stat().st_mode & 0o777) == (0o750, 0o640)


def test_an_id_a_stage_or_milestone_was_renamed_from_still_leads_to_it(tmp_path: Path) -> None:
    # A bookmark of stages/proposing/ or a link to #pricing-agreeable in an old email found nothing after a rename.
    process = tmp_path / "process.yaml"
    text = (ROOT / "process.yaml").read_text(encoding="utf-8")
    text = text.replace("  - id: proposing\n", "  - id: proposal\n    renamed_from: [proposing]\n", 1)
    text = text.replace(
        "      - id: pricing-agreeable\n", "      - id: price-accepted\n        renamed_from: [pricing-agreeable]\n", 1
    )
    process.write_text(text, encoding="utf-8")
    site = tmp_path / "site"
    build_site(process, site)
    moved = (site / "stages" / "proposing" / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../proposal/">' in moved
    assert '<a href="../proposal/">Proposing</a>' in moved
    assert (site / "stages" / "proposal" / "index.html").is_file()
    demonstrating = (site / "stages" / "demonstrating" / "index.html").read_text(encoding="utf-8")
    assert '<span id="pricing-agreeable"></span>' in demonstrating and 'id="price-accepted"' in demonstrating


def test_tables_and_code_blocks_take_the_focus_and_a_table_is_named_by_its_heading_and_tab() -> None:
    # Without the theme's script a table or code block that scrolls sideways must still be reachable by Tab.
    content = (
        '<h2 id="fields">Stage fields<a class="headerlink" href="#fields">\u00b6</a></h2>\n<table>\n</table>\n'
        '<div class="highlight"><pre><span></span><code>stages:</code></pre></div>\n'
        '<h2 id="x">Weak &amp; verifiable</h2><div class="tabbed-set"><div class="tabbed-labels">'
        '<label for="__tabbed_1_1">Discovery</label><label for="__tabbed_1_2">Budget</label></div>'
        '<div class="tabbed-content"><div class="tabbed-block"><table></table></div>'
        '<div class="tabbed-block"><table></table></div></div></div>'
    )
    shown = _keyboard_scrollable(content, site_words("en"))
    assert re.findall(r"<table[^>]*>", shown) == [
        '<table tabindex="0" aria-label="Stage fields">',
        '<table tabindex="0" aria-label="Weak &amp; verifiable: Discovery">',
        '<table tabindex="0" aria-label="Weak &amp; verifiable: Budget">',
    ]
    assert '<pre><span></span><code tabindex="0">stages:</code>' in shown


def test_each_body_cell_of_a_table_is_labelled_with_its_column_for_the_phones_cards() -> None:
    # On a phone a row is a card of lines "Column: value": the stylesheet reads each column's name from data-label.
    content = (
        '<table tabindex="0" aria-label="Stages">\n<thead>\n<tr>\n<th>#</th>\n<th align="left">What <em>it</em> is'
        "</th>\n<th>Q&amp;A &quot;x&quot;</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n"
        '<td align="left"><a href="x/">Discovery</a></td>\n<td>—</td>\n<td>extra</td>\n</tr>\n<tr>\n<td>2</td>\n'
        "</tr>\n</tbody>\n</table>\n<table><tr><td>no header</td></tr></table>"
    )
    labelled = _labelled_cells(content, site_words("en"))
    assert re.findall(r"<td[^>]*>", labelled) == [
        '<td data-label="#">',
        '<td data-label="What it is" align="left">',
        '<td data-label="Q&amp;A &quot;x&quot;">',
        "<td>",
        '<td data-label="#">',
        "<td>",
    ]
    assert re.sub(r' data-label="[^"]*"', "", labelled) == content
    # French puts a narrow no-break space before the card's colon, as before every label's.
    french = _labelled_cells(content, site_words("fr"))
    assert re.findall(r"<td[^>]*>", french)[0] == '<td data-label="#" data-colon="\u202f:">'


@pytest.mark.parametrize(
    ("language", "html_lang", "skip_link"),
    [
        pytest.param(None, "en", "Skip to content", id="default"),
        pytest.param("de", "de", "Zum Inhalt", id="german"),
        pytest.param("de-CH", "de-CH", "Zum Inhalt", id="region-of-a-language-material-has"),
        pytest.param("pt-BR", "pt-BR", "Pular para conteúdo", id="a-region-material-has"),
        pytest.param("sw", "sw", "Skip to content", id="no-material-strings-english-ui"),
    ],
)
def test_every_page_has_the_process_language(
    language: str | None, html_lang: str, skip_link: str, tmp_path: Path
) -> None:
    # German process pages were <html lang="en">: screen readers read them with English rules.
    process = tmp_path / "process.yaml"
    text = (ROOT / "process.yaml").read_text(encoding="utf-8")
    text = text.replace("  - id: proposing\n", "  - id: proposal\n    renamed_from: [proposing]\n", 1)
    process.write_text(text + (f"language: {language}\n" if language else ""), encoding="utf-8")
    site = tmp_path / "site"
    build_site(process, site)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        opening = re.search(r"<html[^>]*>", page.read_text(encoding="utf-8"))
        assert opening is not None and f'lang="{html_lang}"' in opening.group(0), (page, opening)
    assert f'class="md-skip">\n          {skip_link}\n' in (site / "index.html").read_text(encoding="utf-8")
