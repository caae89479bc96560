"""The header of a pipeline CSV: what is read, and every header the audit refuses."""

from __future__ import annotations

import pytest

from pipeline_audit.columns import ColumnError, check_ignored, plan_columns
from sales_process.loader import LoadedProcess


def test_columns_are_matched_case_insensitively(default_process: LoadedProcess) -> None:
    plan = plan_columns(["Deal", " STAGE ", "Amount", "owner", "Pain-Confirmed", "pain-confirmed.EVIDENCE"], default_process.process)
    assert (plan.deal, plan.stage, plan.amount, plan.owner) == (0, 1, 2, 3)
    assert [(m.milestone_id, m.answer, m.evidence, m.date) for m in plan.milestones] == [("pain-confirmed", 4, 5, None)]


def test_ignored_columns_are_left_out_and_unused_ignores_are_warned(default_process: LoadedProcess) -> None:
    plan = plan_columns(["deal", "Close Date", "region"], default_process.process, ["close date", "Region", "Probability"])
    assert plan.milestones == ()
    assert plan.warnings == ["--ignore-column 'probability': no such column in the file"]


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (["deal", "pricing-discused"], "column 2: unknown column 'pricing-discused'; did you mean 'pricing-discussed'?; "
         "rename it, or pass --ignore-column pricing-discused to keep it out of the audit"),
        (["deal", "budget-confirmed.evidnce"], "did you mean 'budget-confirmed.evidence'?"),
        (["deal", "Close Date"], "pass --ignore-column 'Close Date'"),
        (["deal", "stage", "Stage"], "column 3 'Stage' repeats column 2; keep one of them"),
        (["stage", "amount"], "the header has no 'deal' column; add one naming each deal"),
        (["deal", "demo-attended.date"], "column 2 'demo-attended.date' has no answer column 'demo-attended'; add a 'demo-attended' column with yes or no"),
    ],
)
def test_header_errors(default_process: LoadedProcess, header: list[str], problem: str) -> None:
    with pytest.raises(ColumnError) as raised:
        plan_columns(header, default_process.process)
    assert any(problem in message for message in raised.value.problems), raised.value.problems


def test_every_header_error_is_reported_at_once(default_process: LoadedProcess) -> None:
    with pytest.raises(ColumnError) as raised:
        plan_columns(["stge", "amount", "amount", "xyz"], default_process.process)
    assert len(raised.value.problems) == 4


def test_an_audited_column_cannot_be_ignored(default_process: LoadedProcess) -> None:
    assert check_ignored(["Amount", "region", "pain-confirmed.date"], default_process.process) == [
        "--ignore-column 'Amount' names a column the audit reads; remove the option",
        "--ignore-column 'pain-confirmed.date' names a column the audit reads; remove the option",
    ]
