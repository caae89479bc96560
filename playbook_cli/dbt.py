"""`playbook dbt`: the verdict as a dbt project for the warehouse where the CRM's tables already are."""

from __future__ import annotations

import argparse
import csv
import itertools
import shutil
import sys
from pathlib import Path

from pipeline_audit.pipeline_csv import MAX_TITLE_LINES, title_lines
from pipeline_audit.table_columns import export_columns
from playbook_cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    HelpFormatter,
    UserError,
    add_process_option,
    load_or_report,
    report,
    warn,
)
from playbook_cli.crm_options import add_mapping_options, export_option_problems, mapping_from_options
from playbook_cli.sql import (
    add_columns_from,
    add_row_order,
    as_of_date,
    buyer_columns_problem,
    command_line,
    name_problem,
    row_order_problem,
)
from sales_process.problems import InvalidFile
from verdict_sql.dbt import MODEL, PROJECT, SOURCE, DbtOptions, dbt_project
from verdict_sql.dialects import DIALECTS

EXAMPLE = f"""examples:
  playbook dbt --out verdict-dbt --dialect postgres --from crm.deals
  cd verdict-dbt && dbt build          (with a profile named {PROJECT} in ~/.dbt/profiles.yml)

  playbook dbt --out try-dbt --dialect duckdb --seed pipeline.csv --as-of 2027-03-01
  cd try-dbt && dbt build              (the export loaded as a seed, every column as text, read by ref())

writes dbt_project.yml, models/sources.yml (the CRM table, in source '{SOURCE}', with a
description per column), models/{MODEL}.sql (the verdict, by the same generator as `playbook sql`)
and models/schema.yml (descriptions from the process's questions and evidence; tests: not_null
and unique on deal, accepted_values on the stage ids and the milestone statuses); with --seed,
seeds/TABLE.csv and seeds/TABLE.yml in place of sources.yml. The files are overwritten on every
run: regenerate after editing process.yaml."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the dbt command."""
    parser = commands.add_parser(
        "dbt",
        help="write the verdict as a dbt project (source, model, tests)",
        epilog=EXAMPLE,
        formatter_class=HelpFormatter,
    )
    add_process_option(parser)
    parser.add_argument(
        "--out", metavar="DIR", required=True, help="the folder of the dbt project (created if missing)"
    )
    parser.add_argument("--dialect", required=True, choices=sorted(DIALECTS), help="the warehouse's SQL dialect")
    parser.add_argument(
        "--from",
        dest="relation",
        metavar="RELATION",
        default="deals",
        help="the CRM's table of deals, TABLE, SCHEMA.TABLE or DATABASE.SCHEMA.TABLE (default: deals, in the target's "
        "schema)",
    )
    parser.add_argument(
        "--as-of",
        type=as_of_date,
        metavar="DATE|today",
        default=None,
        help="assess as of this date, YYYY-MM-DD, or today: the day the model runs (default: today)",
    )
    parser.add_argument(
        "--seed",
        metavar="EXPORT.csv",
        help="a CRM export (CSV, UTF-8) to load as a dbt seed standing for the table: every column as text",
    )
    parser.add_argument(
        "--buyer-columns",
        action="store_true",
        help="read <id>.confirmed_by for each milestone with a buyer_statement, as `playbook sql --buyer-columns` "
        "(not with --seed or --columns-from: the export's header decides)",
    )
    add_columns_from(parser)
    add_mapping_options(parser)
    add_row_order(parser)
    parser.set_defaults(run=run)


def _seed_header(path: Path) -> tuple[list[str], int]:
    """The header of the export to seed and the report's title lines above it: a UTF-8 CSV (dbt seeds
    are), else a UserError with the fix."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            first_rows = list(itertools.islice(csv.reader(handle), MAX_TITLE_LINES + 1))
            skip = title_lines(first_rows)
            header = first_rows[skip] if first_rows else None
    except FileNotFoundError:
        raise UserError(f"--seed {path}: no such file") from None
    except UnicodeDecodeError:
        raise UserError(
            f"--seed {path}: not UTF-8 text; dbt seeds are CSV files in UTF-8: save the export as 'CSV UTF-8'"
        ) from None
    except csv.Error as error:
        raise UserError(f"--seed {path}: not a CSV file ({error})") from None
    if not header or not any(name.strip() for name in header):
        raise UserError(f"--seed {path}: the file has no header row; the first line names the columns")
    return header, skip


def _write_seed(export: Path, seed: Path, title: int) -> None:
    """Copy the export as the seed, without the report's `title` lines above its header (a seed starts with it)."""
    if not title:
        shutil.copyfile(export, seed)
        return
    with export.open(encoding="utf-8-sig", newline="") as source, seed.open("w", encoding="utf-8", newline="") as out:
        for _ in range(title):
            source.readline()
        shutil.copyfileobj(source, out)


def run(args: argparse.Namespace) -> int:
    """Write the project's files into --out."""
    export_option = "--columns-from" if args.columns_from is not None else ("--seed" if args.seed else None)
    problems = [
        problem
        for problem in (
            name_problem("--from", args.relation),
            buyer_columns_problem(args.buyer_columns, export_option),
            row_order_problem(args.row_order),
        )
        if problem is not None
    ]
    problems += export_option_problems(args, seeded=args.seed is not None)
    if problems:
        raise UserError(*problems)
    loaded = load_or_report(args.process)
    if loaded is None:
        return EXIT_INVALID
    database, schema, table = [None, None, *args.relation.split(".")][-3:]
    assert table is not None  # name_problem refused more parts than three, and an empty one
    seed = Path(args.seed) if args.seed else None
    if seed is not None and schema:
        raise UserError(f"--seed loads the export into the target's schema: give --from {table}, without a schema")
    seed_header, title = _seed_header(seed) if seed is not None else (None, 0)
    # The seed stands for the table: its header is the table's, unless --columns-from names another export.
    shaped_like = Path(args.columns_from) if args.columns_from is not None else seed
    try:
        mapping = mapping_from_options(args, loaded)
        columns = None
        if shaped_like:
            columns, warnings = export_columns(shaped_like, loaded, mapping, no_evidence=args.no_evidence)
            for warning in warnings:
                warn("dbt", warning)
    except InvalidFile as error:
        report(error)
        return EXIT_INVALID
    options = DbtOptions(
        DIALECTS[args.dialect],
        table,
        schema,
        args.as_of,
        seed_header,
        args.buyer_columns,
        columns,
        args.row_order,
        mapping,
        database,
    )
    out = Path(args.out)
    try:
        for name, text in dbt_project(loaded, options, command_line("dbt", args)):
            path = out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        if seed is not None:
            (out / "seeds").mkdir(parents=True, exist_ok=True)
            _write_seed(seed, out / "seeds" / f"{table}.csv", title)
            # A source left by an earlier run without --seed would be tested before the seed is loaded.
            (out / "models" / "sources.yml").unlink(missing_ok=True)
    except OSError as error:
        raise UserError(f"cannot write the dbt project into {out}: {error.strerror or error}") from None
    print(
        f"wrote a dbt project for {loaded.process.name} into {out}: model {MODEL}, "
        + (f"seed {table}" if seed is not None else f"source {SOURCE}.{table}"),
        file=sys.stderr,
    )
    return EXIT_OK
