"""Every open saved deal's verdict as of a date, cheaply: the one stored with its latest check when
it still holds (decided by the database), else assessed again and remembered per check;
made into DealVerdicts grouped by what the pipeline's totals count alike, so they are added once per group.
"""

from __future__ import annotations

import datetime as dt
import gc
import heapq
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from deal_records.answers import assess_saved, blocking_text, read_answers, read_blocking, verdict_window
from deal_records.models import Check, Deal, User
from deal_records.outcome_query import closed_deal_ids
from sales_process.deal_verdict import DealVerdict, KnownVerdicts, unassessed_verdict
from sales_process.loader import LoadedProcess
from sales_process.totals import other_currency_reason, summed_in_total

Blocking = tuple[tuple[str, str], ...]
Saved = tuple[int, str, str, float | None, str | None]  # a deal's id, CRM id, name, amount and currency
MEMO_LIMIT = 1_000_000
BATCH = 2_000


class _Remembered(NamedTuple):
    sha256: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    verified_index: int
    blocking: Blocking

    def holds(self, sha: str, as_of: dt.date) -> bool:
        return (
            self.sha256 == sha
            and (self.valid_from is None or self.valid_from <= as_of)
            and (self.valid_until is None or as_of < self.valid_until)
        )


class VerdictMemo:
    """Verdicts assessed again, per check id, kept while their process and date window hold."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._memo: dict[int, _Remembered] = {}

    def get(self, check_id: int, sha: str, as_of: dt.date) -> _Remembered | None:
        """The remembered verdict of a check if it holds for this process and date."""
        found = self._memo.get(check_id)
        return found if found is not None and found.holds(sha, as_of) else None

    def put(self, check_id: int, verdict: _Remembered) -> None:
        """Remember a verdict (the memo is emptied when it grows past MEMO_LIMIT)."""
        with self._lock:
            if len(self._memo) >= MEMO_LIMIT:
                self._memo.clear()
            self._memo[check_id] = verdict


def _reassess(
    session: Session, loaded: LoadedProcess, check_ids: Sequence[int], as_of: dt.date, memo: VerdictMemo
) -> dict[int, _Remembered]:
    found: dict[int, _Remembered] = {}
    process = loaded.process
    for start in range(0, len(check_ids), BATCH):
        batch = check_ids[start : start + BATCH]
        query = select(Check.id, Check.answers, Check.amount, Check.segment).where(Check.id.in_(batch))
        for check_id, stored, amount, segment in session.execute(query):
            saved = read_answers(stored, process)
            # The amount and segment decide which conditional milestones the deal needs: the check's own.
            assessment = assess_saved(process, "", None, amount, saved, as_of, segment)
            window = verdict_window(process, saved.answers, as_of)
            verdict = _Remembered(
                loaded.sha256, *window, assessment.verified_index, read_blocking(blocking_text(assessment))
            )
            memo.put(check_id, verdict)
            found[check_id] = verdict
    return found


def saved_verdict_groups(
    session: Session,
    loaded: LoadedProcess,
    as_of: dt.date,
    memo: VerdictMemo,
    owner: str | None = None,
    summed_in: str | None = None,
    past: bool = False,
) -> list[list[DealVerdict]]:
    """Every saved deal's verdict (or one owner's) as of `as_of`, in groups the totals count alike.

    With `past` (a day before today), each deal is taken as it stood at the end of that day: deals made
    later are left out, each deal's latest check of that day or before gives its answers, claimed stage and
    amount, and a deal closed later (its close date after that day) was still open.

    The deals of a group share an owner, a CRM stage, a verdict and the buyer's answers. The groups
    come in the order of their first deal id, and each lists its deals by id, so the totals fed
    group by group count and list exactly what they would deal by deal. Owners are named as people
    are everywhere in the app (their name, else their email). A deal whose amount is in another currency
    than `summed_in` is not assessed, as the audit of a CRM export does not assess a row in another currency
    than the file's (sales_process.totals.summed_in_total): it comes alone in its group, a verdict naming why.
    """
    users = session.connection().execute(select(User.id, User.email, User.name)).all()
    emails = {user_id: email for user_id, email, _ in users}
    labels = {user_id: name or email for user_id, email, name in users}
    with _cycles_left_uncollected():
        rows = (
            session.connection().execute(_latest_checks(loaded, as_of, emails, owner, past)).all()
        )  # Core rows: no ORM objects
    verdicts = _Verdicts(
        session,
        loaded,
        as_of,
        memo,
        [row[5] for row in rows if row[5] is not None and not row[6] and summed_in_total(row[12], summed_in)],
    )
    grouped: dict[tuple[int, str | None, int, str | Blocking, str | None, str | None], list[Saved]] = {}
    refused: list[list[DealVerdict]] = []  # deals in another currency: not assessed, one to a group
    with _cycles_left_uncollected():
        for (
            deal_id,
            name,
            crm_id,
            owner_id,
            claimed,
            check_id,
            stored_holds,
            stored_index,
            stored_blocking,
            confirmed,
            declined,
            amount,
            currency,
            segment,
        ) in rows:
            if not summed_in_total(currency, summed_in):
                assert currency is not None and summed_in is not None
                reason = other_currency_reason(currency, summed_in, "the pipeline's", _record_in(summed_in))
                refused.append([unassessed_verdict(deal_id, name, reason, crm_id=crm_id or "", owner=labels[owner_id])])
                continue
            # A stored verdict that holds is keyed by its stored text, read once per group below.
            verdict: tuple[int, str | Blocking] = (
                (stored_index, stored_blocking) if stored_holds else verdicts.again(check_id, amount, segment)
            )
            deals = grouped.get(key := (owner_id, claimed, *verdict, confirmed, declined))
            if deals is None:
                deals = grouped[key] = []
            deals.append((deal_id, crm_id or "", name, amount, currency))
        known = KnownVerdicts(loaded.process)
        assessed = [
            known.alike(
                labels[owner_id],
                claimed,
                index,
                verdicts.blocking(blocking),
                verdicts.confirmed(confirmed),
                deals,
                buyer_declined=verdicts.confirmed(declined),
            )
            for (owner_id, claimed, index, blocking, confirmed, declined), deals in grouped.items()
        ]
        # Both come in the order of their first deal id: merged, so the groups are.
        return list(heapq.merge(assessed, refused, key=lambda group: group[0].number))


def _record_in(summed_in: str) -> str:
    """How to bring a saved deal in another currency into the pipeline's totals (other_currency_reason's fix)."""
    return f"record its amount in {summed_in} (a new check) to include it"


class OpenDeals:
    """The deals of the open pipeline, each as it stood: the one rule for which deals the pipeline counts and sums
    in its currency, now or at the end of a past day.

    Now (`day` None): every deal not closed, with its own claimed stage, amount, currency and segment. On a past
    day: the deals made by its end and not closed by it (a deal whose close date is later was still open), each
    as its latest check by then left it (a deal with no check by then, as it is now).
    """

    def __init__(self, day: dt.date | None = None) -> None:
        self.day = day
        self._end = None if day is None else dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)

    def check_id(self) -> Any:
        """Each deal's latest check (by the day's end): checks are only ever added, so it is the highest id before it."""
        if self._end is None:
            return Deal.latest_check_id
        return (
            select(func.max(Check.id))
            .where(Check.deal_id == Deal.id, Check.checked_at < self._end)
            .correlate(Deal)
            .scalar_subquery()
        )

    def field(self, name: str) -> Any:
        """A deal's field as its check saw it (on a past day), or the deal's own (now, or with no check by then)."""
        now = getattr(Deal, name)
        return now if self._end is None else case((Check.id.is_(None), now), else_=getattr(Check, name))

    def query(self, *columns: Any) -> Select[Any]:
        """A query of these columns over the open deals, each joined to its latest check (by the day's end)."""
        query = (
            select(*columns)
            .outerjoin(Check, Check.id == self.check_id())
            .where(Deal.id.not_in(closed_deal_ids(by=self.day)))  # a closed deal is an outcome, not pipeline
        )
        return query if self._end is None else query.where(Deal.created_at < self._end)


def _latest_checks(
    loaded: LoadedProcess, as_of: dt.date, emails: dict[int, str], owner: str | None, past: bool = False
) -> Select[Any]:
    """Each deal with its latest check's stored verdict and whether it still holds, by deal id (`past`: as the
    deal stood at the end of `as_of`, see OpenDeals)."""
    # The database says which stored verdicts still hold: no date is converted in Python. It says so
    # as 1 or 0, not as a boolean, which SQLAlchemy would convert row by row (a tenth of the time here).
    holds = case(
        (
            and_(
                Check.process_sha256 == loaded.sha256,
                or_(Check.valid_from.is_(None), Check.valid_from <= as_of),
                or_(Check.valid_until.is_(None), Check.valid_until > as_of),
            ),
            1,
        ),
        else_=0,
    )
    deals = OpenDeals(as_of if past else None)
    query = deals.query(
        Deal.id,
        Deal.name,
        Deal.crm_id,
        Deal.owner_id,
        deals.field("claimed_stage"),
        Check.id,
        holds,
        Check.verified_index,
        Check.blocking,
        Check.buyer_confirmed,
        Check.buyer_declined,
        deals.field("amount"),
        deals.field("currency"),
        deals.field("segment"),
    ).order_by(Deal.id)
    if owner:
        query = query.where(Deal.owner_id.in_([user_id for user_id, email in emails.items() if email == owner]))
    return query


@contextmanager
def _cycles_left_uncollected() -> Iterator[None]:
    """Pause Python's cycle collector while making a row (and a tuple) per deal.

    Each pause is short, and rows hold no reference cycles; without it the collector walks every
    row made so far again and again, a third of the time of a pipeline of 100,000 deals.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _Verdicts:
    """The verdicts a stored one cannot give (no check yet, or it no longer holds), and parsed stored texts."""

    def __init__(
        self, session: Session, loaded: LoadedProcess, as_of: dt.date, memo: VerdictMemo, stale_check_ids: list[int]
    ) -> None:
        self._sha, self._as_of, self._memo = loaded.sha256, as_of, memo
        missing = [check_id for check_id in stale_check_ids if memo.get(check_id, loaded.sha256, as_of) is None]
        self._reassessed = _reassess(session, loaded, missing, as_of, memo) if missing else {}
        self._process = loaded.process
        # A deal never checked has no answers: its verdict depends only on its amount and segment, and
        # on nothing at all when every milestone is required of every deal (most processes).
        self._conditional = any(m.required_when is not None for _, m in loaded.process.milestones())
        self._unchecked: dict[tuple[float | None, str | None], tuple[int, Blocking]] = {}
        self._parsed: dict[str, Blocking] = {}

    def _never_checked(self, amount: float | None, segment: str | None) -> tuple[int, Blocking]:
        key = (amount, segment) if self._conditional else (None, None)
        found = self._unchecked.get(key)
        if found is None:
            empty = read_answers({}, self._process)
            unchecked = assess_saved(self._process, "", None, key[0], empty, self._as_of, key[1])
            found = self._unchecked[key] = (unchecked.verified_index, read_blocking(blocking_text(unchecked)))
        return found

    def again(
        self, check_id: int | None, amount: float | None = None, segment: str | None = None
    ) -> tuple[int, Blocking]:
        """The verdict of a deal never checked (of this amount and segment), or of a check whose stored verdict no longer holds."""
        if check_id is None:
            return self._never_checked(amount, segment)
        remembered = self._reassessed.get(check_id) or self._memo.get(check_id, self._sha, self._as_of)
        assert remembered is not None
        return remembered.verified_index, remembered.blocking

    def blocking(self, blocking: str | Blocking) -> Blocking:
        """What holds a deal at its verified stage, from a stored text or as assessed again."""
        if not isinstance(blocking, str):
            return blocking
        parsed = self._parsed.get(blocking)
        if parsed is None:
            parsed = self._parsed[blocking] = read_blocking(blocking)
        return parsed

    def confirmed(self, stored: str | None) -> frozenset[str]:
        """The milestones of a stored "id id ..." text (the buyer's standing "yes" or "Not quite"; none without a
        check), by their ids now."""
        renamed = self._process.renamed_milestones
        return (
            frozenset(renamed.get(milestone_id, milestone_id) for milestone_id in stored.split())
            if stored
            else frozenset()
        )
