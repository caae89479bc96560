"""The order of a deal's stage changes in a history file: by their time when the file gives one, else chained by
their From Stage (the change from the stage another moved to comes after it), else in the file's order, read in
the direction the file is sorted (file_direction: newest first when most deals' rows with different times are).

A report is often sorted newest first, or not by time at all, so a day's changes in the file's order may be
backwards; whichever change is the day's last is the stage a snapshot that day (and until the next change) claims.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby, pairwise

from forecast.history import ClaimedSince, FileOrderDay


@dataclass(frozen=True)
class StageChange:
    """One row of the history: the claim it makes, when (`moment`: None when the file gives the day alone), and the
    stages it moved from and to as name_key reads them (`moved_from`: None when the history has no From Stage;
    "" when the cell is blank, as a deal's first row is)."""

    claim: ClaimedSince
    moment: dt.datetime | None
    moved_from: str | None
    moved_to: str
    from_text: str = ""  # the From Stage cell as written ("" without one)
    line: int = 0  # the file's line
    to_text: str = ""  # the To Stage cell as written


@dataclass(frozen=True)
class OrderedChanges:
    """A deal's claims by date and time, the days whose last claim only the file's order chose, its first change
    (None: it has none), and its first change whose From Stage is not the stage the change before it moved to, with
    that change (None: the From Stages follow on)."""

    claims: list[ClaimedSince]
    file_order_days: tuple[FileOrderDay, ...]
    first: StageChange | None = None
    contradicted: tuple[StageChange, StageChange] | None = None


def file_direction(rows: Sequence[Sequence[tuple[dt.date, dt.datetime | None]]]) -> bool:
    """Whether a file is sorted newest first, from each deal's rows (their date and time, in the file's order): the
    deals whose rows with different times run backwards outnumber those whose rows run forwards."""
    votes = 0
    for when in rows:
        steps = 0
        for (day, moment), (next_day, next_moment) in pairwise(when):
            if moment is not None and next_moment is not None:
                steps += (next_moment < moment) - (next_moment > moment)
            else:  # a row without its time: its day alone
                steps += (next_day < day) - (next_day > day)
        votes += (steps > 0) - (steps < 0)
    return votes > 0


def ordered_changes(changes: Sequence[StageChange], newest_first: bool = False) -> OrderedChanges:
    """The changes (in the file's order; `newest_first`: a file sorted so, file_direction) in the order they
    happened, as far as times and From Stage tell, else as the file's direction says."""
    claims: list[ClaimedSince] = []
    file_order_days: list[FileOrderDay] = []
    before = ""  # no stage before the first change: a blank From Stage
    in_time = list(reversed(changes)) if newest_first else list(changes)  # oldest first, as the file is sorted
    by_day = sorted(in_time, key=lambda change: change.claim.date)  # stable: the file's order within a day
    first: StageChange | None = None
    contradicted: tuple[StageChange, StageChange] | None = None
    last: StageChange | None = None  # the change before, in the order they happened
    for day, of_day in groupby(by_day, key=lambda change: change.claim.date):
        day_changes = list(of_day)
        moments = [change.moment for change in day_changes]
        timed_day = all(moment is not None for moment in moments)
        if timed_day:
            timed = sorted(day_changes, key=lambda change: change.moment or dt.datetime.min)
            groups = [list(group) for _, group in groupby(timed, key=lambda change: change.moment)]
        else:
            groups = [day_changes]  # a change without its time could be anywhere in its day
        for number, group in enumerate(groups):
            chained, by_file = _chained(group, before)
            first = first or chained[0]
            for change in chained:
                if contradicted is None and last is not None and change.moved_from not in (None, "", last.moved_to):
                    contradicted = (last, change)
                last = change
            claims += [change.claim for change in chained]
            before = chained[-1].moved_to
            if by_file and number == len(groups) - 1:
                file_order_days.append(FileOrderDay(day, timed_day, newest_first))
    return OrderedChanges(claims, tuple(file_order_days), first, contradicted)


def _chained(group: list[StageChange], before: str) -> tuple[list[StageChange], bool]:
    """Changes made at one time (or on one day) in order from the stage `before` them, each next the one whose From
    Stage is the stage reached; and whether the file's order chose between changes to different stages."""
    remaining, ordered, by_file = list(group), [], False
    current = before
    while remaining:
        following = [change for change in remaining if change.moved_from == current]
        if not following:
            # No change starts from the stage reached: those no other change leads to may come next.
            following = [
                change
                for change in remaining
                if not any(other is not change and other.moved_to == change.moved_from for other in remaining)
            ] or remaining
        # A change that leaves the stage as it was (an amount changed) comes before one that moves it on.
        following = [change for change in following if change.moved_from == change.moved_to] or following
        if len({change.moved_to for change in following}) > 1:
            by_file = True
        chosen = following[0]
        ordered.append(chosen)
        remaining.remove(chosen)
        current = chosen.moved_to
    return ordered, by_file
