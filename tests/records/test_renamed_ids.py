"""A stage or milestone id changed in process.yaml: with `renamed_from` saved deals stay whole; without it
`playbook validate` and the deal pages say which deals it orphans and how to fix it."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assess_app.store import ProcessStore
from deal_records.models import Check
from deal_records.orphans import Orphans, misspelt_renames
from playbook_cli.main import main
from playbook_cli.serve import rebuild
from sales_process.loader import load_process
from tests.conftest import DEFAULT_PROCESS
from tests.records.conftest import new_deal, page_token, sign_in

RECENT = (dt.date.today() - dt.timedelta(days=2)).isoformat()
ANSWERED = {  # Discovery's two outcomes: the deal is verified at Qualifying only with both
    "claimed_stage": "proposing",
    "pain-confirmed.met": "yes",
    "pain-confirmed.evidence": "Reply email from the CFO naming the problem",
    "pain-confirmed.date": RECENT,
    "next-meeting-accepted.met": "yes",
    "next-meeting-accepted.evidence": "Accepted calendar invitation for the deep dive",
    "next-meeting-accepted.date": RECENT,
}


OLD_IDS = ("proposing", "pain-confirmed")


def _edited_process(tmp_path: Path, *, renamed_from: bool, old_ids: tuple[str, str] = OLD_IDS) -> Path:
    """The default process with stage `proposing` now `proposal` and milestone `pain-confirmed` now `pain-agreed`,
    renamed from `old_ids` (as written, a typo maybe) when `renamed_from`."""
    text = DEFAULT_PROCESS.read_text(encoding="utf-8")
    stage = "  - id: proposal\n" + (f"    renamed_from: [{old_ids[0]}]\n" if renamed_from else "")
    milestone = "      - id: pain-agreed\n" + (f"        renamed_from: [{old_ids[1]}]\n" if renamed_from else "")
    edited = text.replace("  - id: proposing\n", stage).replace("      - id: pain-confirmed\n", milestone)
    assert edited.count("proposal\n") == 1 and "pain-agreed" in edited
    path = tmp_path / "edited.yaml"
    path.write_text(edited, encoding="utf-8")
    return path


def _text(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return html.unescape(re.sub(r"\s+", " ", response.get_data(as_text=True)))


def _saved_deal(make_app: Callable[..., Flask], add_person: Callable[..., str]) -> tuple[int, str]:
    """A deal at Proposing with an answer to pain-confirmed, saved under the default process; its page's verdict."""
    add_person("ana@example.com")
    rep = make_app().test_client()
    sign_in(rep, "ana@example.com")
    deal_id = new_deal(rep)
    data = {"csrf_token": page_token(rep, f"/deals/{deal_id}"), **ANSWERED}
    assert rep.post(f"/deals/{deal_id}/checks", data=data).status_code == 303
    verdict = re.search(r'<span class="verdict__stage">([^<]+)</span>', _text(rep, f"/deals/{deal_id}"))
    assert verdict
    return deal_id, verdict.group(1)


def _signed_in(app: Flask) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, "ana@example.com").status_code == 303
    return client


def test_renamed_ids_keep_saved_deals_their_stage_answers_and_weight(
    make_app: Callable[..., Flask],
    add_person: Callable[..., str],
    sessions: sessionmaker[Session],
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    deal_id, verified = _saved_deal(make_app, add_person)
    assert verified == "Qualifying"
    edited = _edited_process(tmp_path, renamed_from=True)
    rep = _signed_in(make_app(PROCESS_PATH=str(edited)))
    page = _text(rep, f"/deals/{deal_id}")
    assert f'<span class="verdict__stage">{verified}</span>' in page
    assert "not a stage of this process" not in page
    assert "Your CRM says Proposing" in page  # the stage renamed from `proposing`, with its weight
    assert "Reply email from the CFO naming the problem" in page
    assert '<option value="proposal" selected>' in page  # the check form keeps the deal's stage
    assert 'name="pain-agreed.evidence"' in page and "Reply email from the CFO naming the problem" in page
    listed = _text(rep, "/deals?stage=proposal")
    assert "Northwind" in listed and "not a stage of this process" not in listed
    capsys.readouterr()
    assert main(["validate", "--process", str(edited), "--database", database_url, "--strict"]) == 0
    assert "saved deal" not in capsys.readouterr().err
    # the export names the stage by its id now, as it names the milestones
    assert main(["deals", "export", "--process", str(edited), "--database", database_url]) == 0
    exported = capsys.readouterr().out.splitlines()
    assert "pain-agreed" in exported[0] and exported[1].startswith("Northwind,proposal,")
    # a check saved on the edited process keeps the answer under the milestone's new id
    data = {"csrf_token": page_token(rep, f"/deals/{deal_id}"), "note": ""}
    data |= {key.replace("pain-confirmed", "pain-agreed"): value for key, value in ANSWERED.items()}
    data["claimed_stage"] = "proposal"
    assert rep.post(f"/deals/{deal_id}/checks", data=data).status_code == 303
    with sessions() as db:
        latest = db.scalars(select(Check).where(Check.deal_id == deal_id).order_by(Check.id.desc())).first()
        assert latest is not None
        assert latest.claimed_stage == "proposal" and "pain-agreed" in latest.answers
    assert f'<span class="verdict__stage">{verified}</span>' in _text(rep, f"/deals/{deal_id}")


def test_an_id_changed_without_renamed_from_is_reported_with_its_deals_and_the_fix(
    make_app: Callable[..., Flask],
    add_person: Callable[..., str],
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    deal_id, _ = _saved_deal(make_app, add_person)
    edited = _edited_process(tmp_path, renamed_from=False)
    capsys.readouterr()
    assert main(["validate", "--process", str(edited), "--database", database_url]) == 0
    err = capsys.readouterr().err
    assert (
        f"{edited}: warning: 1 saved deal is at stage 'proposing', which this process no longer has: their CRM "
        "stage counts as unknown and is not weighted. If a stage was renamed, add 'renamed_from: [proposing]' to it"
    ) in err
    assert (
        "1 saved deal has answers to milestone 'pain-confirmed', which this process no longer has: they no longer "
        "count. If a milestone was renamed, add 'renamed_from: [pain-confirmed]' to it"
    ) in err
    assert main(["validate", "--process", str(edited), "--database", database_url, "--strict"]) == 1
    rep = _signed_in(make_app(PROCESS_PATH=str(edited)))
    assert "The CRM stage 'proposing' is not a stage of this process" in _text(rep, f"/deals/{deal_id}")
    assert "proposing (not a stage of this process)" in _text(rep, "/deals")


def test_a_mistyped_renamed_from_is_warned_at_its_line_with_the_id_saved_deals_name(
    make_app: Callable[..., Flask],
    add_person: Callable[..., str],
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _saved_deal(make_app, add_person)
    edited = _edited_process(tmp_path, renamed_from=True, old_ids=("proposng", "pain-confirmd"))
    lines = edited.read_text(encoding="utf-8").splitlines()
    stage_line = lines.index("    renamed_from: [proposng]") + 1
    milestone_line = lines.index("        renamed_from: [pain-confirmd]") + 1
    capsys.readouterr()
    assert main(["validate", "--process", str(edited), "--database", database_url]) == 0
    err = capsys.readouterr().err
    assert (
        f"{edited}:{stage_line}:20: warning: stage 'proposal': 'renamed_from' names 'proposng', a letter or two from "
        "'proposing', which 1 saved deal names and this process no longer has; if 'proposing' is the id it was "
        "renamed from, write 'proposing' here"
    ) in err
    assert (
        f"{edited}:{milestone_line}:24: warning: milestone 'pain-agreed': 'renamed_from' names 'pain-confirmd', a "
        "letter or two from 'pain-confirmed', which 1 saved deal names and this process no longer has; if "
        "'pain-confirmed' is the id it was renamed from, write 'pain-confirmed' here"
    ) in err
    fixed = _edited_process(tmp_path, renamed_from=True)
    capsys.readouterr()
    assert main(["validate", "--process", str(fixed), "--database", database_url, "--strict"]) == 0


@pytest.mark.parametrize(
    ("written", "saved", "warned"),
    [
        ("pgl", "pql", True),  # a letter changed: the id is too short for difflib's ratio to call it a typo
        ("plq", "pql", True),  # two letters swapped
        ("pq", "pql", True),  # a letter dropped
        ("pqll", "pql", True),  # a letter added
        ("proposng", "proposing", True),
        ("limit-raeched", "limit-reached", True),
        ("pgx", "pql", False),  # two of three letters: another id
        ("demo", "discovery", False),
    ],
)
def test_a_renamed_from_a_letter_from_an_id_saved_deals_name_is_a_misspelling(
    written: str, saved: str, warned: bool, tmp_path: Path
) -> None:
    text = DEFAULT_PROCESS.read_text(encoding="utf-8").replace(
        "  - id: proposing\n", f"  - id: proposal\n    renamed_from: [{written}]\n", 1
    )
    (tmp_path / "process.yaml").write_text(text, encoding="utf-8")
    process = load_process(tmp_path / "process.yaml").process
    found = misspelt_renames(Orphans({saved: 2}, {}), process)
    assert [problem.message.split(",")[0] for problem in found] == (
        [f"stage 'proposal': 'renamed_from' names '{written}'"] if warned else []
    )


def test_validate_without_deal_records_neither_checks_nor_creates_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "none.db"
    assert main(["validate", "--process", str(DEFAULT_PROCESS), "--database", f"sqlite:///{missing}"]) == 0
    assert not missing.exists()
    assert "saved deals were not checked" not in capsys.readouterr().err


def test_serve_warns_after_an_edit_that_orphans_saved_deals(
    make_app: Callable[..., Flask],
    add_person: Callable[..., str],
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _saved_deal(make_app, add_person)
    process = tmp_path / "process.yaml"
    process.write_text(DEFAULT_PROCESS.read_text(encoding="utf-8"), encoding="utf-8")
    store = ProcessStore(load_process(process))
    process.write_text(_edited_process(tmp_path, renamed_from=False).read_text(encoding="utf-8"), encoding="utf-8")
    capsys.readouterr()
    rebuild(process, tmp_path / "site", store, database=database_url)
    err = capsys.readouterr().err
    assert "playbook serve: rebuilt from" in err
    assert f"{process}: warning: 1 saved deal is at stage 'proposing'" in err
