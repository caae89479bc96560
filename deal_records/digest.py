"""The weekly digest's facts: per recipient, what changed in the open deals since their last digest.

Rules (the manual's "Weekly digest" says the same):
- A digest reports the span from the recipient's last delivered digest (`digest_deliveries`) to the
  moment it is made; someone who never got one gets the FIRST_DIGEST_DAYS days before --as-of.
- A deal's standing "now" is its latest check assessed as of --as-of; "then" is the pipeline as the last
  digest counted it: every deal made and open when it was made (one closed since included), its latest
  check by then, assessed as of that digest's --as-of, under the process served now (so a process change
  is not a slide). A deal not checked by then counts with its CRM stage and amount of today and no answers;
  a deal created since has no "then". A manager's "then" is over the reps their digest covers now (the team
  is not kept by date): the same deals as "now", so a team that changed is not read as a gain or a slide.
- A deal slid when its verified stage then was later than now (a check, a buyer's "Not quite" or
  evidence gone stale); a deal made since has no "then", so its first check since is compared instead. Closed deals (won or lost) are outcomes, not pipeline: they are left out.
- Weighted amounts are added only in the pipeline's currency (that of most deals), and only those of deals with
  an amount and a claimed stage, by sales_process.totals.Totals: the figures of /pipeline and the audit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from deal_records.answers import WARN_DAYS, assess_saved, expiring, read_answers
from deal_records.models import Check, Deal, DigestDelivery, Role, User
from deal_records.models import ConfirmationRequest as RequestRow
from deal_records.outcome_query import closed_deal_ids
from deal_records.records import summing_currency
from sales_process.confirmation import RequestState
from sales_process.deal_verdict import DealVerdict, KnownVerdicts
from sales_process.engine import Assessment
from sales_process.loader import LoadedProcess
from sales_process.model import Process
from sales_process.totals import Totals, summed_in_total

FIRST_DIGEST_DAYS = 7


@dataclass(frozen=True)
class Span:
    """What a digest reports: from `since` (the last digest, or FIRST_DIGEST_DAYS before --as-of) to `until`;
    `judged_on`: the day whose evidence the last digest judged (its --as-of; a first digest's, the day of `since`)."""

    since: dt.datetime
    until: dt.datetime
    first: bool  # no digest was delivered to this recipient before
    judged_on: dt.date


def span_for(session: Session, user: User, as_of: dt.date, now: dt.datetime) -> Span:
    """The recipient's span: since their last delivered digest, else the FIRST_DIGEST_DAYS days before `as_of`."""
    last = session.execute(
        select(DigestDelivery.sent_at, DigestDelivery.as_of)
        .where(DigestDelivery.user_id == user.id)
        .order_by(DigestDelivery.sent_at.desc(), DigestDelivery.id.desc())
        .limit(1)
    ).first()
    if last is not None:
        return Span(last.sent_at, now, first=False, judged_on=last.as_of)
    start = dt.datetime.combine(as_of - dt.timedelta(days=FIRST_DIGEST_DAYS), dt.time(), dt.UTC)
    return Span(start, now, first=True, judged_on=start.date())


@dataclass(frozen=True)
class Standing:
    """A deal's stages and amount at one moment: what the pipeline counted it as."""

    verified_index: int
    claimed_index: int | None
    amount: float | None
    owner_id: int  # whose deal it was: which manager's digest counts it
    currency: str | None  # the amount's: a total adds only the pipeline's currency
    first_recorded: bool = False  # a deal made in the span: its first check in it, not the span's start (slid_from)

    def verdict(self, known: KnownVerdicts, number: int) -> DealVerdict:
        """The standing as the verdict the pipeline's totals are fed (its weighted amounts in cents)."""
        claimed = None if self.claimed_index is None else known.process.stages[self.claimed_index].id
        return known.verdict(number, "", claimed, self.verified_index, self.amount, ())


@dataclass(frozen=True)
class OpenDeal:
    """An open deal now: its owner, its assessment as of --as-of, and its evidence about to go stale."""

    deal: Deal
    assessment: Assessment
    expiring: list[tuple[str, dt.date]]
    weighed: bool  # its amount is in the pipeline's currency (or names none), so it is added to totals

    @property
    def now(self) -> Standing:
        """The deal's standing as of --as-of."""
        deal = self.deal
        return Standing(
            self.assessment.verified_index, self.assessment.claimed_index, deal.amount, deal.owner_id, deal.currency
        )


def open_deals(session: Session, loaded: LoadedProcess, as_of: dt.date) -> list[OpenDeal]:
    """Every open deal with its latest check assessed as of `as_of`, by id."""
    query = (
        select(Deal)
        .options(joinedload(Deal.owner), joinedload(Deal.latest_check))
        .where(Deal.id.not_in(closed_deal_ids()))
        .order_by(Deal.id)
    )
    summed_in = summing_currency(session)
    found = []
    for deal in session.scalars(query):
        stored = deal.latest_check.answers if deal.latest_check is not None else {}
        saved = read_answers(stored, loaded.process)
        assessment = assess_saved(
            loaded.process, deal.name, deal.claimed_stage, deal.amount, saved, as_of, deal.segment
        )
        found.append(OpenDeal(deal, assessment, expiring(assessment, WARN_DAYS), added_in(deal.currency, summed_in)))
    return found


def added_in(currency: str | None, summed_in: str | None) -> bool:
    """Whether an amount in `currency` is added to totals in `summed_in` (records.summing_currency): a total never
    adds two currencies; an amount naming none is taken as the pipeline's (the rule of /pipeline and the audit)."""
    return summed_in_total(currency, summed_in)


def standings_then(
    session: Session, process: Process, since: dt.datetime, judged_on: dt.date, owner_id: int | None = None
) -> dict[int, Standing]:
    """Each deal's standing at `since`, as the digest made then counted it (see the module's rules): every deal made
    and open by then, one closed since included, judged on `judged_on`. `owner_id`: that rep's deals alone."""
    open_then = select(Deal.id).where(Deal.created_at <= since, Deal.id.not_in(closed_deal_ids(recorded_by=since)))
    if owner_id is not None:
        open_then = open_then.where(Deal.owner_id == owner_id)
    # Every deal's latest check by then, as a subquery: no list of ids for the database to take.
    latest = (
        select(func.max(Check.id))
        .where(Check.checked_at <= since, Check.deal_id.in_(open_then))
        .group_by(Check.deal_id)
    )
    checks = {check.deal_id: check for check in session.scalars(select(Check).where(Check.id.in_(latest)))}
    found: dict[int, Standing] = {}
    for deal in session.scalars(select(Deal).where(Deal.id.in_(open_then)).order_by(Deal.id)):
        check = checks.get(deal.id)
        if check is None:
            claimed, amount, currency, segment, stored = (
                deal.claimed_stage,
                deal.amount,
                deal.currency,
                deal.segment,
                {},
            )
        else:
            claimed, amount, currency, segment = check.claimed_stage, check.amount, check.currency, check.segment
            stored = check.answers
        saved = read_answers(stored, process)
        then = assess_saved(process, deal.name, claimed, amount, saved, judged_on, segment)
        found[deal.id] = Standing(then.verified_index, then.claimed_index, amount, deal.owner_id, currency)
    return found


def slid_from(
    session: Session, process: Process, deals: Iterable[OpenDeal], since: dt.datetime, then: dict[int, Standing]
) -> dict[int, Standing]:
    """What a slide is measured from: each deal's standing `then`, and, for a deal made since (it has none), the
    standing its first check after `since` recorded, judged on that check's day: a deal imported and checked back
    within the span fell, though it did not exist at the span's start. `then` itself is left as it is: the
    figures "was" adds are the last digest's, where a deal made since had no place."""
    new = [item.deal.id for item in deals if item.deal.id not in then]
    if not new:
        return then
    first = select(func.min(Check.id)).where(Check.checked_at > since, Check.deal_id.in_(new)).group_by(Check.deal_id)
    found = dict(then)
    for check, deal in session.execute(
        select(Check, Deal).join(Deal, Deal.id == Check.deal_id).where(Check.id.in_(first))
    ):
        saved = read_answers(check.answers, process)
        day = check.checked_at.astimezone(dt.UTC).date()
        at = assess_saved(process, deal.name, check.claimed_stage, check.amount, saved, day, check.segment)
        found[deal.id] = Standing(
            at.verified_index, at.claimed_index, check.amount, deal.owner_id, check.currency, first_recorded=True
        )
    return found


def slid(deals: Iterable[OpenDeal], then: dict[int, Standing]) -> list[tuple[OpenDeal, Standing]]:
    """The deals whose verified stage fell since `then`, each with its standing then."""
    return [
        (item, then[item.deal.id])
        for item in deals
        if item.deal.id in then and then[item.deal.id].verified_index > item.assessment.verified_index
    ]


def totals(process: Process, standings: Iterable[Standing]) -> Totals:
    """The weighted pipeline of these standings, summed by the one definition /pipeline and the audit use
    (sales_process.totals.Totals): claimed against verified over the deals with an amount and a claimed stage."""
    summed = Totals(process)
    known = KnownVerdicts(process)
    for number, standing in enumerate(standings, 1):
        summed.add(standing.verdict(known, number))
    return summed


def largest_gaps(process: Process, deals: Iterable[OpenDeal], count: int) -> list[tuple[OpenDeal, int]]:
    """The `count` deals whose claimed stage is furthest ahead of the evidence, by weighted amount (cents);
    a deal without an amount has no gap in money and is left out."""
    gaps = []
    known = KnownVerdicts(process)
    for item in deals:
        ahead = item.assessment.stages_ahead
        if item.weighed and ahead is not None and ahead > 0:
            verdict = item.now.verdict(known, item.deal.id)
            claimed, verified = verdict.claimed_weighted_cents, verdict.verified_weighted_cents
            if claimed is not None and verified is not None and claimed > verified:
                gaps.append((item, claimed - verified))
    return sorted(gaps, key=lambda pair: (-pair[1], pair[0].deal.id))[:count]


@dataclass(frozen=True)
class Reply:
    """A buyer's answer to a confirmation link: the deal, who answered when, and each statement's answer."""

    deal: Deal
    buyer: str
    answered_at: dt.datetime
    agreed: list[str]  # the statements the buyer confirmed, as they were shown
    declined: list[tuple[str, str | None]]  # the statements answered "Not quite", with the buyer's comment


def replies(session: Session, owner: User, span: Span) -> list[Reply]:
    """The buyers' answers to the owner's deals' confirmation links within the span, oldest first."""
    query = (
        select(RequestRow, Deal)
        .join(Deal, Deal.id == RequestRow.deal_id)
        .where(
            Deal.owner_id == owner.id,
            RequestRow.state.in_([RequestState.CONFIRMED.value, RequestState.DECLINED.value]),
            RequestRow.answered_at > span.since,
            RequestRow.answered_at <= span.until,
        )
        .order_by(RequestRow.answered_at, RequestRow.id)
    )
    return [_reply(row, deal) for row, deal in session.execute(query)]


def _reply(row: RequestRow, deal: Deal) -> Reply:
    """One answered request as a Reply (statements in the words the buyer saw)."""
    texts = {item["milestone_id"]: item["text"] for item in row.statements}
    agreed: list[str] = []
    declined: list[tuple[str, str | None]] = []
    for answer in row.reply or []:
        text = texts.get(str(answer.get("milestone_id")), str(answer.get("milestone_id")))
        comment = answer.get("comment")
        if answer.get("agreed") is True:
            agreed.append(text)
        else:
            declined.append((text, comment if isinstance(comment, str) and comment.strip() else None))
    assert row.answered_at is not None
    return Reply(deal, row.answered_by or row.buyer_name, row.answered_at, agreed, declined)


def recipients(session: Session) -> tuple[list[User], list[User]]:
    """The active reps and the active managers, each by email."""
    users = list(session.scalars(select(User).where(User.active.is_(True)).order_by(User.email)))
    return [u for u in users if u.role == Role.REP], [u for u in users if u.role == Role.MANAGER]


def in_team(owner_id: int, manager: User, managers: dict[int, User]) -> bool:
    """Whether a manager's digest counts the deals of this owner: a rep they manage (`managers`, by rep id:
    people.managers_of_reps), or one no active manager has, so that no deal is left out."""
    theirs = managers.get(owner_id)
    return theirs is None or not theirs.active or theirs.id == manager.id


def team_deals(deals: Iterable[OpenDeal], manager: User, managers: dict[int, User]) -> list[OpenDeal]:
    """The deals of a manager's digest (in_team)."""
    return [item for item in deals if in_team(item.deal.owner_id, manager, managers)]


def record_delivery(session: Session, user_id: int, span: Span, as_of: dt.date) -> None:
    """Remember that the user got the digest of this span: their next one starts where it ended."""
    session.add(DigestDelivery(user_id=user_id, sent_at=span.until, as_of=as_of))
