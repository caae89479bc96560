"""The saved deals as a pipeline CSV (the audit's format, with each deal's latest answers): what
`playbook deals export` writes and what the app's /deals/export.csv downloads, the same bytes from both."""

from __future__ import annotations

import datetime as dt
import re
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from deal_records.answers import read_answers, rep_answer_before
from deal_records.models import Deal, OutcomeEvent, User
from deal_records.outcomes import current_outcomes, is_closed
from deal_records.records import deal_checks, visible
from sales_process.crm import confirmed_by_cell
from sales_process.deal import Answer, BuyerAnswer
from sales_process.model import Process
from sales_process.pipeline_columns import (
    AMOUNT,
    CLOSE_DATE,
    CRM_ID,
    CURRENCY,
    DEAL,
    OWNER,
    STAGE,
    STATUS,
    PipelineColumns,
    pipeline_columns,
)
from sales_process.spreadsheet import safe_writer
from sales_process.vocabulary import plain_cents, to_cents

Histories = dict[int, list[object]]  # a deal's stored answers, oldest first, by deal id
# A buyer's "Not quite" as the .evidence cell words it (not_quite_cell): `playbook import` knows it for the buyer's.
_NOT_QUITE = re.compile(r"Not quite, answered .+ \([^()\s]+@[^()\s]+\) on \d{4}-\d{2}-\d{2}(?::|$)", re.DOTALL)


def write_deals(db: Session, process: Process, out: TextIO, *, seen_by: User | None = None) -> int:
    """Write the saved deals to `out` as CSV and return how many: every deal, or with `seen_by` only those that
    user may see (a manager every deal, a rep their own).

    The columns are those the audit and the import read without a mapping (`pipeline_columns`), currency,
    segment and crm_id only when some deal has one; every cell a spreadsheet would run is written inert, and the
    file starts with UTF-8's byte order mark, for Excel.
    """
    query = select(Deal).options(joinedload(Deal.owner), joinedload(Deal.latest_check)).order_by(Deal.id)
    deals = list(db.scalars(query if seen_by is None else visible(query, seen_by)))
    histories = _buyer_answered_histories(db, deals)
    outcomes = {
        deal_id: event
        for deal_id, event in current_outcomes(db, [deal.id for deal in deals]).items()
        if is_closed(event)
    }
    # Always the status: the records know which deals are open, so a deal open at the last stage is not read as won.
    columns = pipeline_columns(
        process,
        with_currency=any(deal.currency for deal in deals) or any(event.currency for event in outcomes.values()),
        with_crm_id=any(deal.crm_id for deal in deals),
        with_outcomes=True,
        with_segment=any(deal.segment for deal in deals),
    )
    # A deal named =HYPERLINK(...) must not run in the spreadsheet that opens the file, and Zürich must read as such.
    writer = safe_writer(out, for_excel=True)
    writer.writerow(columns.header)
    for deal in deals:
        writer.writerow(_deal_row(deal, process, columns, outcomes.get(deal.id), histories))
    return len(deals)


def _deal_row(
    deal: Deal, process: Process, columns: PipelineColumns, event: OutcomeEvent | None, histories: Histories
) -> list[str]:
    """One deal's cells, in the order of `columns`."""
    # A stage renamed since the deal was saved is written by its id now, as its milestones are; a stage the
    # process dropped keeps the id saved, which the audit then reports as unknown rather than losing it.
    stage = deal.claimed_stage and (process.current_stage_id(deal.claimed_stage) or deal.claimed_stage)
    # A won deal's amount is what it was won for, as a CRM exports it: the audit counts it among the wins.
    amount, currency = (
        (event.amount, event.currency or deal.currency)
        if event is not None and event.amount is not None
        else (deal.amount, deal.currency)
    )
    fields = {
        DEAL: deal.name,
        STAGE: stage or "",
        AMOUNT: "" if amount is None else plain_cents(to_cents(amount)),
        CURRENCY: currency or "",
        "segment": deal.segment or "",
        OWNER: deal.owner.email,
        CRM_ID: deal.crm_id or "",
        STATUS: event.outcome if event is not None else "open",
        CLOSE_DATE: _day(event.closed_on if event is not None else None),
    }
    row = [fields[name] for name in columns.deal_fields]
    answers = read_answers(deal.latest_check.answers, process).answers if deal.latest_check else {}
    for milestone_id, buyer in columns.milestones:
        row += _milestone_cells(answers.get(milestone_id), buyer, deal, milestone_id, histories)
    return row


def _milestone_cells(
    answer: Answer | None, buyer: bool, deal: Deal, milestone_id: str, histories: Histories
) -> list[str]:
    """A milestone's cells: met, .evidence, .date and, for a milestone with a buyer statement, .confirmed_by."""
    if answer is None:
        return [""] * (4 if buyer else 3)
    cells = ["yes" if answer.met else "no", _evidence(answer, deal, milestone_id, histories), _day(answer.date)]
    if buyer:  # a confirmation reads back as the buyer's: `playbook audit` trusts this column
        confirmed = answer.buyer if answer.buyer is not None and answer.buyer.agreed else None
        cells.append(confirmed_by_cell(confirmed.name, confirmed.email) if confirmed is not None else "")
    return cells


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _buyer_answered_histories(db: Session, deals: list[Deal]) -> Histories:
    """Each stored answers of the deals whose latest check holds a buyer's answer, oldest first: where the rep's own
    evidence under it is found."""
    answered = [
        deal
        for deal in deals
        if deal.latest_check is not None
        and isinstance(deal.latest_check.answers, dict)
        and any(isinstance(item, dict) and item.get("buyer") for item in deal.latest_check.answers.values())
    ]
    return {deal.id: [check.answers for check in deal_checks(db, deal)] for deal in answered}


def _evidence(answer: Answer, deal: Deal, milestone_id: str, histories: Histories) -> str:
    """A milestone's .evidence cell: the rep's own words, also under a buyer's "yes" (the .confirmed_by cell holds the
    buyer, and the audit words their confirmation from it); under a "Not quite", what the buyer answered, said as such."""
    if answer.buyer is None:
        return answer.evidence or ""
    if not answer.buyer.agreed:
        return not_quite_cell(answer.buyer)
    found = rep_answer_before(histories.get(deal.id, []), milestone_id)
    return (found[1].evidence or "") if found is not None else ""


def not_quite_cell(buyer: BuyerAnswer) -> str:
    """The .evidence cell of a buyer's "Not quite": who answered, when, and their comment, said as theirs."""
    said = f": {buyer.comment}" if buyer.comment else ""
    return f"Not quite, answered {buyer.name} ({buyer.email}) on {buyer.date.isoformat()}{said}"


def is_not_quite_cell(text: str) -> bool:
    """Whether an .evidence cell is a buyer's "Not quite" as `not_quite_cell` words it, not a rep's words."""
    return _NOT_QUITE.match(text.strip()) is not None
