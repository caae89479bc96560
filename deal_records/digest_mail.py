"""The weekly digest's emails: a rep's (their deals) and a manager's (the team), as plain text.

`digest_emails` makes every recipient's email from the facts of deal_records.digest; nothing is
sent or recorded here (`playbook digest` prints or sends them, and records what was sent).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from deal_records.answers import WARN_DAYS
from deal_records.digest import (
    FIRST_DIGEST_DAYS,
    OpenDeal,
    Reply,
    Span,
    Standing,
    added_in,
    in_team,
    largest_gaps,
    open_deals,
    recipients,
    replies,
    slid,
    slid_from,
    span_for,
    standings_then,
    team_deals,
    totals,
)
from deal_records.mail import MailText
from deal_records.models import Deal, User
from deal_records.people import managers_of_reps
from deal_records.records import summing_currency
from sales_process.loader import LoadedProcess
from sales_process.model import Process
from sales_process.totals import Totals
from sales_process.vocabulary import counts_until, money_cents_in, plural

LARGEST_GAPS = 5
LISTED = 20  # the deals an email lists under one heading; the others are counted (every one is on the deals page)
NONE = "  None."


@dataclass(frozen=True)
class DigestEmail:
    """One recipient's digest: who gets it, the span it reports, and its text."""

    user: User
    span: Span
    text: MailText


@dataclass(frozen=True)
class Links:
    """The app's pages as the emails link them: from PLAYBOOK_BASE_URL, or none when it is not set."""

    base_url: str | None = None

    def to(self, path: str) -> list[str]:
        """The line linking the page at `path` (e.g. /deals/12), under the line it belongs to; none without a base URL."""
        return [f"    {self.base_url}{path}"] if self.base_url else []

    def deal(self, deal: Deal) -> list[str]:
        """The line linking a deal's page."""
        return self.to(f"/deals/{deal.id}")

    def page(self, label: str, path: str) -> list[str]:
        """A line of its own naming a page and linking it (e.g. "  The team's pipeline: https://…/pipeline")."""
        return [f"  {label}: {self.base_url}{path}"] if self.base_url else []


NO_LINKS = Links()  # PLAYBOOK_BASE_URL not set: the emails name the deals without links


def digest_emails(
    session: Session, loaded: LoadedProcess, as_of: dt.date, now: dt.datetime, links: Links = NO_LINKS
) -> list[DigestEmail]:
    """Every active rep's digest, then every active manager's, each over the recipient's own span (with a link to
    each deal's page when `links` has the app's base URL)."""
    deals = open_deals(session, loaded, as_of)
    currency = summing_currency(session)
    reps, managers = recipients(session)
    teams = managers_of_reps(session)
    emails = []
    for rep in reps:
        span = span_for(session, rep, as_of, now)
        emails.append(DigestEmail(rep, span, rep_mail(session, loaded.process, rep, deals, span, as_of, links)))
    for manager in managers:
        span = span_for(session, manager, as_of, now)
        team = team_deals(deals, manager, teams)
        managing = any(theirs.id == manager.id for theirs in teams.values())
        text = manager_mail(
            session, loaded.process, manager, team, span, as_of, currency, links, managing=managing, teams=teams
        )
        emails.append(DigestEmail(manager, span, text))
    return emails


def rep_mail(
    session: Session,
    process: Process,
    rep: User,
    deals: Sequence[OpenDeal],
    span: Span,
    as_of: dt.date,
    links: Links = NO_LINKS,
) -> MailText:
    """A rep's digest: their evidence expiring within WARN_DAYS, their deals that slid, and buyers' replies."""
    own = [item for item in deals if item.deal.owner_id == rep.id]
    # The evidence that goes stale soonest first: what to check first.
    expiring = sorted((item for item in own if item.expiring), key=lambda item: min(day for _, day in item.expiring))
    then = standings_then(session, process, span.since, span.judged_on, owner_id=rep.id)
    fell = slid(own, slid_from(session, process, own, span.since, then))
    answered = replies(session, rep, span)
    lines = [*_opening(rep, f"Your open deals as of {as_of.isoformat()}", span)]
    lines += ["", f"Evidence that goes stale within {WARN_DAYS} days (check the deal again before it does):"]
    lines += _listed([[_expiring_line(process, item), *links.deal(item.deal)] for item in expiring], links)
    lines += ["", "Deals whose verified stage fell:"]
    fallen = [[_slid_line(process, item, then, with_owner=False), *links.deal(item.deal)] for item, then in fell]
    lines += _listed(fallen, links)
    lines += ["", "Buyers' replies to your confirmation links:"]
    lines += [line for reply in answered for line in [*_reply_lines(reply), *links.deal(reply.deal)]] or [NONE]
    counts = [
        f"{len(expiring)} going stale",
        f"{len(fell)} slid",
        plural(len(answered), "buyer reply", "buyer replies"),
    ]
    return MailText(f"Your deals: {', '.join(counts)}", "\n".join(lines) + "\n")


def manager_mail(
    session: Session,
    process: Process,
    manager: User,
    deals: Sequence[OpenDeal],
    span: Span,
    as_of: dt.date,
    currency: str | None,
    links: Links = NO_LINKS,
    *,
    managing: bool = False,
    teams: dict[int, User] | None = None,
) -> MailText:
    """A manager's digest: the team's claimed against verified pipeline then and now, slid deals, largest gaps.

    `deals` are the team's (digest.team_deals, of `teams`: people.managers_of_reps); `managing` says the manager has
    reps of their own, so the opening says whose deals these are. The pipeline "then" is the team's as the last
    digest counted it, deals closed since included (digest.standings_then)."""
    weighed = [item for item in deals if item.weighed]
    then = {
        deal_id: standing
        for deal_id, standing in standings_then(session, process, span.since, span.judged_on).items()
        if in_team(standing.owner_id, manager, teams or {})
    }
    before = totals(process, [standing for standing in then.values() if added_in(standing.currency, currency)])
    after = totals(process, [item.now for item in weighed])
    fell = slid(deals, slid_from(session, process, deals, span.since, then))
    gaps = largest_gaps(process, deals, LARGEST_GAPS)
    team = (
        "Your team's open deals (the reps you manage, and those no manager has)"
        if managing
        else "The team's open deals"
    )
    lines = [*_opening(manager, f"{team} as of {as_of.isoformat()}", span)]
    lines += ["", *_pipeline_lines(before, after, currency, first=span.first)]
    lines += _orphans_covered(deals, teams or {}, first=span.first)
    lines += _not_weighted(after)
    lines += _not_added(deals)
    lines += links.page("The team's pipeline, deal by deal", "/pipeline")
    lines += ["", "Deals that slid (verified stage fell):"]
    fallen = [[_slid_line(process, item, stood, with_owner=True), *links.deal(item.deal)] for item, stood in fell]
    lines += _listed(fallen, links)
    lines += ["", f"Largest gaps (claimed stage ahead of the evidence, by weighted amount; top {LARGEST_GAPS}):"]
    largest = [line for item, cents in gaps for line in [_gap_line(item, cents), *links.deal(item.deal)]]
    lines += largest or [NONE]
    # The subject is read alone, in a list of emails: its amounts name their currency.
    verified, claimed = money_cents_in(after.verified_cents, currency), money_cents_in(after.claimed_cents, currency)
    if not span.first:
        verified += f" ({_change(after.verified_cents - before.verified_cents)})"
    subject = f"Team pipeline: verified {verified}, claimed {claimed}, {len(fell)} slid"
    return MailText(subject, "\n".join(lines) + "\n")


FIRST_DIGEST_NOTE = (
    "  This is your first digest: there is no earlier one to compare with, so the amounts show no change; "
    "the next digest shows how they moved since this one."
)


def _pipeline_lines(before: Totals, after: Totals, currency: str | None, *, first: bool) -> list[str]:
    """The team's weighted pipeline then and now; in a first digest, now alone (nothing was sent to compare with,
    and a change from a week before the deals were imported would read as growth)."""
    rows = (
        ("Claimed by the CRM stages", before.claimed_cents, after.claimed_cents),
        ("Verified by the evidence", before.verified_cents, after.verified_cents),
    )
    unit = f" ({currency})" if currency else ""
    if first:
        lines = [f"Weighted pipeline{unit} now:"]
        lines += [f"  {label}: {money_cents_in(new)}" for label, _, new in rows]
        return [*lines, f"  {GAP_LABEL}: {_gap_amount(after.inflation_cents)}", FIRST_DIGEST_NOTE]
    lines = [f"Weighted pipeline{unit}, then and now (then: {THEN}):"]
    lines += [
        f"  {label}: {money_cents_in(new)} (was {money_cents_in(old)}; {_change(new - old)})"
        for label, old, new in rows
    ]
    return [*lines, gap_total_line(before.inflation_cents, after.inflation_cents)]


# What "was" is over: the deals of the reps the digest covers now, as they stood then, so a team that changed (a
# manager disabled, a rep moved) is not read as a gain or a slide. It is not always what the last email showed.
THEN = "the same reps' deals as they stood at your last digest"


def _orphans_covered(deals: Sequence[OpenDeal], teams: dict[int, User], *, first: bool) -> list[str]:
    """The line naming the reps whose manager is disabled, and so in every manager's digest (digest.in_team): a
    manager's digest grows by their deals without anything else saying so; none when there are none."""
    people = {item.deal.owner_id: item.deal.owner for item in deals}
    orphans = sorted(
        ((people[rep_id], manager) for rep_id, manager in teams.items() if rep_id in people and not manager.active),
        key=lambda pair: pair[0].email,
    )
    if not orphans:
        return []
    named = "; ".join(f"{rep.label}, whose manager {manager.email} is disabled" for rep, manager in orphans)
    counted = "" if first else '; "was" counts them too, so they are not a change'
    return [
        f"  Also covered: the deals of {named} (every manager's digest covers them until `playbook users manager` "
        f"names another){counted}"
    ]


def _not_weighted(now: Totals) -> list[str]:
    """The line counting the open deals the weighted totals leave out, as /pipeline and the audit leave them out: those
    without an amount, and those without a claimed stage (nothing claimed to compare their evidence with), if any;
    /pipeline only counts them, and the deals list shows each (a dash in its column)."""
    left_out = []
    if now.without_amount:
        left_out.append(f"{plural(now.without_amount, 'deal')} without an amount")
    if now.without_claim:
        left_out.append(
            f"{plural(now.without_claim, 'deal')} without a claimed stage (nothing claimed to compare the evidence with)"
        )
    return (
        [f"  Not weighted: {' and '.join(left_out)}; the deals list shows each, a dash for what it lacks"]
        if left_out
        else []
    )


def _not_added(deals: Sequence[OpenDeal]) -> list[str]:
    """The line naming the deals in other currencies than the pipeline's, left out of its totals and largest gaps
    (none when every deal was added): a gap of 0.00 must not hide them."""
    left_out = Counter(item.deal.currency for item in deals if not item.weighed)
    if not left_out:
        return []
    each = ", ".join(f"{code}: {count}" for code, count in sorted(left_out.items(), key=lambda pair: str(pair[0])))
    deals_left_out = plural(sum(left_out.values()), "deal")
    return [
        f"  Not added (a total never adds two currencies): {deals_left_out} in other currencies ({each}), "
        "nor among the largest gaps; the pipeline page lists each"
    ]


def _listed(entries: list[list[str]], links: Links) -> list[str]:
    """At most LISTED deals' entries (each its lines), then how many more there are; NONE for none."""
    if not entries:
        return [NONE]
    more = len(entries) - LISTED
    lines = [line for entry in entries[:LISTED] for line in entry]
    if more > 0:
        lines += [f"  ... and {plural(more, 'more deal')}: every one is on the deals page", *links.to("/deals")]
    return lines


def _opening(user: User, what: str, span: Span) -> list[str]:
    """The greeting and what the email covers: since the last digest, or the first's FIRST_DIGEST_DAYS days."""
    since = span.since.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    origin = f"your first digest covers the {FIRST_DIGEST_DAYS} days before" if span.first else "your last digest"
    return [f"Hello {user.label},", "", f"{what}, and what changed since {since} ({origin})."]


def _question(process: Process, milestone_id: str) -> str:
    """A milestone's question (its id when the process no longer has it)."""
    for _, milestone in process.milestones():
        if milestone.id == milestone_id:
            return milestone.question
    return milestone_id


def _expiring_line(process: Process, item: OpenDeal) -> str:
    """A deal and each of its outcomes whose evidence goes stale soon, with the last day it counts."""
    as_of = item.assessment.as_of
    parts = [f"{_question(process, m)} ({counts_until(day, as_of)})" for m, day in item.expiring]
    return f"  - {item.deal.name}: {'; '.join(parts)}"


FIRST = " (first recorded)"  # a deal made in the span fell from the stage its first check in it recorded


def _slid_line(process: Process, item: OpenDeal, then: Standing, *, with_owner: bool) -> str:
    """A deal whose verified stage fell: from which stage to which, and what holds it now."""
    stages = process.stages
    owner = f" ({item.deal.owner.label})" if with_owner else ""
    holding = ", ".join(_question(process, r.milestone.id) for r in item.assessment.next)
    why = f"; now held by: {holding}" if holding else ""
    return (
        f"  - {item.deal.name}{owner}: {stages[then.verified_index].name}{FIRST if then.first_recorded else ''} -> "
        f"{item.assessment.verified_stage.name}{why}"
    )


def _reply_lines(reply: Reply) -> list[str]:
    """A buyer's reply: who answered when, each statement confirmed, each "Not quite" with its comment."""
    day = reply.answered_at.astimezone(dt.UTC).date().isoformat()
    lines = [f"  - {reply.deal.name}: {reply.buyer} answered on {day}"]
    lines += [f'      confirmed: "{text}"' for text in reply.agreed]
    lines += [
        f'      Not quite: "{text}"' + (f' (comment: "{comment}")' if comment else "")
        for text, comment in reply.declined
    ]
    return lines


def _gap_line(item: OpenDeal, cents: int) -> str:
    """A deal whose claimed stage is ahead of its verified stage, with the weighted amount between them."""
    claimed = item.assessment.claimed_stage
    assert claimed is not None
    verified = item.assessment.verified_stage.name
    # A deal names its own currency, or none: it is not said to be in the pipeline's currency when it names none.
    gap = money_cents_in(cents, item.deal.currency)
    return f"  - {item.deal.name} ({item.deal.owner.label}): claims {claimed.name}, evidence supports {verified}; gap {gap}"


GAP_LABEL = "Gap (claimed, not verified)"


def gap_total_line(old: int, new: int) -> str:
    """The team's gap then and now. Claimed minus verified is below zero when the evidence is ahead of the CRM
    stages (deals claimed behind their evidence): that reads as the evidence ahead by so much, never as a negative
    gap."""
    if old >= 0 and new >= 0:
        return f"  {GAP_LABEL}: {money_cents_in(new)} (was {money_cents_in(old)}; {_change(new - old)})"
    return f"  {GAP_LABEL}: {_gap_amount(new)} (was {_gap_amount(old)})"


def _gap_amount(cents: int) -> str:
    """A gap, or, below zero, how far the evidence is ahead of the CRM stages."""
    if cents >= 0:
        return money_cents_in(cents)
    return f"none, the evidence is ahead of the CRM stages by {money_cents_in(-cents)}"


def _change(cents: int) -> str:
    """A change in cents with its sign: +1,200, -300, or "no change"."""
    if cents == 0:
        return "no change"
    return ("+" if cents > 0 else "-") + money_cents_in(abs(cents))
