"""A pipeline not in the repository: every row accounted for, with the stage the rules define,
and the same totals on standard output, in audit.csv and in report.html."""

from __future__ import annotations

import csv
import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from sales_process.deal import parse_deal
from sales_process.engine import assess
from sales_process.loader import LoadedProcess
from sales_process.problems import InvalidInput
from tests.audit.helpers import Run, audit
from tests.support.synthetic_pipeline import write_pipeline

AS_OF = dt.date(2027, 3, 1)
YES = {"yes": True, "Yes": True, "y": True, "x": True, "no": False}
WON = ("", "won")


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory, default_process: LoadedProcess) -> Path:
    path = tmp_path_factory.mktemp("pipeline") / "unseen.csv"
    write_pipeline(path, default_process.process, deals=400, seed=2027, bad_rows=True)
    return path


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str], tmp_path: Path, pipeline: Path) -> Run:
    result = audit(capsys, tmp_path / "out", str(pipeline), "--as-of", AS_OF.isoformat())
    assert result.status == 0, result.err
    return result


def _expected(row: dict[str, str], loaded: LoadedProcess) -> tuple[str, str] | None:
    """The verified stage and stages ahead through the JSON path of the core (parse_deal), or None; WON when closed."""
    stages = {s.name: s.id for s in loaded.process.stages} | {s.id: s.id for s in loaded.process.stages}
    last = loaded.process.stages[-1]
    milestones = {}
    for _, milestone in loaded.process.milestones():
        answer = row[milestone.id]
        if answer:
            milestones[milestone.id] = {
                "met": YES[answer],
                "evidence": row[f"{milestone.id}.evidence"] or None,
                "date": row[f"{milestone.id}.date"] or None,
            }
    try:
        amount = float(row["amount"].lstrip("$").replace(",", ""))
        if row["stage"] in (last.id, last.name) and row["deal"].strip():
            return WON  # a deal the CRM places at the last stage has been won: an outcome, never assessed
        deal = parse_deal(
            {
                "deal": row["deal"],
                "claimed_stage": stages.get(row["stage"], row["stage"]),
                "amount": amount,
                "milestones": milestones,
            },
            loaded.process,
        )
    except (ValueError, InvalidInput):
        return None
    assessment = assess(loaded.process, deal, AS_OF)
    return assessment.verified_stage.name, str(assessment.stages_ahead)


def test_every_row_appears_in_input_order_with_the_stage_the_rules_define(
    run: Run, pipeline: Path, default_process: LoadedProcess
) -> None:
    with pipeline.open(encoding="utf-8", newline="") as handle:
        source = list(csv.DictReader(handle))
    written = run.rows()
    assert [r["deal"] for r in written] == [r["deal"] for r in source]
    assert [int(r["line"]) for r in written] == list(range(2, len(source) + 2))
    for given, got in zip(source, written, strict=True):
        expected = _expected(given, default_process)
        if expected == WON:
            assert (got["verified_stage"], got["outcome"], got["claimed_weighted"]) == (*WON, ""), got
        elif expected is None:
            assert got["not_assessed"] and not got["verified_stage"], got
            assert f"  line {got['line']}: {got['not_assessed']}" in run.out
            assert [got["line"], got["deal"], got["not_assessed"]] in run.table("problems")
        else:
            assert (got["verified_stage"], got["stages_ahead"], got["not_assessed"]) == (*expected, "")


def _csv_totals(run: Run) -> dict[str, str]:
    compared = [r for r in run.rows() if r["claimed_weighted"] and r["verified_weighted"]]
    claimed = sum(Decimal(r["claimed_weighted"]) for r in compared)
    verified = sum(Decimal(r["verified_weighted"]) for r in compared)
    return {"claimed": f"{claimed:.2f}", "verified": f"{verified:.2f}", "difference": f"{claimed - verified:.2f}"}


def _html_totals(run: Run) -> dict[str, str]:
    found = dict(re.findall(r'<dd data-total="(\w+)">([^<]*)</dd>', run.html()))
    return {key: found[key].replace(",", "") for key in ("claimed", "verified", "difference")}


def test_totals_agree_on_stdout_in_the_csv_and_in_the_report(run: Run) -> None:
    assert run.stdout_totals() == _csv_totals(run) == _html_totals(run)
    rows = run.rows()
    not_assessed = sum(1 for r in rows if r["not_assessed"])
    won = sum(1 for r in rows if r["outcome"] == "won")
    ahead = sum(1 for r in rows if r["stages_ahead"] and int(r["stages_ahead"]) > 0)
    assert won > 0
    assert (
        f"Deals read: {len(rows)} ({won} closed, {len(rows) - won - not_assessed} open, {not_assessed} not assessed)\n"
        f"Deals assessed: {len(rows) - not_assessed - won}\n"
        f"Deals not assessed: {not_assessed}\n" in run.out
    )
    assert f"Deals ahead of their evidence: {ahead} (" in run.out
    html = dict(re.findall(r'<dd data-total="(\w+)">([^<]*)</dd>', run.html()))
    assert (html["rows"], html["not_assessed"], html["ahead"]) == (str(len(rows)), str(not_assessed), str(ahead))
    assert not_assessed == 4


def test_the_report_lists_the_biggest_inflation_first(run: Run) -> None:
    inflations = sorted(
        (
            Decimal(r["claimed_weighted"]) - Decimal(r["verified_weighted"])
            for r in run.rows()
            if r["stages_ahead"] and int(r["stages_ahead"]) > 0 and r["claimed_weighted"]
        ),
        reverse=True,
    )
    table = run.html().split('<table id="ahead"')[1].split("</table>")[0]
    listed = [Decimal(cell.replace(",", "")) for cell in re.findall(r'<td class="num"[^>]*>([\d,]+\.\d\d)</td>', table)]
    assert len(inflations) > 100 and listed == inflations[:100]


def test_the_stage_table_counts_every_deal_assessed_as_verified(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A row without a CRM stage is assessed and verified at a stage: the table's "Deals verified" column adds up to
    the deals assessed (it dropped such a row), and its legend says why "Deals claimed" adds up to fewer."""
    export = tmp_path / "export.csv"
    export.write_text(
        "deal,owner,stage,amount,pain-confirmed,pain-confirmed.evidence,pain-confirmed.date\n"
        "Claimed,Ana,Discovery,1000,yes,The buyer's recap,2027-02-20\n"
        "No stage,Ana,,,no,,\n"
        "No stage either,Ana,,2000,no,,\n",
        encoding="utf-8",
    )
    run = audit(capsys, tmp_path / "out", str(export), "--as-of", AS_OF.isoformat())
    assert run.status == 0, run.err
    assert "Deals assessed: 3\n" in run.out
    table = run.table("stages")
    claimed, verified = (sum(int(row[column]) for row in table) for column in (2, 4))
    assert (claimed, verified) == (1, 3)
    legend = re.search(r'<p id="stages-note">(.*?)</p>', run.html(), re.S)
    assert legend is not None
    note = " ".join(legend.group(1).split())
    assert "The 2 deals without a claimed stage are in no row of deals claimed, only under Deals verified" in note
    assert "adds up to the 3 deals assessed" in note
