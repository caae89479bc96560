"""Every saved deal's verdict as of a date, cheaply: the one stored with its latest check when
it still holds (decided by the database), else assessed again and remembered per check.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from sqlalchemy import and_, case, literal, or_, select
from sqlalchemy.orm import Session

from deal_records.answers import assess_saved, blocking_text, read_answers, read_blocking, verdict_window
from deal_records.models import Check, Deal, User
from sales_process.loader import LoadedProcess

Blocking = tuple[tuple[str, str], ...]
MEMO_LIMIT = 1_000_000
BATCH = 2_000


class SavedVerdict(NamedTuple):
    """One deal's verdict as of the date asked: what the pipeline totals need."""

    deal_id: int
    name: str
    owner: str
    claimed_stage: str | None
    amount: float | None
    verified_index: int
    blocking: Blocking
    buyer_confirmed: frozenset[str]  # milestones whose standing answer is the buyer's "yes"


class _Remembered(NamedTuple):
    sha256: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    verified_index: int
    blocking: Blocking

    def holds(self, sha: str, as_of: dt.date) -> bool:
        return self.sha256 == sha and (self.valid_from is None or self.valid_from <= as_of) and (
            self.valid_until is None or as_of < self.valid_until)


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


def _reassess(session: Session, loaded: LoadedProcess, check_ids: Sequence[int], as_of: dt.date,
              memo: VerdictMemo) -> dict[int, _Remembered]:
    found: dict[int, _Remembered] = {}
    process = loaded.process
    for start in range(0, len(check_ids), BATCH):
        batch = check_ids[start:start + BATCH]
        for check_id, stored in session.execute(select(Check.id, Check.answers).where(Check.id.in_(batch))):
            saved = read_answers(stored, process)
            assessment = assess_saved(process, "", None, None, saved, as_of)
            window = verdict_window(process, saved.answers, as_of)
            verdict = _Remembered(loaded.sha256, *window, assessment.verified_index, read_blocking(blocking_text(assessment)))
            memo.put(check_id, verdict)
            found[check_id] = verdict
    return found


def saved_verdicts(session: Session, loaded: LoadedProcess, as_of: dt.date, memo: VerdictMemo,
                   owner: str | None = None) -> Iterator[SavedVerdict]:
    """Every saved deal (or one owner's) with its verdict as of `as_of`, by deal id."""
    # The database says which stored verdicts still hold: no date is converted in Python.
    holds = case((and_(
        Check.process_sha256 == loaded.sha256,
        or_(Check.valid_from.is_(None), Check.valid_from <= as_of),
        or_(Check.valid_until.is_(None), Check.valid_until > as_of),
    ), literal(True)), else_=literal(False))
    emails = dict(session.connection().execute(select(User.id, User.email)).all())
    query = (
        select(Deal.id, Deal.name, Deal.owner_id, Deal.claimed_stage, Deal.amount, Check.id, holds,
               Check.verified_index, Check.blocking, Check.buyer_confirmed)
        .outerjoin(Check, Check.id == Deal.latest_check_id)
        .order_by(Deal.id)
    )
    if owner:
        query = query.where(Deal.owner_id.in_([user_id for user_id, email in emails.items() if email == owner]))
    rows = session.connection().execute(query).all()  # Core rows: no ORM loading for 100,000 of them
    sha = loaded.sha256
    unchecked = assess_saved(loaded.process, "", None, None, read_answers({}, loaded.process), as_of)
    unchecked_verdict = (unchecked.verified_index, read_blocking(blocking_text(unchecked)))
    again = [row[5] for row in rows if row[5] is not None and not row[6] and memo.get(row[5], sha, as_of) is None]
    reassessed = _reassess(session, loaded, again, as_of, memo) if again else {}
    parsed: dict[str, Blocking] = {}  # most deals share a few blocking texts: read each once
    confirmed_sets: dict[str | None, frozenset[str]] = {None: frozenset()}
    for deal_id, name, owner_id, claimed, amount, check_id, stored_holds, index, stored_blocking, confirmed in rows:
        if check_id is None:
            verified_index, held = unchecked_verdict
        elif stored_holds:
            verified_index = index
            held = parsed.get(stored_blocking) or parsed.setdefault(stored_blocking, read_blocking(stored_blocking))
        else:
            remembered = reassessed.get(check_id) or memo.get(check_id, sha, as_of)
            assert remembered is not None
            verified_index, held = remembered.verified_index, remembered.blocking
        by_buyer = confirmed_sets.get(confirmed)
        if by_buyer is None:
            by_buyer = confirmed_sets.setdefault(confirmed, frozenset(confirmed.split()))
        yield SavedVerdict(deal_id, name, emails[owner_id], claimed, amount, verified_index, held, by_buyer)
