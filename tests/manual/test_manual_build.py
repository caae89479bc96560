"""The manual builds with `mkdocs build --strict`: no broken link or anchor, no page left out of the navigation."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from docs_tools.hooks import FIELD_REFERENCE
from playbook_cli.main import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_manual_builds_strict_with_every_link_checked(tmp_path: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    site = tmp_path / "manual"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "manual.yml"), "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    fields = (site / "enablement" / "fields" / "index.html").read_text(encoding="utf-8")
    assert FIELD_REFERENCE not in fields and "<code>customer_action</code>" in fields
    changelog = (site / "changelog" / "index.html").read_text(encoding="utf-8")
    assert all(f'<h2 id="{release}">' in changelog for release in ("030", "020", "010")), (
        "CHANGELOG.md, one entry per release"
    )
    assert (site / "assets" / "audit-report.png").is_file()


def test_the_readme_is_short_and_points_at_the_manual() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    assert "./scripts/serve" in readme and "./scripts/test" in readme and "playbook docs" in readme
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme)
    assert "docs/getting-started.md" in links and "docs/assets/audit-report.png" in links
    for link in links:
        assert link.startswith("https://") or (ROOT / link).is_file(), link


def test_the_readmes_validate_line_is_the_checked_example_of_the_manual() -> None:
    """The manual's example is real output (tests/foundation/test_readme.py); the README shows its first line."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    manual = (ROOT / "docs" / "enablement" / "editing-process.md").read_text(encoding="utf-8")
    example = manual.split("what to do about it — never a traceback:\n\n```text\n", 1)[1]
    assert f"   {example.splitlines()[0]}\n" in readme


def _tiny_manual(tmp_path: Path, nav: list[str]) -> subprocess.CompletedProcess[str]:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    entries = "".join(f"  - {page}\n" for page in nav)
    (tmp_path / "manual.yml").write_text(
        f"site_name: t\nhooks:\n  - {ROOT / 'docs_tools' / 'hooks.py'}\n"
        f"nav:\n  - index.md\n{entries}validation:\n  nav:\n    not_found: warn\n",
        encoding="utf-8",
    )
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(tmp_path / "manual.yml")],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_a_page_the_nav_names_but_nobody_wrote_fails_the_strict_build(tmp_path: Path) -> None:
    """No page is left out of the nav quietly: one named there and missing from docs/ fails the build."""
    missing = _tiny_manual(tmp_path, ["later.md"])
    assert missing.returncode == 1 and "later.md" in missing.stderr
    (tmp_path / "docs" / "later.md").write_text("# Later\n", encoding="utf-8")
    assert _tiny_manual(tmp_path, ["later.md"]).returncode == 0
    assert 'href="later/"' in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_every_page_the_manuals_nav_names_is_written() -> None:
    """The quick check of the slow build's rule: each nav entry of manual.yml is a file in docs/."""
    nav = re.findall(
        r"^\s*-\s+(?:[^:\n]+:\s+)?([\w./-]+\.md)\s*$", (ROOT / "manual.yml").read_text(encoding="utf-8"), re.M
    )
    assert len(nav) > 30
    assert [page for page in nav if not (ROOT / "docs" / page).is_file()] == []


def _worked_example(capsys: pytest.CaptureFixture[str], *more: str) -> str:
    """What the backtest's worked example (docs/revops/backtest.md) prints, with these options too."""
    status = main(
        [
            "backtest",
            str(ROOT / "examples" / "closed-deals.csv"),
            "--history",
            str(ROOT / "examples" / "stage-history.csv"),
            "--every",
            "week",
            "--process",
            str(ROOT / "process.yaml"),
            *more,
        ]
    )
    out, err = capsys.readouterr()
    assert status == 0, err
    return out


def test_the_backtests_worked_example_in_the_manual_and_the_readme_is_real_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Run the worked example: every line the manual and the README show is a line it prints."""
    out = _worked_example(capsys, "--out", str(tmp_path / "backtest-out"))
    printed = {line.rstrip() for line in out.splitlines()}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    manual = (ROOT / "docs" / "revops" / "backtest.md").read_text(encoding="utf-8")
    shown = textwrap.dedent(readme.split("```console\n", 1)[1].split("```", 1)[0]).splitlines()
    example = manual.split("## A worked example", 1)[1].split("```console\n", 1)[1].split("```", 1)[0].splitlines()
    for lines in (shown, example):
        assert lines[0].startswith("$ playbook backtest examples/closed-deals.csv --history examples/stage-history.csv")
        # "…" stands for printed lines left out of the excerpt.
        outputs = [
            line.rstrip().replace("backtest-out/", f"{tmp_path}/backtest-out/") for line in lines[1:] if line != "…"
        ]
        assert len(outputs) >= 4 and all(line in printed for line in outputs), sorted(set(outputs) - printed)


def test_the_backtests_json_example_in_the_manual_is_the_worked_examples_json_shortened(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each number the manual's JSON example shows is the worked example's --json, rounded to 4 places; "…" stands
    for the snapshots and the stages left out."""
    real = json.loads(_worked_example(capsys, "--json"))
    manual = (ROOT / "docs" / "revops" / "backtest.md").read_text(encoding="utf-8")
    shown = json.loads(manual.split("## JSON", 1)[1].split("```json\n", 1)[1].split("```", 1)[0])
    assert shown.keys() == real.keys() and shown["left_out"] == real["left_out"]
    assert shown["snapshots"] == [*real["snapshots"][:2], "…"]
    for basis in ("claimed", "verified"):
        *stages, rest = shown[basis]["stages"]
        assert rest == "…" and shown[basis]["brier"] == round(real[basis]["brier"], 4), basis
        by_id = {stage["stage"]: stage for stage in real[basis]["stages"]}
        for stage in stages:
            rounded = {
                key: round(value, 4) if isinstance(value, float) else value
                for key, value in by_id[stage["stage"]].items()
            }
            assert stage == rounded, (basis, stage, rounded)
