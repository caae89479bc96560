"""`playbook dbt`: the verdict as a dbt project for the warehouse where the CRM's tables already are."""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from pipeline_audit.audit import plan_header
from pipeline_audit.columns import ColumnPlan
from pipeline_audit.data_rows import DataRows
from pipeline_audit.pipeline_csv import export_into, file_error, restored
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
    sums_currency,
)
from sales_process.crm import CrmMapping
from sales_process.loader import LoadedProcess
from sales_process.problems import InvalidFile
from sales_process.vocabulary import plural, shown
from verdict_sql.dbt import (
    DUCKDB_PROFILE,
    MODEL,
    PROFILE_PATH,
    PROJECT,
    SEED_COLUMNS_MACRO,
    SEED_COLUMNS_PATH,
    SOURCE,
    SOURCE_PATH,
    DbtOptions,
    dbt_project,
    profile_is_duckdb,
    seed_paths,
    seeded_tables,
)
from verdict_sql.dialects import DIALECTS

EXAMPLE = f"""examples:
  playbook dbt --out verdict-dbt --dialect postgres --from crm.deals
  cd verdict-dbt && dbt build          (with a profile named {PROJECT} in ~/.dbt/profiles.yml)

  playbook dbt --out try-dbt --dialect duckdb --seed pipeline.csv --as-of 2027-03-01
  cd try-dbt && dbt build              (the export loaded as a seed, every column as text, read by ref(), into
                                       try-dbt/{PROJECT}.duckdb by the profiles.yml written there)

writes dbt_project.yml, models/sources.yml (the CRM table, in source '{SOURCE}', with a
description per column), models/{MODEL}.sql (the verdict, by the same generator as `playbook sql`)
and models/schema.yml (descriptions from the process's questions and evidence; tests: not_null
and unique on deal, accepted_values on the stage ids and the milestone statuses) and
tests/{MODEL}_not_assessed.sql (a warning counting the rows not assessed); with --seed,
seeds/TABLE.csv (the export's header and deals as the audit reads them, comma-separated UTF-8) and
seeds/TABLE.yml in place of sources.yml, and macros/seed_columns.sql (dbt's seed column list, which
loads columns named with a '%' on PostgreSQL); with --seed and --dialect duckdb, profiles.yml
(a DuckDB profile {PROJECT}, which dbt run in the folder reads first; kept when there is one); with
--seed and --row-order COLUMN, the seed's COLUMN holds each row's line in the export, where the export
has no such column. The files are overwritten on every run: regenerate after editing process.yaml. A run
removes (and names) what a run in the other mode wrote and it does not: sources.yml, or the seed, its macro
and an unchanged DuckDB profiles.yml."""


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
        metavar="EXPORT",
        help="a CRM export (CSV or .xlsx, read as `playbook audit` reads it) to load as a dbt seed standing for the "
        "table: every column as text",
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


def _write_seed(
    export: Path, seed: Path, loaded: LoadedProcess, mapping: CrmMapping, no_evidence: bool, row_order: str | None
) -> list[str]:
    """Write the export's header and deals into `seed`, a comma-separated UTF-8 CSV (what dbt loads), and return
    its header; InvalidFile naming the line and the fix where the export cannot be a seed. A `row_order` column
    the export lacks is added last, holding each row's line in the export as audit.csv numbers it.

    The export is read by the audit's own reader (pipeline_csv.open_export, data_rows.DataRows): a CSV in any
    delimiter and encoding the audit reads, or an .xlsx workbook's sheet; a report's title lines, blank rows and
    footer are left out; each cell is the text the audit reads (a quote `playbook deals export` put before a
    formula-like cell removed), so the model reads what the audit reads. A header's unnamed columns are left
    out (the model reads none); a row the seed cannot hold as the audit reads it (another number of cells than
    the header's, text under an unnamed column) is refused at its line."""
    with export_into(export, mapping.encoding, mapping.sheet, seed, mapping.decimal_comma) as (opened, partial):
        header = opened.header
        plan = plan_header(header, loaded, mapping, export, no_evidence, opened.header_line, opened.sheet_note)
        kept = [index for index in range(len(header)) if index not in plan.unnamed]
        written = [header[index] for index in kept]
        for index in kept:
            if '"' in header[index]:
                raise file_error(
                    export,
                    f"column {index + 1} of the header, {shown(header[index])}, is named with a '\"', which dbt's seed "
                    "loading does not double (dbt build fails on an unterminated quoted identifier); rename the "
                    "column in the CRM's export without it and run playbook dbt again",
                    opened.header_line,
                )
        line_column = [row_order] if row_order is not None and row_order not in written else []
        data = DataRows(opened.rows, plan, export, mapping)
        with partial.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(written + line_column)
            for line, cells in data:
                problem = _not_seedable(cells, plan)
                if problem is not None:
                    raise file_error(export, problem, line)
                cells = restored(cells)
                writer.writerow([cells[index] for index in kept] + [str(line) for _ in line_column])
        data.refuse_if_empty(export)
    return written + line_column


def _not_seedable(cells: list[str], plan: ColumnPlan) -> str | None:
    """Why a deal's row cannot be a row of the seed (whose rows are as wide as its header, its columns named), with
    the fix; None when it can. The audit reads such a row without assessing it; the model would read it otherwise."""
    if len(cells) != plan.width:
        return (
            f"the row has {plural(len(cells), 'cell')} but the header has {plural(plan.width, 'column')}, and a dbt "
            "seed's rows are as wide as its header; check this line for a stray delimiter or quote, fix it in the "
            "export and run playbook dbt again"
        )
    for index in plan.unnamed:
        if cells[index].strip():
            return (
                f"column {index + 1} has no name in the header but holds {shown(cells[index])}, and a dbt seed's "
                "columns are named; name the column in the header or empty the cell, and run playbook dbt again"
            )
    return None


def _left_over(out: Path, written: list[str]) -> dict[str, list[str]]:
    """The files an earlier run into `out` wrote that this one does not (`written`), by the mode that writes them
    ("with" or "without" --seed): a source's properties, the seeds its dbt_project.yml configures, the seed
    macro and the DuckDB profile as a run wrote them. Left there, dbt reads them: a seed's DuckDB profile runs a
    warehouse's project on DuckDB, a source is tested before the seed is loaded. A file of the user's (another
    seed, a profile or macro edited) is no run's."""
    project = out / "dbt_project.yml"
    earlier = seeded_tables(project.read_text(encoding="utf-8")) if project.is_file() else []
    seeded = [path for table in earlier for path in seed_paths(table)]
    as_written = {SEED_COLUMNS_PATH: SEED_COLUMNS_MACRO, PROFILE_PATH: DUCKDB_PROFILE}
    seeded += [path for path, text in as_written.items() if _holds(out / path, text)]
    left = {"with": seeded, "without": [SOURCE_PATH]}
    return {
        mode: sorted(path for path in paths if path not in written and (out / path).is_file())
        for mode, paths in left.items()
    }


def _holds(path: Path, text: str) -> bool:
    """Whether the file is there holding `text`, as a run wrote it."""
    return path.is_file() and path.read_text(encoding="utf-8", errors="replace") == text


def _remove(out: Path, left_over: dict[str, list[str]]) -> None:
    """Remove the files an earlier run left (_left_over) and say which."""
    for mode, paths in left_over.items():
        for path in paths:
            (out / path).unlink(missing_ok=True)
            if not any((out / path).parent.iterdir()) and (out / path).parent != out:
                (out / path).parent.rmdir()
        if paths:
            print(
                f"removed {', '.join(paths)}, which a run {mode} --seed wrote and this one does not (dbt would read "
                "them)",
                file=sys.stderr,
            )


def _warn_of_a_duckdb_profile(out: Path, written: list[str], dialect: str) -> None:
    """Warn of a profiles.yml kept in `out` (it is yours, edited) that runs the project on DuckDB: dbt run there
    reads it before ~/.dbt/profiles.yml."""
    profile = out / PROFILE_PATH
    kept = dialect != "duckdb" and PROFILE_PATH not in written and profile.is_file()
    if kept and profile_is_duckdb(profile.read_text(encoding="utf-8", errors="replace")):
        warn(
            "dbt",
            f"{profile} is kept (you changed it) and gives the profile {PROJECT} a DuckDB output: dbt build run "
            f"in {out} reads it before ~/.dbt/profiles.yml; remove it or point it at your {dialect} warehouse",
        )


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
    # The seed stands for the table: its header is the table's, unless --columns-from names another export.
    shaped_like = Path(args.columns_from) if args.columns_from is not None else seed
    out = Path(args.out)
    seed_header = None
    try:
        mapping = mapping_from_options(args, loaded)
        columns = None
        if shaped_like:
            columns, warnings = export_columns(shaped_like, loaded, mapping, no_evidence=args.no_evidence)
            for warning in warnings:
                warn("dbt", warning)
        if seed is not None:
            (out / "seeds").mkdir(parents=True, exist_ok=True)
            seed_file = out / seed_paths(table)[0]
            seed_header = _write_seed(seed, seed_file, loaded, mapping, args.no_evidence, args.row_order)
    except InvalidFile as error:
        report(error)
        return EXIT_INVALID
    except OSError as error:
        raise UserError(f"cannot write the dbt project into {out}: {error.strerror or error}") from None
    # The rows are the seed's, else a table holding what --columns-from's export holds.
    currency = sums_currency(args.row_order, args.seed or args.columns_from, loaded, mapping, args.no_evidence)
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
        currency,
    )
    try:
        files = dbt_project(loaded, options, command_line("dbt", args))
        written = [name for name, _ in files]
        if seed is not None:
            written.append(seed_paths(table)[0])
            if args.dialect == "duckdb":
                written.append(PROFILE_PATH)
        left_over = _left_over(out, written)
        for name, text in files:
            path = out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        if PROFILE_PATH in written and not (out / PROFILE_PATH).exists():
            (out / PROFILE_PATH).write_text(DUCKDB_PROFILE, encoding="utf-8")
        _remove(out, left_over)
        _warn_of_a_duckdb_profile(out, written, args.dialect)
    except OSError as error:
        raise UserError(f"cannot write the dbt project into {out}: {error.strerror or error}") from None
    print(
        f"wrote a dbt project for {loaded.process.name} into {out}: model {MODEL}, "
        + (f"seed {table}" if seed is not None else f"source {SOURCE}.{table}"),
        file=sys.stderr,
    )
    return EXIT_OK
