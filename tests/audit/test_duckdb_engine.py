"""`playbook audit --engine duckdb` writes the same files and summary as the Python engine, on any input."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline_audit import duckdb_engine
from pipeline_audit.audit import AuditOptions
from playbook_cli.main import main
from sales_process.loader import load_process, parse_process
from sales_process.totals import LISTED_PROBLEMS
from tests.audit.helpers import ROOT, Run, audit
from tests.requirements.posthog import PROCESS as POSTHOG_PROCESS
from tests.support.synthetic_pipeline import write_pipeline
from tests.support.synthetic_process import write_process

AS_OF = dt.date(2027, 3, 1)
EXPORTS = Path(__file__).parent / "crm_exports"
HUBSPOT_OPTIONS = (
    "--column",
    "Record ID=crm_id",
    "--column",
    "Deal Name=deal",
    "--column",
    "Deal Stage=stage",
    "--column",
    "Amount=amount",
    "--column",
    "Deal owner=owner",
    "--column",
    "Pain confirmed=pain-confirmed",
    "--column",
    "Pain confirmed evidence=pain-confirmed.evidence",
    "--column",
    "Pain confirmed date=pain-confirmed.date",
    "--stage-name",
    "Qualified To Buy=qualifying",
    "--stage-name",
    "Decision Maker Bought-In=proposing",
    "--stage-name",
    "Appointment Scheduled=discovery",
    "--stage-name",
    "Contract Sent=negotiating",
    "--ignore-column",
    "Close Date",
    "--ignore-column",
    "Pipeline",
    "--ignore-column",
    "Create Date",
    "--ignore-column",
    "Associated Company",
    "--ignore-column",
    "Next meeting accepted",
    "--ignore-column",
    "Next meeting evidence",
    "--ignore-column",
    "Next meeting date",
    "--ignore-column",
    "Decision maker identified",
    "--ignore-column",
    "Decision maker evidence",
    "--ignore-column",
    "Budget confirmed",
    "--ignore-column",
    "Budget evidence",
    "--ignore-column",
    "Budget confirmed date",
    "--ignore-column",
    "Timeline agreed",
    "--ignore-column",
    "Timeline evidence",
    "--ignore-column",
    "Timeline agreed date",
)
PROCESS = load_process(ROOT / "process.yaml")
# The default process's outcomes a buyer confirms (those with a buyer_statement); two of them wait for the buyer.
BUYERS = tuple(milestone.id for _, milestone in PROCESS.process.milestones() if milestone.buyer_statement)
REQUIRED = ("timeline-agreed", "pricing-agreeable")


def with_required_confirmation(text: str) -> str:
    """process.yaml with `confirmation: required` on the REQUIRED milestones."""
    for milestone_id in REQUIRED:
        text = text.replace(
            f"      - id: {milestone_id}\n", f"      - id: {milestone_id}\n        confirmation: required\n", 1
        )
    return text


BUYER_PROCESS = parse_process(
    with_required_confirmation((ROOT / "process.yaml").read_text(encoding="utf-8")).encode(), "buyer.yaml"
)
SAME_FILES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
# Around every expiry of the default process: the last day it counts, the first it does not.
AGES = sorted({m.max_age_days for _, m in PROCESS.process.milestones() if m.max_age_days})
BOUNDARY_DATES = [(AS_OF - dt.timedelta(days=age + shift)).isoformat() for age in AGES for shift in (-1, 0, 1)]
CELLS = {  # cells every engine reads: white space, any case, unicode, quotes, placeholders, dates around expiry
    "deal": ["Acme", " Acme ", "Ünïcode GmbH", "North, Inc.", 'The "Best" Co'],
    "owner": ["", "Ana Ruiz", " Ben "],
    "crm_id": ["", "0065g00000HrbP01", " 18392048311 "],
    "stage": [
        "",
        "discovery",
        "Qualifying",
        " NEGOTIATING ",
        "Closed Won",
        "closed-won",
        "\u00a0Proposing",
        "qualified to buy",
        "CONTRACT SENT",
        "STRASSE",
        "straße",
        "1-Discovery",  # a CRM's numbered stages (GitLab's '3-Technical Evaluation')
        "03 - Proposing",
        "6-Closed Won",
        "8-Closed Lost",
        "Closed Lost",
        "Disqualified",
        "2. Qualifying2",  # numbered, but no stage after the number
        "１-Discovery",  # a full-width digit is no stage number
    ],
    "amount": [
        "",
        "120000",
        "120,000.50",
        "$59,500",
        "€ 1,000",
        " 42 ",
        "0",
        "1,000",
        "USD 120 000",
        "74.000,00 €",
        "120 000,50",
        "1.250.000,00",
        "15.000",
        "15,000",
        "1 200.000",
        "0042",
        "1000.5",
        "0.125",
        "14,40,000.00",  # India's lakhs
        "₹ 1,00,00,000",
        "1,2,000",
    ],
    "answer": [
        "",
        "yes",
        "Y",
        " no ",
        "TRUE",
        "x",
        "1",
        "0",
        "\u3000yes",
        "Yes ",
        "n",
        "False",
        "checked",
        "Unchecked",
        "ON",
        "off",
        "WAHR",
        "falsch",
        "Oui",
        "NON",
        "sí",
        "SÍ",
        "Sì",
        "não",
        "nee",
        " ja",
    ],
    "evidence": [
        *("", " ", "TBD", "Email from the CFO", "n/a.", "İİİ", "ab", "see   crm", "signed PDF, 2027-02-03"),
        *("\u201csee CRM\u201d", "\u00ab \u00e0 venir \u00bb", "\u200b" * 5, "\u200b\u200bTBD", "PO\u00ad4711"),
    ],
    "date": [
        "",
        "2027-03-01",
        "2027-03-02",
        "2026-12-01",
        *BOUNDARY_DATES,
        "23.02.2027",
        "23/02/2027",
        "03/02/2027",
        "2/23/2027",
        "2027-02-03 10:15",
        "2027-02-03T10:15:00Z",
        "23/02/27",  # a two-digit year: the summary counts it, whichever engine reads the row
        # The month as a word, as spreadsheets and CRMs format dates (a two-digit year counted too)
        "05-Dec-2026",
        "5-Dec-26",
        "Feb 3, 2027",
        "FEB. 3, 2027 10:15 AM",
        "3. März 2027",
        "12 janv. 2027",
        "1 MRZ\u00a027",
        "3 de febrero de 2027",
        "February 3rd, 2027",
        # Year first, not ISO (Japanese, Chinese and Korean settings)
        "2027/2/3",
        "2027.02.03",
        "2027-2-3",
    ],
    "close_date": ["", "2027-01-15", "2026-11-30", "15/01/27", "Jan 15, 2027", "2027-01-15 10:15"],
    "lost_date": ["", "", "2027-01-10", "10/01/27", "Jan 10, 2027"],
    "confirmed_by": [
        "",
        "",
        "Dana Buyer <dana@fabrikam.example>",
        " Dana Buyer <dana@fabrikam.example> ",
        "José García<jg@b.co>",
        "李 华\u00a0<li@例子.中国>",
        "Anne-Marie (CFO) <am@x.example>",
        "x@y <x@y.example>",
    ],
}
BAD_CELLS = {  # cells the audit refuses (or reads only with the Python parsers): the row keeps its line and reason
    "close_date": ["2027-02-30", "01/02/2027", "March 1"],
    "lost_date": ["2027-02-30", "March 1"],
    "deal": ["", "  "],
    "owner": ["\u2028"],
    "crm_id": ["\u00a0"],
    "stage": ["Negociating", "Closed"],
    "amount": ["12k", "-5", "120,5", "9" * 400, "١٢٣"],
    "answer": ["maybe", "jein", "oui!", "\u00a0"],
    "evidence": ["\u3000"],
    "date": [
        "2027-02-30",
        "01/02/2027",
        " 2027-01-01",
        "0000-01-01",
        "2027/2/30",
        "31-Feb-2027",
        "March 1",
        "Feb 32027",
    ],
    "confirmed_by": [
        "Dana",
        "<d@x.example>",
        "Dana <d>",
        "Dana <d@x.example> CFO",
        "Dana <d @x.example>",
        "Dana <<d@x.example>>",
    ],
}


def columns_of(milestone_id: str, part: str) -> str:
    """The audit's name of a milestone's answer, evidence, date or buyer column."""
    return milestone_id if part == "answer" else f"{milestone_id}.{part}"


@st.composite
def exports(draw: st.DrawFn, buyers: bool = False) -> list[list[str]]:
    """A CRM export of the default process: some optional columns left out, tricky cells, now and then a blank row.

    With `buyers`, with `.confirmed_by` columns for the buyer statements (read with BUYER_PROCESS).
    """
    fields = ("owner", "crm_id", "stage", "amount", "close_date", "lost_date")
    header = ["deal", *(name for name in fields if draw(st.booleans()))]
    parts: list[tuple[str, str]] = []
    for index, (_, milestone) in enumerate(PROCESS.process.milestones()):
        if index and draw(st.integers(0, 4)) == 0:
            continue  # the audit refuses an export with no milestone column: the first always has one
        if buyers and milestone.id in BUYERS and draw(st.integers(0, 3)):  # as `playbook deals export` writes them
            parts += [(milestone.id, part) for part in ("answer", "evidence", "date", "confirmed_by")]
            continue
        parts += [
            (milestone.id, part) for part in ("answer", "evidence", "date") if part == "answer" or draw(st.booleans())
        ]
    header += [columns_of(milestone_id, part) for milestone_id, part in parts]
    kinds = [name if name in CELLS else "" for name in header[: len(header) - len(parts)]] + [part for _, part in parts]
    rows = [header]
    for _ in range(draw(st.integers(1, 25))):
        first = len(rows) == 1  # a deal first: an export with a header but no deals is refused
        if not first and draw(st.integers(0, 12)) == 0:
            rows.append([""] * len(header))
            continue
        # Mostly clean rows, so that most go through the SQL; a bad cell now and then.
        row = [
            draw(st.sampled_from(BAD_CELLS[kind] if not first and draw(st.integers(0, 40)) == 0 else CELLS[kind]))
            for kind in kinds
        ]
        if buyers and draw(st.booleans()):
            _buyers_answered(draw, header, row)
        rows.append(row)
    return rows


def _buyers_answered(draw: st.DrawFn, header: list[str], row: list[str]) -> None:
    """A deal as `playbook deals export` writes it: mostly yes, dated within the expiries, and buyers as Name <email>."""
    dates = ["2027-02-20", "2027-02-25", "2027-03-01", "2027-02-27", "2027-03-01", "2027-03-02", "2026-10-01"]
    for _, milestone in PROCESS.process.milestones():
        if milestone.id not in header:
            continue
        row[header.index(milestone.id)] = draw(st.sampled_from(["yes", "yes", "yes", "Y", "x", "no"]))
        for part, cells in (("evidence", ["Email from the CFO", "signed PDF, 2027-02-03"]), ("date", dates)):
            if f"{milestone.id}.{part}" in header:
                row[header.index(f"{milestone.id}.{part}")] = draw(st.sampled_from(cells))
        if f"{milestone.id}.confirmed_by" in header:
            row[header.index(f"{milestone.id}.confirmed_by")] = draw(st.sampled_from(CELLS["confirmed_by"][1:]))


def both_engines(
    capsys: pytest.CaptureFixture[str], source: Path, folder: Path, *args: str, process: Path = ROOT / "process.yaml"
) -> tuple[Run, Run]:
    """Audit `source` with each engine into its own folder."""
    runs = []
    for engine in ("python", "duckdb"):
        status = main(
            [
                "audit",
                str(source),
                "--as-of",
                AS_OF.isoformat(),
                "--engine",
                engine,
                *args,
                "--process",
                str(process),
                "--out",
                str(folder / engine),
            ]
        )
        captured = capsys.readouterr()
        runs.append(Run(status, captured.out, captured.err, folder / engine))
    return runs[0], runs[1]


def assert_same_outputs(python: Run, duckdb: Run) -> None:
    """The same exit status, summary, audit.csv and report.html."""
    assert duckdb.status == python.status  # 1 when most rows are not assessed: the files are written all the same
    assert duckdb.out.replace(str(duckdb.folder), "OUT") == python.out.replace(str(python.folder), "OUT")
    for name in ("audit.csv", "report.html"):
        assert (duckdb.folder / name).read_bytes() == (python.folder / name).read_bytes(), name


def audited_alike(capsys: pytest.CaptureFixture[str], folder: Path, text: str) -> Run:
    """Audit an export of `text` with both engines, check they write the same, and return the Python engine's run."""
    source = folder / "pipeline.csv"
    source.write_text(text)
    python, duckdb = both_engines(capsys, source, folder)
    assert_same_outputs(python, duckdb)
    assert "audited with the Python engine" not in duckdb.err
    return python


def write_rows(path: Path, rows: list[list[str]]) -> None:
    """Write rows as a CRM would export them."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


# A CRM's names for the columns and stages, under crm: in process.yaml: the SQL reads the same columns as the audit.
CRM_BLOCK = """crm:
  name: HubSpot
  columns: {deal: Deal Name, crm_id: Record ID, stage: Deal Stage, amount: Amount, owner: Deal owner}
  stage_names: {Qualified To Buy: qualifying, Contract Sent: negotiating, Straße: proposing}
  milestones:
    pain-confirmed: {met: Pain confirmed, evidence: Pain confirmed evidence, date: Pain confirmed date}
    budget-confirmed: Budget confirmed
"""
CRM_COLUMNS = "columns: {deal: Deal Name, crm_id: Record ID, stage: Deal Stage, amount: Amount, owner: Deal owner}"
CRM_FIELDS = ("deal", "crm_id", "stage", "amount", "owner")
CRM_NAMES = {
    "deal": "Deal Name",
    "crm_id": "Record ID",
    "stage": "Deal Stage",
    "amount": "Amount",
    "owner": "Deal owner",
    "pain-confirmed": "Pain confirmed",
    "pain-confirmed.evidence": "Pain confirmed evidence",
    "pain-confirmed.date": "Pain confirmed date",
    "budget-confirmed": "Budget confirmed",
}


# How the export writes amounts and dates, as the options say it (the vocabulary's rules, in both engines).
READINGS = st.sampled_from(
    [(), ("--decimal-comma",), ("--day-first",), ("--month-first",), ("--decimal-comma", "--day-first")]
)


# The close dates counted as outcomes (--from, --to): closed deals outside them are counted apart.
PERIODS = st.sampled_from(
    [(), ("--from", "2026-12-01"), ("--to", "2027-01-15"), ("--from", "2027-01-01", "--to", "2027-03-01")]
)


@pytest.mark.slow
@SAME_FILES
@given(
    st.booleans().flatmap(lambda buyers: st.tuples(st.just(buyers), exports(buyers))), READINGS, PERIODS, st.booleans()
)
def test_the_same_files_for_any_export(
    capsys: pytest.CaptureFixture[str],
    export: tuple[bool, list[list[str]]],
    options: tuple[str, ...],
    period: tuple[str, ...],
    crm: bool,
) -> None:
    buyers, rows = export
    with tempfile.TemporaryDirectory() as folder:
        source, process_path = Path(folder) / "pipeline.csv", ROOT / "process.yaml"
        text = (ROOT / "process.yaml").read_text(encoding="utf-8")
        if buyers:  # two outcomes wait for the buyer, and the export has the buyers' columns
            text = with_required_confirmation(text)
        if crm:  # the CRM's names in the header, read through the crm: block
            names = {**CRM_NAMES, "pain-confirmed.confirmed_by": "Pain confirmed buyer"} if buyers else CRM_NAMES
            # A deal field mapped to a column the export lacks is an error: map only the fields present.
            present = ", ".join(f"{key}: {CRM_NAMES[key]}" for key in CRM_FIELDS if key in rows[0])
            rows = [[names.get(name, name) for name in rows[0]], *rows[1:]]
            block = CRM_BLOCK.replace(CRM_COLUMNS, f"columns: {{{present}}}")
            text += "\n" + (
                block.replace(
                    "date: Pain confirmed date}", "date: Pain confirmed date, confirmed_by: Pain confirmed buyer}"
                )
                if buyers
                else block
            )
        if buyers or crm:
            path = Path(folder) / "process.yaml"
            path.write_text(text, encoding="utf-8")
            process_path = path
        write_rows(source, rows)
        python, duckdb = both_engines(capsys, source, Path(folder), *options, *period, process=process_path)
        assert_same_outputs(python, duckdb)
        # A fall-back to the Python engine says so on stderr: equal stderr means DuckDB audited the file itself.
        assert "audited with the Python engine" not in duckdb.err
        assert duckdb.err == python.err


@pytest.mark.slow
def test_the_same_files_for_the_synthetic_pipeline(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "pipeline.csv"
    # 10 MB: DuckDB reads a CSV in 8 MB parts on parallel threads, and rows must come out in the file's order.
    write_pipeline(source, PROCESS.process, 30_000, bad_rows=True)
    assert source.stat().st_size > 9_000_000
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert "Deals not assessed: 0" not in python.out  # the synthetic export has rows that cannot be assessed


def test_a_small_file_planned_without_the_costliest_optimisers_gives_the_same_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "pipeline.csv"
    write_pipeline(source, PROCESS.process, 1_500, bad_rows=True)
    assert source.stat().st_size < duckdb_engine.LIGHT_PLAN_BYTES
    python, light = both_engines(capsys, source, tmp_path / "light")
    monkeypatch.setattr(duckdb_engine, "LIGHT_PLAN_BYTES", 0)
    _, full = both_engines(capsys, source, tmp_path / "full")
    assert "Python engine" not in light.err + full.err
    assert_same_outputs(python, light)  # and so the same as the full plan's
    assert_same_outputs(light, full)
    # The light plan is asked for: DuckDB refuses an optimiser it does not know, and the file goes to Python.
    monkeypatch.setattr(duckdb_engine, "LIGHT_PLAN_BYTES", 1 << 30)
    monkeypatch.setattr(duckdb_engine, "LIGHT_PLAN_OPTIMIZERS", ("no_such_optimizer",))
    with pytest.raises(duckdb_engine.NotForDuckDB, match="no_such_optimizer"):
        duckdb_engine.audit_with_duckdb(source, PROCESS, AuditOptions(as_of=AS_OF), tmp_path / "audit.csv")


def test_the_audits_rows_in_any_order_give_the_files_lines_in_the_files_order(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # DuckDB assesses the rows on several threads, in no order: here the last row of the file comes first.
    query = duckdb_engine._query
    monkeypatch.setattr(duckdb_engine, "_query", lambda *args: f"SELECT * FROM ({query(*args)}) ORDER BY file_row DESC")
    source = tmp_path / "pipeline.csv"
    write_pipeline(source, PROCESS.process, 40, bad_rows=True)
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert duckdb.err == ""


def test_semicolons_and_a_bom(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "pipeline.csv"
    source.write_bytes(
        "\ufeffdeal;stage;amount;pain-confirmed;pain-confirmed.evidence\r\nAcme;Discovery;1.000,50;yes;Email\r\n"
        "Beta;discovery;1000;y;Signed PDF of the NDA\r\n".encode()
    )
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)


def test_amounts_weighted_to_the_cent_half_to_even_by_both_engines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """2090.075 is a tie, weighted to the even cent (2090.08) where a double's product gave 2090.07; an amount of
    more digits than a double holds (the last two) is read by Python in the DuckDB engine too: the same cents."""
    amounts = ["20900.75", "383,250.75", "1.05", "1234.565", "0.0051", "1234.5650000000000001", "999999999999999.95"]
    source = tmp_path / "pipeline.csv"
    source.write_text(
        "deal,stage,amount,pain-confirmed,pain-confirmed.evidence,pain-confirmed.date\n"
        + "".join(f'D{n},Discovery,"{amount}",yes,Reply from the CFO,2027-02-01\n' for n, amount in enumerate(amounts))
    )
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    rows = list(csv.DictReader((python.folder / "audit.csv").read_text(encoding="utf-8").splitlines()))
    assert [(row["amount"], row["claimed_weighted"], row["verified_weighted"]) for row in rows[:5]] == [
        ("20900.75", "2090.08", "2090.08"),
        ("383250.75", "38325.08", "38325.08"),
        ("1.05", "0.10", "0.10"),
        ("1234.56", "123.46", "123.46"),
        ("0.01", "0.00", "0.00"),
    ]


def test_a_dash_alone_is_no_amount_in_both_engines(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Excel's accounting zero (a dash alone, or an en or em dash) is a blank amount: the open deal is assessed
    without one, the won one counted without one, not refused nor "with an amount not summed"."""
    source = tmp_path / "pipeline.csv"
    source.write_text(
        "deal,stage,amount,pain-confirmed,pain-confirmed.evidence\n"
        "Acme,Discovery, - ,yes,Reply from the CFO\nBeta,Discovery,\u2013,yes,Reply from the CFO\n"
        "Gamma,Closed Won,\u2014,,\nDelta,Discovery,1000,yes,Reply from the CFO\n"
    )
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert "Deals assessed: 3\n" in python.out and "not summed" not in python.out
    assert "(1 without an amount)" in python.out
    rows = list(csv.DictReader((python.folder / "audit.csv").read_text(encoding="utf-8").splitlines()))
    assert [(row["amount"], row["not_assessed"]) for row in rows] == [("", "")] * 3 + [("1000.00", "")]


def test_vertical_bars(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A database's or mainframe's export separates its columns with '|': the header was read as one column."""
    python = audited_alike(
        capsys,
        tmp_path,
        "deal|stage|amount|pain-confirmed|pain-confirmed.evidence\nAcme, Inc.|Discovery|1,000.50|yes|Email\n"
        'Beta|discovery|"2|000"|y|Signed PDF of the NDA\n',
    )
    assert "Deals read: 2\n" in python.out and "Deals not assessed: 1\n" in python.out  # '2|000' is no amount


def test_a_closed_deal_at_a_stage_of_the_process_is_named_as_an_open_one_is(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A German CRM's `Abschließen` mapped to negotiating: claimed_stage said 'Negotiating' for an open deal and
    'Abschließen' for a won one, so a pivot on it split one stage in two."""
    process = tmp_path / "process.yaml"
    process.write_text(
        (ROOT / "process.yaml").read_text(encoding="utf-8") + "crm:\n  stage_names:\n    Abschließen: negotiating\n",
        encoding="utf-8",
    )
    source = tmp_path / "pipeline.csv"
    source.write_text(
        "deal,stage,amount,status,close_date\nA,Abschließen,1000,Open,\nB,Abschließen,2000,Won,2026-11-20\n"
        "C,Closed Won,3000,Won,2026-11-21\nD,Lost to a rival,500,Lost,2026-11-02\n",
        encoding="utf-8",
    )
    python, duckdb = both_engines(capsys, source, tmp_path, "--no-evidence", process=process)
    assert_same_outputs(python, duckdb)
    assert "audited with the Python engine" not in duckdb.err
    with (python.folder / "audit.csv").open(encoding="utf-8", newline="") as handle:
        named = [(row["claimed_stage"], row["claimed_stage_id"], row["outcome"]) for row in csv.DictReader(handle)]
    assert named == [
        ("Negotiating", "negotiating", "open"),
        ("Negotiating", "negotiating", "won"),
        ("Closed Won", "closed-won", "won"),
        ("Lost to a rival", "", "lost"),  # no stage of the process: as the export wrote it
    ]


def test_deals_closed_after_the_as_of_date_are_counted_closed_and_said_to_be(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An export made after the date the audit is as of: its won and lost deals are the export's word, said so."""
    source = tmp_path / "pipeline.csv"
    after = (AS_OF + dt.timedelta(days=1)).isoformat()
    source.write_text(
        "deal,stage,amount,status,close_date\nA,negotiating,1000,Open,\n"
        f"B,negotiating,2000,Won,{after}\nC,negotiating,3000,Lost,{AS_OF.isoformat()}\n",
        encoding="utf-8",
    )
    python, duckdb = both_engines(capsys, source, tmp_path, "--no-evidence")
    assert_same_outputs(python, duckdb)
    assert "audited with the Python engine" not in duckdb.err
    note = f"1 deal closed after {AS_OF.isoformat()}, the date the audit is as of, is counted closed as the export says"
    assert f"  note: {note} (it was made later)\n" in python.out  # C closed on the day itself: not after it
    assert note in (python.folder / "report.html").read_text(encoding="utf-8")


def test_a_cell_spanning_lines_is_left_to_the_python_engine(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "pipeline.csv"
    write_rows(
        source,
        [
            ["deal", "stage", "pain-confirmed", "pain-confirmed.evidence"],
            ["Acme", "qualifying", "yes", "Email\nfrom the CFO"],
            ["Beta", "discovery", "no", ""],
        ],
    )
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert duckdb.err == (
        "playbook audit: warning: audited with the Python engine: "
        "some rows span several lines, or the file has blank lines; delete the blank lines to audit it on DuckDB "
        "(a cell written over several lines needs the Python engine)\n"
    )


@pytest.mark.slow  # 232 columns on DuckDB: seconds: ./scripts/test --quick leaves it out
def test_a_wide_file_audits_on_duckdb_and_memory_limit_sets_duckdbs_limit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # 232 columns: DuckDB needs a block (256 KiB) per column and thread, more than 32 MB on any number of threads
    process = write_process(tmp_path / "process.yaml", 20, 4)
    source = tmp_path / "pipeline.csv"
    write_pipeline(source, load_process(process).process, 2_000)
    python, duck = both_engines(capsys, source, tmp_path, process=process)
    assert_same_outputs(python, duck)
    assert "audited with the Python engine" not in duck.err
    limited = tmp_path / "limited"
    arguments = ["audit", str(source), "--as-of", AS_OF.isoformat(), "--process", str(process), "--out", str(limited)]
    assert main([*arguments, "--engine", "duckdb", "--memory-limit", "32MB"]) == 0
    err = capsys.readouterr().err
    assert "audited with the Python engine: DuckDB ran out of memory (" in err
    assert err.rstrip().endswith("; give it more with --memory-limit"), err
    assert (limited / "audit.csv").read_bytes() == (python.folder / "audit.csv").read_bytes()


def test_a_memory_limit_auto_leaves_unused_is_said(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = audit(capsys, tmp_path, str(ROOT / "examples" / "pipeline.csv"), "--memory-limit", "1GB")
    assert run.status == 0
    assert run.err == (
        "playbook audit: warning: --memory-limit was not used: the file is under 4 MB, so the Python engine "
        "audited it; --engine duckdb audits it on DuckDB\n"
    )


@pytest.mark.parametrize(
    "content",
    [
        b"deal,stage\nAcme,discovery,extra\n",
        b"deal,stage\n\nAcme,discovery\n",
        b'deal,stage\n"Acme,discovery\n',
        b'deal,stage\n"Ac\rme",discovery\nBeta,discovery\n',  # csv numbers a lone carriage return as a line
        b"deal,st\xe9ge\nAcme,discovery\n",
        b"deal,stage\nAcme,discov\xe9ry\n",
        b"deal,stage\n",
        b"",
    ],
)
def test_files_duckdb_cannot_number_fall_back_with_the_same_outputs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes
) -> None:
    source = tmp_path / "pipeline.csv"
    source.write_bytes(content)
    runs = [
        audit(capsys, tmp_path / engine, str(source), "--as-of", AS_OF.isoformat(), "--engine", engine)
        for engine in ("python", "duckdb")
    ]
    assert runs[1].status == runs[0].status
    assert runs[1].out.replace(str(runs[1].folder), "OUT") == runs[0].out.replace(str(runs[0].folder), "OUT")
    if runs[0].status == 0:
        assert (runs[1].folder / "audit.csv").read_bytes() == (runs[0].folder / "audit.csv").read_bytes()
    else:
        assert runs[1].err == runs[0].err


@pytest.mark.parametrize(
    ("crm_block", "export", "options"),
    [
        ("salesforce.yaml", "salesforce.csv", ()),  # quoted cells, USD amounts, month-first dates, a footer
        ("hubspot.yaml", "hubspot.csv", ()),  # CRM column and stage names, true/false, ISO date-times
        (None, "hubspot.csv", HUBSPOT_OPTIONS),  # the same mapping on the command line
        (None, "european.csv", ("--decimal-comma",)),  # semicolons, 74.000,00 €, 23.02.2027
        (None, "european.csv", ()),  # refused row by row, with the same reasons
    ],
)
def test_the_same_files_for_the_crm_exports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, crm_block: str | None, export: str, options: tuple[str, ...]
) -> None:
    process = ROOT / "process.yaml"
    if crm_block is not None:
        process = tmp_path / "process.yaml"
        process.write_text(
            (ROOT / "process.yaml").read_text(encoding="utf-8")
            + "\n"
            + (EXPORTS / crm_block).read_text(encoding="utf-8"),
            encoding="utf-8",
        )
    runs = both_engines(capsys, EXPORTS / export, tmp_path, *options, process=process)
    assert runs[1].status == runs[0].status
    assert runs[1].out.replace(str(runs[1].folder), "OUT") == runs[0].out.replace(str(runs[0].folder), "OUT")
    for name in ("audit.csv", "report.html"):
        assert (runs[1].folder / name).read_bytes() == (runs[0].folder / name).read_bytes(), name


@pytest.mark.parametrize(("threshold", "engine"), [(10**12, "python"), (1, "duckdb")])
def test_auto_picks_duckdb_from_the_measured_size(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, threshold: int, engine: str
) -> None:
    source = tmp_path / "pipeline.csv"
    write_pipeline(source, PROCESS.process, 50)
    used: list[str] = []
    monkeypatch.setattr(duckdb_engine, "AUTO_DUCKDB_BYTES", threshold)

    def recording(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def engine_called(*args: Any) -> Any:
            used.append(name)
            return original(*args)

        return engine_called

    for name in ("audit_with_duckdb", "audit_pipeline"):
        monkeypatch.setattr(duckdb_engine, name, recording(name, getattr(duckdb_engine, name)))
    duckdb_engine.run_audit("auto", source, PROCESS, AuditOptions(as_of=AS_OF), tmp_path / "audit.csv")
    assert used == ["audit_with_duckdb" if engine == "duckdb" else "audit_pipeline"]


def test_evidence_dated_at_the_ends_of_the_calendar(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """9999-12-31 on a milestone counting for 90 days: its stale day is past the last date there is (the app's
    check gave a 500 on it). Both engines read it, and 0001-01-01, alike: in the future, and too old."""
    source = tmp_path / "pipeline.csv"
    source.write_text(
        "deal,stage,amount,pain-confirmed,pain-confirmed.evidence,pain-confirmed.date\n"
        "Acme,Qualifying,1000,yes,Reply to the recap email,9999-12-31\n"
        "Beta,Qualifying,1000,yes,Reply to the recap email,0001-01-01\n"
        "Gamma,Qualifying,1000,yes,Reply to the recap email,9999-10-01\n"
    )
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert "audited with the Python engine" not in duckdb.err
    assert "Deals assessed: 3\n" in python.out and "Deals ahead of their evidence: 3 " in python.out


# Evidence pasted from Word or a mail: placeholders in typographic quotes, characters that show nothing, and real
# evidence among them. Each row claims Qualifying, reached when Discovery's two outcomes are verified: the
# meeting's is, the pain's depends on the evidence pasted.
PASTED_EVIDENCE = {
    "\u201csee CRM\u201d": False,
    "\u201cTBD\u201d": False,
    "\u00ab \u00e0 venir \u00bb": False,
    "\u201efolgt\u201c": False,
    "\u200b" * 5: False,
    "\u00ad" * 4: False,
    "\ufeff" * 4: False,
    "\u200b\u200bTBD": False,
    "\u201cReply to the recap email\u201d": True,
    "Reply\u200b to the recap email": True,
}


def test_pasted_evidence_is_read_alike_by_both_engines(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """“see CRM” in Word's quotes, or zero-width spaces alone, verify nothing in either engine, and both write the
    same files."""
    source = tmp_path / "pipeline.csv"
    header = ["deal", "stage", "amount", "pain-confirmed", "pain-confirmed.evidence", "pain-confirmed.date"]
    header += ["next-meeting-accepted", "next-meeting-accepted.evidence", "next-meeting-accepted.date"]
    meeting = ["yes", "Accepted invitation, attendees listed", "2027-02-21"]
    rows = [header]
    rows += [
        [f"D{n}", "Qualifying", "1000", "yes", text, "2027-02-20", *meeting] for n, text in enumerate(PASTED_EVIDENCE)
    ]
    write_rows(source, rows)
    python, duckdb = both_engines(capsys, source, tmp_path)
    assert_same_outputs(python, duckdb)
    assert "audited with the Python engine" not in duckdb.err
    with (python.folder / "audit.csv").open(encoding="utf-8", newline="") as handle:
        verified = {row["deal"]: row["verified_stage"] for row in csv.DictReader(handle)}
    assert verified == {
        f"D{index}": "Qualifying" if counts else "Discovery" for index, counts in enumerate(PASTED_EVIDENCE.values())
    }


def test_a_misspelt_segment_is_warned_of_once_per_spelling_by_both_engines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A segment a typo of one the process names (two letters swapped, a letter dropped) would silently leave out
    that segment's milestones: each spelling is warned of once, with its open deals and the first one's line; a
    segment the process does not name (SMB) and a closed deal's are not."""
    process = tmp_path / "process.yaml"
    process.write_text(
        POSTHOG_PROCESS.replace("[Enterprise, Mid-Market]", "[IDN, Academic Medical Center]"), encoding="utf-8"
    )
    source = tmp_path / "pipeline.csv"
    source.write_text(
        "deal,stage,amount,segment,pain-confirmed,pain-confirmed.evidence\n"
        "A,Commercial Negotiation,30000,SMB,yes,Reply to the recap\n"
        "B,Commercial Negotiation,30000,Acadmic Medical Center,yes,Reply to the recap\n"
        "C,Commercial Negotiation,30000,IND,yes,Reply to the recap\n"
        "D,Closed Won,30000,IDn,,\n"
        "E,Commercial Negotiation,30000,ind,yes,Reply to the recap\n"
        "F,Commercial Negotiation,30000,idn,yes,Reply to the recap\n"
    )
    python, duckdb = both_engines(capsys, source, tmp_path, process=process)
    assert_same_outputs(python, duckdb)
    warned = [line for line in python.err.splitlines() if "segment" in line]
    assert warned == [
        "playbook audit: warning: segment 'IND' (2 open deals, the first on line 4) is not a segment the process "
        "names; did you mean 'IDN'? Its deals were assessed without the milestones required only in 'IDN' or "
        "'Academic Medical Center' or 'Enterprise': correct the segment in the CRM and export again",
        "playbook audit: warning: segment 'Acadmic Medical Center' (1 open deal, on line 3) is not a segment the "
        "process names; did you mean 'Academic Medical Center'? Its deals were assessed without the milestones "
        "required only in 'IDN' or 'Academic Medical Center' or 'Enterprise': correct the segment in the CRM and "
        "export again",
    ]
    assert [line for line in duckdb.err.splitlines() if "segment" in line] == warned


def test_a_misspelt_segment_warning_quotes_every_name_one_way(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The spelling, the segment meant and the segments named were quoted three ways (quoted, repr, bare): an
    apostrophe or a backslash in a name showed differently in each."""
    process = tmp_path / "process.yaml"
    process.write_text(
        POSTHOG_PROCESS.replace("[Enterprise, Mid-Market]", """["O'Hare \\\\ Ent", 'Mid"Market']"""), encoding="utf-8"
    )
    source = tmp_path / "pipeline.csv"
    source.write_text(
        "deal,stage,amount,segment,pain-confirmed,pain-confirmed.evidence\n"
        "A,Commercial Negotiation,30000,ohare \\ ent,yes,Reply to the recap\n"
    )
    python, duckdb = both_engines(capsys, source, tmp_path, process=process)
    warned = [line for line in python.err.splitlines() if "segment" in line]
    assert warned == [
        "playbook audit: warning: segment 'ohare \\\\ ent' (1 open deal, on line 2) is not a segment the process "
        'names; did you mean "O\'Hare \\\\ Ent"? Its deals were assessed without the milestones required only in '
        "\"O'Hare \\\\ Ent\" or 'Mid\"Market' or 'Enterprise': correct the segment in the CRM and export again",
    ]
    assert [line for line in duckdb.err.splitlines() if "segment" in line] == warned


def test_both_engines_name_the_open_deals_not_weighted_alike(tmp_path: Path) -> None:
    """The open deals without an amount or a claimed stage, named by line with what they lack (as /pipeline lists
    saved ones): the same from either engine; a closed deal and one weighted are not among them."""
    source = tmp_path / "pipeline.csv"
    source.write_text(
        "deal,stage,amount,pain-confirmed,pain-confirmed.evidence\n"
        "Weighed,Discovery,1000,yes,Reply from the CFO\nNo amount,Discovery,,,\nNo stage,,500,,\n"
        "Neither,,,,\nWon,Closed Won,,,\n"
    )
    named = []
    for engine in ("python", "duckdb"):
        result = duckdb_engine.run_audit(engine, source, PROCESS, AuditOptions(as_of=AS_OF), tmp_path / f"{engine}.csv")
        named.append([(deal.line, deal.deal, deal.reason) for deal in result.totals.not_weighted_named()])
        assert result.totals.not_weighted == 3
    assert named[1] == named[0]
    assert named[0] == [
        (3, "No amount", "without an amount"),
        (4, "No stage", "without a claimed stage"),
        (5, "Neither", "without an amount, without a claimed stage"),
    ]


def test_the_open_deals_not_weighted_named_are_the_first_by_line_and_the_others_counted(tmp_path: Path) -> None:
    source = tmp_path / "pipeline.csv"
    rows = "".join(f"Deal {number},Discovery,,,\n" for number in range(LISTED_PROBLEMS + 2))
    source.write_text("deal,stage,amount,pain-confirmed,pain-confirmed.evidence\n" + rows)
    for engine in ("python", "duckdb"):
        totals = duckdb_engine.run_audit(engine, source, PROCESS, AuditOptions(as_of=AS_OF), tmp_path / "a.csv").totals
        assert totals.not_weighted == LISTED_PROBLEMS + 2
        named = totals.not_weighted_named()
        assert [deal.line for deal in named] == list(range(2, LISTED_PROBLEMS + 2)), engine


def test_a_sum_over_deals_none_weighted_says_not_weighted_from_both_engines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """report.html gave a rep whose only deal has no amount "0.00" claimed, verified and inflation, and a stage whose
    deals all lack one "0.00" weighted: read as weighed and on the mark. A stage with no deal still reads 0.00."""
    python = audited_alike(
        capsys,
        tmp_path,
        "deal,owner,stage,amount,pain-confirmed,pain-confirmed.evidence\n"
        "Weighed,Ana,Discovery,1000,yes,Reply from the CFO\nNo amount,Bo,Qualifying,,,\n",
    )
    report = (python.folder / "report.html").read_text(encoding="utf-8")

    def row(table: str, heading: str) -> str:
        start = report.index(f'<table id="{table}"')
        found = report.index(f">{heading}<", start)
        return report[found : report.index("</tr>", found)]

    bo = row("owners", "Bo")
    assert bo.count(">not weighted<") == 3 and "0.00" not in bo
    assert 'data-label="Claimed weighted">not weighted<' in row("stages", "Qualifying")
    assert 'data-label="Claimed weighted">0.00<' in row(
        "stages", "Negotiating"
    )  # no deal claimed there: nothing to weigh
