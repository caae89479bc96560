"""Totals fed with verdicts assessed elsewhere (the saved deals' pipeline), not with CSV rows.

The report and the summary then read the same Totals as an audit of a CRM export.
"""

from __future__ import annotations

import datetime as dt

from pipeline_audit.totals import Totals, weighted_texts
from sales_process.deal import Deal
from sales_process.engine import Assessment, MilestoneResult, Status
from sales_process.model import Process


class VerdictTotals:
    """Adds one deal's verdict (verified stage and what holds it there) to a Totals."""

    def __init__(self, process: Process, as_of: dt.date) -> None:
        self.totals = Totals(process)
        self.process = process
        self.as_of = as_of
        self._stage_index = {stage.id: index for index, stage in enumerate(process.stages)}
        self._milestones = {milestone.id: (stage, milestone) for stage, milestone in process.milestones()}
        self._statuses = {status.value: status for status in Status}
        # Pipelines repeat the same amounts and stages: each weighted amount is worded once.
        self._weighted: dict[tuple[float | None, int | None, int], tuple[str, str]] = {}
        self._held: dict[tuple[tuple[str, str], ...], tuple[MilestoneResult, ...]] = {}

    def add(self, line: int, owner: str, name: str, claimed_stage: str | None, amount: float | None,
            verified_index: int, blocking: tuple[tuple[str, str], ...]) -> None:
        """Count a deal whose verdict is known: `blocking` is [(milestone id, status)] at its verified stage."""
        claimed_index = self._stage_index.get(claimed_stage) if claimed_stage else None
        deal = Deal(name=name, claimed_stage=claimed_stage if claimed_index is not None else None, amount=amount)
        assessment = Assessment(self.process, deal, self.as_of, verified_index, claimed_index, ())
        held = self._held.get(blocking)
        if held is None:
            held = self._held[blocking] = tuple(
                MilestoneResult(*self._milestones[milestone_id], self._statuses[status], None, self.as_of)
                for milestone_id, status in blocking
            )
        key = (amount, claimed_index, verified_index)
        texts = self._weighted.get(key)
        if texts is None:
            texts = self._weighted[key] = weighted_texts(assessment)
        self.totals.add(line, owner, assessment, held, *texts)
