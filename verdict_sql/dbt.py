"""The verdict as a dbt project: the CRM table as a source (or an export as a seed, read through ref()), the
verdict as a model written by the same SQL generator as `playbook sql`, and tests and descriptions taken from the
process.

Files are returned as (relative path, text), so the command decides where they go; nothing here
imports dbt (the project is plain files that any dbt with the warehouse's adapter runs).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from sales_process.crm import CrmMapping, resolve_mapping
from sales_process.engine import Status
from sales_process.loader import LoadedProcess
from sales_process.model import Process
from sales_process.outcome import Outcome
from sales_process.vocabulary import DateOrder
from verdict_sql.cells import CRM_ID
from verdict_sql.columns import InputColumns, MilestoneColumns, audit_columns
from verdict_sql.dialects import Dialect
from verdict_sql.generate import OUTPUT_COLUMNS, segments_read, statement_header, status_column, verdict_sql

PROJECT = "cvo_playbook"
MODEL = "verified_deals"
SOURCE = "crm"
# The generator quotes this stand-in as a relation; the model replaces the quoted name with dbt's source().
_STAND_IN = "cvo_playbook_source_relation"
_JINJA = re.compile(r"\{[{%#]|[}%#]\}")


def jinja_literal(text: str) -> str:
    """`text` as dbt renders it back to itself: dbt reads its YAML values and the model as Jinja, so each of Jinja's
    delimiters ('{{', '{%', '{#' and their closers) in a CRM column name or a process text is written as a Jinja
    expression of itself (`{{ '{{' }}`). A `{% raw %}` block did not do: a name holding '{% endraw %}' left it,
    and `{{ env_var(...) }}` in a column name then ran in dbt."""
    return _JINJA.sub(lambda found: "{{ '" + found[0] + "' }}", text)


def _literals(data: Any) -> Any:
    """Every text of a YAML file's data (keys and values) as a Jinja literal (jinja_literal)."""
    if isinstance(data, str):
        return jinja_literal(data)
    if isinstance(data, dict):
        return {_literals(key): _literals(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_literals(item) for item in data]
    return data


@dataclass(frozen=True)
class DbtOptions:
    """What the project reads and how: the CRM table, the dialect, the assessment date, an optional seed."""

    dialect: Dialect
    table: str = "deals"  # the CRM table's name in the warehouse (the source's identifier)
    schema: str | None = None  # its schema; None: the target's schema (where a seed is loaded too)
    as_of: dt.date | None = None  # None: the warehouse's CURRENT_DATE each time the model runs
    seed_header: Sequence[str] | None = None  # the columns of a CSV seed standing for the table
    buyers: bool = False  # read <id>.confirmed_by as `playbook sql --buyer-columns` does
    columns: InputColumns | None = None  # the table's columns as an export's header gives them (default: audit_columns)
    row_order: str | None = None  # a column of the rows' order: amounts in one currency, the first's (verdict_sql)
    mapping: CrmMapping | None = None  # the crm: block with the command line's options (default: the process's)
    database: str | None = None  # its database (Snowflake) or project (BigQuery); None: the target's
    currency: str | None = None  # the currency the audit sums the rows in, the export's first (verdict_sql)


def dbt_project(loaded: LoadedProcess, options: DbtOptions, command: str) -> list[tuple[str, str]]:
    """Every file of the project: dbt_project.yml, the source, the model and its schema (tests, descriptions);
    `command` is how the model's header says it was generated."""
    process = loaded.process
    mapping = options.mapping or resolve_mapping(process)
    columns = options.columns or audit_columns(process, mapping, buyers=options.buyers)
    files = [
        ("dbt_project.yml", _project_yml(process, options)),
        (input_properties(options), _yaml(_sources(process, columns, mapping, options))),
        (f"models/{MODEL}.sql", _model_sql(loaded, columns, mapping, options, command)),
        ("models/schema.yml", _yaml(_literals(_schema(process, options, columns)))),
    ]
    files.append((f"tests/{NOT_ASSESSED_TEST}.sql", _not_assessed_test(options.dialect)))
    if options.seed_header is not None:
        files.append((SEED_COLUMNS_PATH, SEED_COLUMNS_MACRO))
    return files


NOT_ASSESSED_TEST = f"{MODEL}_not_assessed"


def _not_assessed_test(dialect: Dialect) -> str:
    """A singular test warning of the rows the audit does not assess, as many as `playbook audit` lists: their stage
    and outcome are NULL, which the accepted_values tests pass."""
    return (
        "{{ config(severity='warn') }}\n"
        "-- Written by `playbook dbt`: the deals the audit does not assess (a stage the process no longer has, a cell\n"
        "-- it refuses), which have no verdict; `not_assessed` names the cells, `playbook audit` gives each reason.\n"
        f"SELECT * FROM {{{{ ref('{MODEL}') }}}} WHERE {dialect.quote('not_assessed')} <> ''\n"
    )


PROFILE_PATH = "profiles.yml"
# dbt reads a profiles.yml in the folder it runs in before ~/.dbt's: `dbt build` in the project then needs no set-up.
DUCKDB_PROFILE = f"""\
# Written by `playbook dbt --seed` for DuckDB (kept if you change it): `dbt build` run in this folder loads
# the seed and builds the model into {PROJECT}.duckdb here. For a warehouse, use a profile of your own.
{PROJECT}:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: {PROJECT}.duckdb
      threads: 4
"""

SEED_COLUMNS_PATH = "macros/seed_columns.sql"
# dbt's own macro, but for one thing: an adapter that loads a seed's rows with %s bindings (dbt-postgres, through
# psycopg2) reads a '%' in the insert's column names as a binding of its own and fails the seed ("list index out of
# range"), as CRMs name columns (Zoho's `Probability (%)`); doubled, each '%' reaches the table as one. The root
# project's macro takes the place of dbt's; adapters binding otherwise (DuckDB's ?) get the names as they are.
SEED_COLUMNS_MACRO = """\
{#- Written by `playbook dbt --seed`: dbt's get_seed_column_quoted_csv, with each '%' doubled where the seed's rows
    are bound with %s, so that a column named with a '%' (Zoho's `Probability (%)`) loads. -#}
{% macro get_seed_column_quoted_csv(model, column_names) %}
  {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
  {%- set quoted = [] -%}
  {%- for col in column_names -%}
    {%- do quoted.append(adapter.quote_seed_column(col, quote_seed_column)) -%}
  {%- endfor -%}
  {%- set dest_cols_csv = quoted | join(', ') -%}
  {%- if get_binding_char() == '%s' -%}
    {%- set dest_cols_csv = dest_cols_csv | replace('%', '%%') -%}
  {%- endif -%}
  {{ return(dest_cols_csv) }}
{% endmacro %}
"""


SOURCE_PATH = "models/sources.yml"


def seed_paths(table: str) -> tuple[str, str]:
    """A seed's rows and its properties: seeds/TABLE.csv and seeds/TABLE.yml."""
    return f"seeds/{table}.csv", f"seeds/{table}.yml"


def input_properties(options: DbtOptions) -> str:
    """The file describing and testing the table the model reads: the source's models/sources.yml, or with a seed
    the seed's seeds/TABLE.yml (beside seeds/TABLE.csv)."""
    return seed_paths(options.table)[1] if options.seed_header is not None else SOURCE_PATH


_PLAIN_NAME = re.compile(r"[^/\\\x00]+")


def seeded_tables(project_yml: str) -> list[str]:
    """The seeds a dbt_project.yml written by `playbook dbt --seed` configures (its column types): the tables whose
    seeds/TABLE.csv and .yml that run wrote; none in another file."""
    try:
        project = yaml.safe_load(project_yml)
    except yaml.YAMLError:
        return []
    seeds = project.get("seeds") if isinstance(project, dict) else None
    configured = seeds.get(PROJECT) if isinstance(seeds, dict) else None
    if not isinstance(configured, dict):
        return []
    # A name that is no plain file name (`../notes`) is none this command wrote: its files are never touched.
    return [str(table) for table in configured if _PLAIN_NAME.fullmatch(str(table)) and not str(table).startswith("+")]


def profile_is_duckdb(profiles_yml: str) -> bool:
    """Whether a profiles.yml gives the project's profile a DuckDB output (as the one --seed writes does)."""
    try:
        profiles = yaml.safe_load(profiles_yml)
    except yaml.YAMLError:
        return False
    profile = profiles.get(PROJECT) if isinstance(profiles, dict) else None
    outputs = profile.get("outputs") if isinstance(profile, dict) else None
    return isinstance(outputs, dict) and any(
        isinstance(output, dict) and output.get("type") == "duckdb" for output in outputs.values()
    )


def _yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def _project_yml(process: Process, options: DbtOptions) -> str:
    project: dict[str, Any] = {
        "name": PROJECT,
        "version": "1.0.0",
        "config-version": 2,
        "profile": PROJECT,
        "model-paths": ["models"],
        "seed-paths": ["seeds"],
        "test-paths": ["tests"],
        # A table: `dbt build` runs the statement once, and its tests and every query read the table. A view
        # would run the whole verdict again for each of them (the 42 tests of the default process's model).
        "models": {PROJECT: {"+materialized": "table"}},
    }
    if options.seed_header is not None:
        # Every column as text, as a CRM exports it: the model reads each cell as the audit does.
        types = {name: options.dialect.text_type.lower() for name in options.seed_header}
        project["seeds"] = {PROJECT: {"+quote_columns": True, options.table: {"+column_types": types}}}
    header = f"# The verdict of {process.name} as a dbt project; see models/schema.yml for what each column means.\n"
    return header + _yaml(project)


def _sources(process: Process, columns: InputColumns, mapping: CrmMapping, options: DbtOptions) -> dict[str, Any]:
    """The source's properties, or with a seed the seed's: its tests then depend on the seed, so `dbt build` loads
    it before testing it (a source's tests ran beside the seed with threads > 1, on a table not there yet).
    Only the columns the model reads are described (the segment's only where a milestone is required of some
    segments): a column described is one dbt expects the table to have."""
    read = set(columns.read(segments_read(process)))
    table: dict[str, Any] = {
        "name": options.table,
        "description": "The CRM's deals, one row per deal, with the columns `playbook audit` reads"
        + (" (the export given to --seed, as the audit reads it)." if options.seed_header is not None else "."),
        "columns": [
            {"name": name, "description": text, "quote": True}
            for name, text in dict(
                _source_columns(process, columns, mapping.date_order)
            ).items()  # a column read as two fields once
            if name in read
        ],
    }
    for column in table["columns"]:
        if column["name"] == columns.deal:
            column["data_tests"] = [_warns("not_null")]
    table = _literals(table)
    if options.seed_header is not None:
        return {"version": 2, "seeds": [table]}
    source: dict[str, Any] = {"name": SOURCE, "tables": [table]}
    source["schema"] = jinja_literal(options.schema) if options.schema else "{{ target.schema }}"
    if options.database:
        source["database"] = jinja_literal(options.database)
    return {"version": 2, "sources": [source]}


def _warns(test: str) -> dict[str, Any]:
    """A test of what the CRM's rows hold (blank or repeated deal names and ids), which the audit reads without
    refusing: dbt reports its failures as warnings, so that no export stops the build (`dbt build` exits 0)."""
    return {test: {"config": {"severity": "warn"}}}


# How a date column is written for the process to read it (CrmMapping.date_order), in the words of the manual's
# "dates" (crm-mapping.md): ISO always, 03/04/2027 only in the order crm.dates (or --day-first/--month-first) gives.
DATES_WRITTEN = {
    DateOrder.AUTO: "YYYY-MM-DD, or day first where the day cannot be a month (23/02/2027)",
    DateOrder.DAY_FIRST: "YYYY-MM-DD or day first (23/02/2027): crm.dates: day-first",
    DateOrder.MONTH_FIRST: "YYYY-MM-DD or month first (2/23/2027): crm.dates: month-first",
}


def _source_columns(process: Process, columns: InputColumns, dates: DateOrder) -> list[tuple[str | None, str]]:
    """Each column the model may read with its description; a date's says how it is written (`dates`)."""
    written = DATES_WRITTEN[dates]
    described: list[tuple[str | None, str]] = [
        (columns.deal, "The deal's name."),
        (columns.crm_id, "The deal's id in the CRM."),
        (columns.stage, "The deal's stage in the CRM: its id, its name or a name under crm.stage_names."),
        (columns.amount, "The deal's amount, with or without its currency."),
        (columns.segment, "The deal's segment, for milestones required of some segments only."),
        (columns.currency, "The amount's currency (an ISO code or a currency's name)."),
        (columns.status, "The deal's status (open, won, lost...): a closed deal is an outcome, not pipeline."),
        (columns.close_date, f"The day the deal closed (or is expected to), written {written}."),
        (columns.lost_date, f"The day a lost deal was lost ({written}): its close date where that is blank."),
        (columns.is_closed, "Yes or no: whether the deal is closed; or a status (won, lost, open...)."),
        (columns.is_won, "Yes or no: whether the deal was won; or a status, as Odoo's Is Won (Won, Lost, Pending)."),
        (columns.is_active, "Yes or no: whether the deal is active; no (Odoo's archived deals) is closed."),
        (
            columns.is_deleted,
            "Yes or no: whether the deal was deleted; yes (Salesforce's recycle bin) is disqualified.",
        ),
        (columns.pipeline, "The deal's pipeline: only the deals of the pipelines listed (crm.pipelines) are read."),
    ]
    for _, milestone in process.milestones():
        found = columns.milestones.get(milestone.id, MilestoneColumns(None))
        described += [
            (found.answer, f"Yes or no: {milestone.question}"),
            (found.evidence, f"The evidence of '{milestone.id}': {milestone.evidence}"),
            (found.date, f"When the customer did it ({written}): {milestone.customer_action}"),
            (found.confirmed_by, f"The buyer who confirmed '{milestone.id}', as Name <email>."),
        ]
    return described


def _model_sql(
    loaded: LoadedProcess, columns: InputColumns, mapping: CrmMapping, options: DbtOptions, command: str
) -> str:
    relation = ".".join(part for part in (options.database, options.schema, options.table) if part)
    header = statement_header(
        loaded,
        relation,
        command,
        columns,
        options.as_of,
        options.columns is not None,
        options.row_order,
        pipelines=mapping.pipelines,
        currency=options.currency,
    )
    statement = verdict_sql(
        loaded.process,
        options.dialect,
        _STAND_IN,
        columns,
        options.as_of,
        header=header,
        mapping=mapping,
        row_order=options.row_order,
        currency=options.currency,
    )
    body = statement.rstrip().removesuffix(";")
    # A seed is read through ref(): dbt then loads (and tests) it before building the model, whatever the threads.
    reference = (
        "{{ ref('" + options.table + "') }}"
        if options.seed_header is not None
        else "{{ source('" + SOURCE + "', '" + options.table + "') }}"
    )
    body = jinja_literal(body)  # text from process.yaml and the CRM that dbt's Jinja would read as its own
    quoted = options.dialect.quote(_STAND_IN)
    assert body.count(quoted) == 1, "the generator names the input relation once"
    return "{{ config(materialized='table') }}\n" + body.replace(quoted, reference) + "\n"


# What a row not assessed (not_assessed names the cells refused) has: no verdict, and no outcome unless it is a
# closed deal whose amount or currency alone is refused (generate._final's outcome_read).
NOT_ASSESSED = "null on a row not assessed"
OUTCOME_KEPT = (
    "null on a row not assessed, but for a closed deal whose amount or currency alone is refused, which keeps it"
)


def _schema(process: Process, options: DbtOptions, columns: InputColumns) -> dict[str, Any]:
    """The model's properties: a description of each column the generator writes (OUTPUT_COLUMNS, the CRM id where
    the table has one, a status per milestone), in its order, and its tests."""
    stage_ids = [stage.id for stage in process.stages]
    statuses = [status.value for status in Status]
    q = options.dialect.quote

    def accepted(values: list[str]) -> dict[str, Any]:
        return {"accepted_values": {"arguments": {"values": values}}}

    def not_null(where: str) -> dict[str, Any]:
        return {"not_null": {"config": {"where": where}}}

    # A row the audit does not assess has no outcome; a closed deal (an outcome) has no verdict.
    of_assessed_rows = not_null(f"{q('not_assessed')} = ''")
    of_open_deals = not_null(f"{q('outcome')} = {options.dialect.string(Outcome.OPEN.value)}")
    verdict = f"null for a closed deal, {NOT_ASSESSED}"
    described: dict[str, dict[str, Any]] = {
        "deal": {
            "description": "The deal's name as audit.csv writes it, without the white space around it (its CRM id "
            "where the name is blank or the table has no name column). Names can repeat or be blank, so these tests "
            "warn: join on crm_id where the table has one.",
            "data_tests": [_warns("not_null"), _warns("unique")],
        },
        CRM_ID: {
            "description": "The deal's id in the CRM, as text: the key that joins the verdict to its CRM row. "
            "A blank or repeated id warns.",
            "data_tests": [_warns("not_null"), _warns("unique")],
        },
        "claimed_stage_id": {
            "description": "The stage the CRM claims, by its id: null where the CRM names none (a closed deal's "
            f"stage may be blank), and {OUTCOME_KEPT}, whatever the cell refused (a known stage too).",
            "data_tests": [accepted(stage_ids)],
        },
        "verified_stage_id": {
            "description": f"The stage the customer's verified outcomes support ({verdict}).",
            "data_tests": [of_open_deals, accepted(stage_ids)],
        },
        "verified_stage": {"description": f"The verified stage's name ({verdict})."},
        "stages_ahead": {"description": f"How many stages the CRM's claim is ahead of the evidence ({verdict})."},
        "amount": {"description": f"The deal's amount, as a number ({NOT_ASSESSED})."},
        "claimed_weighted": {"description": f"The amount weighted by the claimed stage's probability ({verdict})."},
        "verified_weighted": {"description": f"The amount weighted by the verified stage's probability ({verdict})."},
        "next_milestones": {"description": f"The verified stage's milestones not verified yet ({verdict})."},
        "buyer_confirmed_milestones": {
            "description": "The milestones the buyer confirmed through a confirmation link, comma-separated "
            f"({verdict}).",
        },
        "verified_stage_confirmed_by_buyer": {
            "description": "Whether the buyer confirmed every outcome with a buyer statement that put the deal at "
            f"its verified stage ({verdict}).",
        },
        "outcome": {
            "description": "open, or how a closed deal closed (by its status, IsClosed/IsWon, else its CRM "
            f"stage); a closed deal is not weighted. It is {OUTCOME_KEPT}.",
            "data_tests": [of_assessed_rows, accepted([outcome.value for outcome in Outcome])],
        },
        "close_date": {
            "description": "The day a closed deal closed, as audit.csv gives it, to count outcomes by period "
            f"(null for an open deal or a table without a close date column; {OUTCOME_KEPT}).",
        },
        "not_assessed": {
            "description": "Empty, or the cells the audit refuses (such a row has no verdict); "
            "`playbook audit` gives each reason in words.",
            "data_tests": ["not_null"],
        },
        "currency": {"description": f"The amount's ISO currency code, when the export names one ({NOT_ASSESSED})."},
    }
    names = ["deal", *([CRM_ID] if columns.crm_id is not None else []), *OUTPUT_COLUMNS[1:]]
    model_columns = [{"name": name, **described[name]} for name in names]
    model_columns += [
        {
            "name": status_column(milestone.id),
            "quote": True,  # a milestone id has dashes
            "description": f"{milestone.question} Evidence: {milestone.evidence} ({verdict}).",
            "data_tests": [of_open_deals, accepted(statuses)],
        }
        for _, milestone in process.milestones()
    ]
    model = {
        "name": MODEL,
        "description": f"One row per deal of the CRM table: its verified stage by the rules of {process.name}.",
        "columns": model_columns,
    }
    return {"version": 2, "models": [model]}
