"""Every saved deal's verdict as of a date, cheaply: the one stored with its latest check when
it still holds, else assessed again (and remembered per check, process and date window).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from deal_records.answers import assess_saved, blocking_pairs, read_answers, verdict_window
from deal_records.models import Check, Deal, User
from sales_process.loader import LoadedProcess

Blocking = tuple[tuple[str, str], ...]
MEMO_LIMIT = 1_000_000
BATCH = 2_000


@dataclass(frozen=True)
class SavedVerdict:
    """One deal's verdict as of the date asked: what the pipeline totals need."""

    deal_id: int
    name: str
    owner: str
    claimed_stage: str | None
    amount: float | None
    verified_index: int
    blocking: Blocking


@dataclass(frozen=True)
class _Remembered:
    sha256: str
    valid_from: dt.date | None
    valid_until: dt.date | None
    verified_index: int
    blocking: Blocking


def _holds(sha: str, start: dt.date | None, end: dt.date | None, current_sha: str, as_of: dt.date) -> bool:
    return sha == current_sha and (start is None or start <= as_of) and (end is None or as_of < end)


class VerdictMemo:
    """Verdicts assessed again, per check id, kept while their process and date window hold."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._memo: dict[int, _Remembered] = {}

    def get(self, check_id: int, sha: str, as_of: dt.date) -> _Remembered | None:
        """The remembered verdict of a check if it holds for this process and date."""
        found = self._memo.get(check_id)
        if found is None or not _holds(found.sha256, found.valid_from, found.valid_until, sha, as_of):
            return None
        return found

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
            verdict = _Remembered(loaded.sha256, *window, assessment.verified_index,
                                  tuple((item[0], item[1]) for item in blocking_pairs(assessment)))
            memo.put(check_id, verdict)
            found[check_id] = verdict
    return found


def saved_verdicts(session: Session, loaded: LoadedProcess, as_of: dt.date, memo: VerdictMemo,
                   owner: str | None = None) -> Iterator[SavedVerdict]:
    """Every saved deal (or one owner's) with its verdict as of `as_of`, by deal id."""
    query = (
        select(Deal.id, Deal.name, User.email, Deal.claimed_stage, Deal.amount, Check.id, Check.process_sha256,
               Check.verified_index, Check.blocking, Check.valid_from, Check.valid_until)
        .join(User, User.id == Deal.owner_id)
        .outerjoin(Check, Check.id == Deal.latest_check_id)
        .order_by(Deal.id)
    )
    if owner:
        query = query.where(User.email == owner)
    rows = session.execute(query).all()
    sha = loaded.sha256
    unchecked = assess_saved(loaded.process, "", None, None, read_answers({}, loaded.process), as_of)
    unchecked_verdict = (unchecked.verified_index, tuple((a, b) for a, b in blocking_pairs(unchecked)))
    again = [row[5] for row in rows if row[5] is not None and not _holds(row[6], row[9], row[10], sha, as_of)
             and memo.get(row[5], sha, as_of) is None]
    reassessed = _reassess(session, loaded, again, as_of, memo) if again else {}
    for deal_id, name, email, claimed, amount, check_id, check_sha, index, blocking, start, end in rows:
        if check_id is None:
            verified_index, held = unchecked_verdict
        elif _holds(check_sha, start, end, sha, as_of):
            verified_index, held = index, tuple((item[0], item[1]) for item in blocking)
        else:
            remembered = reassessed.get(check_id) or memo.get(check_id, sha, as_of)
            assert remembered is not None
            verified_index, held = remembered.verified_index, remembered.blocking
        yield SavedVerdict(deal_id, name, email, claimed, amount, verified_index, held)
