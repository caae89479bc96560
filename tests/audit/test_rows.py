"""A CSV row to the engine's Deal, and every reason a row is not assessed."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline_audit.columns import plan_columns
from pipeline_audit.rows import RowProblem, RowReader
from sales_process.crm import resolve_mapping
from sales_process.deal import Answer
from sales_process.loader import LoadedProcess
from sales_process.vocabulary import DateOrder

HEADER = [
    "deal",
    "stage",
    "amount",
    "owner",
    "pain-confirmed",
    "pain-confirmed.evidence",
    "pain-confirmed.date",
    "",
    "region",
]


def reader(process: LoadedProcess, day_first: bool = False, decimal_comma: bool = False) -> RowReader:
    mapping = resolve_mapping(
        process.process,
        ignore=["region"],
        decimal_comma=decimal_comma,
        date_order=DateOrder.DAY_FIRST if day_first else None,
    )
    return RowReader(plan_columns(HEADER, process.process, mapping), process.process, mapping)


def row(**cells: str) -> list[str]:
    values = {
        "deal": "Contoso",
        "stage": "",
        "amount": "",
        "owner": "",
        "answer": "",
        "evidence": "",
        "date": "",
        "unnamed": "",
        "region": "EMEA",
    }
    values.update(cells)
    return list(values.values())


def test_a_row_becomes_a_deal(default_process: LoadedProcess) -> None:
    deal = reader(default_process, day_first=True).open_deal(
        row(stage="negotiating", amount="$1,500.25", answer="Y", evidence="CFO email", date="03/02/2027")
    )
    assert (deal.name, deal.claimed_stage, deal.amount) == ("Contoso", "negotiating", 1500.25)
    assert deal.answers == {"pain-confirmed": Answer(True, "CFO email", dt.date(2027, 2, 3))}


@pytest.mark.parametrize("stage", ["Closed Won", "closed won", "CLOSED-WON", "closed-won"])
def test_a_stage_is_an_id_or_a_name_in_any_case(default_process: LoadedProcess, stage: str) -> None:
    assert reader(default_process).open_deal(row(stage=stage)).claimed_stage == "closed-won"


def test_blank_cells_mean_no_claim_no_amount_and_unanswered(default_process: LoadedProcess) -> None:
    deal = reader(default_process).open_deal(row(stage=" ", amount=""))
    assert (deal.claimed_stage, deal.amount, dict(deal.answers)) == (None, None, {})


def test_a_no_keeps_its_evidence_and_date(default_process: LoadedProcess) -> None:
    deal = reader(default_process).open_deal(row(answer="no", evidence="asked twice", date="2027-01-05"))
    assert deal.answers["pain-confirmed"] == Answer(False, "asked twice", dt.date(2027, 1, 5))


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        (
            {"stage": "Negociating"},
            "unknown stage 'Negociating'; did you mean 'Negotiating'? (stages: Discovery, Qualifying",
        ),
        ({"amount": "12k"}, "amount: '12k' is not an amount"),
        ({"answer": "maybe"}, "pain-confirmed: 'maybe' is not yes or no"),
        ({"answer": "yes", "date": "2027-02-30"}, "pain-confirmed.date: '2027-02-30' is not a real calendar date"),
        (
            {"answer": "yes", "date": "03/02/2027"},
            "pain-confirmed.date: '03/02/2027' is ambiguous (day or month first?); "
            "write it as YYYY-MM-DD, e.g. 2027-03-01; or pass --day-first or --month-first (crm.dates)",
        ),
        (
            {"answer": "yes", "date": "2/23/2027"},
            "pain-confirmed.date: '2/23/2027' is written month first; write it as YYYY-MM-DD, "
            "e.g. 2027-03-01; or pass --month-first (crm.dates: month-first)",
        ),
        (
            {"amount": "74.000,00"},
            "amount: '74.000,00' looks like a decimal comma; pass --decimal-comma (or set crm.decimal_comma)",
        ),
        (
            {"evidence": "CFO email"},
            "pain-confirmed.evidence is filled in but pain-confirmed is blank; answer yes or no",
        ),
        ({"date": "2027-01-01"}, "pain-confirmed.date is filled in but pain-confirmed is blank; answer yes or no"),
        ({"deal": "  "}, "the deal cell is blank; name the deal"),
        ({"unnamed": "stray"}, "column 8 has no name in the header but holds 'stray'; name the column or empty it"),
    ],
)
def test_row_problems(default_process: LoadedProcess, cells: dict[str, str], reason: str) -> None:
    with pytest.raises(RowProblem) as raised:
        reader(default_process).open_deal(row(**cells))
    assert reason in raised.value.reason


def test_every_problem_of_a_row_is_named(default_process: LoadedProcess) -> None:
    with pytest.raises(RowProblem) as raised:
        reader(default_process).open_deal(row(stage="x", amount="-1", answer="maybe"))
    assert raised.value.reason.count("; ") >= 2 and "amount: '-1' is negative" in raised.value.reason


@pytest.mark.parametrize(("cells", "count"), [(["Contoso"], "1 cell"), ([*row(), "extra"], "10 cells")])
def test_a_row_of_the_wrong_width_is_a_problem(default_process: LoadedProcess, cells: list[str], count: str) -> None:
    with pytest.raises(RowProblem, match=rf"the row has {count} but the header has 9 columns"):
        reader(default_process).open_deal(cells)


def test_a_row_with_many_problems_has_a_short_line_and_the_full_list(default_process: LoadedProcess) -> None:
    with pytest.raises(RowProblem) as raised:
        reader(default_process).open_deal(row(stage="x", amount="-1", answer="maybe"))
    assert raised.value.short.startswith("unknown stage 'x'") and raised.value.short.endswith(
        " (and 2 more on this row)"
    )
    assert len(raised.value.problems) == 3 and raised.value.reason == "; ".join(raised.value.problems)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("74.000,00", 74000.0),
        ("74 000,00", 74000.0),
        ("74\u00a0000,50", 74000.5),
        ("€74.000", 74000.0),
        ("1.234.567,89 EUR", 1234567.89),
    ],
)
def test_decimal_comma_amounts(default_process: LoadedProcess, amount: str, expected: float) -> None:
    assert reader(default_process, decimal_comma=True).open_deal(row(amount=amount)).amount == expected


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("23/02/2027", dt.date(2027, 2, 23)),
        ("23.02.2027", dt.date(2027, 2, 23)),
        ("2027-02-23 14:05", dt.date(2027, 2, 23)),
    ],
)
def test_unambiguous_dates_need_no_option(default_process: LoadedProcess, date: str, expected: dt.date) -> None:
    assert reader(default_process).open_deal(row(answer="yes", date=date)).answers["pain-confirmed"].date == expected


@pytest.mark.parametrize("answer", ["checked", "Unchecked", "TRUE", "False", "CHECKED"])
def test_crm_booleans_are_yes_or_no(default_process: LoadedProcess, answer: str) -> None:
    met = reader(default_process).open_deal(row(answer=answer)).answers["pain-confirmed"].met
    assert met is (answer.lower() in ("checked", "true"))


def test_a_row_in_another_currency_is_not_summed(default_process: LoadedProcess) -> None:
    rows = reader(default_process)
    assert rows.deal(row(amount="USD 120,000")).amount == 120000.0
    with pytest.raises(
        RowProblem, match="amount: in EUR, but the file's amounts are in USD; an audit sums one currency"
    ):
        rows.deal(row(amount="5000 EUR"))
    assert rows.deal(row(amount="$1")).amount == 1.0 and rows.currency == "USD"
