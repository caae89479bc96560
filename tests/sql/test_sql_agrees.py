"""`playbook sql` on DuckDB (in-process) and a real PostgreSQL gives the Python engine's verdict on every row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import duckdb
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline_audit import columns as export_columns
from pipeline_audit.columns import plan_columns
from pipeline_audit.data_rows import DataRows
from playbook_cli.main import main
from sales_process.crm import resolve_mapping
from sales_process.evidence import EVIDENCE_SURROUNDING, INVISIBLE, PLACEHOLDERS, WHITESPACE
from sales_process.loader import load_process
from sales_process.model import Crm, CrmColumns, CrmMilestone, Milestone, Process, Stage
from sales_process.outcome import process_outcome_rule
from sales_process.vocabulary import (
    CURRENCY_NAMES,
    LOST_WORDS,
    MONTH_NUMBERS,
    NO_WORDS,
    WEEKDAYS,
    YES_WORDS,
    answer_word,
    name_key,
)
from tests.conftest import DEFAULT_PROCESS
from tests.sql.tables import (
    CONFIRMED_BY_SUFFIX,
    DATE_SUFFIX,
    EVIDENCE_SUFFIX,
    Column,
    Value,
    create_table,
    input_columns,
    python_verdicts,
    sql_columns,
)
from verdict_sql.columns import audit_columns
from verdict_sql.dialects import DIALECTS
from verdict_sql.generate import verdict_sql
from verdict_sql.writer import Writer

AS_OF = dt.date(2027, 3, 1)
AGREEMENT = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
CRM_STAGE_NAMES = ("Proposal/Price Quote", "Closed Won", "Qualified To Buy", "Négociation", "Straße")
STAGE_NAMES = ("Discovery", "qualifying", "Négociation", "İlk Görüşme", "Demo & Trial", 'Closed "Won"', "s1", "Ärger ß")
WORDS = sorted(YES_WORDS | NO_WORDS)
# Text a rep may type as evidence: real records, placeholders dressed up, white space of every kind, unicode.
EVIDENCE_SAMPLES = (
    "Email from the CFO, 3 Feb",
    "PO 4711",
    "abc",
    "abcd",
    " ab c ",
    "İİİ",
    "\u212aKK",
    "ñññ",
    "日本語の議事録",
    "e\u0301e\u0301",
    "\u00a0\u3000\t\n",
    "(TBD)",
    "n/a.",
    "See\u00a0CRM",
    " see   notes ",
    "Unknown!",
    "'done'",
    "_-_",
    "x\u2028y\u2029z",
    "[in crm]",
    "\u212aNOWN",
    "UN\u212aNOWN",
    "true.",
    "a\u0085b",
    "\u201csee CRM\u201d",
    "\u00ab \u00e0 venir \u00bb",
    "\u200b" * 5,
    "\u200b\u200bTBD",
    "PO\u00ad4711",
)
# Buyers as `playbook deals export` writes them (`Name <email>`), names in any script, spaced in any white space.
BUYER_NAMES = ("Dana Buyer", "Zoë O'Neil", "José\u00a0García", "李 华", "d", "Anne-Marie (CFO)", "x@y")
BUYER_EMAILS = ("dana@customer.example", "z.o+deals@b.co", "李@例子.中国")
SAFE_TEXT = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=8)
# The strategies every row draws from, built once: building a text strategy reads its alphabet into
# interval sets, which cost the test more than drawing from it.
SPACING = st.text(st.sampled_from(WHITESPACE), max_size=2)
# Characters that show nothing, pasted around a placeholder: some of evidence.INVISIBLE, from each end of it.
PASTED = "".join(sorted({*INVISIBLE[:2], "\u200b", "\u200d", "\u2060", "\u2066", "\ufeff", *INVISIBLE[-2:]}))
BEFORE_PLACEHOLDER = st.text(st.sampled_from(EVIDENCE_SURROUNDING + PASTED), max_size=2)
AFTER_PLACEHOLDER = st.text(st.sampled_from(EVIDENCE_SURROUNDING + WHITESPACE + PASTED), max_size=2)
PLACEHOLDER_WORDS = st.sampled_from(sorted(PLACEHOLDERS))
LOST = st.sampled_from(sorted(LOST_WORDS))
# With the spellings read through vocabulary.answer_word (punctuation around the word, N/A, a mark and its word)
# and some it refuses (a word and a note).
ANSWER_SPELLINGS = ("yes.", "no!", "(yes)", "n/a", "n.a.", "-", "?", "✔️ yes", "❌no", "yes, by email", "no - not yet")
ANSWER_WORDS = st.sampled_from([*WORDS, *ANSWER_SPELLINGS])


@st.composite
def processes(draw: st.DrawFn) -> Process:
    """2-6 stages with names in any script; 1-4 milestones on all but the last; expiry, optional evidence,
    buyer statements and required confirmation."""
    count = draw(st.integers(2, 6))
    names = draw(st.lists(st.sampled_from(STAGE_NAMES), min_size=count, max_size=count, unique=True))
    probabilities = sorted(draw(st.lists(st.integers(0, 100), min_size=count, max_size=count)))
    stages, number = [], 0
    for index, (name, probability) in enumerate(zip(names, probabilities, strict=True)):
        milestones = []
        for _ in range(0 if index == count - 1 else draw(st.integers(1, 4))):
            number += 1
            statement = draw(st.sampled_from([None, None, "We agreed to it."]))
            milestones.append(
                Milestone(
                    buyer_statement=statement,
                    confirmation="required" if statement and draw(st.booleans()) else "optional",
                    id=f"m{number}-{draw(st.sampled_from(['pain', 'demo', 'po']))}",
                    question="Done?",
                    customer_action="It.",
                    evidence="A record.",
                    evidence_required=draw(st.booleans()),
                    max_age_days=draw(st.none() | st.integers(1, 45)),
                )
            )
        stages.append(Stage(id=f"s{index}", name=name, probability=probability, milestones=milestones))
    return Process(name="Generated", stages=stages)


def _mixed_case(draw: st.DrawFn, text: str) -> str:
    flips: list[bool] = [draw(st.booleans()) for _ in text]
    return "".join(c.upper() if flip else c for c, flip in zip(text, flips, strict=True))


def _claim(draw: st.DrawFn, process: Process) -> str | None:
    stage = draw(st.sampled_from(process.stages))
    spellings = [stage.id, stage.name, stage.name.upper(), stage.name.lower(), _mixed_case(draw, stage.id)]
    crm_names = list(process.crm.stage_names) if process.crm else []
    use_crm_name: bool = draw(st.booleans())
    if crm_names and use_crm_name:  # a CRM stage name, in any case
        name = draw(st.sampled_from(crm_names))
        return draw(st.sampled_from([name, name.upper(), f" {_mixed_case(draw, name)} "]))
    # A name whose upper case reads back differently (ß to SS) is not the same name to the audit either.
    typed = draw(
        st.sampled_from([text for text in spellings if text.lower() == stage.name.lower() or text.lower() == stage.id])
    )
    # Sometimes a stage that loses the deal, by a lost word among others (won: the last stage, drawn above).
    closing = draw(LOST)
    closed = draw(st.sampled_from([closing, closing.upper(), f"Closed {closing}", f"deal_{closing} (2027)"]))
    # Sometimes numbered as CRMs number their stages ('1-Discovery', '03 - Proposing', '2) Demo').
    numbered = f"{draw(st.integers(0, 12)):0{draw(st.integers(1, 2))}}{draw(st.sampled_from(['-', ' - ', '. ', ')', ':']))}{typed}"
    return draw(st.sampled_from([None, "", typed, f"{draw(SPACING)}{typed}{draw(SPACING)}", closed, numbered]))


def _evidence(draw: st.DrawFn) -> str | None:
    placeholder = _mixed_case(draw, draw(PLACEHOLDER_WORDS))
    dressed = f"{draw(BEFORE_PLACEHOLDER)}{placeholder}{draw(AFTER_PLACEHOLDER)}"
    return draw(st.sampled_from([None, "", dressed, *EVIDENCE_SAMPLES]) | SAFE_TEXT)


def _date(draw: st.DrawFn, milestone: Milestone) -> dt.date | None:
    age = milestone.max_age_days or 30
    offset = draw(st.sampled_from([-age - 1, -age, -age + 1, 0, 1, 2, -1]) | st.integers(-400, 30))
    return draw(st.none() | st.just(AS_OF + dt.timedelta(days=offset)))


def _date_text(draw: st.DrawFn, date: dt.date) -> str:
    """A date as an export writes it: ISO, year first in other ways, or with the month as a word in any of the
    vocabulary's spellings."""
    word = _mixed_case(draw, draw(st.sampled_from([w for w, n in MONTH_NUMBERS.items() if n == date.month])))
    year = draw(st.sampled_from([str(date.year), f"{date.year % 100:02d}"]))
    day = draw(st.sampled_from([str(date.day), f"{date.day:02d}"]))
    return draw(
        st.sampled_from(
            [
                date.isoformat(),
                f"{date.year}/{date.month}/{day}",
                f"{date.year}.{date.month:02d}.{day}",
                f"{day}-{word}-{year}",
                f"{day}. {word} {year}",
                f"{word}. {day}, {year}",
                f"{word} {day} {year} 10:30 AM",
                f"{day} de {word} de {year}",
                f"{day}th {word} {year}",
                f"{_mixed_case(draw, draw(st.sampled_from(WEEKDAYS)))}, {word} {day}, {year}",
                f"{_mixed_case(draw, draw(st.sampled_from(WEEKDAYS)))} {day} de {word} de {year}",
                f"{_mixed_case(draw, draw(st.sampled_from(WEEKDAYS)))}. {date.year}/{date.month}/{day}",
                f"{_mixed_case(draw, draw(st.sampled_from(WEEKDAYS)))} {day}/{date.month}/{date.year}",
            ]
        )
    )


@dataclass(frozen=True)
class Case:
    """A process and a table of its deals."""

    process: Process
    columns: tuple[Column, ...]


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A process, and 1-10 deals in a table whose columns may be missing, typed or text."""
    process = draw(processes())
    crm = draw(st.none() | crm_blocks(process))
    if crm is not None:
        process = process.model_copy(update={"crm": crm})
    decimal_comma = crm is not None and crm.decimal_comma
    rows = draw(st.integers(1, 10))
    columns = [Column("deal", "text", tuple(f"deal {n}" for n in range(rows)))]
    if draw(st.booleans()):
        columns.append(Column("stage", "text", tuple(_claim(draw, process) for _ in range(rows))))
    if draw(st.booleans()):
        # A NUMERIC column is a number whatever the export's text would be: read as text by the reference.
        numeric = not decimal_comma and draw(st.booleans())
        amounts = [draw(st.none() | st.integers(0, 10**11)) for _ in range(rows)]
        # One currency per export: the audit refuses a file whose amounts mix currencies.
        before, after = draw(
            st.sampled_from(
                [
                    *[("", ""), ("$", ""), ("€ ", ""), (" £", ""), ("", " €"), ("", "€"), ("¥", "")],
                    *[("R$ ", ""), ("US$", ""), ("", " CA$"), ("A$ ", "")],  # dollars lettered by their country
                    *[("", " zł"), ("", " лв."), ("Kč ", ""), ("", "Ft"), ("", "円"), ("", " 원")],  # currency words
                ]
            )
        )
        cells: tuple[Value, ...] = tuple(
            None
            if cents is None
            else (Decimal(cents) / 100 if numeric else _amount_text(draw, cents, decimal_comma, before, after))
            for cents in amounts
        )
        columns.append(Column("amount", "numeric" if numeric else "text", cells))
    for index, (_, milestone) in enumerate(process.milestones()):
        if index and draw(st.integers(0, 5)) == 0:
            continue  # a milestone without any column: unanswered on every row (the audit wants one column at least)
        columns += _milestone_columns(draw, milestone, rows)
    if crm is not None:  # the CRM's names for the columns the block maps
        # A deal field mapped to a column the table lacks is an error for the audit: map only those present.
        present = {column.name for column in columns}
        fields = {field: name for field, name in (("stage", "Stage"), ("amount", "Amount")) if field in present}
        crm = crm.model_copy(update={"columns": CrmColumns(deal="Opportunity Name", **fields)})
        process = process.model_copy(update={"crm": crm})
        names = _crm_names(crm)
        columns = [Column(names.get(column.name, column.name), column.kind, column.cells) for column in columns]
    return Case(process, tuple(columns))


def _amount_text(draw: st.DrawFn, cents: int, decimal_comma: bool, before: str, after: str) -> str:
    """An amount as an export writes it: thousands grouped by commas (dots, or spaces, with a decimal comma)."""
    text = f"{cents / 100:,.2f}"
    if decimal_comma:
        group = draw(st.sampled_from([".", " ", "\u00a0", ""]))
        text = text.replace(",", "\0").replace(".", ",").replace("\0", group)
    elif draw(st.integers(0, 4)) == 0:  # India groups by a three, then twos: 12,34,567.00
        whole, decimals = text.replace(",", "").split(".")
        head, last = whole[:-3], whole[-3:]
        pairs = [head[max(0, end - 2) : end] for end in range(len(head), 0, -2)][::-1]
        text = ",".join([*pairs, last]) + "." + decimals
    else:  # Swiss exports group thousands with an apostrophe, typed or typographic
        text = text.replace(",", draw(st.sampled_from([",", ",", "'", "\u2019"])))
    blank = draw(st.booleans())
    return text if blank else f"{before}{text}{after}"


@st.composite
def crm_blocks(draw: st.DrawFn, process: Process) -> Crm:
    """A crm: block: the CRM's names for the deal fields and some milestones, its stage names, maybe a decimal comma."""
    milestones = {
        milestone.id: CrmMilestone(
            met=f"{milestone.id.title()} Checkbox",
            evidence=f"{milestone.id.title()} Evidence",
            date=f"{milestone.id.title()} Date",
            confirmed_by=f"{milestone.id.title()} Buyer" if milestone.buyer_statement else None,
        )
        for _, milestone in process.milestones()
        if draw(st.booleans())
    }
    stage_names = {
        name: draw(st.sampled_from(process.stages)).id
        for name in draw(st.lists(st.sampled_from(CRM_STAGE_NAMES), unique=True))
    }
    return Crm(
        name="Salesforce",
        columns=CrmColumns(deal="Opportunity Name", stage="Stage", amount="Amount"),
        stage_names=stage_names,
        milestones=milestones,
        decimal_comma=draw(st.booleans()),
    )


def _crm_names(crm: Crm) -> dict[str, str]:
    """The audit's column names -> the CRM's, as the block maps them."""
    names = {"deal": "Opportunity Name", "stage": "Stage", "amount": "Amount"}
    for milestone_id, fields in crm.milestones.items():
        names[milestone_id] = fields.met
        names[milestone_id + EVIDENCE_SUFFIX] = fields.evidence or ""
        names[milestone_id + DATE_SUFFIX] = fields.date or ""
        names[milestone_id + CONFIRMED_BY_SUFFIX] = fields.confirmed_by or ""
    return names


def _buyer(draw: st.DrawFn) -> str:
    """A `.confirmed_by` cell: Name <email>, with any white space around and between."""
    name, email = draw(st.sampled_from(BUYER_NAMES)), draw(st.sampled_from(BUYER_EMAILS))
    return f"{draw(SPACING)}{name}{draw(SPACING)}<{email}>{draw(SPACING)}"


def _milestone_columns(draw: st.DrawFn, milestone: Milestone, rows: int) -> list[Column]:
    boolean, typed_dates = draw(st.booleans()), draw(st.booleans())
    # A typed date column is a DATE, or a timestamp with time zone (noon UTC, the same day in any session's zone),
    # which both warehouses write as text with an offset in hours alone (2027-02-03 12:00:00+00).
    date_kind = draw(st.sampled_from(["date", "timestamptz"])) if typed_dates else "text"
    with_evidence, with_date = draw(st.booleans()), draw(st.booleans())
    with_buyer = bool(milestone.buyer_statement) and draw(st.integers(0, 3)) > 0
    answers: list[Value] = []
    evidence: list[Value] = []
    dates: list[Value] = []
    buyers: list[Value] = []
    for _ in range(rows):
        word = draw(ANSWER_WORDS)
        typed = f"{draw(SPACING)}{_mixed_case(draw, word)}{draw(SPACING)}"
        answer: Value = (
            draw(st.none() | st.booleans()) if boolean else draw(st.sampled_from([None, "", typed, typed, typed]))
        )
        blank = answer is None or (isinstance(answer, str) and not answer_word(answer))  # N/A and - are blank too
        # The audit refuses evidence or a date under a blank answer; the SQL reads them as unanswered.
        evidence.append(draw(st.sampled_from([None, "", " "])) if blank else _evidence(draw))
        date = None if blank else _date(draw, milestone)
        if date is None or date_kind == "date":
            dates.append(date)
        elif date_kind == "timestamptz":
            dates.append(dt.datetime.combine(date, dt.time(12), dt.UTC))
        else:
            dates.append(f"{draw(SPACING)}{_date_text(draw, date)}")
        answers.append(answer)
        # The audit refuses a buyer without a dated answer; the SQL reads that as unanswered too (see the test below).
        dated = not blank and date is not None and with_date
        buyers.append(_buyer(draw) if dated and draw(st.integers(0, 3)) else draw(st.sampled_from([None, "", " "])))
    columns = [Column(milestone.id, "boolean" if boolean else "text", tuple(answers))]
    if with_evidence:
        columns.append(Column(milestone.id + EVIDENCE_SUFFIX, "text", tuple(evidence)))
    if with_date:
        columns.append(Column(milestone.id + DATE_SUFFIX, date_kind, tuple(dates)))
    if with_buyer:
        columns.append(Column(milestone.id + CONFIRMED_BY_SUFFIX, "text", tuple(buyers)))
    return columns


def _statement(case: Case, dialect: str) -> str:
    return verdict_sql(case.process, DIALECTS[dialect], "deals", input_columns(case.process, case.columns), AS_OF)


def _by_deal(rows: list[tuple[Any, ...]]) -> dict[str, tuple[Any, ...]]:
    return {row[0]: tuple(row) for row in rows}


def duckdb_verdicts(case: Case) -> dict[str, tuple[Any, ...]]:
    """Load the table into DuckDB (in-process) and run the duckdb statement."""
    create, insert, rows = create_table("duckdb", "deals", case.columns)
    with duckdb.connect() as connection:
        connection.execute(create)
        connection.executemany(insert, rows)
        result = connection.execute(_statement(case, "duckdb"))
        assert [d[0] for d in result.description] == sql_columns(case.process)
        return _by_deal(result.fetchall())


def postgres_verdicts(connection: psycopg.Connection[Any], case: Case) -> dict[str, tuple[Any, ...]]:
    """Load the table into PostgreSQL and run the postgres statement."""
    create, insert, rows = create_table("postgres", "deals", case.columns)
    with connection.cursor() as cursor:
        cursor.execute('DROP TABLE IF EXISTS "deals"')
        cursor.execute(create.encode())
        cursor.executemany(insert.encode(), rows)
        cursor.execute(_statement(case, "postgres").encode())
        assert [d.name for d in cursor.description or ()] == sql_columns(case.process)
        return _by_deal(cursor.fetchall())


@AGREEMENT
@given(cases())
def test_duckdb_and_postgres_give_the_engines_verdict_on_every_row(
    postgres: psycopg.Connection[Any], case: Case
) -> None:
    expected = python_verdicts(case.process, case.columns, AS_OF)
    assert duckdb_verdicts(case) == expected
    assert postgres_verdicts(postgres, case) == expected


def test_no_label_left_for_the_last_stage_is_still_sql_on_postgres(postgres: psycopg.Connection[Any]) -> None:
    """Every label of the last stage names another (its id is the first's name, its name a CRM name of the first:
    `playbook validate` refuses that process, the strategy draws it): the empty word list is FALSE in SQL too,
    where PostgreSQL refused `IN ()`."""
    milestone = Milestone(id="m1-pain", question="Done?", customer_action="It.", evidence="A record.")
    process = Process(
        name="Clash",
        stages=[
            Stage(id="s0", name="s1", probability=10, milestones=[milestone]),
            Stage(id="s1", name="Négociation", probability=100),
        ],
        crm=Crm(stage_names={"Négociation": "s0"}),
    )
    columns = (
        Column("deal", "text", ("a", "b", "c", "d")),
        Column("stage", "text", ("s1", "Négociation", "Closed Won", None)),
        Column("m1-pain", "text", ("yes", None, "no", "yes")),
    )
    case = Case(process, columns)
    expected = python_verdicts(process, columns, AS_OF)
    assert duckdb_verdicts(case) == expected
    assert postgres_verdicts(postgres, case) == expected


@pytest.fixture(scope="module")
def synthetic_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Case, Path]:
    """300 synthetic deals of the default process, as text columns and as a CSV file."""
    from tests.support.synthetic_pipeline import header, rows

    loaded = load_process(DEFAULT_PROCESS)
    table = [header(loaded.process), *rows(loaded.process, 300)]
    columns = tuple(
        Column(name, "text", tuple(row[index] or None for row in table[1:])) for index, name in enumerate(table[0])
    )
    path = tmp_path_factory.mktemp("export") / "deals.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(table)
    return Case(loaded.process, columns), path


def _cli_statement(dialect: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["sql", "--process", str(DEFAULT_PROCESS), "--dialect", dialect, "--as-of", AS_OF.isoformat()]) == 0
    return capsys.readouterr().out


def test_the_commands_statement_gives_the_audits_verdicts_in_duckdb_and_postgres(
    postgres: psycopg.Connection[Any], synthetic_export: tuple[Case, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    case, path = synthetic_export
    expected = python_verdicts(case.process, case.columns, AS_OF)
    with duckdb.connect() as connection:
        connection.execute(f"CREATE TABLE deals AS SELECT * FROM read_csv('{path}', all_varchar = true)")
        assert _by_deal(connection.execute(_cli_statement("duckdb", capsys)).fetchall()) == expected
    create, insert, rows = create_table("postgres", "deals", case.columns)
    with postgres.cursor() as cursor:
        cursor.execute('DROP TABLE IF EXISTS "deals"')
        cursor.execute(create.encode())
        cursor.executemany(insert.encode(), rows)
        cursor.execute(_cli_statement("postgres", capsys).encode())
        assert _by_deal(cursor.fetchall()) == expected


def test_the_statement_reads_a_crm_table_through_the_crm_block(
    postgres: psycopg.Connection[Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """HubSpot's deals, replicated as they are: the CRM's column and stage names, true/false, date-times."""
    exports = Path(__file__).parents[1] / "audit" / "crm_exports"
    process_path = tmp_path / "process.yaml"
    process_path.write_text(
        DEFAULT_PROCESS.read_text(encoding="utf-8") + "\n" + (exports / "hubspot.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    process = load_process(process_path).process
    with (exports / "hubspot.csv").open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    columns = tuple(
        Column(name, "text", tuple(row[index] or None for row in table[1:])) for index, name in enumerate(table[0])
    )
    expected = python_verdicts(process, columns, AS_OF)
    assert [row[2] for row in expected.values()] == [
        "qualifying",
        "qualifying",
        "discovery",
        "demonstrating",
        "discovery",
    ]
    assert main(["sql", "--process", str(process_path), "--dialect", "duckdb", "--as-of", AS_OF.isoformat()]) == 0
    statement = capsys.readouterr().out
    assert "-- No column under crm.milestones, so unanswered on every row: success-criteria-agreed," in statement
    # The CRM id follows the deal: the key that joins each verdict back to its HubSpot record.
    record_ids = {row[1]: row[0] for row in table[1:]}
    with duckdb.connect() as connection:
        connection.execute(
            f"CREATE TABLE deals AS SELECT * FROM read_csv('{exports / 'hubspot.csv'}', all_varchar = true)"
        )
        assert _by_deal(_keyed(connection.execute(statement).fetchall(), record_ids)) == expected
    create, insert, rows = create_table("postgres", "deals", columns)
    assert main(["sql", "--process", str(process_path), "--dialect", "postgres", "--as-of", AS_OF.isoformat()]) == 0
    with postgres.cursor() as cursor:
        cursor.execute('DROP TABLE IF EXISTS "deals"')
        cursor.execute(create.encode())
        cursor.executemany(insert.encode(), rows)
        cursor.execute(capsys.readouterr().out.encode())
        assert _by_deal(_keyed(cursor.fetchall(), record_ids)) == expected


def _keyed(rows: list[tuple[Any, ...]], ids: dict[str, str]) -> list[tuple[Any, ...]]:
    """The rows without their crm_id column (second, after the deal), once it is checked to be each deal's id."""
    assert [row[1] for row in rows] == [ids[row[0]] for row in rows]
    return [row[:1] + row[2:] for row in rows]


def _buyer_case(rows: list[list[str | None]]) -> Case:
    """The buyers' process over `rows`, with the export's status column when the rows have one."""
    from tests.audit.test_buyer_columns import BUYER, HEADER

    header = [*HEADER, "status"][: len(rows[0])]
    return Case(
        BUYER.process,
        tuple(Column(name, "text", tuple(row[index] for row in rows)) for index, name in enumerate(header)),
    )


def test_the_buyers_word_in_duckdb_and_postgres(postgres: psycopg.Connection[Any]) -> None:
    """Deals at their stage on the buyers' word, on the rep's (awaiting the buyer), and a buyer's "not quite"."""
    from tests.audit.test_buyer_columns import EXPORT

    table = [[cell or None for cell in line.split(",")] for line in EXPORT.splitlines()[1:]]
    case = _buyer_case(table)
    expected = python_verdicts(case.process, case.columns, AS_OF)
    assert [(row[0], row[2], row[9], row[10], row[15:]) for row in expected.values()] == [
        ("Contoso", "won", "next-step,budget", True, ("verified", "verified")),
        ("Fabrikam", "qualifying", "", False, ("awaiting_buyer", "verified")),
        ("Litware", "qualifying", "next-step", False, ("verified", "not_met")),
        ("Northwind", "won", "next-step", False, ("verified", "verified")),
    ]
    assert duckdb_verdicts(case) == expected
    assert postgres_verdicts(postgres, case) == expected


@pytest.mark.parametrize("buyer", ["Dana", "Dana <dana>", "<d@x.example>", "Dana <d@x.example> CFO"])
def test_a_buyer_the_audit_refuses_is_refused_in_sql_too(postgres: psycopg.Connection[Any], buyer: str) -> None:
    """The audit refuses the row (see tests/audit/test_buyer_columns.py): the SQL gives it no verdict and names
    the buyer's cell."""
    undated = [
        "Undated",
        "qualifying",
        "1000",
        "yes",
        "",
        None,
        "Dana <d@x.example>",
        "yes",
        "Budget email",
        "2027-02-21",
        None,
    ]
    unreadable = [
        "Unreadable",
        "qualifying",
        "1000",
        "yes",
        "Dana's email",
        "2027-02-20",
        buyer,
        "yes",
        "Budget email",
        "2027-02-21",
        None,
    ]
    case = _buyer_case([undated, unreadable])
    expected = python_verdicts(case.process, case.columns, AS_OF)
    for verdicts in (duckdb_verdicts(case), postgres_verdicts(postgres, case)):
        assert verdicts == expected
        assert {deal: (row[2], row[13], row[15:]) for deal, row in verdicts.items()} == {
            "Undated": (None, "next-step.confirmed_by", (None, None)),
            "Unreadable": (None, "next-step.confirmed_by", (None, None)),
        }


def test_the_command_reads_the_buyers_only_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A CRM's table rarely holds the buyers; an export of the saved deals does (--buyer-columns, or an
    export's header that has them)."""
    from tests.audit.test_buyer_columns import EXPORT
    from tests.engine.test_buyer_confirmation import PROCESS_TEXT

    process, export, reps = tmp_path / "process.yaml", tmp_path / "deals.csv", tmp_path / "reps.csv"
    process.write_text(PROCESS_TEXT, encoding="utf-8")
    export.write_text(EXPORT, encoding="utf-8")
    table = [line.split(",") for line in EXPORT.splitlines()]
    kept = [index for index, name in enumerate(table[0]) if not name.endswith(".confirmed_by")]
    reps.write_text("".join(",".join(row[i] for i in kept) + "\n" for row in table), encoding="utf-8")
    statements = {}
    for name, flags in (
        ("default", ()),
        ("buyers", ("--buyer-columns",)),
        ("export", ("--columns-from", str(export))),  # its status and its buyers, as the audit finds them
        ("reps", ("--columns-from", str(reps))),  # its status, and no buyer
    ):
        assert (
            main(["sql", "--process", str(process), "--dialect", "duckdb", "--as-of", AS_OF.isoformat(), *flags]) == 0
        )
        statements[name] = capsys.readouterr().out
    no_buyer = "so every answer is the rep's: next-step, budget.\n"
    assert f"-- No buyer column (pass --buyer-columns to read them), {no_buyer}" in statements["default"]
    assert f"-- No buyer column (add <id>.confirmed_by to the export to read them), {no_buyer}" in statements["reps"]
    assert "No buyer column" not in statements["buyers"] + statements["export"]
    with duckdb.connect() as connection:
        connection.execute(f"CREATE TABLE deals AS SELECT * FROM read_csv('{export}', all_varchar = true)")
        verdicts = {name: _by_deal(connection.execute(text).fetchall()) for name, text in statements.items()}
    rows = [[cell or None for cell in line.split(",")] for line in EXPORT.splitlines()[1:]]
    with_status = _buyer_case(rows)
    assert verdicts["export"] == python_verdicts(with_status.process, with_status.columns, AS_OF)
    without_status = _buyer_case([row[: len(row) - 1] for row in rows])  # won by its stage: no verdict
    assert verdicts["buyers"] == python_verdicts(without_status.process, without_status.columns, AS_OF)
    # Read as the rep's: a blank evidence is no evidence, and a "yes" with evidence still waits for the buyer.
    assert {deal: (row[2], row[15]) for deal, row in verdicts["reps"].items()} == {
        "Contoso": ("qualifying", "no_evidence"),
        "Fabrikam": ("qualifying", "awaiting_buyer"),
        "Litware": ("qualifying", "no_evidence"),
        "Northwind": ("qualifying", "no_evidence"),
    }


@pytest.mark.parametrize(
    ("stage", "outcome", "refused"),
    [
        ("Closed Won", "won", ""),  # the last stage's name
        ("closed-won", "won", ""),
        ("Deal won", "won", ""),  # a won word, not a stage of the process
        ("CLOSEDWON", "won", ""),
        ("gagné", "won", ""),
        ("Closed Lost", "lost", ""),
        ("Verloren (Preis)", "lost", ""),
        ("deal_lost", "lost", ""),
        ("Duplicate", "disqualified", ""),
        ("Unqualified lead", "disqualified", ""),
        ("Lostwax Ltd review", "open", "stage"),  # a word that only begins with a lost word: an unknown stage
        ("Proposing", "open", ""),
        ("", "open", ""),
    ],
)
def test_a_closed_deals_outcome_is_read_from_its_stage_as_the_audit_reads_it(
    postgres: psycopg.Connection[Any], stage: str, outcome: str, refused: str
) -> None:
    """sales_process.outcome's stage rule, in SQL: a closed deal weighs nothing in the pipeline."""
    process = load_process(DEFAULT_PROCESS).process
    rule_says = process_outcome_rule(process).stage_outcome(stage, process.stage_lookup.labels().get(name_key(stage)))
    assert rule_says.value == outcome
    columns = (Column("deal", "text", ("A",)), Column("stage", "text", (stage,)), Column("amount", "text", ("1000",)))
    case = Case(process, columns)
    for verdicts in (duckdb_verdicts(case), postgres_verdicts(postgres, case)):
        row = verdicts["A"]
        assert (row[11], row[13]) == ((None, refused) if refused else (outcome, ""))
        assert (row[7] is None) == (outcome != "open" or bool(refused))  # the verified weighted amount


@pytest.mark.parametrize("code", sorted(set(CURRENCY_NAMES.values())))
def test_every_currency_name_reads_as_its_code_in_sql_as_in_the_audit(
    postgres: psycopg.Connection[Any], code: str
) -> None:
    """vocabulary.CURRENCY_NAMES, singular and plural ("US Dollars", as SugarCRM writes it), in any case: the SQL
    reads each name of a currency as the audit does, so a file of them all is one currency."""
    names = [name for name, iso in CURRENCY_NAMES.items() if iso == code]
    typed = [spelling for name in names for spelling in (name, name.title(), name.upper())]
    process = load_process(DEFAULT_PROCESS).process
    columns = (
        Column("deal", "text", tuple(f"D{number}" for number in range(len(typed)))),
        Column("stage", "text", ("Proposing",) * len(typed)),
        Column("amount", "text", ("1000",) * len(typed)),
        Column("currency", "text", tuple(typed)),
        Column("pain-confirmed", "text", ("yes",) * len(typed)),
    )
    expected = python_verdicts(process, columns, AS_OF)
    assert {row[14] for row in expected.values()} == {code}
    case = Case(process, columns)
    assert duckdb_verdicts(case) == expected
    assert postgres_verdicts(postgres, case) == expected


@pytest.mark.parametrize("period_column", ["value_period", "Bid Type"])
def test_a_value_per_period_is_refused_in_sql_as_in_the_audit(
    postgres: psycopg.Connection[Any], period_column: str
) -> None:
    """crm_names.PERIOD_COLUMNS (Close's value_period, Insightly's Bid Type): an amount whose period is not one-off
    is refused, on an open deal and a won one (counted without it), and a blank or one-off period is read."""
    periods = ("one_time", "monthly", "", "Fixed Bid", " Per  Month ", "ONE_TIME", "weekly", "annual", "monthly")
    process = load_process(DEFAULT_PROCESS).process
    columns = (
        Column("deal", "text", tuple(f"D{number}" for number in range(len(periods)))),
        Column("stage", "text", ("Proposing",) * (len(periods) - 1) + ("Closed Won",)),
        Column("amount", "text", ("$1,000",) * len(periods)),
        Column(period_column, "text", periods),
        Column("pain-confirmed", "text", ("yes",) * len(periods)),
    )
    expected = python_verdicts(process, columns, AS_OF)
    refused = [deal for deal, row in expected.items() if row[13]]
    assert refused == ["D1", "D4", "D6", "D7", "D8"]
    case = Case(process, columns)
    assert duckdb_verdicts(case) == expected
    assert postgres_verdicts(postgres, case) == expected


# (amount as written, its weighted amount at Discovery's 10%): ties at the half cent go to the even cent, exactly;
# an amount written with more decimals is first taken to the cent, half to even (vocabulary.weighted_cents).
TRICKY_AMOUNTS = (
    ("20900.75", Decimal("2090.08")),  # 2090.075, which a double product rounds down (2090.07)
    ("383,250.75", Decimal("38325.08")),
    ("0.75", Decimal("0.08")),
    ("1.05", Decimal("0.10")),  # 0.105: the even cent is below
    ("0.15", Decimal("0.02")),  # 0.015
    ("0.25", Decimal("0.02")),  # 0.025
    ("1234.565", Decimal("123.46")),  # 1234.56 (a tie to the even cent), then 123.456
    ("1234.575", Decimal("123.46")),  # 1234.58, then 123.458
    ("0.0051", Decimal("0.00")),  # 0.01 (above half), then 0.001
    ("0.0050", Decimal("0.00")),  # 0.00: a tie, its trailing zero no more than half
    ("1015.5", Decimal("101.55")),
    ("100", Decimal("10.00")),
    ("99 999 999 999.95", Decimal("10000000000.00")),  # 9,999,999,999.995: the cent below is odd
    ("$1'000'000.05", Decimal("100000.00")),  # 100,000.005
)


@pytest.mark.parametrize("kind", ["text", "numeric"])
def test_weighted_amounts_are_exact_to_the_cent_half_to_even_in_sql_as_in_the_audit(
    postgres: psycopg.Connection[Any], kind: str
) -> None:
    """The weighted amount of each tricky amount, in DuckDB and PostgreSQL as in the audit: the amount's cents times
    the probability, rounded half to even to the cent in exact arithmetic, never a double's."""
    amounts = [amount for amount, _ in TRICKY_AMOUNTS]
    if kind == "numeric":  # a DECIMAL(14, 2) column: the amounts it holds as they are
        amounts = [amount for amount in amounts if re.fullmatch(r"[0-9]{1,12}([.][0-9]{1,2})?", amount)]
    process = load_process(DEFAULT_PROCESS).process
    columns = (
        Column("deal", "text", tuple(f"D{number}" for number in range(len(amounts)))),
        Column("stage", "text", ("Discovery",) * len(amounts)),
        Column("amount", kind, tuple(amounts if kind == "text" else map(Decimal, amounts))),
        Column("pain-confirmed", "text", ("yes",) * len(amounts)),
    )
    expected = python_verdicts(process, columns, AS_OF)
    weighted = dict(TRICKY_AMOUNTS)
    assert [(row[6], row[7]) for row in expected.values()] == [(weighted[a], weighted[a]) for a in amounts]
    case = Case(process, columns)
    assert duckdb_verdicts(case) == expected
    assert postgres_verdicts(postgres, case) == expected


def test_a_dash_alone_is_no_amount_in_sql_as_in_the_audit(postgres: psycopg.Connection[Any]) -> None:
    """A dash alone (Excel's accounting zero, a typed "none"; an en or em dash, white space around it) is a blank
    amount: an open deal is assessed without one, a closed one counts without one; with a currency it is refused."""
    amounts = ("-", " - ", "\u2013", "\u00a0\u2014 ", "-", "USD -", "--")
    process = load_process(DEFAULT_PROCESS).process
    columns = (
        Column("deal", "text", tuple(f"D{number}" for number in range(len(amounts)))),
        Column("stage", "text", ("Proposing",) * 4 + ("Closed Won",) + ("Proposing",) * 2),
        Column("amount", "text", amounts),
        Column("currency", "text", ("",) + ("EUR",) + ("",) * 5),
        Column("pain-confirmed", "text", ("yes",) * len(amounts)),
    )
    expected = python_verdicts(process, columns, AS_OF)
    assert [(row[5], row[13]) for row in expected.values()] == [(None, "")] * 5 + [(None, "amount")] * 2
    assert [row[11] for row in expected.values()][:5] == ["open"] * 4 + ["won"]
    case = Case(process, columns)
    assert duckdb_verdicts(case) == expected
    assert postgres_verdicts(postgres, case) == expected


def test_a_column_left_out_is_not_read_by_the_sql_either(postgres: psycopg.Connection[Any]) -> None:
    """crm.ignore_columns naming a column of a standard name (currency, amount): the audit leaves it out, and so
    does the statement, from the export's header (--columns-from) or from the crm: block alone."""
    process = load_process(DEFAULT_PROCESS).process.model_copy(update={"crm": Crm(ignore_columns=["Currency"])})
    columns = (
        Column("deal", "text", ("A", "B")),
        Column("stage", "text", ("Proposing", "Proposing")),
        Column("amount", "text", ("1000", "EUR 5")),
        Column("Currency", "text", ("Dollars (US)", "USD")),
        Column("pain-confirmed", "text", ("yes", "no")),
    )
    expected = python_verdicts(process, columns, AS_OF)
    assert [(row[5], row[13], row[14]) for row in expected.values()] == [(1000.0, "", None), (5.0, "", "EUR")]
    case = Case(process, columns)
    assert duckdb_verdicts(case) == expected
    assert postgres_verdicts(postgres, case) == expected
    left_out = process.model_copy(update={"crm": Crm(ignore_columns=["amount"])})
    assert audit_columns(left_out).amount is None


def _answered(answer: str, cell: str) -> str:
    """The evidence or date cell beside an answer: blank beside one saying it was not answered (N/A, -)."""
    return "" if answer in ("N/A", "-") else cell


def test_the_answers_analysts_type_are_read_alike_by_the_sql(postgres: psycopg.Connection[Any]) -> None:
    """Yes., ✔️ Yes, Done, Confirmed and PostgreSQL's t are yes, N/A and - blank, Yes, by email refused (a RevOps review): the
    statement reads each as the audit does, on DuckDB and PostgreSQL, from the one vocabulary."""
    process = load_process(DEFAULT_PROCESS).process
    answers = ("Yes.", "✔️ Yes", "Done", "Confirmed", "t", "N/A", "-", "Yes, by email", "No - not yet", "No!", "f")
    columns = (
        Column("deal", "text", tuple(f"D{index}" for index in range(len(answers)))),
        Column("stage", "text", ("Discovery",) * len(answers)),
        Column("amount", "text", ("1000",) * len(answers)),
        Column("pain-confirmed", "text", answers),
        Column("pain-confirmed.evidence", "text", tuple(_answered(a, "Reply to the recap email") for a in answers)),
        Column("pain-confirmed.date", "text", tuple(_answered(a, "2027-02-01") for a in answers)),
    )
    expected = python_verdicts(process, columns, AS_OF)
    refused = [row[13] for row in expected.values()]
    assert refused == ["", "", "", "", "", "", "", "pain-confirmed", "pain-confirmed", "", ""]
    assert [row[-len(process.milestones())] for row in expected.values()] == [
        *["verified"] * 5,
        *["unanswered"] * 2,
        None,
        None,
        "not_met",
        "not_met",
    ]
    case = Case(process, columns)
    assert duckdb_verdicts(case) == expected
    assert postgres_verdicts(postgres, case) == expected


# Evidence pasted from Word, a mail or a web page: placeholders in typographic quotes, characters that show nothing.
PASTED_EVIDENCE = [
    pytest.param("\u201csee CRM\u201d", "no_evidence", id="curly-quoted-see-crm"),
    pytest.param("\u201cTBD\u201d", "no_evidence", id="curly-quoted-tbd"),
    pytest.param("\u2018tbd\u2019", "no_evidence", id="curly-single-quoted-tbd"),
    pytest.param("\u00ab \u00e0 venir \u00bb", "no_evidence", id="guillemets-a-venir"),
    pytest.param("\u00ab\u202f\u00c0 VENIR\u202f\u00bb", "no_evidence", id="guillemets-narrow-spaces-upper-case"),
    pytest.param("\u201efolgt\u201c", "no_evidence", id="german-quotes-folgt"),
    pytest.param("\u300cTBD\u300d", "no_evidence", id="cjk-corner-brackets"),
    pytest.param("\u200b" * 5, "no_evidence", id="zero-width-spaces"),
    pytest.param("\u00ad" * 4, "no_evidence", id="soft-hyphens"),
    pytest.param("\ufeff" * 4, "no_evidence", id="byte-order-marks"),
    pytest.param("\u200b\u200bTBD", "no_evidence", id="zero-width-spaces-before-tbd"),
    pytest.param("T\u200dB\u2060D", "no_evidence", id="joiners-inside-tbd"),
    pytest.param("\U000e0001\U000e0041\U000e0042\U000e007f", "no_evidence", id="tags"),
    pytest.param("a\u00adb\u200bc", "no_evidence", id="3-visible-characters"),
    pytest.param("\u201cPO 4711\u201d", "verified", id="real-evidence-in-curly-quotes"),
    pytest.param("\u200bReply\u00adto the recap\u200b", "verified", id="real-evidence-with-invisible-characters"),
    pytest.param("\u00abd'accord\u00bb du client", "verified", id="real-evidence-quoting"),
]


@pytest.mark.parametrize(("evidence", "status"), PASTED_EVIDENCE)
def test_pasted_evidence_is_read_alike_by_the_sql(
    postgres: psycopg.Connection[Any], evidence: str, status: str
) -> None:
    """A placeholder in typographic quotes is a placeholder, and evidence of characters that show nothing is
    blank, in the engine and in the statement on DuckDB and PostgreSQL: no milestone verified by “see CRM”."""
    process = load_process(DEFAULT_PROCESS).process
    columns = (
        Column("deal", "text", ("D",)),
        Column("stage", "text", ("Discovery",)),
        Column("amount", "text", ("1000",)),
        Column("pain-confirmed", "text", ("yes",)),
        Column("pain-confirmed.evidence", "text", (evidence,)),
        Column("pain-confirmed.date", "text", ("2027-02-01",)),
    )
    expected = python_verdicts(process, columns, AS_OF)
    assert expected["D"][-len(process.milestones())] == status
    case = Case(process, columns)
    assert duckdb_verdicts(case) == expected
    assert postgres_verdicts(postgres, case) == expected


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12))
def test_a_text_the_statement_spells_reads_back_as_itself(postgres: psycopg.Connection[Any], text: str) -> None:
    """Writer.chars: printable ASCII quoted, every other character by its code point, in DuckDB and PostgreSQL."""
    duck = duckdb.connect()
    try:
        row = duck.execute(f"SELECT {Writer(DIALECTS['duckdb']).chars(text)}").fetchone()
    finally:
        duck.close()
    assert row == (text,)
    assert postgres.execute(f"SELECT {Writer(DIALECTS['postgres']).chars(text)}").fetchone() == (text,)


# First cells of a line after the deals, each alone on the line but for the amount: a report's footer as CRMs and
# spreadsheets write it, and the texts that only look like one.
FOOTER_CELLS = (
    "Total",
    "  GRAND TOTALS ( 1,024 records) ",
    "Grand Totals (24 records)",
    "Total:",
    "Total\tgénéral",
    "ИТОГО",
    "Summe",
    "Confidential Information - Do Not Distribute",
    "Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.",
    "© Acme",
    "Generated By:  Jane Roe  12/1/2026 9:00 AM",
    "For internal use only",
    "Total Records: 262",
    "Total records 2",
    "Records: 2",
    "Record count: 1,024",
    "Report generated by Zoho CRM on 07-Dec-2026",
    "Generated on 2026-12-07",
    "Exported by Ana Ruiz on 12/7/2026",
    "Confidentiality",
    "Records department",
    "Generated leads",
    "Totally Real Co",
    "Subtotal",
    "Acme",
    "  ",
    "",
)


def _skipped_by_the_audit(header: list[str], row: list[str], plan: Any) -> bool:
    """Whether the audit's reader skips the line when it ends the file (a blank row, or a footer's)."""
    text = io.StringIO()
    csv.writer(text).writerows([header, ["Acme", "Proposing", "1000", "yes"], row])
    reader = csv.reader(io.StringIO(text.getvalue()))
    next(reader)
    data = DataRows(reader, plan, None)
    for _ in data:
        pass
    return data.rows == 1


def _selected(
    postgres: psycopg.Connection[Any], dialect: str, statement: str, header: list[str], rows: list[list[str]], what: str
) -> list[tuple[Any, ...]]:
    """`SELECT what` of the statement over a table `deals` of these text columns and rows, on DuckDB or PostgreSQL."""
    quoted = ", ".join(f"{DIALECTS[dialect].identifier(name)} TEXT" for name in header)
    query = f"SELECT {what} FROM ({statement.rstrip().rstrip(';')}) AS verdict"
    if dialect == "duckdb":
        connection = duckdb.connect()
        connection.execute(f"CREATE TABLE deals ({quoted})")
        connection.executemany(f"INSERT INTO deals VALUES ({', '.join('?' * len(header))})", rows)
        return connection.execute(query).fetchall()
    postgres.execute("DROP TABLE IF EXISTS deals")
    postgres.execute(f"CREATE TABLE deals ({quoted})")
    with postgres.cursor() as cursor:
        cursor.executemany(f"INSERT INTO deals VALUES ({', '.join(['%s'] * len(header))})", rows)
        cursor.execute(query)
        return cursor.fetchall()


@pytest.mark.parametrize("stage", ["", "Proposing"])
def test_the_statement_leaves_out_the_lines_the_audit_skips(postgres: psycopg.Connection[Any], stage: str) -> None:
    """A report's footer (its words in the first column, the deal's stage and answers blank) and a blank row are no
    deals: the statement leaves them out, as the audit skips them (pipeline_audit.data_rows, sales_process.footer);
    a line with a stage is a deal, whatever its first cell says. The table has no order: the footer's words are
    enough, where the audit takes them for a footer at the end of the file only."""
    loaded = load_process(DEFAULT_PROCESS)
    header = ["deal", "stage", "amount", "pain-confirmed"]
    plan = plan_columns(header, loaded.process, resolve_mapping(loaded.process))
    # Beside the amount, or alone on the line (the words a footer line holds only alone: Zoho's "Total Records: 262").
    rows = [[cell, stage if cell else "", "5,807,107.11" if cell.strip() else "", ""] for cell in FOOTER_CELLS]
    rows += [[cell, stage, "", ""] for cell in FOOTER_CELLS if cell.strip()]
    expected = [str(n) for n, row in enumerate(rows) if not _skipped_by_the_audit(header, row, plan)]
    if not stage:
        # Beside the amount: the count of records and the generated lines, Confidentiality, Records department,
        # Generated leads, Totally Real Co, Subtotal, Acme, a cell of spaces; alone, the last six but the spaces.
        assert [rows[int(n)][0] for n in expected] == [
            *FOOTER_CELLS[12:19],
            *FOOTER_CELLS[19:-1],
            *FOOTER_CELLS[19:-2],
        ], expected
    columns = export_columns.sql_columns(plan, header.__getitem__)  # as --columns-from reads the header
    table = [[str(n), *row] for n, row in enumerate(rows)]
    for dialect in ("duckdb", "postgres"):
        statement = verdict_sql(loaded.process, DIALECTS[dialect], "deals", columns, AS_OF, keep=["n"])
        kept = _selected(postgres, dialect, statement, ["n", *header], table, "n, verified_weighted")
        assert sorted((n for n, _ in kept), key=int) == expected, dialect


def test_a_total_under_the_deals_name_after_a_blank_id_is_left_out_as_the_audit_skips_it(
    postgres: psycopg.Connection[Any],
) -> None:
    """A spreadsheet whose first column is an id, blank on its total row, has 'Total' under the deal's name: the
    audit reads the first cell filled, and so does the statement."""
    loaded = load_process(DEFAULT_PROCESS)
    header = ["crm_id", "deal", "stage", "amount", "pain-confirmed"]
    plan = plan_columns(header, loaded.process, resolve_mapping(loaded.process))
    total = ["", "Total", "", "5,807,107.11", ""]
    assert _skipped_by_the_audit(header, total, plan)
    columns = export_columns.sql_columns(plan, header.__getitem__)
    rows = [["CRM-1", "Acme", "Proposing", "1000", "yes"], total]
    for dialect in ("duckdb", "postgres"):
        statement = verdict_sql(loaded.process, DIALECTS[dialect], "deals", columns, AS_OF)
        assert _selected(postgres, dialect, statement, header, rows, "deal") == [("Acme",)], dialect


def test_a_deal_named_total_with_a_crm_id_is_kept_as_the_audit_reads_it(postgres: psycopg.Connection[Any]) -> None:
    """A total row has no CRM id: a row named 'Total' without a stage but with one is a deal, in the audit and in
    the statement."""
    loaded = load_process(DEFAULT_PROCESS)
    header = ["deal", "crm_id", "stage", "amount", "pain-confirmed"]
    plan = plan_columns(header, loaded.process, resolve_mapping(loaded.process))
    deal = ["Total", "CRM-2", "", "50000", ""]
    assert not _skipped_by_the_audit(header, deal, plan)
    columns = export_columns.sql_columns(plan, header.__getitem__)
    rows = [["Acme", "CRM-1", "Proposing", "1000", "yes"], deal]
    for dialect in ("duckdb", "postgres"):
        statement = verdict_sql(loaded.process, DIALECTS[dialect], "deals", columns, AS_OF)
        kept = _selected(postgres, dialect, statement, header, rows, "deal")
        assert sorted(kept) == [("Acme",), ("Total",)], dialect


def test_evidence_dated_at_the_ends_of_the_calendar_reads_as_in_the_audit(postgres: psycopg.Connection[Any]) -> None:
    """9999-12-31 on a milestone counting for 90 days (its stale day is past the last date there is: the app's
    check gave a 500 on it) and 0001-01-01: the statement gives the audit's statuses, on DuckDB and PostgreSQL."""
    process = load_process(DEFAULT_PROCESS).process
    dates = ("9999-12-31", "9999-10-01", "0001-01-01")
    columns = (
        Column("deal", "text", tuple(f"D{index}" for index in range(len(dates)))),
        Column("stage", "text", ("Discovery",) * len(dates)),
        Column("amount", "text", ("1000",) * len(dates)),
        Column("pain-confirmed", "text", ("yes",) * len(dates)),
        Column("pain-confirmed.evidence", "text", ("Reply to the recap email",) * len(dates)),
        Column("pain-confirmed.date", "text", dates),
    )
    expected = python_verdicts(process, columns, AS_OF)
    assert [row[-len(process.milestones())] for row in expected.values()] == ["future_date", "future_date", "stale"]
    case = Case(process, columns)
    assert duckdb_verdicts(case) == expected
    assert postgres_verdicts(postgres, case) == expected


@pytest.mark.parametrize("date_style", ["ISO, MDY", "SQL, DMY", "Postgres, MDY", "German"])
@pytest.mark.parametrize("dates", [None, "month-first", "day-first"])
def test_a_typed_table_reads_alike_whatever_the_sessions_date_style(
    postgres: psycopg.Connection[Any], date_style: str, dates: Literal["day-first", "month-first"] | None
) -> None:
    """DATE, TIMESTAMP and timestamp with time zone columns (and BOOLEAN, NUMERIC beside them) give the audit's
    verdict of their ISO text whatever DateStyle the session writes dates in (SQL, DMY wrote 2027-02-09 as
    09/02/2027, which month first is 2 September)."""
    process = load_process(DEFAULT_PROCESS).process
    process = process.model_copy(update={"crm": Crm(dates=dates)})
    days = (dt.date(2027, 2, 9), dt.date(2027, 2, 19), dt.date(2026, 12, 1), dt.date(2027, 3, 2))
    noon = tuple(dt.datetime.combine(day, dt.time(12)) for day in days)
    columns = (
        Column("deal", "text", tuple(f"D{index}" for index in range(len(days)))),
        Column("stage", "text", ("Proposing",) * len(days)),
        Column("amount", "numeric", (Decimal("74000.50"),) * len(days)),
        Column("pain-confirmed", "boolean", (True,) * len(days)),
        Column("pain-confirmed.evidence", "text", ("Reply to the recap email",) * len(days)),
        Column("pain-confirmed.date", "date", days),
        Column("next-meeting-accepted", "boolean", (True,) * len(days)),
        Column("next-meeting-accepted.date", "timestamp", noon),
        Column("decision-maker-identified", "boolean", (True,) * len(days)),
        Column("decision-maker-identified.evidence", "text", ("Org chart from the champion",) * len(days)),
        Column("decision-maker-identified.date", "timestamptz", tuple(n.replace(tzinfo=dt.UTC) for n in noon)),
    )
    expected = python_verdicts(process, columns, AS_OF)
    assert [row[-len(process.milestones())] for row in expected.values()] == [
        "verified",
        "verified",
        "verified",
        "future_date",
    ]
    with postgres.cursor() as cursor:
        cursor.execute(f"SET DateStyle = '{date_style}'")
        try:
            assert postgres_verdicts(postgres, Case(process, columns)) == expected
        finally:
            cursor.execute("RESET DateStyle")
