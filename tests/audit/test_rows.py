"""A CSV row to the engine's Deal, and every reason a row is not assessed."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline_audit.columns import plan_columns
from pipeline_audit.rows import RowProblem, RowReader
from sales_process.deal import Answer
from sales_process.loader import LoadedProcess

HEADER = ["deal", "stage", "amount", "owner", "pain-confirmed", "pain-confirmed.evidence", "pain-confirmed.date", "", "region"]


def reader(process: LoadedProcess, day_first: bool = False) -> RowReader:
    return RowReader(plan_columns(HEADER, process.process, ["region"]), process.process, day_first)


def row(**cells: str) -> list[str]:
    values = {"deal": "Contoso", "stage": "", "amount": "", "owner": "", "answer": "", "evidence": "", "date": "", "unnamed": "", "region": "EMEA"}
    values.update(cells)
    return list(values.values())


def test_a_row_becomes_a_deal(default_process: LoadedProcess) -> None:
    deal = reader(default_process, day_first=True).deal(
        row(stage="negotiating", amount="$1,500.25", answer="Y", evidence="CFO email", date="03/02/2027"))
    assert (deal.name, deal.claimed_stage, deal.amount) == ("Contoso", "negotiating", 1500.25)
    assert deal.answers == {"pain-confirmed": Answer(True, "CFO email", dt.date(2027, 2, 3))}


@pytest.mark.parametrize("stage", ["Closed Won", "closed won", "CLOSED-WON", "closed-won"])
def test_a_stage_is_an_id_or_a_name_in_any_case(default_process: LoadedProcess, stage: str) -> None:
    assert reader(default_process).deal(row(stage=stage)).claimed_stage == "closed-won"


def test_blank_cells_mean_no_claim_no_amount_and_unanswered(default_process: LoadedProcess) -> None:
    deal = reader(default_process).deal(row(stage=" ", amount=""))
    assert (deal.claimed_stage, deal.amount, dict(deal.answers)) == (None, None, {})


def test_a_no_keeps_its_evidence_and_date(default_process: LoadedProcess) -> None:
    deal = reader(default_process).deal(row(answer="no", evidence="asked twice", date="2027-01-05"))
    assert deal.answers["pain-confirmed"] == Answer(False, "asked twice", dt.date(2027, 1, 5))


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"stage": "Negociating"}, "unknown stage 'Negociating'; did you mean 'Negotiating'? (stages: Discovery, Qualifying"),
        ({"amount": "12k"}, "amount: '12k' is not an amount"),
        ({"answer": "maybe"}, "pain-confirmed: 'maybe' is not yes or no"),
        ({"answer": "yes", "date": "2027-02-30"}, "pain-confirmed.date: '2027-02-30' is not a real calendar date"),
        ({"answer": "yes", "date": "03/02/2027"}, "pain-confirmed.date: '03/02/2027' is ambiguous"),
        ({"evidence": "CFO email"}, "pain-confirmed.evidence is filled in but pain-confirmed is blank; answer yes or no"),
        ({"date": "2027-01-01"}, "pain-confirmed.date is filled in but pain-confirmed is blank; answer yes or no"),
        ({"deal": "  "}, "the deal cell is blank; name the deal"),
        ({"unnamed": "stray"}, "column 8 has no name in the header but holds 'stray'; name the column or empty it"),
    ],
)
def test_row_problems(default_process: LoadedProcess, cells: dict[str, str], reason: str) -> None:
    with pytest.raises(RowProblem) as raised:
        reader(default_process).deal(row(**cells))
    assert reason in raised.value.reason


def test_every_problem_of_a_row_is_named(default_process: LoadedProcess) -> None:
    with pytest.raises(RowProblem) as raised:
        reader(default_process).deal(row(stage="x", amount="-1", answer="?"))
    assert raised.value.reason.count("; ") >= 2 and "amount: '-1' is negative" in raised.value.reason


@pytest.mark.parametrize("cells", [["Contoso"], [*row(), "extra"]])
def test_a_row_of_the_wrong_width_is_a_problem(default_process: LoadedProcess, cells: list[str]) -> None:
    with pytest.raises(RowProblem, match=rf"the row has {len(cells)} cells but the header has 9 columns"):
        reader(default_process).deal(cells)
