"""Totals fed with verdicts assessed elsewhere (the saved deals' pipeline, the audit's SQL), not by assess().

The report and the summary then read the same Totals as an audit of a CRM export. Built
for 100,000 deals a request: what deals share (their stages, what holds them back) is
made once, and deals that share all of it are counted together (`add_alike`); only a deal
ahead of its evidence, which the report may list, is looked at on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from pipeline_audit.totals import Amounts, Totals
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

    def _assessment(
        self, name: str, claimed_index: int | None, verified_index: int, amount: float | None
    ) -> Assessment:
        claimed = None if claimed_index is None else self.process.stages[claimed_index].id
        if claimed_index is not None and claimed_index > verified_index:
            return Assessment(
                self.process,
                Deal(name=name, claimed_stage=claimed, amount=amount),
                self.as_of,
                verified_index,
                claimed_index,
                (),
            )
        # Totals reads only the stages of a deal that is not ahead: deals share one assessment.
        shared = self._shared.get((claimed_index, verified_index))
        if shared is None:
            shared = Assessment(
                self.process, Deal(claimed_stage=claimed), self.as_of, verified_index, claimed_index, ()
            )
            self._shared[(claimed_index, verified_index)] = shared
        return shared

    def add(
        self,
        line: int,
        owner: str,
        name: str,
        claimed_stage: str | None,
        amount: float | None,
        verified_index: int,
        blocking: Blocking,
        *,
        buyer_confirmed: Collection[str] = frozenset(),
    ) -> bool:
        """Count a deal whose verdict is known: `blocking` is [(milestone id, status)] at its verified stage.

        `buyer_confirmed` are the milestones with the buyer's standing "yes"
        (sales_process.confirmation.buyer_confirmed_ids); return whether its verified stage rests on them.
        """
        return self.totals.add(
            line,
            owner,
            *self.verdict(name, claimed_stage, amount, verified_index, blocking),
            buyer_confirmed=buyer_confirmed,
        )

    def add_alike(
        self,
        owner: str,
        claimed_stage: str | None,
        verified_index: int,
        blocking: Blocking,
        deals: Sequence[tuple[int, str, float | None]],
        *,
        buyer_confirmed: Collection[str] = frozenset(),
    ) -> None:
        """Count deals that share an owner, a CRM stage, a verdict and the buyer's answers: `deals` are (line, name, amount).

        The totals are those of adding each deal with `add`, in the order of `deals`: weighted amounts
        are still rounded to cents one deal at a time; only a deal ahead of its evidence is looked at alone.
        """
        claimed_index = self._stage_index.get(claimed_stage) if claimed_stage else None
        held = self._blocking(blocking)
        assessment = self._assessment("", claimed_index, verified_index, None)
        priced = [amount for _, _, amount in deals if amount is not None]
        count, without_amount = len(deals), len(deals) - len(priced)
        if claimed_index is None:  # without a CRM stage a deal is neither compared nor ahead
            self.totals.add_alike(
                owner, assessment, held, Amounts(count, without_amount, 0, 0, 0), buyer_confirmed=buyer_confirmed
            )
            return
        claimed, verified = self._cents(priced, claimed_index), self._cents(priced, verified_index)
        amounts = Amounts(count, without_amount, len(priced), sum(claimed), sum(verified))
        self.totals.add_alike(owner, assessment, held, amounts, buyer_confirmed=buyer_confirmed)
        if claimed_index > verified_index:
            inflations = iter(
                [
                    claimed_cents - verified_cents
                    for claimed_cents, verified_cents in zip(claimed, verified, strict=True)
                ]
            )
            for line, name, amount in deals:
                self.totals.offer_ahead(
                    line, name, owner, assessment, held, None if amount is None else next(inflations)
                )

    def _cents(self, amounts: list[float], stage_index: int) -> list[int]:
        """Each amount weighted by a stage's probability, in whole cents, one amount at a time."""
        probability = self._probability[stage_index]
        # Assessment.weighted's arithmetic in whole cents, as the audit counts them: the totals match an audit's to the cent.
        return [to_cents(amount * probability / 100) for amount in amounts]

    def _blocking(self, blocking: Blocking) -> tuple[MilestoneResult, ...]:
        """The milestone results of a blocking list, made once per distinct list."""
        held = self._held.get(blocking)
        if held is None:
            held = self._held[blocking] = tuple(
                MilestoneResult(*self._milestones[milestone_id], self._statuses[status], None, self.as_of)
                for milestone_id, status in blocking
            )
        return held

    def verdict(
        self, name: str, claimed_stage: str | None, amount: float | None, verified_index: int, blocking: Blocking
    ) -> tuple[Assessment, tuple[MilestoneResult, ...], int | None, int | None]:
        """What Totals.add takes for a known verdict: the assessment, what holds it, claimed and verified cents."""
        claimed_index = self._stage_index.get(claimed_stage) if claimed_stage else None
        held = self._blocking(blocking)
        claimed = verified = None
        if amount is not None:
            [verified] = self._cents([amount], verified_index)
            if claimed_index is not None:
                [claimed] = self._cents([amount], claimed_index)
        return self._assessment(name, claimed_index, verified_index, amount), held, claimed, verified
