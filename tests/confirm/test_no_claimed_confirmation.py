"""Only the confirmation link records a buyer's confirmation: the API and the form cannot claim one."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from playbook_cli.main import main
from sales_process.engine import Status
from sales_process.vocabulary import STATUS_LABELS
from tests.engine.test_buyer_confirmation import PROCESS_TEXT


def test_the_api_refuses_a_claimed_confirmation(client: FlaskClient) -> None:
    deal = {
        "milestones": {
            "pain-confirmed": {
                "met": True,
                "evidence": "Reply to recap",
                "buyer": {"name": "Dana", "email": "d@x.example"},
            }
        }
    }
    response = client.post("/api/assess", json=deal)
    assert response.status_code == 400
    assert response.get_json() == {
        "errors": [
            {
                "loc": "milestones.pain-confirmed.buyer",
                "message": "'buyer' cannot be set here: only the buyer can confirm an outcome, through a confirmation link the rep sends "
                "from the saved deal; give the rep's answer with 'met', 'evidence' and 'date'",
            }
        ]
    }


def test_the_openapi_document_lists_awaiting_buyer(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").get_json()
    milestone = document["components"]["schemas"]["Assessment"]["properties"]["milestones"]["items"]["properties"]
    assert "awaiting_buyer" in milestone["status"]["enum"]
    assert milestone["buyer"]["properties"]["answer"] == {"enum": ["confirmed", "declined"]}


def test_awaiting_buyer_has_its_words() -> None:
    assert set(STATUS_LABELS) == set(Status)
    assert STATUS_LABELS[Status.AWAITING_BUYER] == "awaiting the buyer"


def test_a_crm_export_cannot_confirm_for_the_buyer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    process = tmp_path / "process.yaml"
    process.write_text(PROCESS_TEXT, encoding="utf-8")
    export = tmp_path / "pipeline.csv"
    export.write_text(
        # Open (its status) although the CRM's stage says won: an open deal is assessed.
        "deal,stage,status,amount,next-step,next-step.evidence,next-step.date,budget,budget.evidence\n"
        "Fabrikam,won,Open,1000,yes,Dana's email of 27 Feb,2027-02-27,yes,Budget email\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["audit", str(export), "--process", str(process), "--as-of", "2027-03-01", "--out", str(out)]) == 0
    capsys.readouterr()
    with (out / "audit.csv").open(encoding="utf-8") as rows:
        [row] = list(csv.DictReader(rows))
    assert (row["verified_stage_id"], row["next_milestone_ids"]) == ("qualifying", "next-step")
    assert "awaiting the buyer: 1" in (out / "report.html").read_text(encoding="utf-8")
