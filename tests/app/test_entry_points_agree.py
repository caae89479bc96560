"""One input table through the four entry points: the form, POST /api/assess, a deal file and the audit.

Each reads values through the core's deal vocabulary, so each row must give the same
verdict (claimed stage, verified stage, weighted amount) or the same error everywhere;
except a day not written YYYY-MM-DD, which the API refuses, saying the day to write.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from playbook_cli.main import main
from sales_process.loader import LoadedProcess
from tests.app.conftest import post_form
from tests.conftest import DEFAULT_PROCESS

TODAY = dt.date.today()
RECENT = TODAY - dt.timedelta(days=10)
# A recent date whose day cannot be a month, so 25/10/2026 is unambiguously day-first.
DAY_FIRST = next(TODAY - dt.timedelta(days=n) for n in range(10, 40) if (TODAY - dt.timedelta(days=n)).day > 12)
ISO_DAY = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")  # the only day the API reads: other ways it refuses
BASE = {"stage": "Qualifying", "amount": "120000", "met": "yes", "date": RECENT.isoformat()}

Verdict = tuple[str | None, str, float | None]
Outcome = tuple[str, Any]  # ("verdict", Verdict) or ("errors", list of messages)

TABLE = [
    pytest.param({"amount": "$120,000"}, None, id="amount-dollar-thousands"),
    pytest.param({"amount": "120 000"}, None, id="amount-space-thousands"),
    pytest.param({"amount": "USD 120,000.50"}, None, id="amount-currency-code-before"),
    pytest.param({"amount": "120000 EUR"}, None, id="amount-currency-code-after"),
    pytest.param({"amount": "12k"}, "'12k' is not an amount", id="amount-words"),
    pytest.param({"amount": "-5"}, "'-5' is negative", id="amount-negative"),
    pytest.param({"amount": "74.000,00"}, "'74.000,00' looks like", id="amount-decimal-comma"),
    pytest.param({"amount": "15.000"}, "'15.000' is ambiguous (15 or 15000?)", id="amount-one-dot-group"),
    pytest.param({"stage": "proposing"}, None, id="stage-id"),
    pytest.param({"stage": " PROPOSING "}, None, id="stage-name-any-case"),
    pytest.param({"stage": "Closed Won"}, None, id="stage-name-with-space"),
    pytest.param({"stage": "closed\u00a0 WON"}, None, id="stage-name-inner-spacing"),
    pytest.param({"stage": "Propsing"}, "unknown stage 'Propsing'; did you mean 'Proposing'?", id="stage-misspelt"),
    pytest.param(
        {"stage": "Closed Lost"},
        "stage 'Closed Lost' marks a lost deal, and the process has no lost stage",
        id="stage-lost",
    ),
    pytest.param(
        {"stage": "closed_lost"},
        "stage 'closed_lost' marks a lost deal, and the process has no lost stage",
        id="stage-lost-id",
    ),
    pytest.param({"met": "checked"}, None, id="met-checked"),
    pytest.param({"met": "TRUE"}, None, id="met-crm-true"),
    pytest.param({"met": "x"}, None, id="met-x"),
    pytest.param({"met": "unchecked"}, None, id="met-unchecked"),
    pytest.param({"met": "False"}, None, id="met-false"),
    pytest.param({"met": "WAHR"}, None, id="met-german-excel-true"),
    pytest.param({"met": "falsch"}, None, id="met-german-excel-false"),
    pytest.param({"met": "Oui"}, None, id="met-french-yes"),
    pytest.param({"met": "FAUX"}, None, id="met-french-false"),
    pytest.param({"met": "Sí"}, None, id="met-spanish-yes"),
    pytest.param({"met": "nee"}, None, id="met-dutch-no"),
    pytest.param({"met": "maybe"}, "'maybe' is not yes or no", id="met-maybe"),
    pytest.param(
        {"date": f"{DAY_FIRST.day}/{DAY_FIRST.month:02d}/{DAY_FIRST.year}"}, None, id="date-day-first-unambiguous"
    ),
    pytest.param({"date": f"{DAY_FIRST.day:02d}.{DAY_FIRST.month:02d}.{DAY_FIRST.year}"}, None, id="date-dotted"),
    pytest.param({"date": "03/04/2026"}, "'03/04/2026' is ambiguous (day or month first?)", id="date-ambiguous"),
    pytest.param({"date": "2/23/2026"}, "'2/23/2026' is written month first", id="date-month-first"),
    pytest.param({"date": "2026-02-30"}, "'2026-02-30' is not a real calendar date", id="date-impossible"),
]


def _values(overrides: dict[str, str]) -> dict[str, str]:
    return {**BASE, **overrides}


def _milestones(values: dict[str, str]) -> dict[str, dict[str, str]]:
    return {
        "pain-confirmed": {"met": values["met"], "evidence": "Reply to the recap email", "date": values["date"]},
        "next-meeting-accepted": {"met": "yes", "evidence": "Accepted invitation", "date": RECENT.isoformat()},
    }


def _names(process: LoadedProcess) -> dict[str, str]:
    return {stage.name: stage.id for stage in process.process.stages}


def through_the_form(client: FlaskClient, values: dict[str, str], process: LoadedProcess) -> Outcome:
    form = {"deal": "Contoso", "claimed_stage": values["stage"], "amount": values["amount"]}
    for milestone_id, answer in _milestones(values).items():
        form |= {f"{milestone_id}.{key}": value for key, value in answer.items()}
    html = unescape(post_form(client, form).get_data(as_text=True))
    verified = re.search(r'<span class="verdict__stage">([^<]+)</span>', html)
    if verified is None:
        return "errors", re.findall(r'class="[^"]*error[^"]*"[^>]*>\s*(?:<span>)?([^<]+)', html)
    claimed = re.search(r"Your CRM says (.+?) \(\d+%\)", html)
    weighted = re.search(r"<dt>Weighted by the evidence</dt><dd>([^<]+)</dd>", html)
    names = _names(process)
    return "verdict", (
        names[claimed.group(1)] if claimed else None,
        names[verified.group(1)],
        float(weighted.group(1).split()[-1].replace(",", "")) if weighted else None,  # "USD 72,000": the number
    )


def _verdict_of(answer: dict[str, Any]) -> Verdict:
    weighted = answer["weighted_amount"]
    claimed = answer["claimed_stage"]
    return (
        claimed["id"] if claimed else None,
        answer["verified_stage"]["id"],
        weighted["verified"] if weighted else None,
    )


def through_the_api(client: FlaskClient, values: dict[str, str]) -> Outcome:
    body = {
        "deal": "Contoso",
        "claimed_stage": values["stage"],
        "amount": values["amount"],
        "milestones": _milestones(values),
    }
    response = client.post("/api/assess", json=body)
    if response.status_code == 400:
        return "errors", [error["message"] for error in response.get_json()["errors"]]
    return "verdict", _verdict_of(response.get_json())


def through_a_deal_file(values: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Outcome:
    deal = tmp_path / "deal.json"
    deal.write_text(
        json.dumps(
            {
                "deal": "Contoso",
                "claimed_stage": values["stage"],
                "amount": values["amount"],
                "milestones": _milestones(values),
            }
        ),
        encoding="utf-8",
    )
    status = main(["assess", str(deal), "--process", str(DEFAULT_PROCESS), "--json"])
    captured = capsys.readouterr()
    if status != 0:
        return "errors", captured.err.splitlines()
    return "verdict", _verdict_of(json.loads(captured.out))


def through_the_audit(values: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Outcome:
    export = tmp_path / "pipeline.csv"
    # The form, the API and a deal file check an open deal; in an export, the status says it is one (a row
    # at the last stage or a lost stage without it is an outcome, not a deal to check).
    cells = {"deal": "Contoso", "stage": values["stage"], "amount": values["amount"], "status": "Open"}
    for milestone_id, answer in _milestones(values).items():
        cells |= {milestone_id if key == "met" else f"{milestone_id}.{key}": value for key, value in answer.items()}
    with export.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerows([cells.keys(), cells.values()])
    main(["audit", str(export), "--process", str(DEFAULT_PROCESS), "--out", str(tmp_path / "out")])
    capsys.readouterr()
    with (tmp_path / "out" / "audit.csv").open(encoding="utf-8", newline="") as handle:
        row = next(csv.DictReader(handle))
    if row["not_assessed"]:
        return "errors", [row["not_assessed"]]
    weighted = float(row["verified_weighted"]) if row["verified_weighted"] else None
    return "verdict", (row["claimed_stage_id"] or None, row["verified_stage_id"], weighted)


@pytest.mark.parametrize(("overrides", "error"), TABLE)
def test_the_four_entry_points_agree(
    client: FlaskClient,
    default_process: LoadedProcess,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    overrides: dict[str, str],
    error: str | None,
) -> None:
    values = _values(overrides)
    outcomes = {
        "form": through_the_form(client, values, default_process),
        "deal file": through_a_deal_file(values, tmp_path, capsys),
        "audit": through_the_audit(values, tmp_path, capsys),
    }
    if ISO_DAY.fullmatch(values["date"]):
        outcomes["api"] = through_the_api(client, values)
    else:
        kind, messages = through_the_api(client, values)
        assert kind == "errors" and "is not written YYYY-MM-DD, the only way the API reads a day" in messages[0]
    if error is None:
        assert {kind for kind, _ in outcomes.values()} == {"verdict"}, outcomes
        assert len({verdict for _, verdict in outcomes.values()}) == 1, outcomes
    else:
        for entry, (kind, messages) in outcomes.items():
            assert kind == "errors" and any(error in message for message in messages), (entry, messages)


def test_a_date_and_time_is_read_as_its_day_except_by_the_api(
    client: FlaskClient, default_process: LoadedProcess, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """CSV exports write date-times, and the form and a deal file read dates as the audit does; an API client writes
    the day itself, and is told to (the time's day depends on a time zone the server cannot know)."""
    values = _values({"date": f"{RECENT.isoformat()} 10:15"})
    outcomes = [
        through_the_form(client, values, default_process),
        through_a_deal_file(values, tmp_path, capsys),
        through_the_audit(values, tmp_path, capsys),
    ]
    assert {kind for kind, _ in outcomes} == {"verdict"} and len({verdict for _, verdict in outcomes}) == 1, outcomes
    kind, messages = through_the_api(client, values)
    assert kind == "errors" and "is a date and time; write the day alone, YYYY-MM-DD" in messages[0], messages
