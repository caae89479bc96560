"""The SQL verdict on dirty, real-shaped exports equals the audit on every row, on DuckDB and PostgreSQL.

Each file of the corpus is shaped like one CRM's export (Salesforce, Dynamics 365, a European
spreadsheet, the audit's own columns) and filled with the cells real exports hold: amounts the
audit refuses (12k, 15.000, two currencies, another currency than the file's first), currency names,
unknown, lost, won and disqualified
stages, statuses and IsClosed/IsWon flags, dates month-first, day-first, dotted, with two-digit
years under `crm.dates` and with the month as a word, impossible dates, answers in other languages or none at all, buyers that
are not `Name <email>`, over-long segments, and a mapped milestone column the file lacks. The
statement runs on every file without an error; each row has the audit's outcome, claimed and
verified stage and weighted amounts, or, when the audit refuses it, no verdict and the cells the
audit names; the sums equal the audit's totals to the cent.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest

from pipeline_audit.audit import AuditOptions, audit_pipeline
from pipeline_audit.columns import plan_columns
from pipeline_audit.rows import RowProblem, RowReader
from pipeline_audit.table_columns import export_columns, export_currency
from sales_process.crm import resolve_mapping
from sales_process.loader import LoadedProcess, load_process
from tests.sql.tables import cell_named
from verdict_sql.dialects import DIALECTS
from verdict_sql.generate import verdict_sql

AS_OF = dt.date(2027, 3, 1)
ROWS = 160
LINE = "source_line"  # the row's line in the file, passed through the statement to pair rows

PROCESS = """\
name: Dirty exports
stages:
  - id: discovery
    name: Discovery
    probability: 10
    milestones:
      - id: pain
        question: Has the customer confirmed the pain in writing?
        customer_action: The customer confirms the pain in writing.
        evidence: The customer's email.
        max_age_days: 90
      - id: meeting
        question: Has the customer accepted a second meeting?
        customer_action: The customer accepts the meeting invite.
        evidence: The accepted invite.
        evidence_required: false
  - id: proposal
    name: Proposal
    probability: 50
    milestones:
      - id: budget
        question: Has the customer confirmed the budget?
        customer_action: The customer confirms the budget.
        evidence: The customer's email naming the budget.
        buyer_statement: We have the budget for this purchase.
        confirmation: required
      - id: security
        question: Has the customer's security team approved us?
        customer_action: The customer's security team approves the vendor.
        evidence: The security team's approval email.
        required_when:
          segment: [Enterprise]
  - id: signed
    name: Contract Signed
    probability: 100
"""


@dataclass(frozen=True)
class Shape:
    """One CRM's export: its crm: block, its header (field -> column), and the cells each field is drawn from."""

    name: str
    crm: str
    header: dict[str, str]
    pools: dict[str, Sequence[str]]


ANSWERS = (
    "yes",
    "yes",
    "Yes",
    "x",
    "TRUE",
    "ja",
    "Oui",
    "no",
    "0",
    "",
    "",
    "",
    "",
    " yes ",
    "maybe",
    "sí",
    "WAHR",
    "nein",
)
EVIDENCE = (
    "Email from the CFO, 2027-01-05",
    "Signed PDF in the CRM",
    "Email from the CFO",
    "",
    "tbd",
    "  ",
    "n/a",
    "Call notes\u00a0 12 Feb",
    "folgt",
    "À venir.",
    "Entfällt",
    "k. A.",
    "E-Mail des Kunden vom 12.01.2027 („passt so“)",
)
BUYERS = ("", "", "", "Dana Buyer <dana@customer.example>", "Dana", "Zoë O'Neil <z.o@b.co>", "<x@y.z>")
SEGMENTS = (
    *("Enterprise", "SMB", "SMB", "", "enterprise ", "x" * 120, "Ent\u202eerprise"),
    *("Ent\u200berprise", " \u200d ", "SMB\u200d"),  # an invisible character refused; a joiner alone shows nothing
)
MONTH_FIRST = (
    "2/23/2027",
    "12/01/26",
    "2027-02-03",
    "02/30/2027",
    "13/13/2027",
    "",
    "",
    "3/4/27 10:30 AM",
    "yesterday",
    "Feb 23, 2027",
    "Dec-01-26",
    "Feb 30, 2027",
)
DAY_FIRST = (
    "23.02.2027",
    "23/02/27",
    "01-02-2027",
    "31/04/2027",
    "2027-02-03",
    "",
    "",
    "1/1/0000",
    "29/02/2024",
    "23. Februar 2027",
    "1 févr. 27",
    "29-Feb-2025",
)
AUTO_DATES = (
    "2027-02-03",
    "2027-01-15",
    "2026-12-20",
    "23/02/2027",
    "02/23/2027",
    "03/04/2027",
    "03.04.2027",
    "2027-02-03T10:00:00Z",
    "2027-02-03 00:00:00 UTC",
    "2027-02-03 10:00:00+00",  # a timestamp with time zone as PostgreSQL writes it as text
    "2027-02-03T10:00:00.000+0530",
    "2027-02-03 10:00:00.000 -0800",  # Snowflake's default output of a TIMESTAMP_TZ or _LTZ
    "2027-02-03 23:00:00.000 +0000",
    "2027-02-03 10:00:00 Z",
    "2027-02-03 10:00:00 CET",  # a zone word neither reader takes: refused by both
    "",
    "",
    "03-Feb-2027",
    "Jan 15, 27",
    "15 enero 2027",
    "2027/1/15",
    "2027.02.30",
)

SHAPES = (
    Shape(
        "salesforce",
        """crm:
  name: Salesforce
  columns: {deal: Opportunity Name, crm_id: Opportunity ID, stage: Stage, amount: Amount,
            currency: Opportunity Currency, close_date: Close Date, segment: Segment}
  stage_names: {Needs Analysis: discovery, Proposal/Price Quote: proposal}
  lost_stages: [Closed Lost, Closed - Unqualified]
  dates: month-first
  milestones:
    pain: {met: Pain Confirmed, evidence: Pain Evidence, date: Pain Date}
    meeting: {met: Meeting Accepted, date: Meeting Date}
    budget: {met: Budget Confirmed, evidence: Budget Evidence, date: Budget Date, confirmed_by: Budget Buyer}
    security: {met: Security Approved, date: Security Approved Date}
""",
        {
            "deal": "Opportunity Name",
            "crm_id": "Opportunity ID",
            "stage": "Stage",
            "amount": "Amount",
            "currency": "Opportunity Currency",
            "close_date": "Close Date",
            "is_closed": "IsClosed",
            "is_won": "IsWon",
            "is_active": "Active",  # Odoo's name: no is closed where IsClosed does not say
            "is_deleted": "IsDeleted",  # yes (Data Loader's Export All) is disqualified whatever the row says
            "segment": "Segment",
            "pain": "Pain Confirmed",
            "pain.evidence": "Pain Evidence",
            "pain.date": "Pain Date",
            "meeting": "Meeting Accepted",
            "meeting.date": "Meeting Date",
            "budget": "Budget Confirmed",
            "budget.evidence": "Budget Evidence",
            "budget.date": "Budget Date",
            "budget.confirmed_by": "Budget Buyer",
            "security": "Security Approved",  # its mapped date column is missing from the file
        },
        {
            "stage": (
                "Needs Analysis",
                "Proposal/Price Quote",
                "proposal",
                "PROPOSAL",
                "  discovery ",
                "Contract  Signed",
                "Closed Won",
                "Closed Lost",
                "Closed - Unqualified",
                "Negotiation/Review",
                "",
            ),
            "amount": (
                "12000",
                "12,000.50",
                "$12,000",
                "12000 USD",
                "USD 12 000",
                "12k",
                "15.000",
                "1 200.000",  # spaced groups before one after the point: ambiguous too
                "-5",
                "",
                "1" + "0" * 20,
                "$5",
                "USD 5 USD",
                "EUR 7,000",
                "\u20ac5",
                "\u20a91,200,000",  # won
                "(1,000)",  # an accounting negative
                "kr 500",  # the krona of several countries: read in the one its currency column names
                "1 200 kr",
                "Kr. 75",
                "USD 1'250.00",  # Swiss thousands
                "$1,200.00 USD",  # a symbol and a code that agree: read
                "USD 1,200 $",
                "$1,200 EUR",  # that disagree: refused, naming both
            ),
            "currency": ("USD", "usd", "US Dollar", "$", "", "Dollar?", "EUR", "Euro", "SEK", "Swedish Krona", "nok"),
            # A flag may hold a status (Odoo's Is Won: Won, Lost, Pending); closed without IsWon at an open stage is lost
            "is_closed": ("false", "true", "", "false", "1", "maybe", "Closed  Lost"),
            "is_won": ("false", "", "true", "0", "vielleicht", "Won", "Lost", " pending", "Disqualified"),
            "is_active": (
                "True",
                "False",
                "",
                "false",
                "no",
                "1",
                "Lost",
                "archiviert",
                "Archived",
                " active ",
                "INACTIVE",
            ),
            "is_deleted": ("false", "false", "", "true", "false", "gelöscht", "0", "false", "1"),
            "date": MONTH_FIRST,
        },
    ),
    Shape(
        "dynamics",
        """crm:
  name: Dynamics 365
  columns: {deal: Topic, stage: Pipeline Phase, amount: Est. Revenue, currency: Currency, status: Status}
  dates: day-first
  milestones:
    pain: {met: Pain, evidence: Pain Proof, date: Pain On}
    meeting: {met: Meeting, date: Meeting On}
    budget: {met: Budget, evidence: Budget Proof, date: Budget On}
    security: {met: Security, evidence: Security Proof, date: Security On}
""",
        {
            "deal": "Topic",
            "stage": "Pipeline Phase",
            "amount": "Est. Revenue",
            "currency": "Currency",
            "status": "Status",
            "pain": "Pain",
            "pain.evidence": "Pain Proof",
            "pain.date": "Pain On",
            "meeting": "Meeting",
            "meeting.date": "Meeting On",
            "budget": "Budget",
            "budget.evidence": "Budget Proof",
            "budget.date": "Budget On",
            "security": "Security",
            "security.evidence": "Security Proof",
            "security.date": "Security On",
        },
        {
            "stage": ("Discovery", "proposal", "Proposal", "Qualify", "Verloren", "Duplicate", "contract signed", ""),
            "amount": (
                "$12,000.00",
                "12000",
                "$9,000",
                "9 000",
                "12,5",
                "1,000,000",
                "",
                "n/a",
                "$12,000.00 USD",
                "£9,000 USD",
            ),
            "currency": ("US Dollar", "u.s. dollar", "USD", "", "Dollars"),
            "status": ("Open", "Open", "open", "", "Won", "Lost", "Disqualified", "Pending Review", "In Progress"),
            "date": DAY_FIRST,
        },
    ),
    Shape(
        "european",
        """crm:
  columns: {deal: Name, stage: Phase, amount: Betrag}
  decimal_comma: true
  stage_names: {Angebot: proposal, Erstgespräch: discovery}
  pipelines: [Vertrieb, Neukunden]
""",
        {
            "deal": "Name",
            "stage": "Phase",
            "amount": "Betrag",
            "pipeline": "Pipeline",
            "pain": "pain",
            "pain.evidence": "pain.evidence",
            "pain.date": "pain.date",
            "meeting": "meeting",
            "budget": "budget",
            "budget.date": "budget.date",
            "security": "security",
        },
        {
            "stage": ("Angebot", "Erstgespräch", "ANGEBOT", "Verloren", "Gewonnen", "Perdu", "Abgesagt", ""),
            # Only the deals of the pipelines listed are read, however they are spelled: the others are left out.
            "pipeline": (
                "Vertrieb",
                "Partner",
                " vertrieb",
                "NEUKUNDEN",
                "Verlängerung",
                "",
                "neu kunden",
                "Neukunden\u00a0",
            ),
            "amount": (
                "74000",
                "12000",
                "74.000,50",
                "74000,5",
                "0,125",  # a leading 0 is no thousands group
                "1.250.000",
                "15,000",
                "15.000",
                "1 200,000",
                "74 000 €",
                "€ 1.000",
                "EUR 12",
                "R$ 1.234,56",
                "1.200,50 kr",  # kr without a currency column: refused
                "€ 1.000,50 EUR",  # a symbol and a code that agree
                "€ 1.000 GBP",
                "kr 500 SEK",  # kr is no one currency: refused
                "12.000,00 zł",  # currency words: PLN, BGN, CZK
                "1 200 лв.",
                "Kč 500",
                "1.000 US$",
                "",
                "1,2,3",
            ),
            "date": AUTO_DATES,
        },
    ),
    Shape(
        "own-columns",
        "",
        {
            name: name
            for name in (
                "deal",
                "owner",
                "stage",
                "amount",
                "segment",
                "pain",
                "pain.evidence",
                "pain.date",
                "meeting",
                "meeting.evidence",
                "meeting.date",
                "budget",
                "budget.evidence",
                "budget.date",
                "budget.confirmed_by",
                "security",
                "security.date",
            )
        },
        {
            "stage": (
                "discovery",
                "Discovery",
                "proposal",
                "signed",
                "Contract Signed",
                "closed won",
                "lost",
                "Unqualified",
                "qualifying",
                "",
            ),
            "amount": (
                "12000",
                "12,000",
                "£12,000",
                "12000 GBP",
                "GBP 12000",
                "12000 gbp",
                "1.5",
                "",
                "0012",
                "12k",
                "£12,000 GBP",
                "£12,000.50 EUR",
            ),
            "date": AUTO_DATES,
        },
    ),
)


def _pick(rng: random.Random, pool: Sequence[str]) -> str:
    """A cell from the pool: mostly one of its first two (clean) cells, else any, dirt included."""
    return rng.choice(pool[:2]) if rng.random() < 0.8 else rng.choice(pool)


def _cell(shape: Shape, field: str, rng: random.Random, row: dict[str, str], number: int) -> str:
    """One cell of the field, drawn from the shape's pools (every pool starts with two clean cells).

    A milestone left unanswered mostly has its other cells blank too, as in real exports.
    """
    part = field.split(".")[1] if "." in field else None
    if part is not None and not row.get(field.split(".")[0], "").strip() and rng.random() < 0.9:
        return ""
    if field == "deal":
        # White space around a name, as Pipedrive's exports write it: audit.csv names the deal without it.
        return _pick(rng, (f"Acme #{number}", f"Bolt GmbH #{number}  ", f"Cato #{number}", "", "  "))
    if field == "crm_id":
        return _pick(rng, (f"006A{number:05d}", f"006B{number:05d} ", ""))
    if field == "owner":
        return rng.choice(("Ana Ruiz", "Grace Lee"))
    if field == "segment":
        return _pick(rng, SEGMENTS)
    amounts = shape.pools.get("amount", ())
    if field == "amount" and number > ROWS - len(amounts):  # the last rows hold every amount once, the rarest too
        _pick(rng, amounts)  # drawn all the same: the other cells are those of the file without them
        return amounts[number - 1 - (ROWS - len(amounts))]
    if field == "close_date" or part == "date":
        return _pick(rng, shape.pools["date"])
    if part == "evidence":
        return _pick(rng, EVIDENCE)
    if part == "confirmed_by":
        return _pick(rng, BUYERS)
    return _pick(rng, shape.pools.get(field, ANSWERS))


# The lines a report export holds besides its deals, which the audit skips: blank rows among the deals, and at the
# end a blank row and the report's footer, its first cell the footer's words and the total under the amount.
BLANK_AFTER = (40, 41, 100)  # a blank row after these deals
FOOTER = ("Total", "Grand Totals (160 records)", "Confidential Information - Do Not Distribute", "Copyright (c) 2026")


def _write_export(shape: Shape, path: Path) -> None:
    rng = random.Random(shape.name)
    width = len(shape.header)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(list(shape.header.values()))
        for number in range(1, ROWS + 1):
            row: dict[str, str] = {}
            for field in shape.header:
                row[field] = _cell(shape, field, rng, row, number)
            writer.writerow(list(row.values()))
            if number in BLANK_AFTER:
                writer.writerow([""] * width)
        writer.writerow([""] * width)
        for words in FOOTER:
            footer = {field: "" for field in shape.header} | {next(iter(shape.header)): words}
            if "amount" in shape.header and words != FOOTER[-1]:
                footer["amount"] = "5,807,107.11"
            writer.writerow(list(footer.values()))


@dataclass(frozen=True)
class Corpus:
    """One export, its process and what the audit made of it."""

    shape: Shape
    export: Path
    loaded: LoadedProcess
    header: list[str]
    audit: list[dict[str, str]]
    refused: dict[int, set[str]]  # line -> the cells the audit's reasons name
    claimed_cents: int
    verified_cents: int
    left_out: int  # rows in other pipelines than crm.pipelines lists


@pytest.fixture(scope="module", params=[shape.name for shape in SHAPES])
def corpus(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The export of one shape, audited by the Python engine."""
    shape = next(shape for shape in SHAPES if shape.name == request.param)
    folder = tmp_path_factory.mktemp(shape.name)
    (folder / "process.yaml").write_text(PROCESS + shape.crm, encoding="utf-8")
    loaded = load_process(folder / "process.yaml")
    export = folder / "export.csv"
    _write_export(shape, export)
    result = audit_pipeline(export, loaded, AuditOptions(as_of=AS_OF), folder / "audit.csv")
    with (folder / "audit.csv").open(encoding="utf-8", newline="") as file:
        audit = list(csv.DictReader(file))
    mapping = resolve_mapping(loaded.process)
    with export.open(encoding="utf-8", newline="") as file:
        header, *rows = list(csv.reader(file))
    reader = RowReader(plan_columns(header, loaded.process, mapping), loaded.process, mapping)
    refused = {}
    for line, cells in enumerate(rows, start=2):
        if reader.in_another_pipeline(cells):  # as the audit reads a row: one left out never sets the file's currency
            continue
        try:
            reader.deal(cells)
        except RowProblem as problem:
            refused[line] = {cell_named(text) for text in problem.problems}
    totals = result.totals
    # The statement leaves out the lines the audit skips, so each row of the table the audit reads is paired.
    assert (result.blank_rows, result.footer_lines) == (len(BLANK_AFTER) + 1, len(FOOTER))
    left_out = result.other_pipeline_rows
    assert bool(left_out) is ("pipeline" in shape.header), left_out
    return Corpus(shape, export, loaded, header, audit, refused, totals.claimed_cents, totals.verified_cents, left_out)


# How the statement finds the file's currency: the first amount by the line column, or the export's first
# amount as `playbook sql --columns-from` finds it, in a table holding the rows in reverse.
BY_LINE, BY_EXPORT = "line", "export"


def _statement(corpus: Corpus, dialect: str, currency_by: str) -> str:
    process = corpus.loaded.process
    mapping = resolve_mapping(process)
    # As `playbook sql --columns-from` reads the export's header (its pipeline column, when pipelines are listed).
    columns, _ = export_columns(corpus.export, corpus.loaded, mapping)
    if currency_by == BY_EXPORT:
        currency = export_currency(corpus.export, corpus.loaded, mapping)
        return verdict_sql(process, DIALECTS[dialect], "deals", columns, AS_OF, keep=[LINE], currency=currency)
    # The line is the row order too: an amount in another currency than the file's first is refused.
    return verdict_sql(process, DIALECTS[dialect], "deals", columns, AS_OF, keep=[LINE], row_order=LINE)


def _rows(corpus: Corpus, currency_by: str = BY_LINE) -> list[list[str]]:
    """The export's rows with their lines first; in reverse when the statement does not read the line's order."""
    with corpus.export.open(encoding="utf-8", newline="") as file:
        rows = [[str(line), *cells] for line, cells in enumerate(list(csv.reader(file))[1:], start=2)]
    return rows[::-1] if currency_by == BY_EXPORT else rows


def _by_line(cursor_rows: list[tuple[Any, ...]], names: list[str]) -> dict[int, dict[str, Any]]:
    return {int(row[names.index(LINE)]): dict(zip(names, row, strict=True)) for row in cursor_rows}


def _agrees(corpus: Corpus, sql_rows: dict[int, dict[str, Any]]) -> None:
    assert len(sql_rows) == len(corpus.audit) == ROWS - corpus.left_out
    # Where the export has the CRM's id, every row carries it: the key back to the CRM's row.
    with_ids = "crm_id" in corpus.shape.header
    assert all(("crm_id" in row) == with_ids for row in sql_rows.values())
    refused_somewhere = assessed = closed_with_a_date = 0
    for audit_row in corpus.audit:
        line = int(audit_row["line"])
        row = sql_rows[line]
        where = f"{corpus.shape.name} line {line}: {audit_row['not_assessed'] or audit_row['outcome']}"
        if with_ids:
            assert (row["crm_id"] or "") == audit_row["crm_id"], where
        # The deal as audit.csv names it: without white space around it, by its CRM id when its name is blank.
        assert (row["deal"] or "") == audit_row["deal"], where
        if audit_row["not_assessed"] and not audit_row["outcome"]:
            refused_somewhere += 1
            assert set(row["not_assessed"].split(", ")) == corpus.refused[line], where
            assert (row["outcome"], row["verified_stage_id"], row["verified_weighted"]) == (None, None, None), where
            assert (row["close_date"], audit_row["close_date"]) == (None, ""), where
            continue
        # A closed deal whose amount alone is refused keeps its outcome, and names the amount.
        refused = corpus.refused.get(line, set()) if audit_row["not_assessed"] else set()
        assert set(filter(None, row["not_assessed"].split(", "))) == refused, where
        assert row["outcome"] == audit_row["outcome"], where
        assert (row["claimed_stage_id"] or "") == audit_row["claimed_stage_id"], where
        assert (row["verified_stage_id"] or "") == audit_row["verified_stage_id"], where
        close_date = row["close_date"].isoformat() if row["close_date"] is not None else ""
        assert close_date == audit_row["close_date"], f"{where}: close_date"
        if audit_row["outcome"] != "open":
            closed_with_a_date += close_date != ""
            assert (row["claimed_weighted"], row["verified_weighted"]) == (None, None), where
            continue
        assessed += 1
        for column in ("claimed_weighted", "verified_weighted"):
            expected = Decimal(audit_row[column]) if audit_row[column] else None
            assert row[column] == expected, f"{where}: {column}"
    # The corpus is dirty and real: many rows refused, many assessed.
    read = len(corpus.audit)
    assert refused_somewhere > read // 5 and assessed > read // 10, (refused_somewhere, assessed)
    if "close_date" in corpus.shape.header:
        assert closed_with_a_date > 0, "no closed deal with a close date: the close_date column was not compared"
    # The report's totals compare deals with a claimed stage and an amount, as the manual's query does.
    compared = [row for row in sql_rows.values() if row["claimed_weighted"] is not None]
    claimed = sum(row["claimed_weighted"] for row in compared)
    verified = sum(row["verified_weighted"] for row in compared)
    assert (claimed * 100, verified * 100) == (corpus.claimed_cents, corpus.verified_cents)


@pytest.mark.parametrize("currency_by", [BY_LINE, BY_EXPORT])
def test_duckdb_agrees_with_the_audit(corpus: Corpus, currency_by: str) -> None:
    connection = duckdb.connect()
    connection.execute(
        f"CREATE TABLE deals AS SELECT * FROM read_csv(?, all_varchar=true, header=true, "
        f"columns={{{', '.join(repr(name) + ': ' + repr('VARCHAR') for name in [LINE, *corpus.header])}}})",
        [str(_with_lines(corpus, currency_by))],
    )
    cursor = connection.execute(_statement(corpus, "duckdb", currency_by))
    names = [column[0] for column in cursor.description]
    _agrees(corpus, _by_line(cursor.fetchall(), names))


def _with_lines(corpus: Corpus, currency_by: str) -> Path:
    path = corpus.export.with_name(f"with_lines_by_{currency_by}.csv")
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([LINE, *corpus.header])
        writer.writerows(_rows(corpus, currency_by))
    return path


@pytest.mark.parametrize("currency_by", [BY_LINE, BY_EXPORT])
def test_postgres_agrees_with_the_audit(corpus: Corpus, postgres: psycopg.Connection[Any], currency_by: str) -> None:
    quoted = [DIALECTS["postgres"].identifier(name) for name in [LINE, *corpus.header]]
    postgres.execute("DROP TABLE IF EXISTS deals")
    postgres.execute(f"CREATE TABLE deals ({', '.join(name + ' TEXT' for name in quoted)})")
    with postgres.cursor() as cursor:
        with cursor.copy(f"COPY deals ({', '.join(quoted)}) FROM STDIN") as copy:
            for row in _rows(corpus, currency_by):
                copy.write_row(row)
        cursor.execute(_statement(corpus, "postgres", currency_by))
        assert cursor.description is not None
        columns = [column.name for column in cursor.description]
        _agrees(corpus, _by_line(cursor.fetchall(), columns))
