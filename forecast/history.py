"""What a backtest knows of one closed deal: its outcome, and its claimed stage and answers over time.

Both sources (a CRM export with a stage-history file, and the deal records) are read into
these records, so every definition of the backtest is computed once, whatever the source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sales_process.crm import CrmMapping
from sales_process.deal import Answer
from sales_process.model import Process
from sales_process.outcome import Outcome, OutcomeRule, process_outcome_rule
from sales_process.vocabulary import StageLookup


@dataclass(frozen=True)
class ClaimedSince:
    """From `date` on, the CRM had the deal at `stage` (a stage id of the process; None: no stage known)."""

    date: dt.date
    stage: str | None


@dataclass(frozen=True)
class FileOrderDay:
    """A day whose last claim only the history file's order chose: whether its changes had the same time (`timed`;
    else the file gives that day without times), and whether the file was read as sorted newest first."""

    day: dt.date
    timed: bool
    newest_first: bool


@dataclass(frozen=True)
class AnswersSince:
    """From `date` on, these were the deal's answers (an export's answers hold from the start: date.min)."""

    date: dt.date
    answers: Mapping[str, Answer]


@dataclass(frozen=True)
class DealHistory:
    """A closed deal (won or lost) as a backtest reads it; `claimed` and `answers` are sorted by date."""

    deal: str  # the CRM id, else the name
    outcome: Outcome
    closed_on: dt.date
    amount: float | None
    claimed: Sequence[ClaimedSince]
    answers: Sequence[AnswersSince]
    segment: str | None = None  # the deal's segment: which `required_when.segment` milestones it needs
    name: str = ""  # the deal's name ("" when it has none: `deal` is then its only label)
    crm_id: str = ""  # the CRM's id, when the source has one
    # The first day the source knew the deal (the deal records: the day it was saved; None: as far back as the
    # history goes): no snapshot before it counts the deal, nor misses its claimed stage.
    opened_on: dt.date | None = None
    closed_by_import: bool = False  # the deal records: closed by `playbook import` (an export's closed row)
    # A history file's days with changes whose order neither a time nor a From Stage gave: their last claim is the
    # day's last change in the file's direction (forecast.change_order).
    file_order_days: tuple[FileOrderDay, ...] = ()
    # The currency of an amount the source leaves out of its sums for not being theirs (an export's amount in EUR
    # when its amounts are in USD: `amount` is then None, as the audit leaves it out); None otherwise.
    other_currency: str | None = None

    def saved_after(self, day: dt.date | None) -> bool:
        """Whether the source knew the deal only after `day` (a backtest's last snapshot date): no snapshot could
        see it open, however it was saved and closed (None: no snapshot at all)."""
        return self.opened_on is not None and day is not None and self.opened_on > day

    @property
    def saved_closed(self) -> bool:
        """Whether the source knew the deal only once it was closed (the records of a deal `playbook import` saved
        from an export's closed row): nothing of its time open can be measured. A deal made in the app or the API was
        open in the records, whatever its close date says: it is not one (DealHistory.saved_after may say why no
        snapshot counts it)."""
        return self.closed_by_import and self.opened_on is not None and self.closed_on <= self.opened_on

    def claimed_at(self, day: dt.date) -> str | None:
        """The stage of the latest claim dated on or before `day` (None: none yet)."""
        found = None
        for claim in self.claimed:
            if claim.date > day:
                break
            found = claim.stage
        return found

    def file_order_day(self, day: dt.date) -> FileOrderDay | None:
        """The day of the claim that holds on `day` when only the history file's order chose it; else None."""
        latest = None
        for claim in self.claimed:
            if claim.date > day:
                break
            latest = claim.date
        return next((tied for tied in self.file_order_days if tied.day == latest), None)

    def answers_at(self, day: dt.date) -> Mapping[str, Answer]:
        """The answers that count on `day`: the latest set made on or before it, only those dated on or before it."""
        latest: Mapping[str, Answer] = {}
        for given in self.answers:
            if given.date > day:
                break
            latest = given.answers
        return {key: answer for key, answer in latest.items() if answer.date is not None and answer.date <= day}

    def undated(self) -> set[str]:
        """The milestones answered as met without a date in any of its answer sets: never counted."""
        return {
            key for given in self.answers for key, answer in given.answers.items() if answer.met and answer.date is None
        }


@dataclass(frozen=True)
class StageNames:
    """How a history names stages (a history file's rows, an export's date-entered columns), read as the audit
    reads them: the deal's closing (a lost stage, a won word, the last stage), else a claim of one of the process's
    stages."""

    lookup: StageLookup
    closings: OutcomeRule
    won: str  # the last stage's id: reaching it is the deal's closing as won

    @classmethod
    def of(cls, process: Process, mapping: CrmMapping) -> StageNames:
        """The process's stages under the CRM's names for them (crm.stage_names, --stage-name)."""
        return cls(mapping.stage_lookup(process), process_outcome_rule(process), process.stages[-1].id)

    def claim(self, text: str) -> str | None:
        """The stage `text` claims; None for a blank, and for the deal's closing (its outcome comes from the export);
        ValueError, with a suggestion, when the process has no such stage."""
        if self.closings.stage_outcome(text, None).is_closed:
            return None
        stage = self.lookup.find(text)
        return None if stage == self.won else stage
