"""`playbook import`: a CRM export (the audit's formats) into saved deals: open deals with a check, closed deals closed.

Rows are read as the audit reads them (pipeline_audit: columns, CRM names, xlsx, encodings,
outcomes); deals are created, checked and closed through the same deal_records functions as
the app and the API (create_deal, record_check, record_outcome), so every rule applies alike.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from playbook_cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_USAGE,
    HelpFormatter,
    UserError,
    add_process_option,
    load_or_report,
    report,
    warn,
)
from playbook_cli.crm_options import add_mapping_options, mapping_from_options
from playbook_cli.records import add_database_option, guarded, open_sessions
from sales_process import clock
from sales_process.deal import Deal as DealInput
from sales_process.email_address import email_problem
from sales_process.problems import InvalidFile, InvalidInput, Problem, also_on_lines
from sales_process.vocabulary import name_key, plural, shown

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deal_records.models import Deal, User
    from deal_records.outcomes import OutcomeChange
    from pipeline_audit.rows import ClosedDeal
    from sales_process.crm import CrmMapping
    from sales_process.loader import LoadedProcess

EXAMPLE = """examples:
  playbook import pipeline.csv --owner ana@example.com
  playbook import opportunities.xlsx --owner-map owners.csv --skip-bad --rejects rejects.csv
  playbook import hubspot-deals.csv --create-users

input: what `playbook audit` reads (CSV in UTF-8/UTF-16 or --encoding, or .xlsx; the standard
  column names, the CRMs' own names, or the crm: block and --column/--stage-name). Each open
  row becomes one check: of the deal with the same crm_id when there is one, else of a new
  deal. A crm_id on two rows of the file refuses both (export one row per deal); a row
  without one naming a saved deal, or the deal of an earlier row without one, is refused
  (--new-deals saves it as a new deal); an open row of a closed deal is refused (reopen it
  first). A saved deal keeps its name unless the row names it (said), and its owner unless
  the row's owner cell names another user (said). A closed row (won, lost, disqualified: its
  status, IsClosed/IsWon, or its stage) is saved closed, with its close date (a lost or
  disqualified deal's reason says so).
owners: the owner cell names a user by email or name, or a CRM owner id or name mapped to a
  user's email under crm.owners in process.yaml or in --owner-map FILE (a CSV: owner,email);
  --owner EMAIL owns every new deal whose owner is not a user; --create-users adds each mapped or
  emailed owner who is not a user as a rep who cannot sign in until given a password
  (`playbook users password EMAIL`).
problems: without --skip-bad nothing is imported when any row has a problem; the first 20
  problems are listed, each once with the lines it is on, then the counts; with --skip-bad the good rows are imported and the others
  written to a rejects CSV (the row as read, and the reason), checked writable first.
exit status: 0 imported, 1 a problem (nothing imported; with --skip-bad, no good row), 2 usage error
A milestone holding a buyer's answer (a filled <id>.confirmed_by, or "Not quite, answered ..." in
  <id>.evidence, as `playbook deals export` writes them) is refused: only a confirmation link records
  the buyer's word; empty the milestone's four cells to import the row without it."""

# How to import a row without a buyer's answer the import cannot record: leave out the whole answer, never the buyer alone.
_EMPTY_BUYERS_ANSWER = (
    "empty its {0}, {0}.evidence, {0}.date and {0}.confirmed_by cells to import the row without it "
    "(a buyer's answer already saved on the deal stays)"
)
LISTED = 20  # problems listed on screen; the rest are counted (every one is in the rejects file with --skip-bad)
REJECT_REASON = "reject_reason"


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the import command."""
    parser = commands.add_parser(
        "import", help="load a CRM export into saved deals", epilog=EXAMPLE, formatter_class=HelpFormatter
    )
    parser.add_argument("pipeline", metavar="EXPORT", help="the CRM export (.csv or .xlsx)")
    add_process_option(parser)
    add_database_option(parser)
    parser.add_argument(
        "--owner",
        metavar="EMAIL",
        help="the owner of every new deal whose owner is not a user (a saved deal keeps its own)",
    )
    parser.add_argument(
        "--owner-map", metavar="FILE", help="a CSV of CRM owner (id or name) and user email, one owner a row"
    )
    parser.add_argument(
        "--create-users",
        action="store_true",
        help="add each mapped or emailed owner who is not a user as a rep who cannot sign in until given a password",
    )
    parser.add_argument(
        "--skip-bad", action="store_true", help="import the good rows; write the others to the rejects CSV"
    )
    parser.add_argument(
        "--rejects", metavar="FILE", help="where --skip-bad writes the rows not imported (default: EXPORT.rejects.csv)"
    )
    parser.add_argument(
        "--new-deals",
        action="store_true",
        help="save a row without a crm_id as a new deal even when a deal of its name is saved, or named by an earlier "
        "row without a crm_id (refused by default: an export imported twice would save every deal twice)",
    )
    add_mapping_options(parser)
    parser.set_defaults(run=guarded(run))


FIX_OWNER = "map it to an email under crm.owners or with --owner-map FILE (a CSV: owner,email), or pass --owner EMAIL"


@dataclass(frozen=True)
class Row:
    """One row to import: its line, the deal it describes (open or closed), its owner and CRM id."""

    line: int
    deal: DealInput | ClosedDeal
    owner_email: str
    crm_owner: str  # the owner as the CRM wrote it, kept in the check's note
    crm_id: str | None
    change: OutcomeChange | None = None  # a closed row's outcome, validated as the app validates one
    cells: tuple[str, ...] = ()  # as read, for the rejects file
    named: bool = True  # the deal cell is filled (blank, the deal's name is its CRM id: a saved deal keeps its own)


@dataclass(frozen=True)
class Reject:
    """A row not imported, as read, and why: each of its problems."""

    line: int
    cells: list[str]
    problems: tuple[str, ...]

    @property
    def reason(self) -> str:
        """Every problem of the row, as the rejects CSV writes it."""
        return "; ".join(self.problems)


@dataclass
class Owners:
    """Who owns a row: a user by email or name, a CRM owner mapped to a user, --owner, or a user to create."""

    users: dict[str, str]  # name_key(email or name) -> email of an active user
    mapped: dict[str, str]  # name_key(CRM owner id or name) -> email
    default: str | None
    create: bool
    to_create: dict[str, str] = field(default_factory=dict)  # email -> the CRM owner's name

    def took(self, cell: str) -> bool:
        """Whether --owner owns the row whose owner cell is `cell`: no user or owner mapping names it."""
        text = cell.strip()
        return self.default is not None and not (text and {name_key(text)} & (self.mapped.keys() | self.users.keys()))

    def email(self, cell: str) -> str:
        """The email of the user who owns a row whose owner cell is `cell`; ValueError saying how to fix it."""
        text = cell.strip()
        mapped = self.mapped.get(name_key(text)) if text else None
        if mapped is not None:
            return self._user_or_new(mapped.lower(), text, f"the owner map gives {text!r} the email {mapped!r}")
        known = self.users.get(name_key(text)) if text else None
        if known is not None:
            return known
        if self.default is not None:
            return self.default
        if "@" in text and self.create:
            return self._user_or_new(text.lower(), text, "")
        if not text:
            raise ValueError("the owner cell is blank; fill it in or pass --owner EMAIL")
        if self.create:
            raise ValueError(
                f"owner {text!r} is a name, not an email, so --create-users cannot make a user of it; {FIX_OWNER}"
            )
        raise ValueError(
            f"owner {text!r} is not a user; map it to a user's email under crm.owners or with --owner-map FILE "
            "(add them with --create-users), or pass --owner EMAIL"
        )

    def _user_or_new(self, email: str, crm_name: str, why: str) -> str:
        if email in self.users.values():
            return email
        if not self.create:
            raise ValueError(f"{why}, who is not a user; add them with `playbook users add` or pass --create-users")
        problem = email_problem(email, like="rep@example.com")
        if problem is not None:
            where = why or f"owner {crm_name!r}"
            raise ValueError(
                f"{where} is not an email address this server can mail, so --create-users cannot make a user of it "
                f"({problem}); {FIX_OWNER}"
            )
        self.to_create.setdefault(email, crm_name if "@" not in crm_name else "")
        return email


def read_owner_map(path: Path) -> dict[str, str]:
    """The --owner-map CSV: CRM owner, email per row (a header row is allowed); UserError for a bad file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(
            f"--owner-map {str(path)!r}: cannot read it as UTF-8 text ({error})", status=EXIT_USAGE
        ) from None
    owners: dict[str, str] = {}
    problems: list[str] = []
    for number, cells in enumerate(csv.reader(text.splitlines()), start=1):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != 2 or not cells[0].strip():
            problems.append(f"--owner-map {path}:{number}: write two cells, the CRM owner and the user's email")
        elif "@" not in cells[1]:
            if number != 1:  # the first row may be a header
                problems.append(f"--owner-map {path}:{number}: {cells[1].strip()!r} is not an email")
        else:
            owners[name_key(cells[0])] = cells[1].strip()
    if problems:
        raise UserError(*problems, status=EXIT_USAGE)
    return owners


def _read(
    path: Path, loaded: LoadedProcess, mapping: CrmMapping, owners: Owners
) -> tuple[list[str], list[Row], list[Reject], str | None, bool]:
    """Every row of the export, read as the audit reads it: the header, the rows to import, those refused, what
    was left out for being in another pipeline (crm.pipelines, --pipeline), and whether it has a CRM id column."""
    from pipeline_audit.audit import plan_header, refuse_if_nothing_read
    from pipeline_audit.data_rows import DataRows
    from pipeline_audit.pipeline_csv import decoding_error, open_export, restored, unreadable_csv
    from pipeline_audit.rows import RowProblem, RowReader
    from pipeline_report.summary import other_pipelines_text

    rows: list[Row] = []
    rejects: list[Reject] = []
    lines_of_id: dict[str, list[int]] = {}  # CRM id -> the lines it is on
    encoding = mapping.encoding or "utf-8"
    opened = None
    try:
        with open_export(path, mapping.encoding, mapping.sheet, decimal_comma=mapping.decimal_comma) as export:
            encoding, header, opened = export.encoding, export.header, export
            plan = plan_header(
                header, loaded, mapping, path, no_evidence=True, line=export.header_line, note=export.sheet_note
            )
            for warning in plan.warnings:
                warn("import", warning)
            reader = RowReader(plan, loaded.process, mapping, one_currency=False)  # each deal keeps its own currency
            # Blank rows and a report's footer are skipped as the audit skips them; a grouped report is refused.
            data = DataRows(export.rows, plan, export.path, mapping)
            for start, cells in data:
                if reader.in_another_pipeline(cells):
                    continue
                crm_id = reader.text(cells).crm_id
                if crm_id:
                    lines_of_id.setdefault(crm_id, []).append(start)
                try:
                    rows.append(_row(start, cells, header, plan, reader, owners, loaded))
                except (RowProblem, ValueError) as problem:
                    problems = problem.problems if isinstance(problem, RowProblem) else [str(problem)]
                    rejects.append(Reject(start, restored(cells), tuple(problems)))
            data.refuse_if_empty(path)
            refuse_if_nothing_read(path, reader, data.rows)
    except UnicodeDecodeError:
        raise decoding_error(path, encoding) from None
    except csv.Error as error:
        raise unreadable_csv(path, error, opened) from None
    rows, rejects = _refuse_repeated_ids(lines_of_id, rows, rejects)
    left_out = other_pipelines_text(reader.pipelines_left_out(), reader.other_pipeline_rows)
    return header, rows, rejects, left_out, plan.crm_id is not None


def _refuse_repeated_ids(
    lines_of_id: Mapping[str, list[int]], rows: list[Row], rejects: list[Reject]
) -> tuple[list[Row], list[Reject]]:
    """The rows to import, and those refused (in line order), each row whose CRM id is on another row too refused:
    which of them is the deal cannot be told (imported, they would all be checks of one deal, renamed to the last)."""
    from pipeline_audit.pipeline_csv import restored

    repeated = {line: (crm_id, lines) for crm_id, lines in lines_of_id.items() if len(lines) > 1 for line in lines}
    if not repeated:
        return rows, rejects

    def problem(line: int) -> str:
        crm_id, lines = repeated[line]
        return REPEATED_ID.format(
            crm_id=shown(crm_id), others=also_on_lines([other for other in lines if other != line])
        )

    refused = [
        *(Reject(row.line, restored(list(row.cells)), (problem(row.line),)) for row in rows if row.line in repeated),
        *(
            Reject(reject.line, reject.cells, (*reject.problems, problem(reject.line)))
            if reject.line in repeated
            else reject
            for reject in rejects
        ),
    ]
    return [row for row in rows if row.line not in repeated], sorted(refused, key=lambda reject: reject.line)


ONE_ROW_PER_DEAL = (
    "export one row per deal (a report that joins deals with their products or contacts repeats a deal on each line)"
)
REPEATED_ID = (
    "crm_id {crm_id} is on more than one row{others}: which row is the deal cannot be told (imported, they would be "
    f"checks of one deal, named as the last); {ONE_ROW_PER_DEAL} and import it again"
)


def _row(
    line: int,
    cells: list[str],
    header: list[str],
    plan: object,
    reader: object,
    owners: Owners,
    loaded: LoadedProcess,
) -> Row:
    """One row to import; RowProblem or ValueError saying why it cannot be."""
    from deal_records.outcomes import parse_outcome_change
    from deal_records.records import parse_new_deal
    from pipeline_audit.columns import ColumnPlan
    from pipeline_audit.rows import ClosedDeal, RowProblem, RowReader
    from sales_process.deal import evidence_problems

    assert isinstance(plan, ColumnPlan) and isinstance(reader, RowReader)
    claimed = _claimed_confirmations(header, plan, cells)
    if claimed:
        raise RowProblem(claimed)
    deal = reader.deal(cells)
    text = reader.text(cells)
    problems: list[str] = []
    change = None
    if isinstance(deal, ClosedDeal):
        if deal.close_date is None:
            fix = (
                "fill it in the export"
                if plan.close_date is not None or plan.lost_date is not None
                else "the export has no close-date column: add one, or map the column that holds it "
                "(crm.columns.close_date)"
            )
            problems.append(f"the deal is {deal.outcome.value} but has no close date; {fix}")
        else:
            try:
                change = parse_outcome_change(_outcome_data(deal, line), today=clock.today())
            except InvalidInput as invalid:
                problems += [f"{deal.outcome.value}: {problem.message}" for problem in invalid.problems]
    else:
        problems += [_located(problem) for problem in evidence_problems(deal)]
    try:
        parse_new_deal(_new_deal_data(text.deal, text.crm_id, deal), loaded)
    except InvalidInput as invalid:
        problems += [_located(problem) for problem in invalid.problems]
    try:
        email = owners.email(text.owner)
    except ValueError as error:
        problems.append(str(error))
        email = ""
    if problems:
        raise RowProblem(problems)
    return Row(line, deal, email, text.owner, text.crm_id.strip() or None, change, tuple(cells), bool(text.name))


def _located(problem: Problem) -> str:
    """A problem of a row's field, named as the API names it (``milestones.pain-confirmed.evidence: …``)."""
    return f"{problem.loc_text()}: {problem.message}" if problem.loc else problem.message


def _outcome_data(closed: ClosedDeal, line: int) -> dict[str, object]:
    """A closed row's outcome as the app's outcome form and API take it (a disqualified deal is lost, and says so)."""
    assert closed.close_date is not None
    if closed.outcome.value == "won":
        data: dict[str, object] = {"outcome": "won", "date": closed.close_date.isoformat(), "amount": closed.amount}
        if closed.currency:
            data["currency"] = closed.currency
        return data
    return {
        "outcome": "lost",
        "date": closed.close_date.isoformat(),
        "reason": f"{closed.outcome.value} in the CRM (imported, line {line})",
    }


def _new_deal_data(name: str, crm_id: str, deal: DealInput | ClosedDeal) -> dict[str, object]:
    """The deal as the app's and the API's create request takes it (deal_records.records.parse_new_deal)."""
    return {
        "name": name,
        "crm_id": crm_id.strip() or None,
        "amount": deal.amount,
        "currency": deal.currency,
        "segment": deal.segment if isinstance(deal, DealInput) else None,
        "claimed_stage": deal.claimed_stage,
    }


def _claimed_confirmations(header: list[str], plan: object, cells: list[str]) -> list[str]:
    """A problem for each milestone holding a buyer's answer as `playbook deals export` writes it (a filled
    `.confirmed_by`, a "Not quite" in `.evidence`): an import cannot record the buyer's word, and must not take
    that answer, its date or the buyer's comment for the rep's."""
    from deal_records.export import is_not_quite_cell
    from pipeline_audit.columns import ColumnPlan

    assert isinstance(plan, ColumnPlan)

    def cell(index: int | None) -> str:
        return cells[index].strip() if index is not None and index < len(cells) else ""

    problems = []
    for columns in plan.milestones:
        key, buyer, evidence = columns.milestone_id, cell(columns.confirmed_by), cell(columns.evidence)
        if buyer:
            problems.append(
                f"column {header[columns.confirmed_by or 0].strip()!r} names the buyer {shown(buyer)} who confirmed "
                f"{key}, but only the buyer's own answer to a confirmation link records that; {key} and its .date "
                f"are that answer (the day the buyer gave it), not the rep's: {_EMPTY_BUYERS_ANSWER.format(key)}"
            )
        elif is_not_quite_cell(evidence):
            problems.append(
                f'column {header[columns.evidence or 0].strip()!r} holds the buyer\'s "Not quite" '
                f"({shown(evidence, 60)}), not the rep's words, and only the buyer's own answer to a confirmation "
                f"link records that: {_EMPTY_BUYERS_ANSWER.format(key)}"
            )
    return problems


def _owners(session: Session, args: argparse.Namespace, mapping_owners: Mapping[str, str]) -> Owners:
    from sqlalchemy import select

    from deal_records.models import User
    from deal_records.people import find_user, normal_email

    users: dict[str, str] = {}
    for user in session.scalars(select(User).where(User.active)):
        users[name_key(user.email)] = user.email
        if user.name:
            users.setdefault(name_key(user.name), user.email)
    default = None
    if args.owner:
        found = find_user(session, args.owner)
        if found is None or not found.active:
            raise UserError(
                f"--owner {normal_email(args.owner)!r} is not an active user; add them with `playbook users add`",
                status=EXIT_USAGE,
            )
        default = found.email
    mapped = {name_key(owner): email for owner, email in mapping_owners.items()}
    if args.owner_map:
        mapped.update(read_owner_map(Path(args.owner_map)))
    return Owners(users, mapped, default, args.create_users)


def _summary(path: Path, rejects: list[Reject], rows: int) -> Iterator[str]:
    """At most LISTED distinct problems, each once at its first line with the other lines counted, then the counts:
    never a line per row of a large file (an owner who is not a user is said once, not on each of their deals)."""
    lines: dict[str, list[int]] = {}
    for reject in rejects:
        for problem in reject.problems:
            lines.setdefault(problem, []).append(reject.line)
    for problem, where in list(lines.items())[:LISTED]:
        yield f"{path}:{where[0]}: {problem}{also_on_lines(where[1:])}"
    if len(lines) > LISTED:
        yield (
            f"... and {plural(len(lines) - LISTED, 'other problem')} (pass --skip-bad to import the good rows and "
            "write every reason to a rejects CSV)"
        )
    yield (f"{plural(len(rejects), 'row')} with problems of {len(rejects) + rows} ({rows} good); nothing was imported.")


def write_rejects(path: Path, header: list[str], rejects: list[Reject]) -> None:
    """The rows not imported, as read, with the line and the reason (formulas neutralised, as in every CSV written;
    the byte order mark first, for Excel)."""
    from sales_process.spreadsheet import safe_writer

    with path.open("w", encoding="utf-8", newline="") as out:
        writer = safe_writer(out, for_excel=True)
        writer.writerow(["line", *header, REJECT_REASON])
        for reject in rejects:
            writer.writerow([reject.line, *reject.cells, reject.reason])


@dataclass(frozen=True)
class Moved:
    """A saved deal the row's owner cell gave to another user."""

    line: int
    name: str
    before: str  # the emails of its owner before and after
    after: str


@dataclass(frozen=True)
class Renamed:
    """A saved deal the row's deal cell gave another name."""

    line: int
    before: str
    after: str


@dataclass
class Counts:
    """What an import did."""

    created: int = 0
    checked_again: int = 0
    unchanged: int = 0  # rows of saved deals whose check would change nothing: none was added
    details_only: int = 0  # rows of saved deals whose check would change nothing, but whose name or owner changed
    closed: dict[str, int] = field(default_factory=dict)
    already_closed: int = 0
    kept: list[tuple[int, str]] = field(default_factory=list)  # (line, milestone) whose answer stays the buyer's
    moved: list[Moved] = field(default_factory=list)
    renamed: list[Renamed] = field(default_factory=list)
    # The CRM owners of the rows --owner took, by rows: only new deals (a saved deal keeps its owner).
    defaulted: Counter[str] = field(default_factory=Counter)

    def add(self, other: Counts) -> None:
        """Count what another row's import did too."""
        self.created += other.created
        self.checked_again += other.checked_again
        self.unchanged += other.unchanged
        self.details_only += other.details_only
        for outcome, count in other.closed.items():
            self.closed[outcome] = self.closed.get(outcome, 0) + count
        self.already_closed += other.already_closed
        self.kept += other.kept
        self.moved += other.moved
        self.renamed += other.renamed
        self.defaulted.update(other.defaulted)


def run(args: argparse.Namespace) -> int:
    """Read every row; import all of them in one transaction, or none (or, with --skip-bad, the good ones)."""
    from deal_records.database import reading, writing

    path = Path(args.pipeline)
    target = _rejects_file(args, path)
    loaded = load_or_report(args.process)
    if loaded is None:
        return EXIT_INVALID
    mapping = mapping_from_options(args, loaded)
    sessions = open_sessions(args.database, create=True)
    with reading(sessions) as db:
        owners = _owners(db, args, loaded.process.crm.owners if loaded.process.crm else {})
    try:
        header, rows, rejects, left_out, id_column = _read(path, loaded, mapping, owners)
    except InvalidFile as error:
        report(error)
        return EXIT_INVALID
    with reading(sessions) as db:
        rows, again = _saved_again(db, rows, id_column) if not args.new_deals else (rows, [])
        rows, reopened = _closed_saved(db, rows)
    rejects = sorted([*rejects, *again, *reopened], key=lambda reject: reject.line)
    if left_out:
        print(f"{path}: {left_out}")
    if rejects and not args.skip_bad:
        for line in _summary(path, rejects, len(rows)):
            print(line, file=sys.stderr)
        return EXIT_INVALID
    with writing(sessions) as db:
        counts, refused = _import(db, loaded, rows, owners, path, skip_bad=args.skip_bad)
    if refused:
        refused_lines = {reject.line for reject in refused}
        rows = [row for row in rows if row.line not in refused_lines]
        rejects = sorted([*rejects, *refused], key=lambda reject: reject.line)
    _print_counts(path, rows, counts)
    if owners.to_create:
        print(_created(owners.to_create))
    # Counted over the new deals imported: a rejected row is owned by nobody, a saved deal keeps its owner.
    if counts.defaulted and owners.default is not None:
        print(_given_to_default(counts.defaulted, owners.default))
    if rejects and target is not None:
        write_rejects(target, header, rejects)
        print(f"not imported: {plural(len(rejects), 'row')}, each with its reason in {target}")
    if rejects and not rows:
        print(f"{path}: error: nothing was imported: every row has a problem (see {target})", file=sys.stderr)
        return EXIT_INVALID
    return EXIT_OK


def _rejects_file(args: argparse.Namespace, path: Path) -> Path | None:
    """Where --skip-bad writes the rows not imported (None without it), checked before anything is imported, so
    that no row imported goes with its rejected ones unsaid; UserError when it cannot be written."""
    if not args.skip_bad:
        if args.rejects:
            raise UserError(
                "--rejects names where --skip-bad writes the rows not imported; add --skip-bad, or leave --rejects out",
                status=EXIT_USAGE,
            )
        return None
    target = Path(args.rejects) if args.rejects else path.with_name(path.name + ".rejects.csv")
    if target.is_dir():
        raise UserError(f"{target}: the rejects file is a folder; name a file with --rejects FILE")
    if not target.parent.is_dir() or not os.access(target.parent, os.W_OK):
        raise UserError(f"{target}: cannot write the rejects file there; name a file in a folder you may write to")
    return target


SAVED_AGAIN = (
    "the deal {name} is already {where}, and the row has no crm_id to match it: imported, it would be saved again as "
    "a new deal; {fix}, or pass --new-deals to save it as a new deal"
)
ADD_ID_COLUMN = "add the CRM's id column to the export (its check then goes to the saved deal)"
FILL_ID = "fill in its crm_id cell with {crm_id} (the saved deal's CRM id; its check then goes to the saved deal)"
NO_ID_TO_MATCH = "the saved deal has no CRM id either, so no id can match it: leave the row out"
# A row without a crm_id naming the deal of an earlier such row: the same deal again, or another of its name.
IN_THE_FILE_ADD_ID = f"{ONE_ROW_PER_DEAL}, or add the CRM's id column to the export (each row is then its id's deal)"
IN_THE_FILE_FILL_IDS = f"{ONE_ROW_PER_DEAL}, or fill in the rows' crm_id cells (each row is then its id's deal)"


def _saved_again(db: Session, rows: list[Row], id_column: bool) -> tuple[list[Row], list[Reject]]:
    """The rows to import, and those without a crm_id that name a deal already saved (names compared as name_key
    compares them), refused: without an id, importing an export a second time would save each deal twice. The rule
    holds within the file too: such a row naming the deal of an earlier one (a report that repeats the deal) is
    refused, with that row's line. `id_column`: the export has a CRM id column (blank on those rows), so the fix is
    to fill it, not to add it."""
    from sqlalchemy import select

    from deal_records.models import Deal
    from pipeline_audit.pipeline_csv import restored

    if all(row.crm_id for row in rows):
        return rows, []
    saved: dict[str, str | None] = {}  # name_key(name) -> a CRM id of a saved deal of that name, if any has one
    for name, crm_id in db.execute(select(Deal.name, Deal.crm_id)):
        saved[name_key(name)] = saved.get(name_key(name)) or crm_id
    in_the_file: dict[str, int] = {}  # name_key(name) -> the line of the first row without a crm_id to save it
    kept, again = [], []
    for row in rows:
        name = name_key(_name(row))
        if row.crm_id is None and (name in saved or name in in_the_file):
            again.append(
                Reject(row.line, restored(list(row.cells)), (_saved_again_problem(row, saved, in_the_file, id_column),))
            )
            continue
        if row.crm_id is None:
            in_the_file[name] = row.line
        kept.append(row)
    return kept, again


def _saved_again_problem(
    row: Row, saved: Mapping[str, str | None], in_the_file: Mapping[str, int], id_column: bool
) -> str:
    """Why a row without a crm_id is refused: its deal is saved (`saved`), else an earlier row saves it (`in_the_file`)."""
    name = name_key(_name(row))
    if name in saved:
        crm_id = saved[name]
        fix = ADD_ID_COLUMN if not id_column else FILL_ID.format(crm_id=shown(crm_id)) if crm_id else NO_ID_TO_MATCH
        return SAVED_AGAIN.format(name=shown(_name(row)), where="saved", fix=fix)
    fix = IN_THE_FILE_FILL_IDS if id_column else IN_THE_FILE_ADD_ID
    return SAVED_AGAIN.format(name=shown(_name(row)), where=f"on line {in_the_file[name]}", fix=fix)


def _closed_saved(db: Session, rows: list[Row]) -> tuple[list[Row], list[Reject]]:
    """The rows to import, and the open rows of deals closed in the records (matched by crm_id), refused: listed
    with every other problem before anything is saved (found while saving, the first stopped the import alone)."""
    from sqlalchemy import select

    from deal_records.models import Deal
    from pipeline_audit.pipeline_csv import restored
    from pipeline_audit.rows import ClosedDeal

    open_ids = {row.crm_id for row in rows if row.crm_id and not isinstance(row.deal, ClosedDeal)}
    if not open_ids:
        return rows, []
    saved = {deal.crm_id: deal for deal in db.scalars(select(Deal).where(Deal.crm_id.in_(open_ids)))}
    kept, refused = [], []
    for row in rows:
        deal = saved.get(row.crm_id) if row.crm_id and not isinstance(row.deal, ClosedDeal) else None
        problem = _closed_refusal(db, deal) if deal is not None else None
        if problem is None:
            kept.append(row)
        else:
            refused.append(Reject(row.line, restored(list(row.cells)), (problem,)))
    return kept, refused


def _closed_refusal(db: Session, deal: Deal) -> str | None:
    """Why an open row of the saved deal is refused: the deal is closed (None: it is open), and how to reopen it."""
    from deal_records.outcomes import closed_check_refusal

    closed = closed_check_refusal(db, deal)
    if closed is None:
        return None
    return (
        f"{closed}; reopen it first (its Outcome section on the deal's page, or POST /api/deals/{deal.id}/outcome "
        "with outcome open) and import the row again, or leave the row out"
    )


def _import(
    db: Session, loaded: LoadedProcess, rows: list[Row], owners: Owners, path: Path, *, skip_bad: bool
) -> tuple[Counts, list[Reject]]:
    """Create the users to create, then each row's deal through the app's own functions; return what was done and
    (with `skip_bad`) the rows the saved deals refused, each undone alone (a savepoint per row), with its reason.
    Without `skip_bad` the first such row stops the import: nothing is imported."""
    from deal_records.people import add_user_without_password, find_user
    from deal_records.records import RecordError
    from pipeline_audit.pipeline_csv import restored

    for email, name in owners.to_create.items():
        # No password: the rep signs in once given one (`playbook users password`), as the import says.
        add_user_without_password(db, email, "rep", name or None)
    counts = Counts()
    refused: list[Reject] = []
    for row in rows:
        owner = find_user(db, row.owner_email)
        assert owner is not None  # resolved against the users, or created above
        done = Counts()
        try:
            # Without --skip-bad the first refusal ends the whole transaction: a savepoint would only cost a round trip.
            with db.begin_nested() if skip_bad else nullcontext():
                _import_row(db, loaded, row, Owner(owner, named=not owners.took(row.crm_owner)), path, done)
        except (RecordError, InvalidInput) as error:
            if not skip_bad:
                raise UserError(f"{path}:{row.line}: {error}; nothing was imported") from None
            refused.append(Reject(row.line, restored(list(row.cells)), (str(error),)))
            continue
        counts.add(done)
    return counts, refused


@dataclass(frozen=True)
class Owner:
    """The user a row's owner resolves to, and whether its owner cell names them (else --owner took the row)."""

    user: User
    named: bool


def _import_row(db: Session, loaded: LoadedProcess, row: Row, owner: Owner, path: Path, counts: Counts) -> None:
    """Save one row: its deal (new, or the one its crm_id matches), then its check or its outcome; RecordError or
    InvalidInput when the saved deal refuses it."""
    from sqlalchemy import select

    from deal_records.models import Deal
    from deal_records.records import create_deal, parse_new_deal, record_check_if_changed, standing_buyer_answers
    from pipeline_audit.rows import ClosedDeal

    note = f"imported from {path.name}, line {row.line}" + (f" (CRM owner: {row.crm_owner})" if row.crm_owner else "")
    deal = db.scalar(select(Deal).where(Deal.crm_id == row.crm_id)) if row.crm_id else None
    saved = deal is not None
    details_changed = False
    if deal is None:
        new = parse_new_deal(_new_deal_data(_name(row), row.crm_id or "", row.deal), loaded)
        deal = create_deal(db, owner.user, new)
        counts.created += 1
        if not owner.named:
            counts.defaulted[row.crm_owner.strip()] += 1
    else:
        details_changed = _update_saved(db, deal, row, owner, counts)
        if not isinstance(row.deal, ClosedDeal):
            counts.kept += [
                (row.line, milestone_id)
                for milestone_id in standing_buyer_answers(db, deal)
                if milestone_id in row.deal.answers
            ]
    if isinstance(row.deal, ClosedDeal):
        assert row.change is not None  # _row validated the outcome of every closed row
        _close(db, deal, row.change, counts)
    elif record_check_if_changed(db, deal, loaded, row.deal, "import", note=note) is None:
        if details_changed:
            counts.details_only += 1  # renamed or moved, and so not "unchanged"
        else:
            counts.unchanged += 1  # a nightly import of the same export leaves each deal's history as it was
    elif saved:
        counts.checked_again += 1


def _update_saved(db: Session, deal: Deal, row: Row, owner: Owner, counts: Counts) -> bool:
    """What a row changes of the saved deal its crm_id matches: its name when the row names it, its owner when the
    row's owner cell names another user (never --owner, which only fills rows whose owner is not a user: the deal
    has one); whether it changed either. RecordError for an open row of a closed deal, which is not checked."""
    from deal_records.details import DetailsChange, change_details
    from deal_records.records import RecordError
    from pipeline_audit.rows import ClosedDeal

    # Refused before anything is saved (_closed_saved); checked again in the writing transaction, as the saved deal
    # may have been closed in between.
    closed = _closed_refusal(db, deal) if not isinstance(row.deal, ClosedDeal) else None
    if closed is not None:
        raise RecordError("outcome", closed)
    change = DetailsChange(name=_name(row) if row.named else None, owner=owner.user.email if owner.named else None)
    made = change_details(db, None, deal, change, "import")
    for each in made:
        if each.field == "owner":
            counts.moved.append(Moved(row.line, deal.name, each.before or "", each.after or ""))
        elif each.field == "name":
            counts.renamed.append(Renamed(row.line, each.before or "", each.after or ""))
    return bool(made)


def _name(row: Row) -> str:
    from pipeline_audit.rows import ClosedDeal

    return row.deal.name if isinstance(row.deal, ClosedDeal) else row.deal.name or ""


def _close(db: Session, deal: Deal, change: OutcomeChange, counts: Counts) -> None:
    """Save a closed row's outcome through the app's own outcome service (deal_records.outcomes), as its owner."""
    from deal_records.outcomes import current_outcome, is_closed, record_outcome

    current = current_outcome(db, deal.id)
    if current is not None and is_closed(current) and current.outcome == change.outcome.value:
        counts.already_closed += 1
        return
    record_outcome(db, deal.owner, deal, change, "import")
    counts.closed[change.outcome.value] = counts.closed.get(change.outcome.value, 0) + 1


def _given_to_default(defaulted: Counter[str], default: str) -> str:
    """Which CRM owners' rows --owner took, most rows first: said, since no user of theirs was found."""
    owners = ", ".join(
        f"{shown(owner) if owner else 'a blank owner'}: {count}" for owner, count in defaulted.most_common()
    )
    return (
        f"owned by {default} (--owner): {plural(defaulted.total(), 'row')} whose owner is not a user ({owners}); "
        "map them to users under crm.owners or with --owner-map FILE to keep each rep's deals apart"
    )


def _created(users: Mapping[str, str]) -> str:
    """The users --create-users added, and how each one gets to sign in."""
    emails = ", ".join(users)
    return (
        f"added {plural(len(users), 'rep')} with no password yet ({emails}): each signs in once given one "
        "with `playbook users password EMAIL`"
    )


def _print_counts(path: Path, rows: list[Row], counts: Counts) -> None:
    closed = sum(counts.closed.values())
    print(
        f"imported {plural(len(rows), 'row')} from {path}: {plural(counts.created, 'new deal')}, "
        f"{plural(counts.checked_again, 'check')} of deals already saved (matched by crm_id)"
        + (f", {counts.unchanged} unchanged" if counts.unchanged else "")
        + (f", {counts.details_only} renamed or moved only" if counts.details_only else "")
        + (
            f", {closed} closed ({', '.join(f'{kind}: {count}' for kind, count in sorted(counts.closed.items()))})"
            if closed
            else ""
        )
        + (f", {counts.already_closed} closed already" if counts.already_closed else "")
    )
    if counts.moved:
        print(_moved(counts.moved))
    if counts.renamed:
        print(_renamed(counts.renamed))
    if counts.kept:
        where = ", ".join(f"line {line}: {milestone_id}" for line, milestone_id in counts.kept)
        print(
            f"kept the buyer's own answer over the file's for {plural(len(counts.kept), 'milestone')} ({where}); "
            "only the buyer changes it, through a new confirmation link"
        )


def _renamed(renamed: list[Renamed]) -> str:
    """The saved deals the rows' deal cells renamed, the first LISTED named: said as a move is said, since a manager
    looks for a deal by its name."""
    named = "; ".join(f"line {deal.line}, {shown(deal.before)} to {shown(deal.after)}" for deal in renamed[:LISTED])
    more = f" and {plural(len(renamed) - LISTED, 'more deal')}" if len(renamed) > LISTED else ""
    return f"renamed {plural(len(renamed), 'saved deal')}, as the row's deal cell names them: {named}{more}"


def _moved(moved: list[Moved]) -> str:
    """The saved deals whose owner the rows' owner cells changed, the first LISTED named: said, since a deal moving
    to another rep leaves the first rep's pipeline."""
    named = "; ".join(
        f"line {deal.line}, {shown(deal.name)} from {deal.before} to {deal.after}" for deal in moved[:LISTED]
    )
    more = f" and {plural(len(moved) - LISTED, 'more deal')}" if len(moved) > LISTED else ""
    return (
        f"moved {plural(len(moved), 'saved deal')} to another owner, as the row's owner cell names them: {named}{more}"
    )
