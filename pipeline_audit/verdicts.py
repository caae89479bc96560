"""Totals fed with verdicts assessed elsewhere (the saved deals' pipeline, the audit's SQL), not by assess().

The report and the summary then read the same Totals as an audit of a CRM export. Built
for 100,000 deals a request: what deals share (their stages, what holds them back) is
made once; only a deal ahead of its evidence, which the report may list, gets its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from pipeline_audit.totals import Totals
from sales_process.deal import Deal
from sales_process.engine import Assessment, MilestoneResult, Status
from sales_process.model import Process
from sales_process.vocabulary import to_cents

Blocking = tuple[tuple[str, str], ...]


class VerdictTotals:
    """Adds one deal's verdict (verified stage and what holds it there) to a Totals."""

    def __init__(self, process: Process, as_of: dt.date, totals: Totals | None = None) -> None:
        self.totals = totals if totals is not None else Totals(process)
        self.process = process
        self.as_of = as_of
        self._stage_index = {stage.id: index for index, stage in enumerate(process.stages)}
        self._probability = [stage.probability for stage in process.stages]
        self._milestones = {milestone.id: (stage, milestone) for stage, milestone in process.milestones()}
        self._statuses = {status.value: status for status in Status}
        self._held: dict[Blocking, tuple[MilestoneResult, ...]] = {}
        self._shared: dict[tuple[int | None, int], Assessment] = {}

    def _assessment(self, name: str, claimed_index: int | None, verified_index: int, amount: float | None) -> Assessment:
        claimed = None if claimed_index is None else self.process.stages[claimed_index].id
        if claimed_index is not None and claimed_index > verified_index:
            return Assessment(self.process, Deal(name=name, claimed_stage=claimed, amount=amount), self.as_of, verified_index, claimed_index, ())
        # Totals reads only the stages of a deal that is not ahead: deals share one assessment.
        shared = self._shared.get((claimed_index, verified_index))
        if shared is None:
            shared = Assessment(self.process, Deal(claimed_stage=claimed), self.as_of, verified_index, claimed_index, ())
            self._shared[(claimed_index, verified_index)] = shared
        return shared

    def add(self, line: int, owner: str, name: str, claimed_stage: str | None, amount: float | None,
            verified_index: int, blocking: Blocking, *, buyer_confirmed: Collection[str] = frozenset()) -> bool:
        """Count a deal whose verdict is known: `blocking` is [(milestone id, status)] at its verified stage.

        `buyer_confirmed` are the milestones with the buyer's standing "yes"
        (sales_process.confirmation.buyer_confirmed_ids); return whether its verified stage rests on them.
        """
        return self.totals.add(line, owner, *self.verdict(name, claimed_stage, amount, verified_index, blocking),
                               buyer_confirmed=buyer_confirmed)

    def verdict(self, name: str, claimed_stage: str | None, amount: float | None, verified_index: int,
                blocking: Blocking) -> tuple[Assessment, tuple[MilestoneResult, ...], int | None, int | None]:
        """What Totals.add takes for a known verdict: the assessment, what holds it, claimed and verified cents."""
        claimed_index = self._stage_index.get(claimed_stage) if claimed_stage else None
        held = self._held.get(blocking)
        if held is None:
            held = self._held[blocking] = tuple(
                MilestoneResult(*self._milestones[milestone_id], self._statuses[status], None, self.as_of)
                for milestone_id, status in blocking
            )
        claimed = verified = None
        if amount is not None:
            # Assessment.weighted's arithmetic in whole cents, as the audit counts them: the totals match an audit's to the cent.
            verified = to_cents(amount * self._probability[verified_index] / 100)
            if claimed_index is not None:
                claimed = to_cents(amount * self._probability[claimed_index] / 100)
        return self._assessment(name, claimed_index, verified_index, amount), held, claimed, verified
