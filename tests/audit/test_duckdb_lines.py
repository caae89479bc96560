"""The DuckDB engine writes audit.csv's lines in SQL: the same bytes as safe_writer, and only the few rows Python
has more to say about cross into Python."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline_audit import audit, duckdb_engine, sql_lines
from pipeline_audit.data_rows import RowShape, grouped_report_line
from pipeline_audit.duckdb_engine import MAYBE_GROUPED_ROW
from pipeline_audit.pipeline_csv import open_pipeline, read_header, restored
from pipeline_audit.rows import RowText
from sales_process.crm import resolve_mapping
from sales_process.evidence import WHITESPACE
from sales_process.loader import load_process
from sales_process.spreadsheet import safe_writer
from tests.audit.test_duckdb_engine import assert_same_outputs, both_engines, write_rows
from tests.conftest import DEFAULT_PROCESS
from tests.support.synthetic_pipeline import AS_OF

TEXTS = [
    "",
    "Acme",
    " Acme ",
    "North, Inc.",
    'The "Best" Co',
    "=1+2",
    "'=1+2",
    "''=1+2",
    " '=x",
    "-5",
    "+3.2",
    "-1,000.50e3",
    "-١٢",  # Arabic-Indic digits: Python's \d reads them, so the cell is a number
    "-x",
    "@home",
    "\tTab",
    "\rreturn",
    "a\rb",
    "'",
    "''",
    "\u2003Ünïcode\u2003",
    "\x1cAcme\x1f",
    "\u00a0",
    "李 华",
    "line\u2028break",
    "x\u0085",
    "\ufeff=2+2",
    "\u200b'@x",
    "'\u2060-y",
    "\ufeff-5",
    "\u200bAcme",
]


def python_cell(text: str) -> str:
    """A cell as safe_writer writes it (with another cell after it: csv quotes a lone empty cell)."""
    out = io.StringIO()
    safe_writer(out).writerow([text, ""])
    return out.getvalue().removesuffix(",\r\n")


@pytest.mark.parametrize("text", TEXTS)
def test_a_cell_is_written_as_safe_writer_writes_it(text: str) -> None:
    with duckdb.connect() as connection:
        row = connection.execute(f"SELECT {sql_lines.written('CAST($1 AS VARCHAR)')}", [text]).fetchone()
    assert row is not None
    assert row[0] == python_cell(text)


@pytest.mark.parametrize("text", TEXTS)
def test_a_cell_is_read_as_row_reader_reads_it(text: str) -> None:
    with duckdb.connect() as connection:
        row = connection.execute(f"SELECT {sql_lines.typed_text('CAST($1 AS VARCHAR)')}", [text]).fetchone()
    assert row is not None
    assert row[0] == restored([text])[0].strip()


def dirty_rows() -> list[list[str]]:
    """An export whose odd rows interleave with plain ones: formulas, quotes, commas, unknown stages, closed deals,
    a second currency, non-ASCII and Python-only white space (a cell with a line break is the Python engine's:
    test_duckdb_engine)."""
    header = ["deal", "owner", "crm_id", "stage", "amount", "pain-confirmed", "pain-confirmed.evidence"]
    odd = [
        ['=HYPERLINK("x")', "@owner", "-id", "Discovery", "$1,000", "yes", "Email from the CFO"],
        ["'=1+2", "  ", " '=x", "Qualifying", "USD 2,000", "no", ""],
        ['North, "Inc."', "Ana Ruiz", "", "Negociating", "1000", "yes", "Email"],
        ["Closed deal", "Ben", "", "Closed Won", "$5,000", "", ""],
        ["Euro deal", "Ben", "", "Discovery", "€ 1,000", "yes", "Signed PDF of the NDA"],
        ["\u2003Ünïcode GmbH\u2003", "\x1cChloe\x1f", "李华", "Proposing", "", "Y", "Call notes 2027-02-01"],
        ["", "Dev", "0065g00000HrbP01", "Discovery", "-5", "x", "Email from the CFO"],
        ["a;b", "-١٢", "+3.2", "Discovery", "74.000,00", "TRUE", "see crm"],
    ]
    plain = [[f"Acme #{n}", "Grace Lee", "", "Discovery", "1000", "yes", "Email from the CFO"] for n in range(3)]
    return [header, *(row for pair in zip(odd, [plain[n % 3] for n in range(len(odd))], strict=True) for row in pair)]


@pytest.mark.parametrize("batch", [duckdb_engine.BATCH, 2])  # 2: Python's rows come in many batches
def test_the_same_files_for_a_dirty_export(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, batch: int
) -> None:
    monkeypatch.setattr(duckdb_engine, "BATCH", batch)
    source = tmp_path / "pipeline.csv"
    write_rows(source, dirty_rows())
    python, duck = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duck)
    assert "audited with the Python engine" not in duck.err


def test_only_the_rows_python_has_more_to_say_about_reach_python(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    rows = [["deal", "stage", "amount", "pain-confirmed", "pain-confirmed.evidence"]]
    rows += [[f"Deal {n}", "Discovery", "$1,000", "yes", "Email from the CFO"] for n in range(500)]
    rows[100] = ["Lost deal", "Closed Lost", "$1,000", "", ""]  # an outcome: written and summed in SQL too
    rows[200] = ["Euro deal", "Discovery", "€ 1,000", "yes", "Email"]  # another currency: refused, in words
    rows[300] = ["Typo", "Negociating", "$1,000", "yes", "Email"]
    source = tmp_path / "pipeline.csv"
    write_rows(source, rows)
    lines: list[int] = []
    original = audit.audit_row

    def counted(*args: Any) -> RowText | None:
        lines.append(args[5])
        return original(*args)

    monkeypatch.setattr(duckdb_engine, "audit_row", counted)
    python, duck = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duck)
    assert lines == [201, 301]
    with (duck.folder / "audit.csv").open(encoding="utf-8", newline="") as handle:
        assert [row["line"] for row in csv.DictReader(handle)] == [str(line) for line in range(2, 502)]


def test_the_statement_spells_each_texts_formula_check_once(tmp_path: Path) -> None:
    """Reading a cell names the restored text three times, and writing one its inert text: the engine makes
    each a column first, so the long number pattern is spelt once per text it reads (the deal, owner, CRM id
    and stage) and writes (those and the next actions), not three times."""
    source = tmp_path / "pipeline.csv"
    write_rows(source, dirty_rows())
    loaded = load_process(DEFAULT_PROCESS)
    mapping = resolve_mapping(loaded.process)
    with open_pipeline(source) as handle:
        header, _ = read_header(handle, source)
    plan = audit.plan_header(header, loaded, mapping, source, no_evidence=False)
    statement = duckdb_engine._query(plan, loaded, audit.AuditOptions(as_of=AS_OF), mapping)
    assert statement.count(sql_lines.DUCKDB.string(sql_lines._number_pattern())) == 4 + 5


GROUPED_FIRST_CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["Summit Bank", "Accounting (EMEA)", "Total Recall Inc", "Sum-Up", "avg)", "(1)", "株式会社"]),
    st.text(st.sampled_from(" \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000")),
    st.builds(
        lambda name, count, space: f"{space}{name} ({count}){space}",
        st.text(max_size=8),
        st.integers(0, 10**6),
        st.sampled_from(["", " ", "\u00a0", "\u3000", "\x1c"]),
    ),
    st.builds(
        lambda word, space, tail: f"{space}{word}{tail}{space}",
        st.sampled_from(
            [
                *("Subtotal", "SUB TOTAL", "Grand Totals", "total", "Sum", "COUNT", "Average", "avg", "ſum"),
                *("Summe", "Gesamtergebnis", "Total général", "ИТОГО", "Zwischensumme", "sous-total", "Suma końcowa"),
            ]
        ),
        st.sampled_from(["", " ", "\u00a0", "\u3000", "\x1c"]),
        st.sampled_from(["", ":", ": 1,200", " (4 records)"]),
    ),
)


@pytest.fixture(scope="module")
def connection() -> Iterator[duckdb.DuckDBPyConnection]:
    """One DuckDB connection for the module's examples."""
    with duckdb.connect() as opened:
        yield opened


@settings(max_examples=300, deadline=None)
@given(text=GROUPED_FIRST_CELLS)
def test_duckdb_hands_python_every_row_that_may_be_a_grouped_reports(
    connection: duckdb.DuckDBPyConnection, text: str
) -> None:
    """The DuckDB engine's statement reads a row itself only when its first cell that is not empty (DuckDB reads an
    empty cell as NULL) cannot start a group's heading or a subtotal, which Python tells (grouped_report_line): the
    hint, as DuckDB matches it, misses none of them."""
    shape = RowShape(width=3, deal=None, record_cells=())
    # A heading alone; a subtotal beside its figure; a subtotal after a cell Python reads as empty.
    for cells in ([text, "", ""], [text, "", "1,200"], [text, "Subtotal", "1,200"]):
        if grouped_report_line(cells, shape) is None:
            continue
        row = connection.execute(
            "SELECT REGEXP_MATCHES(COALESCE(NULLIF($1, ''), NULLIF($2, ''), NULLIF($3, '')), $4)",
            [*cells, MAYBE_GROUPED_ROW],
        ).fetchone()
        assert row is not None and row[0], cells


def test_the_white_space_the_sql_strips_is_every_character_pythons_strip_takes_off() -> None:
    every_character = map(chr, range(sys.maxunicode + 1))
    assert "".join(character for character in every_character if character.isspace()) == WHITESPACE


def test_the_digits_of_the_number_pattern_are_every_decimal_digit_of_unicode() -> None:
    expected = [code for code in range(sys.maxunicode + 1) if chr(code).isdecimal()]
    assert list(sql_lines._decimal_digits()) == expected
    assert len(expected) > 600  # Arabic-Indic, Devanagari, full-width, mathematical digits …
