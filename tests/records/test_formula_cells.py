"""Every CSV written neutralises formulas, and every reader restores them (issue 23, item 1): a deal named
=HYPERLINK(...), a CRM id =1+2 and a buyer whose name and comment are +cmd|' /C calc'!A0 export inert,
audit back as typed, and import back byte for byte."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from deal_records.database import writing
from deal_records.models import Deal, User
from deal_records.records import record_check
from playbook_cli.main import main
from sales_process.deal import BuyerAnswer
from sales_process.deal import Deal as DealInput
from sales_process.loader import load_process
from sales_process.spreadsheet import FORMULA_STARTS, restore_cell
from tests.engine.test_buyer_confirmation import PROCESS_TEXT
from tests.records.conftest import Run

MILESTONES = ("next-step", "budget")

NAME = '=HYPERLINK("http://x","y")'
CRM_ID = "=1+2"
ATTACK = "+cmd|' /C calc'!A0"


def _save(sessions: sessionmaker[Session], process: Path) -> None:
    loaded = load_process(process)
    with writing(sessions) as db:
        owner = db.scalars(select(User)).one()
        deal = Deal(owner_id=owner.id, name=NAME, crm_id=CRM_ID, amount=1000.0, claimed_stage="qualifying")
        db.add(deal)
        db.flush()
        answers = {
            "next-step": BuyerAnswer(ATTACK, "buyer@x.example", dt.date(2027, 2, 20), True).as_answer(),
            "budget": BuyerAnswer(ATTACK, "buyer@x.example", dt.date(2027, 2, 21), False, ATTACK).as_answer(),
        }
        record_check(db, deal, loaded, DealInput(answers=answers), "buyer", None, today=dt.date(2027, 3, 1))


def _cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_formulas_export_inert_and_read_back_as_typed(
    run: Run, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    process = tmp_path / "process.yaml"
    process.write_text(PROCESS_TEXT, encoding="utf-8")
    assert run("users", "add", "ana@example.com", "--role", "rep", stdin="rep-password-1\n")[0] == 0
    _save(sessions, process)
    exported = tmp_path / "export.csv"
    assert run("deals", "export", "--process", str(process), "--output", str(exported))[0] == 0
    header, row = _cells(exported)
    cells = dict(zip(header, row, strict=True))
    assert (cells["deal"], cells["crm_id"]) == ("'" + NAME, "'" + CRM_ID)
    assert cells["next-step.confirmed_by"] == f"'{ATTACK} <buyer@x.example>"
    # A "Not quite" is written as such (never under .confirmed_by): the buyer's comment follows, mid-cell.
    assert cells["budget.evidence"] == f"Not quite, answered {ATTACK} (buyer@x.example) on 2027-02-21: {ATTACK}"
    assert cells["budget.confirmed_by"] == ""
    assert not any(cell.startswith(FORMULA_STARTS) for cell in row)  # nothing a spreadsheet would run

    out = tmp_path / "audit"
    assert main(["audit", str(exported), "--process", str(process), "--as-of", "2027-03-01", "--out", str(out)]) == 0
    audit_header, audit_row = _cells(out / "audit.csv")
    audited = dict(zip(audit_header, audit_row, strict=True))
    assert (audited["deal"], audited["crm_id"]) == ("'" + NAME, "'" + CRM_ID)  # audit.csv is written inert too
    assert restore_cell(audited["deal"]) == NAME and audited["buyer_confirmed_milestone_ids"] == "next-step"

    # Both milestones hold the buyer's answers, which an import cannot record: emptied, as the import asks.
    blanked = tmp_path / "blanked.csv"
    with blanked.open("w", encoding="utf-8", newline="") as handle:
        emptied = ["" if name.split(".")[0] in MILESTONES else cell for name, cell in zip(header, row, strict=True)]
        csv.writer(handle).writerows([header, emptied])
    assert run("import", str(blanked), "--process", str(process))[0] == 0
    with sessions() as db:
        deal = db.scalars(select(Deal)).one()
        assert (deal.name, deal.crm_id) == (NAME, CRM_ID)  # matched by the restored CRM id, not a new deal
    again = tmp_path / "again.csv"
    assert run("deals", "export", "--process", str(process), "--output", str(again))[0] == 0
    assert again.read_bytes() == exported.read_bytes()
