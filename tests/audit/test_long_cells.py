"""The longest cell the audit reads (pipeline_csv.LONGEST_CELL): both engines read a cell up to it alike, and every
reader of an export refuses a longer one at its row and column, saying how to fix it, whatever the process's csv
bound is before and after."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from forecast.export_source import closed_rows, stage_history
from pipeline_audit.pipeline_csv import LONGEST_CELL
from playbook_cli.import_deals import Owners, _read
from playbook_cli.main import main
from sales_process.crm import resolve_mapping
from sales_process.loader import load_process
from sales_process.problems import InvalidFile
from tests.audit.helpers import ROOT
from tests.audit.test_duckdb_engine import assert_same_outputs, both_engines

HEADER = "deal,stage,amount,owner,pain-confirmed,pain-confirmed.evidence,pain-confirmed.date\n"
FIRST = "Acme,Discovery,1000,Ana,yes,Reply to the recap email,2027-02-20\n"
TOO_LONG = (
    "line 3: a cell in column 'pain-confirmed.evidence' is longer than 2,097,152 characters, the most the audit "
    "reads; shorten or remove that cell, or, if a quote in this row was opened and never closed (which makes the "
    "lines after it one cell), close it"
)


def deal_with_evidence(evidence: str) -> str:
    """A second deal whose pain-confirmed evidence is `evidence`, quoted."""
    return f'Beta,Qualifying,2000,Lee,yes,"{evidence}",2027-02-21\n'


def test_a_cell_longer_than_pythons_own_bound_is_read_alike_by_both_engines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A deal name of 140,000 characters: Python's csv bound (131,072) refused the file, which DuckDB read."""
    source = tmp_path / "export.csv"
    source.write_text(HEADER + FIRST + "B" * 140_000 + ",Qualifying,2000,Lee,no,,\n", encoding="utf-8")
    bound = csv.field_size_limit()
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert python.status == 0 and "Deals read: 2\n" in python.out
    assert csv.field_size_limit() == bound  # the process's bound, as it was


def test_a_cell_longer_than_the_longest_is_refused_at_its_row_and_column_by_both_engines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """csv's own words ('field larger than field limit (131072)'; check the quotes) named neither the cell nor
    the bound, and the quotes were fine."""
    source = tmp_path / "export.csv"
    source.write_text(HEADER + FIRST + deal_with_evidence("E" * (LONGEST_CELL + 1)), encoding="utf-8")
    for run in both_engines(capsys, source, tmp_path):
        assert run.status == 1
        assert f"{source}:{TOO_LONG.removeprefix('line ')}" in run.err.replace(":3: error: ", ":3: ")


def test_a_quote_never_closed_is_located_at_the_row_it_opens_in(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The rest of the file read as one cell: the error is at the row whose quote opened it, not where it ran out."""
    source = tmp_path / "export.csv"
    rest = "".join(f"Deal {n},Discovery,1000,Ana,no,,\n" for n in range(LONGEST_CELL // 30))
    source.write_text(HEADER + FIRST + 'Beta,Qualifying,2000,Lee,yes,"Sent the deck\n' + rest, encoding="utf-8")
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert python.status == duckdb.status == 1
    assert f"{source}:3: error: {TOO_LONG.removeprefix('line 3: ')}" in python.err
    assert python.err == duckdb.err


def test_a_line_longer_than_duckdb_reads_is_audited_by_the_python_engine_saying_why(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Each cell within the bound, the line beyond it in bytes: DuckDB refuses the line, the Python engine reads it."""
    source = tmp_path / "export.csv"
    half = "E" * (LONGEST_CELL // 2 + 1)
    source.write_text(HEADER + FIRST + f'Beta,Qualifying,2000,{half},yes,"{half}",2027-02-21\n', encoding="utf-8")
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert python.status == duckdb.status == 0
    for name in ("audit.csv", "report.html"):
        assert (duckdb.folder / name).read_bytes() == (python.folder / name).read_bytes(), name
    assert "audited with the Python engine: a line is longer than 2,097,152 bytes, the most DuckDB reads" in duckdb.err


def _import(path: Path) -> object:
    loaded = load_process(ROOT / "process.yaml")
    return _read(path, loaded, resolve_mapping(loaded.process), Owners({}, {}, "ana@example.com", create=False))


def _backtest(path: Path) -> object:
    process = load_process(ROOT / "process.yaml").process
    return closed_rows(path, process, resolve_mapping(process))


def _history(path: Path) -> object:
    process = load_process(ROOT / "process.yaml").process
    path.write_text(
        'deal,stage,date\nAcme,Discovery,2027-01-01\nBeta,Qualifying,2027-01-02,"' + "E" * (LONGEST_CELL + 1) + '"\n'
    )
    return stage_history(path, process, resolve_mapping(process))


@pytest.mark.parametrize("read", [_import, _backtest], ids=["deal-import", "backtest-export"])
def test_every_reader_of_an_export_refuses_a_cell_too_long_alike(
    tmp_path: Path, read: Callable[[Path], object]
) -> None:
    """The deal import and the backtest's export of closed deals, as the audit."""
    source = tmp_path / "export.csv"
    rows = [HEADER, FIRST, deal_with_evidence("E" * (LONGEST_CELL + 1))]
    source.write_text(
        "".join(row.replace("\n", ",2027-02-28\n") for row in rows).replace(",2027-02-28", ",close_date", 1)
    )
    bound = csv.field_size_limit()
    with pytest.raises(InvalidFile) as refused:
        read(source)
    assert [str(d) for d in refused.value.diagnostics] == [f"{source}:3: error: {TOO_LONG.removeprefix('line 3: ')}"]
    assert csv.field_size_limit() == bound


def test_a_history_cell_too_long_is_refused_at_its_row(tmp_path: Path) -> None:
    source = tmp_path / "history.csv"
    with pytest.raises(InvalidFile) as refused:
        _history(source)
    assert [d.line for d in refused.value.diagnostics] == [3]
    assert "a cell is longer than 2,097,152 characters" in str(refused.value.diagnostics[0])


def test_a_dbt_seed_with_a_cell_too_long_is_refused_as_the_audit_refuses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = tmp_path / "export.csv"
    seed.write_text(HEADER + FIRST + deal_with_evidence("E" * (LONGEST_CELL + 1)), encoding="utf-8")
    out = tmp_path / "project"
    args = ["--process", str(ROOT / "process.yaml"), "--out", str(out), "--dialect", "duckdb", "--seed", str(seed)]
    status = main(["dbt", *args])
    err = capsys.readouterr().err
    assert status == 1
    assert f"{seed}:3: error: {TOO_LONG.removeprefix('line 3: ')}" in err
