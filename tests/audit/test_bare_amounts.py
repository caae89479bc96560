"""Bare numbers and an amount naming a currency in one export without a currency column: the file's first amount
sets its currency, a bare number's being none, and the two are never summed together nor relabelled (a RevOps
review: one `EUR 5000` among forty bare numbers labelled the whole pipeline EUR)."""

from __future__ import annotations

import html
from pathlib import Path

import duckdb
import pytest

from playbook_cli.main import main
from tests.audit.test_duckdb_engine import AS_OF, assert_same_outputs, both_engines
from tests.conftest import DEFAULT_PROCESS

HEADER = "Name,Pipeline Stage,Value\n"
BARE_FIRST = (
    "Fabrikam,Qualifying,1000\nNorthwind,Qualifying,2000\nLucerne,Qualifying,EUR 5000\nContoso,Qualifying,3000\n"
)
EUR_FIRST = "Lucerne,Qualifying,EUR 5000\nFabrikam,Qualifying,1000\nNorthwind,Qualifying,EUR 2000\n"


def _export(folder: Path, rows: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "copper.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_one_amount_naming_a_currency_among_bare_numbers_is_left_out_never_relabelling_them(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The bare numbers are summed unlabelled; the EUR amount is not assessed, said on screen and in the report,
    by both engines alike."""
    source = _export(tmp_path, BARE_FIRST)
    python, duckdb_run = both_engines(capsys, source, tmp_path, "--no-evidence")
    assert_same_outputs(python, duckdb_run)
    assert "EUR" not in python.out.replace("'EUR 5000'", "").split("Deals not assessed")[1].split("line 4")[0]
    assert "Open pipeline, unweighted: 6,000.00, the amounts of 3 open deals" in python.out
    reason = "amount: in EUR, but the file's first amount (line 2) names no currency; an audit sums one currency"
    assert f"line 4: {reason}" in python.out
    [lucerne] = [row for row in python.rows() if row["deal"] == "Lucerne"]
    assert lucerne["not_assessed"].startswith(reason)
    assert reason.removeprefix("amount: ") in html.unescape(python.html())


def test_bare_numbers_after_an_amount_naming_a_currency_are_not_taken_for_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The first amount names EUR: a bare number is refused, pointing at that first line, rather than summed as EUR."""
    source = _export(tmp_path, EUR_FIRST)
    python, duckdb_run = both_engines(capsys, source, tmp_path, "--no-evidence")
    assert_same_outputs(python, duckdb_run)
    assert "Open pipeline (EUR), unweighted: 7,000.00, the amounts of 2 open deals" in python.out
    assert "line 3: amount: '1000' names no currency, but the file's first amount (line 2) is in EUR" in python.out


@pytest.mark.parametrize("rows", [BARE_FIRST, EUR_FIRST], ids=["bare-first", "eur-first"])
def test_the_sql_of_the_export_sums_what_the_audit_sums(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, rows: str
) -> None:
    """`playbook sql --columns-from` reads the file's currency as the audit does: the same rows refused for their
    amount, the same weighted total."""
    source = _export(tmp_path, rows)
    options = ["--process", str(DEFAULT_PROCESS), "--as-of", AS_OF.isoformat(), "--no-evidence"]
    assert main(["audit", str(source), *options, "--out", str(tmp_path / "audit")]) == 0
    audited = capsys.readouterr().out
    assert main(["sql", "--dialect", "duckdb", "--from", "deals", "--columns-from", str(source), *options]) == 0
    statement = capsys.readouterr().out.rstrip().removesuffix(";")
    with duckdb.connect() as connection:
        connection.execute("CREATE TABLE deals AS SELECT * FROM read_csv(?, all_varchar = true)", [str(source)])
        refused = connection.execute(f"SELECT deal FROM ({statement}) WHERE not_assessed = 'amount'").fetchall()
        deals, claimed = connection.execute(
            f"SELECT count(*), sum(claimed_weighted) FROM ({statement}) WHERE claimed_weighted IS NOT NULL"
        ).fetchone() or (None, None)
    assert refused == ([("Lucerne",)] if rows == BARE_FIRST else [("Fabrikam",)])
    assert f"  total: {deals} deals, {claimed:,.2f}\n" in audited, audited
