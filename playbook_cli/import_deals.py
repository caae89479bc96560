"""`playbook import`: a CRM export (the audit's CSV format) into saved deals, one check per row."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from playbook_cli.common import EXIT_INVALID, EXIT_OK, HelpFormatter, add_process_option, load_or_report, report
from playbook_cli.crm_options import add_mapping_options, mapping_from_options
from playbook_cli.records import add_database_option, guarded, open_sessions
from sales_process.deal import Deal as DealInput
from sales_process.problems import InvalidFile
from sales_process.vocabulary import plural

EXAMPLE = """example:
  playbook import pipeline.csv --owner ana@example.com

input: the CSV `playbook audit` reads (deal, crm_id, stage, amount, currency, owner, one column
  per milestone, <id>.evidence, <id>.date, or the CRM's own names through the crm: block
  of process.yaml and the same --column/--stage-name options as the audit). Each row
  becomes one check: of the deal with the same crm_id when there is one, else of a
  new deal. The owner column names a user by email or name; --owner is used for rows
  without one. Nothing is imported when any row has a problem: every problem is listed.
  A <id>.confirmed_by column (the buyer, in `playbook deals export`) must be blank:
  only a confirmation link records the buyer's word. Each deal keeps its amount's
  currency (USD 1,234.56, or the currency column); rows may differ in currency."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the import command."""
    parser = commands.add_parser(
        "import", help="load a CRM export into saved deals", epilog=EXAMPLE, formatter_class=HelpFormatter
    )
    parser.add_argument("pipeline", metavar="PIPELINE.csv", help="the CRM export")
    add_process_option(parser)
    add_database_option(parser)
    parser.add_argument("--owner", metavar="EMAIL", help="the owner of rows whose owner cell is blank")
    add_mapping_options(parser)
    parser.set_defaults(run=guarded(run))


@dataclass(frozen=True)
class Row:
    """One row to import: its line, the deal it describes, its owner and CRM id."""

    line: int
    deal: DealInput
    owner_id: int
    crm_id: str | None


def _read(path: Path, args: argparse.Namespace, owners: dict[str, int], loaded: object) -> tuple[list[Row], list[str]]:
    import csv

    from pipeline_audit.columns import ColumnError, plan_columns
    from pipeline_audit.data_rows import DataRows
    from pipeline_audit.pipeline_csv import decoding_error, file_error, open_export
    from pipeline_audit.rows import ClosedDeal, RowProblem, RowReader
    from sales_process.loader import LoadedProcess

    assert isinstance(loaded, LoadedProcess)
    rows: list[Row] = []
    problems: list[str] = []
    mapping = mapping_from_options(args, loaded)
    encoding = mapping.encoding or "utf-8"
    rows_read = None
    try:
        with open_export(path, mapping.encoding, mapping.sheet) as export:
            encoding, header, rows_read = export.encoding, export.header, export.rows
            try:
                plan = plan_columns(header, loaded.process, mapping)
            except ColumnError as error:
                return [], [f"{path}:1: {problem}" for problem in error.problems]
            reader_of_rows = RowReader(plan, loaded.process, mapping, one_currency=False)  # each deal keeps its own
            data = DataRows(export.rows, plan)  # blank rows and a report's footer are skipped as the audit skips them
            for start, cells in data:
                claimed = _claimed_confirmations(header, plan, cells)
                if claimed:
                    problems += [f"{path}:{start}: {problem}" for problem in claimed]
                    continue
                try:
                    deal = reader_of_rows.deal(cells)
                except RowProblem as problem:
                    problems.append(f"{path}:{start}: {problem.reason}")
                    continue
                if isinstance(deal, ClosedDeal):
                    problems.append(f"{path}:{start}: the deal is {deal.outcome.value}; only open deals are imported")
                    continue
                text = reader_of_rows.text(cells)
                owner_text = text.owner or (args.owner or "")
                owner_id = owners.get(owner_text.strip().lower())
                if owner_id is None:
                    problems.append(
                        f"{path}:{start}: "
                        + (
                            f"owner {owner_text!r} is not a user; add them with `playbook users add` or fix the cell"
                            if owner_text
                            else "the owner cell is blank; fill it in or pass --owner EMAIL"
                        )
                    )
                    continue
                rows.append(Row(start, deal, owner_id, text.crm_id.strip() or None))
            data.refuse_if_empty(path)
    except UnicodeDecodeError:
        raise decoding_error(path, encoding) from None
    except csv.Error as error:
        line = rows_read.line_num if rows_read is not None else 1
        raise file_error(path, f"not a readable CSV file ({error}); check the quotes near this line", line) from None
    return rows, problems


def _claimed_confirmations(header: list[str], plan: object, cells: list[str]) -> list[str]:
    """A problem for each filled `.confirmed_by` cell: an import cannot say the buyer confirmed."""
    from pipeline_audit.columns import ColumnPlan
    from sales_process.vocabulary import shown

    assert isinstance(plan, ColumnPlan)
    return [
        f"column {header[columns.confirmed_by].strip()!r} names the buyer {shown(cells[columns.confirmed_by].strip())} who "
        f"confirmed {columns.milestone_id}, but only the buyer's own answer to a confirmation link records that; "
        "empty the column to import the rep's answers (a buyer's answer already saved on the deal stays)"
        for columns in plan.milestones
        if columns.confirmed_by is not None
        and columns.confirmed_by < len(cells)
        and cells[columns.confirmed_by].strip()
    ]


def run(args: argparse.Namespace) -> int:
    """Read every row, then import all of them in one transaction, or none."""
    from sqlalchemy import select

    from deal_records.database import reading, writing
    from deal_records.models import Deal, User
    from deal_records.records import record_check, standing_buyer_answers

    loaded = load_or_report(args.process)
    if loaded is None:
        return EXIT_INVALID
    sessions = open_sessions(args.database)
    with reading(sessions) as db:
        owners: dict[str, int] = {}
        for user in db.scalars(select(User).where(User.active)):
            owners[user.email] = user.id
            if user.name:
                owners.setdefault(user.name.strip().lower(), user.id)
    path = Path(args.pipeline)
    try:
        rows, problems = _read(path, args, owners, loaded)
    except InvalidFile as error:
        report(error)
        return EXIT_INVALID
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{plural(len(problems), 'problem')} found; nothing was imported.", file=sys.stderr)
        return EXIT_INVALID
    created = updated = 0
    kept: list[tuple[int, str]] = []  # (line, milestone) whose answer stays the buyer's
    with writing(sessions) as db:
        for row in rows:
            deal = db.scalar(select(Deal).where(Deal.crm_id == row.crm_id)) if row.crm_id else None
            if deal is None:
                deal = Deal(
                    owner_id=row.owner_id,
                    name=row.deal.name or "",
                    crm_id=row.crm_id,
                    amount=row.deal.amount,
                    currency=row.deal.currency,
                    claimed_stage=row.deal.claimed_stage,
                )
                db.add(deal)
                db.flush()
                created += 1
            else:
                deal.owner_id, deal.name = row.owner_id, row.deal.name or deal.name
                updated += 1
                kept += [
                    (row.line, milestone_id)
                    for milestone_id in standing_buyer_answers(db, deal)
                    if milestone_id in row.deal.answers
                ]
            record_check(db, deal, loaded, row.deal, "import", None, note=f"imported from {path.name}, line {row.line}")
    print(
        f"imported {plural(len(rows), 'row')} from {path}: {plural(created, 'new deal')}, "
        f"{plural(updated, 'check')} of deals already saved (matched by crm_id)"
    )
    if kept:
        where = ", ".join(f"line {line}: {milestone_id}" for line, milestone_id in kept)
        print(
            f"kept the buyer's own answer over the file's for {plural(len(kept), 'milestone')} ({where}); "
            "only the buyer changes it, through a new confirmation link"
        )
    return EXIT_OK
