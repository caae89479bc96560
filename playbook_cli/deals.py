"""`playbook deals export`: the saved deals in the audit's CSV format (latest answers of each)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING, TextIO

from playbook_cli.common import EXIT_OK, HelpFormatter, add_action, add_process_option, load_or_report
from playbook_cli.records import add_database_option, guarded, open_sessions
from sales_process.vocabulary import plural

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deal_records.models import Deal
    from sales_process.deal import Answer

EXAMPLE = """examples:
  playbook deals export > pipeline.csv
  playbook deals export --output pipeline.csv && playbook audit pipeline.csv

the columns are those `playbook audit` and `playbook import` read: deal, stage (id),
amount, owner (email), one column per milestone with .evidence (the rep's words, also
under a buyer's confirmation; under a buyer's "Not quite", their answer, said as such) and
.date, .confirmed_by (the buyer who confirmed it, as Name <email>; blank when they answered
"Not quite") for a milestone with a buyer_statement, crm_id when any
deal has one (`playbook audit` reads it as is), currency (an ISO code such as USD)
when any deal's amount has one, segment when any deal has one, and status (open, won, lost) and close_date;
a won deal's amount is the final amount it was won for, when one was recorded. A cell a spreadsheet would run as a formula (=, +, -, @) is written
with a leading ' and read back without it by `playbook import` and `playbook audit`."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the deals command."""
    parser = commands.add_parser(
        "deals", help="export the saved deals as CSV", epilog=EXAMPLE, formatter_class=HelpFormatter
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    export = add_action(
        actions, "deals", "export", examples=EXAMPLE, help="every saved deal with its latest answers, as CSV"
    )
    add_process_option(export)
    add_database_option(export)
    export.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    export.set_defaults(run=guarded(run_export))


def run_export(args: argparse.Namespace) -> int:
    """Write the CSV."""
    loaded = load_or_report(args.process)
    if loaded is None:
        return 1
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            count = _export(args, loaded, out)
        print(f"wrote {plural(count, 'deal')} to {args.output}", file=sys.stderr)
    else:
        _export(args, loaded, sys.stdout)
    return EXIT_OK


def _export(args: argparse.Namespace, loaded: object, out: TextIO) -> int:
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    from deal_records.answers import read_answers
    from deal_records.database import reading
    from deal_records.models import Deal
    from deal_records.outcomes import current_outcomes, is_closed
    from sales_process.crm import confirmed_by_cell
    from sales_process.loader import LoadedProcess
    from sales_process.pipeline_columns import pipeline_columns
    from sales_process.spreadsheet import safe_writer
    from sales_process.vocabulary import plain_cents, to_cents

    assert isinstance(loaded, LoadedProcess)
    with reading(open_sessions(args.database)) as db:
        deals = list(
            db.scalars(select(Deal).options(joinedload(Deal.owner), joinedload(Deal.latest_check)).order_by(Deal.id))
        )
        histories = _buyer_answered_histories(db, deals)
        outcomes = {
            deal_id: event
            for deal_id, event in current_outcomes(db, [deal.id for deal in deals]).items()
            if is_closed(event)
        }
    with_crm = any(deal.crm_id for deal in deals)
    with_currency = any(deal.currency for deal in deals) or any(event.currency for event in outcomes.values())
    with_segment = any(deal.segment for deal in deals)
    # Always the status: the records know which deals are open, so a deal open at the last stage is not read as won.
    columns = pipeline_columns(
        loaded.process, with_currency=with_currency, with_crm_id=with_crm, with_outcomes=True, with_segment=with_segment
    )
    writer = safe_writer(out)  # a deal named =HYPERLINK(...) must not run in the spreadsheet that opens the file
    writer.writerow(columns.header)
    for deal in deals:
        answers = read_answers(deal.latest_check.answers, loaded.process).answers if deal.latest_check else {}
        # A stage renamed since the deal was saved is written by its id now, as its milestones are; a stage the
        # process dropped keeps the id saved, which the audit then reports as unknown rather than losing it.
        stage = deal.claimed_stage and (loaded.process.current_stage_id(deal.claimed_stage) or deal.claimed_stage)
        event = outcomes.get(deal.id)
        # A won deal's amount is what it was won for, as a CRM exports it: the audit counts it among the wins.
        amount, currency = (
            (event.amount, event.currency or deal.currency)
            if event is not None and event.amount is not None
            else (deal.amount, deal.currency)
        )
        row = [deal.name, stage or "", "" if amount is None else plain_cents(to_cents(amount))]
        if with_currency:
            row.append(currency or "")
        if with_segment:
            row.append(deal.segment or "")
        row.append(deal.owner.email)
        if with_crm:
            row.append(deal.crm_id or "")
        closed_on = event.closed_on if event is not None else None
        row += [event.outcome if event is not None else "open", closed_on.isoformat() if closed_on else ""]
        for milestone_id, buyer in columns.milestones:
            answer = answers.get(milestone_id)
            if answer is None:
                row += [""] * (4 if buyer else 3)
                continue
            row += ["yes" if answer.met else "no", _evidence(answer, deal, milestone_id, histories), _day(answer.date)]
            if buyer:  # a confirmation reads back as the buyer's: `playbook audit` trusts this column
                confirmed = answer.buyer if answer.buyer is not None and answer.buyer.agreed else None
                row.append(confirmed_by_cell(confirmed.name, confirmed.email) if confirmed is not None else "")
        writer.writerow(row)
    return len(deals)


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _buyer_answered_histories(db: Session, deals: list[Deal]) -> dict[int, list[object]]:
    """Each stored answers of the deals whose latest check holds a buyer's answer, oldest first: where the rep's own
    evidence under it is found."""
    from deal_records.records import deal_checks

    answered = [
        deal
        for deal in deals
        if deal.latest_check is not None
        and isinstance(deal.latest_check.answers, dict)
        and any(isinstance(item, dict) and item.get("buyer") for item in deal.latest_check.answers.values())
    ]
    return {deal.id: [check.answers for check in deal_checks(db, deal)] for deal in answered}


def _evidence(answer: Answer, deal: Deal, milestone_id: str, histories: dict[int, list[object]]) -> str:
    """A milestone's .evidence cell: the rep's own words, also under a buyer's "yes" (the .confirmed_by cell holds the
    buyer, and the audit words their confirmation from it); under a "Not quite", what the buyer answered, said as such."""
    from deal_records.answers import rep_answer_before

    if answer.buyer is None:
        return answer.evidence or ""
    if not answer.buyer.agreed:
        said = f": {answer.buyer.comment}" if answer.buyer.comment else ""
        return (
            f"Not quite, answered {answer.buyer.name} ({answer.buyer.email}) on {answer.buyer.date.isoformat()}{said}"
        )
    found = rep_answer_before(histories.get(deal.id, []), milestone_id)
    return (found[1].evidence or "") if found is not None else ""
