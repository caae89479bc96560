"""`playbook dbt` writes a dbt project that real dbt builds, on DuckDB and on PostgreSQL, and whose
model gives the audit's verdict on every deal."""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import psycopg
import pytest
import yaml
from openpyxl import Workbook

from playbook_cli.main import main
from sales_process.loader import load_process
from sales_process.spreadsheet import restore_cell
from tests.conftest import DEFAULT_PROCESS, ROOT
from tests.postgres import SERVER_USER, PostgresServer
from tests.sql.tables import CRM_EXPORT, MAPPING
from tests.support.synthetic_pipeline import AS_OF, write_pipeline
from verdict_sql.dbt import MODEL, NOT_ASSESSED_TEST

pytestmark = pytest.mark.slow  # dbt builds a whole project: ./scripts/test --quick leaves it out

DEALS = 120
DBT = Path(os.environ.get("PLAYBOOK_DBT") or Path(__file__).resolve().parents[2] / ".venv/dbt/bin/dbt")
COMPARED = ("claimed_stage_id", "verified_stage_id", "amount", "claimed_weighted", "verified_weighted", "outcome")


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic export of the default process, with closed deals among the open ones and a few rows the
    audit refuses (a misspelt stage, an impossible date, `12k`), and as real CRMs export them: each deal's
    CRM id first, one deal named as another and one without a name (named by its id)."""
    path = tmp_path_factory.mktemp("export") / "deals.csv"
    write_pipeline(path, load_process(DEFAULT_PROCESS).process, DEALS, bad_rows=True)
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    rows[3][0] = rows[2][0]
    rows[5][0] = ""
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["crm_id", *header], *([f"006A{n:05d}", *row] for n, row in enumerate(rows))])
    return path


def _project(tmp_path: Path, *args: str) -> Path:
    out = tmp_path / "project"
    status = main(["dbt", "--process", str(DEFAULT_PROCESS), "--out", str(out), "--as-of", AS_OF.isoformat(), *args])
    assert status == 0
    return out


def _dbt_build(project: Path, profile: dict[str, Any]) -> str:
    if not DBT.is_file():
        pytest.fail(f"dbt is missing ({DBT}): run ./scripts/test, which installs it")
    profiles = project / "profiles"
    profiles.mkdir()
    (profiles / "profiles.yml").write_text(
        # Four threads, as dbt profiles commonly have: a seed's tests must wait for the seed to be loaded.
        yaml.safe_dump({"cvo_playbook": {"target": "test", "outputs": {"test": {"threads": 4, **profile}}}})
    )
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
    built = subprocess.run(
        [str(DBT), "build", "--project-dir", str(project), "--profiles-dir", str(profiles), "--no-use-colors"],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-4000:]
    return built.stdout


def _audit(export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, dict[str, str]]:
    out = tmp_path / "audit"
    command = ["audit", str(export), "--process", str(DEFAULT_PROCESS), "--as-of", AS_OF.isoformat(), "--out", str(out)]
    assert main([*command, *args]) == 0
    printed = capsys.readouterr().out
    with (out / "audit.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["crm_id"]: row for row in csv.DictReader(handle)}
    # The summary's totals are the sums of audit.csv's rows, to the cent: the model's sums are compared with them.
    for column, label in (("claimed_weighted", "claimed"), ("verified_weighted", "verified")):
        total = sum(Decimal(row[column]) for row in rows.values() if row[column])
        assert re.search(rf"^  {label}: +{total:,.2f}", printed, re.MULTILINE), (label, total, printed)
    return rows


def _as_audit_text(row: tuple[Any, ...]) -> dict[str, str]:
    """A model row as audit.csv writes it: blank for NULL, money to the cent."""
    values = dict(zip(COMPARED, row, strict=True))
    text = {key: "" if value is None else str(value) for key, value in values.items()}
    for key in ("amount", "claimed_weighted", "verified_weighted"):
        if values[key] is not None:
            text[key] = f"{values[key]:.2f}"
    return text


def _agree(model: dict[str, tuple[Any, ...]], audited: dict[str, dict[str, str]]) -> None:
    assert sorted(model) == sorted(audited)
    for index, column in ((3, "claimed_weighted"), (4, "verified_weighted")):  # SUM() is the audit's total
        assert sum(row[index] or 0 for row in model.values()) == sum(
            Decimal(row[column]) for row in audited.values() if row[column]
        )
    closed = [deal for deal, row in audited.items() if row["outcome"] != "open"]
    refused = [deal for deal, row in audited.items() if row["not_assessed"]]
    assert closed and refused and len(closed) + len(refused) < len(audited)  # every kind is compared
    for deal, row in model.items():
        text = _as_audit_text(row)
        # audit.csv repeats a refused row's amount as written (`12k`); the model has no number for it.
        expected = {key: audited[deal][key] for key in COMPARED if not (key == "amount" and deal in refused)}
        assert {key: text[key] for key in expected} == expected, deal


def test_the_project_builds_on_duckdb_and_its_model_is_the_audit(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = _project(tmp_path, "--dialect", "duckdb", "--seed", str(export))
    database = tmp_path / "warehouse.duckdb"
    log = _dbt_build(project, {"type": "duckdb", "path": str(database)})
    assert "ERROR=0" in log and "PASS=" in log
    assert "created sql table model main.verified_deals" in log  # built once, read by every test
    # On a new database and 4 threads, the seed is loaded before its tests run (a source's ran beside it).
    assert re.search(r"WARN 1 not_null_deals__deal_ ", log), log
    # The repeated name warns; the blank name is the CRM id's, as audit.csv names the deal, and the CRM ids, all
    # there and distinct, pass.
    assert re.search(r"WARN 1 unique_verified_deals_deal\b", log), log
    assert re.search(r"PASS not_null_verified_deals_deal\b", log), log
    assert re.search(r"PASS unique_verified_deals_crm_id\b", log), log
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(f"SELECT crm_id, {', '.join(COMPARED)} FROM main.verified_deals").fetchall()
    audited = _audit(export, tmp_path, capsys)
    _agree({row[0]: row[1:] for row in rows}, audited)
    # The rows the audit lists as not assessed (a stage the process no longer has...) warn, as many as it lists:
    # accepted_values passes their NULL stage and outcome.
    refused = sum(1 for row in audited.values() if row["not_assessed"])
    assert re.search(rf"WARN {refused} {NOT_ASSESSED_TEST} ", log), log


def test_the_project_builds_on_postgres_from_the_crm_table(
    export: Path, tmp_path: Path, postgres_server: PostgresServer, capsys: pytest.CaptureFixture[str]
) -> None:
    url = postgres_server.database()
    name = url.rsplit("/", 1)[1]
    with export.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    with psycopg.connect(f"host=127.0.0.1 port={postgres_server.port} user={SERVER_USER} dbname={name}") as db:
        db.execute("CREATE SCHEMA crm")
        columns = ", ".join('"' + column + '" TEXT' for column in header)
        db.execute(f"CREATE TABLE crm.opportunities ({columns})".encode())
        with db.cursor() as cursor:
            marks = ", ".join(["%s"] * len(header))
            cursor.executemany(
                f"INSERT INTO crm.opportunities VALUES ({marks})".encode(), [[c or None for c in r] for r in rows]
            )
    # The table is shaped like the export: its header says which column is the CRM id.
    project = _project(tmp_path, "--dialect", "postgres", "--from", "crm.opportunities", "--columns-from", str(export))
    profile = {
        "type": "postgres",
        "host": "127.0.0.1",
        "port": postgres_server.port,
        "user": SERVER_USER,
        "password": "",
        "dbname": name,
        "schema": "analytics",
    }
    assert "ERROR=0" in _dbt_build(project, profile)
    with psycopg.connect(f"host=127.0.0.1 port={postgres_server.port} user={SERVER_USER} dbname={name}") as db:
        found = db.execute(f"SELECT crm_id, {', '.join(COMPARED)} FROM analytics.verified_deals").fetchall()
    _agree({row[0]: row[1:] for row in found}, _audit(export, tmp_path, capsys))


@pytest.mark.parametrize(
    ("relation", "source", "named"),
    [
        ("deals", {"schema": "{{ target.schema }}"}, "deals"),
        ("crm.deals", {"schema": "crm"}, "crm.deals"),
        ("warehouse.crm.deals", {"schema": "crm", "database": "warehouse"}, "warehouse.crm.deals"),
    ],
)
def test_the_source_has_the_database_and_schema_from_names(
    tmp_path: Path, relation: str, source: dict[str, str], named: str
) -> None:
    project = _project(tmp_path, "--dialect", "snowflake", "--from", relation)
    written = yaml.safe_load((project / "models" / "sources.yml").read_text(encoding="utf-8"))["sources"][0]
    assert {key: written[key] for key in ("schema", "database") if key in written} == source
    assert written["tables"][0]["name"] == "deals"
    assert f"The verified stage of every deal in {named}," in (project / "models" / f"{MODEL}.sql").read_text(
        encoding="utf-8"
    )


def test_the_sources_pipeline_column_is_the_one_mapped(tmp_path: Path) -> None:
    """A warehouse table holding HubSpot's `Pipeline`: --column "Pipeline=pipeline" (crm.columns.pipeline) names the
    source's column the model filters on, as `playbook sql` reads it."""
    options = ["--column", "Pipeline=pipeline", "--pipeline", "Sales Pipeline"]
    project = _project(tmp_path, "--dialect", "snowflake", "--from", "raw.deals", *options)
    source = yaml.safe_load((project / "models/sources.yml").read_text())["sources"][0]
    described = {column["name"]: column["description"] for column in source["tables"][0]["columns"]}
    assert described["Pipeline"].startswith("The deal's pipeline") and "pipeline" not in described
    assert '"Pipeline"' in (project / "models" / f"{MODEL}.sql").read_text(encoding="utf-8")


def test_the_schema_describes_and_tests_every_column_from_the_process(tmp_path: Path) -> None:
    project = _project(tmp_path, "--dialect", "snowflake", "--from", "raw.deals")
    process = load_process(DEFAULT_PROCESS).process
    model = yaml.safe_load((project / "models/schema.yml").read_text())["models"][0]
    columns = {column["name"]: column for column in model["columns"]}
    pain = columns["pain-confirmed__status"]
    question = next(m.question for _, m in process.milestones() if m.id == "pain-confirmed")
    assert question in pain["description"] and pain["quote"] is True
    statuses = pain["data_tests"][1]["accepted_values"]["arguments"]["values"]
    assert "verified" in statuses and "awaiting_buyer" in statuses
    # What the CRM's rows hold warns (names repeat, or are blank where the id names the deal): no export stops
    # the build. The CRM id, where the table has one, is the key (the test below).
    warns = [{"not_null": {"config": {"severity": "warn"}}}, {"unique": {"config": {"severity": "warn"}}}]
    assert columns["deal"]["data_tests"] == warns
    assert "crm_id" not in columns  # the default columns have no CRM id
    stage_ids = columns["verified_stage_id"]["data_tests"][1]["accepted_values"]["arguments"]["values"]
    assert stage_ids == [stage.id for stage in process.stages]
    outcomes = columns["outcome"]["data_tests"][1]["accepted_values"]["arguments"]["values"]
    assert outcomes == ["open", "won", "lost", "disqualified"]
    source = yaml.safe_load((project / "models/sources.yml").read_text())["sources"][0]
    assert (source["schema"], source["tables"][0]["name"]) == ("raw", "deals")
    sql = (project / "models/verified_deals.sql").read_text()
    assert "FROM {{ source('crm', 'deals') }} AS \"d\"" in sql
    assert "-- Generated by `playbook dbt --dialect snowflake`" in sql


def test_the_schema_describes_every_column_the_model_has(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The columns are those the generator's statement gives (run on DuckDB), not a list kept beside it: each has a
    description, and each NULL on a row not assessed says so (a known stage is NULL there too, for any cell refused)."""
    project = _project(tmp_path, "--dialect", "duckdb", "--from", "deals", "--columns-from", str(export))
    sql = ["sql", "--process", str(DEFAULT_PROCESS), "--dialect", "duckdb", "--as-of", AS_OF.isoformat()]
    assert main([*sql, "--from", "deals", "--columns-from", str(export)]) == 0
    statement = capsys.readouterr().out
    with duckdb.connect() as connection:
        connection.execute(f"CREATE TABLE deals AS SELECT * FROM read_csv('{export}', all_varchar = true)")
        made = [column[0] for column in connection.execute(statement).description]
    model = yaml.safe_load((project / "models/schema.yml").read_text(encoding="utf-8"))["models"][0]
    described = {column["name"]: column.get("description", "") for column in model["columns"]}
    assert [name for name in made if not described.get(name)] == []
    assert list(described) == made
    always = {"deal", "crm_id", "not_assessed"}
    assert [name for name in made if name not in always and "not assessed" not in described[name]] == []


@pytest.mark.parametrize(
    ("args", "written"),
    [
        ((), "YYYY-MM-DD, or day first where the day cannot be a month (23/02/2027)"),
        (("--month-first",), "YYYY-MM-DD or month first (2/23/2027): crm.dates: month-first"),
        (("--day-first",), "YYYY-MM-DD or day first (23/02/2027): crm.dates: day-first"),
    ],
    ids=["auto", "month-first", "day-first"],
)
def test_the_source_describes_dates_as_the_process_reads_them(
    tmp_path: Path, args: tuple[str, ...], written: str
) -> None:
    """A table holding Salesforce's 2/23/2027 read with crm.dates: month-first was described as YYYY-MM-DD."""
    project = _project(tmp_path, "--dialect", "postgres", "--from", "crm.deals", *args)
    source = yaml.safe_load((project / "models/sources.yml").read_text(encoding="utf-8"))["sources"][0]
    described = {column["name"]: column["description"] for column in source["tables"][0]["columns"]}
    dates = [text for name, text in described.items() if name.endswith(".date")]
    assert dates and all(f"({written})" in text for text in dates), dates


@pytest.mark.parametrize(
    ("make_seed", "args", "message"),
    [
        (lambda p: p.write_bytes(b"deal,stage\n\xe9t\xe9,x\n"), (), "the file is not UTF-8 text"),
        (lambda p: p.write_text(""), (), "the file is empty or starts with a blank line"),
        (lambda p: None, (), "no such file"),
        (
            lambda p: p.write_text("deal\nA\n"),
            ("--from", "raw.deals"),
            "--seed loads the export into the target's schema",
        ),
        (
            lambda p: p.write_text("deal\nA\n"),
            ("--buyer-columns",),
            "--buyer-columns does nothing with --seed: the export's header decides",
        ),
    ],
    ids=["not-utf8", "empty", "missing", "seed-with-schema", "buyer-columns-with-seed"],
)
def test_a_seed_that_cannot_be_used_is_a_clear_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make_seed: Callable[[Path], object],
    args: tuple[str, ...],
    message: str,
) -> None:
    seed = tmp_path / "export.csv"
    make_seed(seed)
    out = tmp_path / "project"
    status = main(
        ["dbt", "--process", str(DEFAULT_PROCESS), "--out", str(out), "--dialect", "duckdb", "--seed", str(seed), *args]
    )
    err = capsys.readouterr().err
    assert status == 1 and message in err and "Traceback" not in err


def test_the_audits_mapping_options_reach_the_model_and_its_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--column, --stage-name and --day-first shape the model as they shape `playbook sql`'s statement."""
    seed = tmp_path / "opportunities.csv"
    seed.write_text(CRM_EXPORT, encoding="utf-8")
    project = _project(tmp_path, "--dialect", "duckdb", "--seed", str(seed), "--from", "opportunities", *MAPPING)
    model = (project / "models/verified_deals.sql").read_text(encoding="utf-8")
    sql = ["sql", "--process", str(DEFAULT_PROCESS), "--dialect", "duckdb", "--as-of", AS_OF.isoformat()]
    assert main([*sql, "--from", "opportunities", "--columns-from", str(seed), *MAPPING]) == 0
    statement = capsys.readouterr().out

    def body(text: str) -> list[str]:
        return [line for line in text.rstrip().rstrip(";").splitlines() if not line.startswith(("--", "{{ config"))]

    assert body(model) == body(statement.replace('"opportunities"', "{{ ref('opportunities') }}"))
    assert "-- Generated by `playbook dbt --dialect duckdb --column 'Opportunity Title=deal' --column " in model
    seeds = yaml.safe_load((project / "seeds/opportunities.yml").read_text(encoding="utf-8"))
    described = [column["name"] for column in seeds["seeds"][0]["columns"]]
    assert described[:3] == ["Opportunity Title", "Phase", "Deal Value"]
    assert {"Pain found", "Pain proof", "Pain on"} <= set(described)


def test_a_seed_without_milestone_columns_needs_no_evidence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An export without milestone columns is refused as the audit refuses it; with --no-evidence the model is
    `playbook sql --no-evidence`'s statement over the seed."""
    seed = ROOT / "tests/audit/crm_exports/odoo-archived.csv"
    args = ["--dialect", "duckdb", "--seed", str(seed), "--from", "odoo", "--stage-name", "Proposition=proposing"]
    command = ["dbt", "--process", str(DEFAULT_PROCESS), "--out", str(tmp_path / "refused"), *args]
    assert main(command) == 1
    assert "run it with --no-evidence" in capsys.readouterr().err
    project = _project(tmp_path, *args, "--no-evidence")
    model = (project / "models/verified_deals.sql").read_text(encoding="utf-8")
    sql = ["sql", "--process", str(DEFAULT_PROCESS), "--dialect", "duckdb", "--as-of", AS_OF.isoformat(), "--from"]
    assert (
        main([*sql, "odoo", "--columns-from", str(seed), "--stage-name", "Proposition=proposing", "--no-evidence"]) == 0
    )
    statement = capsys.readouterr().out
    body = [line for line in model.rstrip().rstrip(";").splitlines() if not line.startswith(("--", "{{ config"))]
    expected = statement.replace('"odoo"', "{{ ref('odoo') }}").rstrip().rstrip(";").splitlines()
    assert body == [line for line in expected if not line.startswith("--")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sheet", "Deals"], "--sheet reads a sheet of --columns-from's or --seed's .xlsx workbook"),
        (["--encoding", "cp1252"], "--encoding reads --columns-from's or --seed's CSV file"),
        (["--strict-columns"], "--strict-columns reads the header of the export that --columns-from or --seed names"),
        (["--no-evidence"], "--no-evidence reads the header of the export that --columns-from or --seed names"),
    ],
)
def test_an_option_reading_an_export_needs_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status = main(["dbt", "--process", str(DEFAULT_PROCESS), "--out", str(tmp_path), "--dialect", "duckdb", *args])
    captured = capsys.readouterr()
    assert (status, captured.out) == (1, "")
    assert captured.err.startswith(f"playbook dbt: error: {message}")


def test_a_row_order_gives_the_model_the_audits_one_currency_rule(tmp_path: Path) -> None:
    project = _project(tmp_path, "--dialect", "postgres", "--row-order", "line")
    sql = (project / "models/verified_deals.sql").read_text()
    assert sql.count("{{ source('crm', 'deals') }}") == 1
    assert '"currencies" AS MATERIALIZED (' in sql
    assert 'ORDER BY CAST("line" AS INTEGER) LIMIT 1)' in sql


def test_a_seed_with_a_row_order_carries_each_rows_line_and_builds_by_its_own_profile(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--seed --row-order line` on an export without a line column: the seed carries each row's line as audit.csv
    numbers it, so the model's currency rule has its order; `dbt build` run in the folder needs no profile of
    the user's (the profiles.yml written there), and each model row is audit.csv's row of its line."""
    project = _project(tmp_path, "--dialect", "duckdb", "--seed", str(export), "--row-order", "line")
    with (project / "seeds/deals.csv").open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header[-1] == "line" and [row[-1] for row in rows] == [str(line) for line in range(2, len(rows) + 2)]
    if not DBT.is_file():
        pytest.fail(f"dbt is missing ({DBT}): run ./scripts/test, which installs it")
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DO_NOT_TRACK": "1"}
    env.pop("DBT_PROFILES_DIR", None)
    built = subprocess.run(
        [str(DBT), "build", "--no-use-colors"], cwd=project, capture_output=True, text=True, env=env, check=False
    )
    assert built.returncode == 0 and "ERROR=0" in built.stdout, built.stdout[-4000:]
    with duckdb.connect(str(project / "cvo_playbook.duckdb"), read_only=True) as connection:
        found = connection.execute(f"SELECT line, crm_id, {', '.join(COMPARED)} FROM main.verified_deals").fetchall()
    audited = _audit(export, tmp_path, capsys)
    assert {line: crm_id for line, crm_id, *_ in found} == {row["line"]: crm_id for crm_id, row in audited.items()}
    _agree({row[1]: row[2:] for row in found}, audited)


def test_the_duckdb_profile_written_for_a_seed_is_kept_once_edited(export: Path, tmp_path: Path) -> None:
    project = _project(tmp_path, "--dialect", "duckdb", "--seed", str(export))
    profile = yaml.safe_load((project / "profiles.yml").read_text(encoding="utf-8"))
    assert profile["cvo_playbook"]["outputs"]["dev"] == {"type": "duckdb", "path": "cvo_playbook.duckdb", "threads": 4}
    (project / "profiles.yml").write_text("# mine\n", encoding="utf-8")
    _project(tmp_path, "--dialect", "duckdb", "--seed", str(export))
    assert (project / "profiles.yml").read_text(encoding="utf-8") == "# mine\n"
    other = tmp_path / "postgres"
    assert (
        main(
            [
                "dbt",
                "--process",
                str(DEFAULT_PROCESS),
                "--out",
                str(other),
                "--dialect",
                "postgres",
                "--seed",
                str(export),
            ]
        )
        == 0
    )
    assert not (other / "profiles.yml").exists()  # a warehouse's profile is the user's


@pytest.mark.parametrize("edited_profile", [False, True], ids=["its-profile", "your-profile"])
def test_switching_between_a_seed_and_a_source_removes_the_other_modes_files(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], edited_profile: bool
) -> None:
    """A --seed run on DuckDB, then a --from run on PostgreSQL into the same folder, left the seed, its macro and the
    DuckDB profile: `dbt build` ran on DuckDB and failed. Each run removes (and names) what the other mode wrote and
    this one does not; a profile you edited is kept, with a warning."""
    out = tmp_path / "project"
    command = ["dbt", "--process", str(DEFAULT_PROCESS), "--out", str(out), "--as-of", AS_OF.isoformat()]
    (out / "seeds").mkdir(parents=True)
    (out / "seeds/yours.csv").write_text("a\n1\n", encoding="utf-8")  # a file of the user's stays
    assert main([*command, "--dialect", "duckdb", "--seed", str(export)]) == 0
    if edited_profile:
        (out / "profiles.yml").write_text((out / "profiles.yml").read_text() + "# mine\n", encoding="utf-8")
    capsys.readouterr()
    postgres = ["--dialect", "postgres", "--from", "crm.sf_opportunities", "--columns-from", str(export)]
    assert main([*command, *postgres]) == 0
    err = capsys.readouterr().err
    left = sorted(str(path.relative_to(out)) for path in out.rglob("*") if path.is_file())
    profile = ["profiles.yml"] if edited_profile else []
    expected = ["dbt_project.yml", "models/schema.yml", "models/sources.yml", "models/verified_deals.sql"]
    assert left == sorted([*expected, *profile, "seeds/yours.csv", f"tests/{NOT_ASSESSED_TEST}.sql"])
    removed = ["macros/seed_columns.sql", *(["profiles.yml"] if not edited_profile else []), "seeds/deals.csv"]
    assert f"removed {', '.join(removed)}, seeds/deals.yml, which a run with --seed wrote" in err, err
    assert ("profiles.yml is kept (you changed it)" in err) is edited_profile, err
    assert main([*command, "--dialect", "duckdb", "--seed", str(export)]) == 0
    err = capsys.readouterr().err
    assert "removed models/sources.yml, which a run without --seed wrote" in err, err
    assert not (out / "models/sources.yml").exists() and (out / "seeds/deals.csv").is_file()
    for path in ("seeds/deals.csv", "seeds/deals.yml"):  # a file already gone is no error, and not named
        (out / path).unlink()
    assert main([*command, *postgres]) == 0
    assert "seeds/deals" not in capsys.readouterr().err


def test_a_seed_named_outside_its_folder_in_an_edited_project_is_never_removed(export: Path, tmp_path: Path) -> None:
    """The seeds a switch removes are read from dbt_project.yml: a seed named `../notes` there (an edit, or a file
    of someone else's) named files outside seeds/, which a run without --seed would have deleted."""
    out = tmp_path / "project"
    command = ["dbt", "--process", str(DEFAULT_PROCESS), "--out", str(out), "--as-of", AS_OF.isoformat()]
    assert main([*command, "--dialect", "duckdb", "--seed", str(export)]) == 0
    project = out / "dbt_project.yml"
    settings = yaml.safe_load(project.read_text(encoding="utf-8"))
    settings["seeds"]["cvo_playbook"]["../notes"] = {}
    project.write_text(yaml.safe_dump(settings), encoding="utf-8")
    (out / "notes.csv").write_text("mine\n", encoding="utf-8")
    postgres = ["--dialect", "postgres", "--from", "crm.sf_opportunities", "--columns-from", str(export)]
    assert main([*command, *postgres]) == 0
    assert (out / "notes.csv").read_text(encoding="utf-8") == "mine\n"
    assert not (out / "seeds" / "deals.csv").exists()  # the seed the run wrote is still removed


def test_a_seed_starts_at_the_exports_header_without_the_reports_title_lines(export: Path, tmp_path: Path) -> None:
    titled = tmp_path / "titled.csv"
    titled.write_bytes(b'"Opportunity Pipeline"\r\n"Filtered By: all deals"\r\n\r\n' + export.read_bytes())
    project = _project(tmp_path, "--dialect", "duckdb", "--seed", str(titled))
    assert (project / "seeds" / "deals.csv").read_bytes() == export.read_bytes()
    settings = yaml.safe_load((project / "dbt_project.yml").read_text(encoding="utf-8"))
    with export.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert list(settings["seeds"]["cvo_playbook"]["deals"]["+column_types"]) == header


def _european(amount: str) -> str:
    """An amount as a European spreadsheet writes it (74.000,00 €); one that is no number (`12k`) as it is."""
    digits = amount.replace("$", "").replace(",", "")
    try:
        value = Decimal(digits)
    except ArithmeticError:
        return amount
    return f"{value:,.2f}".translate(str.maketrans(",.", ".,")) + " €"


def _semicolon_export(export: Path, into: Path) -> Path:
    """The export as European Excel saves it: semicolons, decimal commas, a deal named like a formula (with the
    quote a CSV written safely puts before it) and evidence holding a semicolon."""
    with export.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    amount, evidence = header.index("amount"), header.index("pain-confirmed.evidence")
    for row in rows:
        row[amount] = _european(row[amount])
    rows[7][1] = "'=1+2 Holdings"
    rows[8][evidence] = "call; then an email"
    path = into / "deals-eu.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows([header, *rows])
    return path


def _salesforce_report(export: Path, into: Path) -> Path:
    """The export as a Salesforce formatted report: title lines above the header, a blank row among the deals, and
    the footer (a blank line, the grand total, a confidentiality notice and a copyright line)."""
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    footer = (
        "\r\nGrand Totals (120 records)\r\n\r\nConfidential Information - Do Not Distribute\r\n"
        "Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\r\n"
    )
    path = into / "report.csv"
    titles = '"Opportunity Pipeline Q1"\r\n"Filtered By: Type equals New Business"\r\n\r\n'
    path.write_text(titles + "".join(lines[:50]) + "\r\n" + "".join(lines[50:]) + footer, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make_export", "args"),
    [(_semicolon_export, ("--decimal-comma",)), (_salesforce_report, ())],
    ids=["semicolons-decimal-comma", "salesforce-report"],
)
def test_a_seed_is_the_export_as_the_audit_reads_it_and_builds_with_threads(
    export: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    make_export: Callable[[Path, Path], Path],
    args: tuple[str, ...],
) -> None:
    """The seed is the header and the deals the audit reads (its delimiter, title lines, blank rows and footer left
    to the audit's reader), comma-separated; a first `dbt build` on 4 threads loads it before testing it."""
    report = make_export(export, tmp_path)
    project = tmp_path / "project"
    assert main(["dbt", "--process", str(DEFAULT_PROCESS), "--out", str(project), "--dialect", "duckdb"]) == 0
    assert (project / "models/sources.yml").is_file()  # an earlier run without --seed: its source goes
    project = _project(tmp_path, "--dialect", "duckdb", "--seed", str(report), *args)
    assert not (project / "models/sources.yml").exists()
    with export.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    with (project / "seeds/deals.csv").open(encoding="utf-8", newline="") as handle:
        seeded = list(csv.reader(handle))
    assert seeded[0] == header and len(seeded) == len(rows) + 1
    settings = yaml.safe_load((project / "dbt_project.yml").read_text(encoding="utf-8"))
    assert list(settings["seeds"]["cvo_playbook"]["deals"]["+column_types"]) == header
    database = tmp_path / "warehouse.duckdb"
    log = _dbt_build(project, {"type": "duckdb", "path": str(database)})
    # The seed is tested after it is loaded: its blank name (the fixture's) warns.
    assert "ERROR=0" in log and re.search(r"WARN 1 not_null_deals__deal_ ", log), log
    with duckdb.connect(str(database), read_only=True) as connection:
        found = connection.execute(f"SELECT crm_id, deal, {', '.join(COMPARED)} FROM main.verified_deals").fetchall()
    audited = _audit(report, tmp_path, capsys, *args)
    _agree({row[0]: row[2:] for row in found}, audited)
    # A name written like a formula is the text the audit reads; audit.csv makes it inert and reading restores it.
    # The model names a deal as audit.csv does: without white space around it, by its CRM id when its name is blank.
    assert {row[0]: row[1] for row in found} == {crm_id: restore_cell(row["deal"]) for crm_id, row in audited.items()}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("A,Discovery,1000,x", "the row has 4 cells but the header has 3"),
        ("A,Discovery,1000", ""),
    ],
    ids=["stray-delimiter", "fits"],
)
def test_a_row_the_seed_cannot_hold_is_refused_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], row: str, message: str
) -> None:
    seed = tmp_path / "export.csv"
    seed.write_text(f"deal,stage,amount\nB,Discovery,500\n{row}\n", encoding="utf-8")
    command = ["dbt", "--process", str(DEFAULT_PROCESS), "--out", str(tmp_path / "project"), "--dialect", "duckdb"]
    status = main([*command, "--seed", str(seed), "--no-evidence"])
    err = capsys.readouterr().err
    if not message:
        assert status == 0 and (tmp_path / "project/seeds/deals.csv").is_file()
        return
    assert status == 1 and f"{seed}:3: error: {message}" in err and "stray delimiter or quote" in err, err
    assert not list((tmp_path / "project/seeds").iterdir())  # no seed half written


def test_a_seed_drops_unnamed_columns_and_refuses_text_under_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A trailing delimiter (Excel's empty last column) has no name: the seed leaves it out; a cell filled under it
    is named with the fix."""
    seed = tmp_path / "export.csv"
    seed.write_text("deal;stage;amount;\nA;Discovery;1000;\nB;Discovery;500;\n", encoding="utf-8")
    command = ["dbt", "--process", str(DEFAULT_PROCESS), "--dialect", "duckdb", "--seed", str(seed), "--no-evidence"]
    assert main([*command, "--out", str(tmp_path / "ok")]) == 0
    assert (tmp_path / "ok/seeds/deals.csv").read_bytes() == (
        b"deal,stage,amount\r\nA,Discovery,1000\r\nB,Discovery,500\r\n"
    )
    seed.write_text("deal;stage;amount;\nA;Discovery;1000;\nB;Discovery;500;note\n", encoding="utf-8")
    assert main([*command, "--out", str(tmp_path / "refused")]) == 1
    err = capsys.readouterr().err
    assert f"{seed}:3: error: column 4 has no name in the header but holds 'note'" in err
    assert "name the column in the header or empty the cell" in err


def test_a_seed_comes_from_a_workbooks_sheet(tmp_path: Path) -> None:
    """An .xlsx export is read as the audit reads it (its --sheet, its title rows, dates as dates) into a CSV seed."""
    workbook = Workbook()
    workbook.create_sheet("Notes").append(["Ignored"])
    sheet = workbook.create_sheet("Deals")
    sheet.append(["Opportunity Pipeline"])
    sheet.append(["deal", "stage", "amount", "close_date"])
    sheet.append(["A", "Discovery", 1000, dt.datetime(2027, 3, 31)])
    sheet.append(["B", "Qualifying", 2500.5, None])
    path = tmp_path / "export.xlsx"
    workbook.save(path)
    command = ["dbt", "--process", str(DEFAULT_PROCESS), "--dialect", "duckdb", "--seed", str(path), "--no-evidence"]
    assert main([*command, "--sheet", "Deals", "--out", str(tmp_path / "project")]) == 0
    assert (tmp_path / "project/seeds/deals.csv").read_bytes() == (
        b"deal,stage,amount,close_date\r\nA,Discovery,1000,2027-03-31\r\nB,Qualifying,2500.5,\r\n"
    )


def _percent_export(export: Path, tmp_path: Path) -> Path:
    """The export as Zoho names its columns: a '%' in the name of a column the model reads (the deal's, mapped) and
    of one it does not (Zoho's standard `Probability (%)`)."""
    with export.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    header = ["Deal (%)" if name == "deal" else name for name in header]
    path = tmp_path / "zoho.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([[*header, "Probability (%)"], *([*row, "50"] for row in rows)])
    return path


@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
def test_a_seed_loads_whatever_its_column_names(
    export: Path, tmp_path: Path, request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str], dialect: str
) -> None:
    """dbt-postgres loads a seed's rows with psycopg2's %s bindings, where a '%' in a column's name failed the seed
    with "list index out of range": the project's seed macro writes it so that the name reaches the table intact."""
    seed = _percent_export(export, tmp_path)
    mapped = ("--column", "Deal (%)=deal")
    project = _project(tmp_path, "--dialect", dialect, "--seed", str(seed), *mapped)
    if dialect == "duckdb":
        database = tmp_path / "warehouse.duckdb"
        assert "ERROR=0" in _dbt_build(project, {"type": "duckdb", "path": str(database)})
        with duckdb.connect(str(database), read_only=True) as connection:
            found = connection.execute(f"SELECT crm_id, {', '.join(COMPARED)} FROM main.verified_deals").fetchall()
            loaded = connection.execute('SELECT DISTINCT "Probability (%)" FROM main.deals').fetchall()
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        name = server.database().rsplit("/", 1)[1]
        profile = {"type": "postgres", "host": "127.0.0.1", "port": server.port, "user": SERVER_USER}
        profile |= {"password": "", "dbname": name, "schema": "analytics"}
        assert "ERROR=0" in _dbt_build(project, profile)
        with psycopg.connect(f"host=127.0.0.1 port={server.port} user={SERVER_USER} dbname={name}") as db:
            found = db.execute(f"SELECT crm_id, {', '.join(COMPARED)} FROM analytics.verified_deals").fetchall()
            loaded = db.execute('SELECT DISTINCT "Probability (%)" FROM analytics.deals').fetchall()
    assert loaded == [("50",)]  # the column the model does not read is loaded too, by its name
    _agree({row[0]: row[1:] for row in found}, _audit(seed, tmp_path, capsys, *mapped))


@pytest.mark.parametrize("by_segment", [False, True])
def test_the_source_describes_the_segment_only_where_the_process_reads_it(tmp_path: Path, by_segment: bool) -> None:
    """The segment is read (and so a column of the source) only where a milestone is required of some segments:
    a table without one is described as it is."""
    process = yaml.safe_load(DEFAULT_PROCESS.read_text(encoding="utf-8"))
    if by_segment:
        process["stages"][1]["milestones"][0]["required_when"] = {"segment": ["Enterprise"]}
    path = tmp_path / "process.yaml"
    path.write_text(yaml.safe_dump(process, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "project"
    options = ["--dialect", "postgres", "--from", "salesforce.opportunity", "--as-of", AS_OF.isoformat()]
    assert main(["dbt", "--process", str(path), "--out", str(out), *options]) == 0
    source = yaml.safe_load((out / "models/sources.yml").read_text(encoding="utf-8"))["sources"][0]
    described = [column["name"] for column in source["tables"][0]["columns"]]
    assert ("segment" in described) is by_segment
    assert ('"d"."segment"' in (out / "models" / f"{MODEL}.sql").read_text(encoding="utf-8")) is by_segment


JINJA_NAME = "N{% endraw %}{{ 7*7 }}{% raw %}"


def test_jinja_in_column_names_and_process_texts_reaches_dbt_as_text(export: Path, tmp_path: Path) -> None:
    """dbt renders its YAML (and the model) as Jinja: a CRM column named `N{% endraw %}{{ 7*7 }}{% raw %}` left the
    model's raw block and was rendered in sources.yml, so `{{ env_var(...) }}` in a column name or a question ran in
    dbt. Every name and description reaches dbt as the text written."""
    process = tmp_path / "process.yaml"
    process.write_text(
        DEFAULT_PROCESS.read_text(encoding="utf-8")
        .replace("name: B2B New Business", "name: \"B2B {{ env_var('HOME') }} %}\"", 1)
        .replace(
            "question: Has the prospect confirmed, in writing, the business problem they want to solve?",
            "question: 'Has the prospect {# x #} {{ 7*7 }} {% raw %} confirmed the problem?'",
            1,
        ),
        encoding="utf-8",
    )
    with export.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    seed = tmp_path / "jinja.csv"
    with seed.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([[JINJA_NAME if name == "deal" else name for name in header], *rows])
    out = tmp_path / "project"
    command = ["dbt", "--process", str(process), "--out", str(out), "--as-of", AS_OF.isoformat(), "--dialect", "duckdb"]
    assert main([*command, "--seed", str(seed), "--column", f"{JINJA_NAME}=deal"]) == 0
    database = tmp_path / "warehouse.duckdb"
    assert "ERROR=0" in _dbt_build(out, {"type": "duckdb", "path": str(database)})
    with duckdb.connect(str(database), read_only=True) as connection:
        names = [row[0] for row in connection.execute("DESCRIBE main.deals").fetchall()]
        deals = connection.execute("SELECT count(DISTINCT deal) FROM main.verified_deals").fetchone()
    assert JINJA_NAME in names and deals is not None and deals[0] > 1
    manifest = (out / "target/manifest.json").read_text(encoding="utf-8")
    assert "N{% endraw %}{{ 7*7 }}{% raw %}" in manifest and "{# x #} {{ 7*7 }} {% raw %}" in manifest
    assert "B2B {{ env_var('HOME') }} %}" in manifest and os.environ["HOME"] not in manifest.replace(str(out), "")


def test_a_seed_column_named_with_a_double_quote_is_refused_before_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """dbt's seed loading does not double a '"' in a column's name: the project was written and `dbt build` failed
    on "unterminated quoted identifier"."""
    seed = tmp_path / "export.csv"
    seed.write_text('deal,stage,amount,"Pain""Ev"\nA,Discovery,1000,call\n', encoding="utf-8")
    command = ["dbt", "--process", str(DEFAULT_PROCESS), "--out", str(tmp_path / "project"), "--dialect", "duckdb"]
    assert main([*command, "--seed", str(seed), "--no-evidence"]) == 1
    assert capsys.readouterr().err == (
        f"{seed}:1: error: column 4 of the header, 'Pain\"Ev', is named with a '\"', which dbt's seed loading does "
        "not double (dbt build fails on an unterminated quoted identifier); rename the column in the CRM's export "
        "without it and run playbook dbt again\n1 error found.\n"
    )
    assert not (tmp_path / "project/dbt_project.yml").exists() and not list((tmp_path / "project/seeds").iterdir())
