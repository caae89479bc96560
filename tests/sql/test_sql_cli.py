"""`playbook sql`: the statement per dialect (golden files, parsed by sqlglot in that dialect) and its errors."""

from __future__ import annotations

import csv
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest
import sqlglot
from openpyxl import Workbook
from sqlglot import exp

from playbook_cli.main import main
from sales_process.loader import load_process
from tests.audit.test_crm_exports import LOST_DATES
from tests.conftest import DEFAULT_PROCESS, ROOT
from tests.engine.golden import assert_golden
from tests.sql.tables import CRM_EXPORT, MAPPING, Column, create_table

GOLDEN = Path(__file__).parent / "golden"
DIALECTS = {"duckdb": "duckdb", "postgres": "postgres", "snowflake": "snowflake", "bigquery": "bigquery"}
ODD_PROCESS = """\
name: "Odd names"
stages:
  - id: first
    name: "O'Brien's \\"stage\\" \\\\ back\\nslash"
    probability: 10
    milestones:
      - id: only
        question: "Done?"
        customer_action: "It."
        evidence: "A record."
        max_age_days: 7
  - id: last
    name: "Último"
    probability: 100
"""


def run_sql(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `playbook sql` in-process; return the exit status, stdout and stderr."""
    status = main(["sql", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_the_default_process_as_sql_in_each_dialect(capsys: pytest.CaptureFixture[str], dialect: str) -> None:
    status, out, err = run_sql(capsys, "--process", str(DEFAULT_PROCESS), "--dialect", dialect, "--as-of", "2027-03-01")
    assert (status, err) == (0, "")
    assert_golden(f"default-{dialect}.sql", out.replace(str(DEFAULT_PROCESS), "process.yaml"), GOLDEN)
    statements = sqlglot.parse(out, read=DIALECTS[dialect])
    assert len(statements) == 1 and isinstance(statements[0], exp.Select)


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_a_view_of_odd_names_parses_in_each_dialect(
    capsys: pytest.CaptureFixture[str], write_file: Callable[[str, str], Path], dialect: str
) -> None:
    path = write_file("process.yaml", ODD_PROCESS)
    status, out, err = run_sql(
        capsys, "--process", str(path), "--dialect", dialect, "--from", "crm.deals", "--view", "crm.verified"
    )
    assert (status, err) == (0, "")
    statement = sqlglot.parse_one(out, read=DIALECTS[dialect])
    assert isinstance(statement, exp.Create) and statement.kind == "VIEW"
    assert "CURRENT_DATE" in out
    # The line break in the stage's name never ends a comment early: no line starts with the text after it.
    assert not any(line.strip().startswith("slash") for line in out.splitlines())


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
def test_a_row_order_adds_the_currency_step_and_parses_in_each_dialect(
    capsys: pytest.CaptureFixture[str], dialect: str
) -> None:
    status, out, err = run_sql(
        capsys, "--process", str(DEFAULT_PROCESS), "--dialect", dialect, "--row-order", "line no"
    )
    assert (status, err) == (0, "")
    statement = sqlglot.parse_one(out, read=DIALECTS[dialect])
    assert isinstance(statement, exp.Select)
    assert [cte.alias for cte in statement.ctes][-2:] == ["currencies", "stages"]
    # the order column is passed through, last, to pair each row with the export's
    assert statement.selects[-1].alias_or_name == "line no"
    assert "-- Amounts in one currency, as the audit sums them: the first by line no sets it" in out


def test_odd_names_reach_duckdb_intact(
    capsys: pytest.CaptureFixture[str], write_file: Callable[[str, str], Path]
) -> None:
    path = write_file("process.yaml", ODD_PROCESS)
    status, out, _ = run_sql(capsys, "--process", str(path), "--dialect", "duckdb", "--as-of", "2027-03-01")
    assert status == 0
    with duckdb.connect() as connection:
        connection.execute(
            'CREATE TABLE deals ("deal" VARCHAR, "stage" VARCHAR, "amount" DOUBLE, "only" BOOLEAN, '
            '"only.evidence" VARCHAR, "only.date" DATE)'
        )
        connection.execute(
            "INSERT INTO deals VALUES ('a', 'O''BRIEN''S \"STAGE\" \\ BACK\nSLASH', 100, TRUE, 'Signed PDF', '2027-02-22'),"
            " ('b', 'o''brien''s \"stage\" \\ back\nslash', 50, TRUE, 'Signed PDF', '2027-02-21'),"
            " ('c', 'último', 50, TRUE, 'Signed PDF', '2027-02-21')"
        )
        rows = connection.execute(out).fetchall()
    assert rows == [
        ("a", "first", "last", "Último", -1, 100.0, 10.0, 100.0, "", "", False, "open", None, "", None, "verified"),
        # the stage named in another case, held there by a stale outcome
        (
            "b",
            "first",
            "first",
            "O'Brien's \"stage\" \\ back\nslash",
            0,
            50.0,
            5.0,
            5.0,
            "only",
            "",
            False,
            "open",
            None,
            "",
            None,
            "stale",
        ),
        # claimed at the last stage: won, an outcome that weighs nothing in the pipeline and has no verdict
        ("c", "last", None, None, None, 50.0, None, None, None, None, None, "won", None, "", None, None),
    ]


def test_only_the_dates_an_export_has_are_read_by_the_date_rules(
    capsys: pytest.CaptureFixture[str], write_file: Callable[[str, str], Path]
) -> None:
    export = write_file("export.csv", "deal,stage,pain-confirmed,pain-confirmed.date,budget-confirmed\n")
    status, out, _ = run_sql(
        capsys, "--process", str(DEFAULT_PROCESS), "--dialect", "duckdb", "--columns-from", str(export)
    )
    assert status == 0
    assert '"pain-confirmed__iso"' in out
    # a date the export has no column for is blank in every row: read once, as NULL, with no rules spelt out
    assert 'CAST(NULL AS DATE) AS "budget-confirmed__date"' in out
    assert '"budget-confirmed__iso"' not in out
    with duckdb.connect() as connection:
        connection.execute(
            "CREATE TABLE deals AS SELECT * FROM (VALUES ('a', 'Qualifying', 'yes', '1 March 2027', 'yes'), "
            "('b', 'Qualifying', 'yes', '1 Marc 2027', 'yes')) "
            'AS t("deal", "stage", "pain-confirmed", "pain-confirmed.date", "budget-confirmed")'
        )
        result = connection.execute(out)
        names = [column[0] for column in result.description]
        rows = [dict(zip(names, row, strict=True)) for row in result.fetchall()]
    assert [(row["deal"], row["not_assessed"]) for row in rows] == [("a", ""), ("b", "pain-confirmed.date")]
    assert rows[0]["budget-confirmed__status"] == "no_evidence"


@pytest.mark.parametrize("command", ["sql", "dbt"])
def test_columns_from_an_export_without_a_stage_column_is_warned(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str
) -> None:
    """The SQL reads every stage as blank then, as the audit does, and says so as the audit does."""
    export = tmp_path / "export.csv"
    export.write_text("deal,Sales Phase,pain-confirmed\nAcme,Discovery,yes\n", encoding="utf-8")
    options = ["--out", str(tmp_path / "project")] if command == "dbt" else []
    status = main(
        [command, "--process", str(DEFAULT_PROCESS), "--dialect", "duckdb", "--columns-from", str(export), *options]
    )
    assert status == 0
    assert capsys.readouterr().err.splitlines()[0] == (
        f"playbook {command}: warning: the export has no 'stage' column, which holds the stage the CRM claims for each "
        "deal, so every deal is without a claimed stage and none is compared with its verified stage; map the "
        "export's column (perhaps 'Sales Phase') with --column \"Sales Phase=stage\" or crm.columns.stage in process.yaml"
    )


def test_columns_from_a_workbook_reads_the_sheet_named(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An export saved as a workbook whose deals are on its second sheet: --sheet reads them, as the audit's does."""
    workbook = Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "Read me"
    notes.append(["Exported from the CRM"])
    workbook.create_sheet("Deals").append(["Opportunity Name", "Stage", "pain-confirmed", "pain-confirmed.date"])
    export = tmp_path / "export.xlsx"
    workbook.save(export)
    base = ["--process", str(DEFAULT_PROCESS), "--dialect", "duckdb", "--columns-from", str(export)]
    status, out, _ = run_sql(capsys, *base, "--sheet", "Deals")
    assert status == 0
    deal = next(line for line in out.splitlines() if line.endswith(' AS "deal",'))
    assert 'CAST("d"."Opportunity Name" AS VARCHAR)' in deal and '"pain-confirmed__iso"' in out
    status, out, err = run_sql(capsys, *base)
    assert (status, out) == (1, "")
    assert "(this is the workbook's first sheet; its other sheets: 'Deals': read one with --sheet NAME" in err


def test_the_audits_mapping_options_map_the_table_as_they_map_the_export(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--column, --stage-name and --day-first read the table as they make `playbook audit` read the export:
    the same verified stage on every row, and the statement's header says how it was generated."""
    export = tmp_path / "opportunities.csv"
    export.write_text(CRM_EXPORT, encoding="utf-8")
    base = ["--process", str(DEFAULT_PROCESS), "--as-of", "2026-12-01"]
    assert main(["audit", str(export), *base, *MAPPING, "--out", str(tmp_path / "audit")]) == 0
    with (tmp_path / "audit" / "audit.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    audited = [(row["deal"], row["claimed_stage"], row["verified_stage"]) for row in rows]
    pain_to_ask = ["pain-confirmed" in row["next_milestone_ids"].split() for row in rows]
    capsys.readouterr()
    status, out, err = run_sql(
        capsys, *base, "--dialect", "duckdb", "--from", "opportunities", "--columns-from", str(export), *MAPPING
    )
    assert (status, err) == (0, "")
    assert (
        "-- Generated by `playbook sql --dialect duckdb --column 'Opportunity Title=deal' --column Phase=stage "
        "--column 'Deal Value=amount' --column 'Pain found=pain-confirmed' --column 'Pain proof=pain-confirmed.evidence' "
        "--column 'Pain on=pain-confirmed.date' --stage-name Selling=proposing --day-first` from "
    ) in out
    with duckdb.connect() as connection:
        connection.execute(f"CREATE TABLE opportunities AS SELECT * FROM read_csv('{export}', all_varchar = true)")
        query = f'SELECT deal, claimed_stage_id, verified_stage_id, "pain-confirmed__status" FROM ({out.rstrip().rstrip(";")})'
        *verdicts, pains = zip(*connection.execute(query).fetchall(), strict=True)
    verdicts = list(zip(*verdicts, strict=True))
    # Acme's pain was confirmed on 4 November (day first), Gamma's on 13 November; Delta's over a year ago.
    assert pains == ("verified", "not_met", "verified", "stale")
    assert pain_to_ask == [pain != "verified" for pain in pains]
    assert verdicts == [
        ("Acme", "qualifying", "discovery"),
        ("Beta", "discovery", "discovery"),
        ("Gamma", "proposing", "discovery"),
        ("Delta", "proposing", "discovery"),
    ]
    names = {stage.id: stage.name for stage in load_process(DEFAULT_PROCESS).process.stages}
    assert audited == [(deal, names[claimed], names[verified]) for deal, claimed, verified in verdicts]


def test_an_export_without_evidence_gives_the_audits_outcomes_and_claims(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Without milestone columns the SQL is refused, as the audit refuses the export; with --no-evidence both read
    it: every row's outcome, claimed stage and claimed weighted amount are the audit's."""
    export = ROOT / "tests/audit/crm_exports/odoo-archived.csv"
    options = ["--process", str(DEFAULT_PROCESS), "--as-of", "2027-03-01", "--columns-from", str(export)]
    options += ["--stage-name", "New=discovery", "--stage-name", "Qualified=qualifying"]
    options += ["--stage-name", "Proposition=proposing"]
    refused = run_sql(capsys, "--dialect", "duckdb", *options)
    assert refused[0] == 1 and "run it with --no-evidence" in refused[2]
    status, sql, err = run_sql(capsys, "--dialect", "duckdb", *options, "--no-evidence")
    assert (status, err) == (0, "")
    assert "-- Generated by `playbook sql --dialect duckdb --no-evidence --stage-name New=discovery " in sql
    audit = ["audit", str(export), *options[:4], *options[6:], "--no-evidence", "--out", str(tmp_path)]
    assert main(audit) == 0
    capsys.readouterr()
    with (tmp_path / "audit.csv").open(encoding="utf-8", newline="") as handle:
        audited = [
            (r["deal"], r["outcome"], r["claimed_stage_id"], r["claimed_weighted"]) for r in csv.DictReader(handle)
        ]
    with duckdb.connect() as connection:
        connection.execute(f"CREATE TABLE deals AS SELECT * FROM read_csv('{export}', all_varchar = true)")
        query = f"SELECT deal, outcome, claimed_stage_id, claimed_weighted FROM ({sql.rstrip().rstrip(';')})"
        rows = connection.execute(query).fetchall()
    assert [
        (deal, outcome or "", claimed or "", "" if weighted is None else f"{weighted:.2f}")
        for deal, outcome, claimed, weighted in rows
    ] == audited
    assert ("Need 20 Desks", "lost", "proposing", "") in audited


def test_a_lost_date_column_gives_the_audits_close_dates_on_duckdb_and_postgres(
    capsys: pytest.CaptureFixture[str], postgres: psycopg.Connection[Any], tmp_path: Path
) -> None:
    """The close date, or where it is blank the lost date (Close's date_lost), as the audit reads them: each row's
    outcome, close date and refused cell are audit.csv's on both engines."""
    export = tmp_path / "lost-dates.csv"
    export.write_text(LOST_DATES, encoding="utf-8")
    options = ["--process", str(DEFAULT_PROCESS), "--as-of", "2027-03-01", "--no-evidence"]
    assert main(["audit", str(export), *options, "--out", str(tmp_path / "audit")]) == 0
    with (tmp_path / "audit" / "audit.csv").open(encoding="utf-8", newline="") as handle:
        audited = [(r["outcome"], r["close_date"], r["not_assessed"].split(":")[0]) for r in csv.DictReader(handle)]
    assert [refused for *_, refused in audited] == ["", "", "lost_date", "close_date", "", ""]
    capsys.readouterr()
    query = "SELECT outcome, close_date, not_assessed FROM ({}) AS verdicts"
    found: dict[str, list[tuple[Any, ...]]] = {}
    status, sql, err = run_sql(capsys, *options, "--dialect", "duckdb", "--columns-from", str(export))
    assert (status, err) == (0, "")
    with duckdb.connect() as connection:
        connection.execute(f"CREATE TABLE deals AS SELECT * FROM read_csv('{export}', all_varchar = true)")
        found["duckdb"] = connection.execute(query.format(sql.rstrip().rstrip(";"))).fetchall()
    status, sql, err = run_sql(capsys, *options, "--dialect", "postgres", "--columns-from", str(export))
    assert (status, err) == (0, "")
    table = list(csv.reader(LOST_DATES.splitlines()))
    columns = [Column(name, "text", tuple(row[i] or None for row in table[1:])) for i, name in enumerate(table[0])]
    create, insert, rows = create_table("postgres", "deals", columns)
    with postgres.cursor() as cursor:
        cursor.execute('DROP TABLE IF EXISTS "deals"')
        cursor.execute(create.encode())
        cursor.executemany(insert.encode(), rows)
        cursor.execute(query.format(sql.rstrip().rstrip(";")).encode())
        found["postgres"] = cursor.fetchall()
        cursor.execute('DROP TABLE "deals"')
    for rows_found in found.values():
        assert [
            (outcome or "", close_date.isoformat() if close_date else "", refused)
            for outcome, close_date, refused in rows_found
        ] == audited


def test_the_help_shows_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run_sql(capsys, "--help")
    assert status == 0
    assert "playbook sql --dialect duckdb --from deals --as-of 2027-03-01 > verdict.sql" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--from", "crm..deals"],
            "playbook sql: error: --from 'crm..deals' has an empty part; write NAME, SCHEMA.NAME or "
            "DATABASE.SCHEMA.NAME\n",
        ),
        (
            ["--from", "a.b.c.d"],
            "playbook sql: error: --from 'a.b.c.d' has 4 parts; write NAME, SCHEMA.NAME or DATABASE.SCHEMA.NAME\n",
        ),
        (
            ["--view", "a\tb"],
            "playbook sql: error: --view 'a\\tb' contains a control character; write the name as the warehouse shows it\n",
        ),
        (
            ["--buyer-columns", "--columns-from", "export.csv"],
            "playbook sql: error: --buyer-columns does nothing with --columns-from: the export's header decides, "
            "and its <id>.confirmed_by columns are read when it has them; drop --buyer-columns\n",
        ),
        (
            ["--row-order", " "],
            "playbook sql: error: --row-order is blank; name the column giving each row's place in the export, "
            "e.g. --row-order line\n",
        ),
        (
            ["--row-order", "line\n"],
            "playbook sql: error: --row-order 'line\\n' contains a control character; write the column's name as "
            "the table has it\n",
        ),
        (
            ["--process", "missing.yaml"],
            "missing.yaml: error: no such file; pass --process PATH or set PLAYBOOK_PROCESS\n1 error found.\n",
        ),
        (
            ["--sheet", "Deals"],
            "playbook sql: error: --sheet reads a sheet of --columns-from's .xlsx workbook: give --columns-from "
            "EXPORT.xlsx too\n",
        ),
        (
            ["--encoding", "cp1252"],
            "playbook sql: error: --encoding reads --columns-from's CSV file: give --columns-from EXPORT.csv too, "
            "or drop --encoding\n",
        ),
        (
            ["--ignore-column", "Notes", "--strict-columns"],
            "playbook sql: error: --ignore-column reads the header of the export that --columns-from names: give "
            "one, or drop --ignore-column\nplaybook sql: error: --strict-columns reads the header of the export that "
            "--columns-from names: give one, or drop --strict-columns\n",
        ),
        (
            ["--no-evidence"],
            "playbook sql: error: --no-evidence reads the header of the export that --columns-from names: give "
            "one, or drop --no-evidence\n",
        ),
    ],
)
def test_user_errors_are_one_clean_message(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    process = [] if "--process" in args else ["--process", str(DEFAULT_PROCESS)]
    assert run_sql(capsys, "--dialect", "postgres", *process, *args) == (1, "", message)


def test_a_mapping_option_written_wrong_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run_sql(
        capsys, "--dialect", "duckdb", "--column", "Opportunity Title", "--stage-name", "Won=nowhere"
    )
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        'playbook sql: error: --column \'Opportunity Title\': write it as "CRM NAME=VALUE", e.g. "Opportunity Name=deal"',
        *[
            line
            for line in err.splitlines()[1:]
            if line.startswith("playbook sql: error: --stage-name 'Won=nowhere': ")
        ],
    ]
    assert len(err.splitlines()) == 2


@pytest.mark.parametrize("args", [["--dialect", "oracle"], ["--dialect", "duckdb", "--as-of", "2027-02-30"], []])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    status, out, err = run_sql(capsys, *args)
    assert (status, out) == (2, "")
    assert "usage: playbook sql" in err


SECOND_CURRENCY = """\
deal,stage,amount,currency
Acme,qualifying,"12,000.50",USD
Globex,proposing,"9,000",EUR
Initech,discovery,"5,000",usd
"""


def test_columns_from_gives_the_audits_currency_whatever_the_tables_order(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The export's first amount sets the currency the audit sums, and the statement names it: in a table holding
    the rows last first, the deal in another currency is refused still, and the sums are the report's."""
    export = tmp_path / "export.csv"
    export.write_text(SECOND_CURRENCY, encoding="utf-8")
    options = ["--process", str(DEFAULT_PROCESS), "--as-of", "2027-03-01", "--no-evidence"]
    assert main(["audit", str(export), *options, "--out", str(tmp_path / "audit")]) == 0
    with (tmp_path / "audit" / "audit.csv").open(encoding="utf-8", newline="") as handle:
        audited = {row["deal"]: row for row in csv.DictReader(handle)}
    capsys.readouterr()
    status, sql, err = run_sql(capsys, *options, "--dialect", "duckdb", "--columns-from", str(export))
    assert (status, err) == (0, "")
    assert "-- Amounts in one currency, as the audit sums the export: USD, its first amount's" in sql
    with duckdb.connect() as connection:
        connection.execute(
            f"CREATE TABLE deals AS SELECT * FROM read_csv('{export}', all_varchar = true) ORDER BY deal DESC"
        )
        rows = connection.execute(
            f"SELECT deal, not_assessed, claimed_weighted FROM ({sql.rstrip().rstrip(';')}) AS verdicts"
        ).fetchall()
    assert {deal: refused for deal, refused, _ in rows} == {"Acme": "", "Globex": "amount", "Initech": ""}
    assert audited["Globex"]["not_assessed"].startswith("amount: in EUR, but the file's amounts are in USD")
    assert sum(weighted for *_, weighted in rows if weighted is not None) == sum(
        Decimal(row["claimed_weighted"]) for row in audited.values() if row["claimed_weighted"]
    )


@pytest.mark.parametrize(
    ("crm", "options"),
    [
        ("crm:\n  columns: {pipeline: Pipeline}\n  pipelines: [Sales Pipeline]\n", []),
        ("", ["--column", "Pipeline=pipeline", "--pipeline", "Sales Pipeline"]),
    ],
)
def test_a_tables_pipeline_column_is_mapped_as_the_other_columns(
    capsys: pytest.CaptureFixture[str], write_file: Callable[[str, str], Path], crm: str, options: list[str]
) -> None:
    """A warehouse table holding HubSpot's `Pipeline` column, read without --columns-from: crm.columns.pipeline
    (or --column NAME=pipeline) names it, and only the pipelines listed are read."""
    path = write_file("process.yaml", ODD_PROCESS + crm)
    status, out, err = run_sql(
        capsys, "--process", str(path), "--dialect", "duckdb", "--from", "deals", "--as-of", "2027-03-01", *options
    )
    assert (status, err) == (0, "")
    with duckdb.connect() as connection:
        connection.execute(
            'CREATE TABLE deals ("deal" VARCHAR, "stage" VARCHAR, "amount" DOUBLE, "only" BOOLEAN, '
            '"only.evidence" VARCHAR, "only.date" DATE, "Pipeline" VARCHAR)'
        )
        connection.execute(
            "INSERT INTO deals VALUES ('a', 'last', 100, TRUE, 'Signed PDF', '2027-02-22', 'Sales Pipeline'),"
            " ('b', 'último', 50, TRUE, 'Signed PDF', '2027-02-21', 'Renewals'),"
            " ('c', 'last', 50, TRUE, 'Signed PDF', '2027-02-21', ' sales  pipeline')"
        )
        deals = [row[0] for row in connection.execute(out).fetchall()]
    assert deals == ["a", "c"]


# Cells that tell a whole-text match from a match anywhere: a long date, money with its currency after it, a
# stage's number, a footer line, text over several lines, blank.
TRICKY_CELLS = (
    "Friday, February 19, 2027",
    "$12,000.00 USD",
    "12.000,00 € ",
    "1. Discovery",
    "2. Proposal/Price Quote",
    "Closed Won",
    "closed lost - no budget",
    "Generated by: Salesforce",
    "Total\nline two",
    "line one\n2027-02-19",
    "2027-02-19 10:00:00.000 -0800",
    "kr",
    "3 Feb 2027",
    "Copyright © 2027",
    "",
    " ",
    "yes",
)


def _snowflake_match_in_duckdb(node: exp.Expression) -> str:
    """A Snowflake regular expression test as DuckDB's RE2 (the syntax Snowflake's is written in here) reads it by
    Snowflake's documentation: REGEXP_LIKE matches the whole text (implicitly anchored at both ends),
    REGEXP_INSTR gives the position of the first match anywhere (0: none)."""
    pattern = node.expression.sql("duckdb")
    if isinstance(node, exp.RegexpLike):
        return f"REGEXP_FULL_MATCH(cell, {pattern})"
    assert isinstance(node.parent, exp.GT) and node.parent.expression.sql() == "0", node.parent
    return f"REGEXP_MATCHES(cell, {pattern})"


def test_snowflakes_regular_expressions_match_anywhere_in_the_text_as_the_other_dialects(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The statement's patterns are written for a match anywhere (DuckDB's REGEXP_MATCHES, PostgreSQL's ~,
    BigQuery's REGEXP_CONTAINS): on Snowflake, where REGEXP_LIKE matches the whole text only, each pattern
    still matches the cells it matches there ('^[0-9]+[.]' a stage's number, a date with a weekday before it)."""
    status, out, err = run_sql(
        capsys, "--process", str(DEFAULT_PROCESS), "--dialect", "snowflake", "--as-of", "2027-03-01"
    )
    assert (status, err) == (0, "")
    tests = [
        node
        for node in sqlglot.parse_one(out, read="snowflake").walk()
        if isinstance(node, (exp.RegexpLike, exp.RegexpInstr))
    ]
    patterns = {node.expression.sql("duckdb") for node in tests}
    assert len(tests) > 100 and "'^[0-9]+[.]'" in patterns  # a pattern open at its end is among them
    with duckdb.connect() as connection:
        connection.execute("CREATE TABLE cells (cell VARCHAR)")
        connection.executemany("INSERT INTO cells VALUES (?)", [(cell,) for cell in TRICKY_CELLS])
        for node in tests:
            emulated = _snowflake_match_in_duckdb(node)
            partial = f"REGEXP_MATCHES(cell, {node.expression.sql('duckdb')})"
            differ = connection.execute(f"SELECT cell FROM cells WHERE ({emulated}) <> ({partial})").fetchall()
            assert differ == [], node.sql("snowflake")


ZOHO_DEALS = (
    "Opportunity ID,Opportunity Name,Stage,Amount,Opportunity Owner,pain-confirmed,pain-confirmed.evidence,"
    "pain-confirmed.date\n"
    "006A1,Fabrikam,Qualifying,1000,Ana,yes,Reply from CFO to recap,2026-12-01\n"
    "006A2,Northwind,Discovery,2000,Lee,no,,\n"
)


@pytest.mark.parametrize(
    "footer",
    [
        pytest.param("\nTotal Records: 2\n", id="total-records-after-a-blank-row"),
        pytest.param("Total Records: 2,,,,,,,\n", id="total-records-no-blank-row"),
        pytest.param(",,,,,,,\nReport generated by Zoho CRM on 07-Dec-2026,,,,,,,\n", id="report-generated-by-on"),
    ],
)
def test_a_zoho_reports_footer_loaded_as_the_manual_says_is_left_out_as_the_audit_skips_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, footer: str
) -> None:
    """Zoho ends a report with 'Total Records: N' or 'Report generated by … on …': the statement counted it as an
    open deal, which the audit skips."""
    export = tmp_path / "zoho.csv"
    export.write_text(ZOHO_DEALS + footer, encoding="utf-8")
    options = ["--process", str(DEFAULT_PROCESS), "--as-of", "2026-12-07"]
    assert main(["audit", str(export), *options, "--out", str(tmp_path / "audit")]) == 0
    assert "Footer lines skipped at the end of the file" in capsys.readouterr().out
    with (tmp_path / "audit" / "audit.csv").open(encoding="utf-8", newline="") as handle:
        audited = [(r["deal"], r["outcome"]) for r in csv.DictReader(handle)]
    assert audited == [("Fabrikam", "open"), ("Northwind", "open")]
    status, sql, err = run_sql(capsys, *options, "--dialect", "duckdb", "--columns-from", str(export))
    assert (status, err) == (0, "")
    with duckdb.connect() as connection:
        connection.execute(
            f"CREATE TABLE deals AS SELECT * FROM read_csv('{export}', all_varchar = true, null_padding = true)"
        )
        rows = connection.execute(f"SELECT deal, outcome FROM ({sql.rstrip().rstrip(';')})").fetchall()
    assert rows == audited
