"""/pipeline counts saved deals group by group: the same report, to the cent, as adding each deal's verdict alone."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assess_app.pipeline.views import pipeline_totals
from assess_app.records import open_records
from deal_records.answers import assess_saved, read_answers
from deal_records.database import writing
from deal_records.models import Deal
from deal_records.people import add_user
from deal_records.records import deal_currencies, pipeline_currency, record_check
from pipeline_report.report_html import render_report
from pipeline_report.result import AuditResult
from sales_process.deal import Answer, BuyerAnswer
from sales_process.deal import Deal as DealInput
from sales_process.deal_verdict import assessed_verdict, unassessed_verdict
from sales_process.loader import LoadedProcess, load_process
from sales_process.model import Process
from sales_process.totals import TOP_AHEAD, Totals, other_currency_reason, summed_in_total
from tests.conftest import DEFAULT_PROCESS
from tests.support.deals import sample_deals
from tests.support.synthetic_pipeline import AS_OF

DEALS = 330  # more deals ahead of their evidence than the report lists
VERDICTS = 40  # so that many deals share one verdict


def _by_buyer(process: Process, answers: Mapping[str, Answer], decline: bool) -> dict[str, Answer]:
    """The same answers, with the buyer's "yes" to every met milestone a buyer can confirm; with `decline`, the
    buyer's "Not quite" to the first one not met."""
    statements = [milestone.id for _, milestone in process.milestones() if milestone.buyer_statement]
    confirmed = {
        milestone_id: BuyerAnswer("Dana Buyer", "dana@example.com", answer.date, True).as_answer()
        if milestone_id in statements and answer.met and answer.date
        else answer
        for milestone_id, answer in answers.items()
    }
    unmet = [milestone_id for milestone_id in statements if not confirmed.get(milestone_id, Answer(met=False)).met]
    if decline and unmet:
        confirmed[unmet[0]] = BuyerAnswer("Dana Buyer", "dana@example.com", AS_OF, False, "Not yet").as_answer()
    return confirmed


def _save_deals(sessions: sessionmaker[Session], loaded: LoadedProcess) -> None:
    """Deals of three reps sharing a few verdicts; some confirmed by buyers, in another currency, without an
    amount, a CRM stage or any check; one in five checked 100 days earlier (its stored verdict may no longer hold)."""
    process = loaded.process
    samples = sample_deals(process, VERDICTS)
    with writing(sessions) as db:
        # Named and unnamed reps: the pipeline names them as /deals does (their name, else their email).
        owners = [
            add_user(db, f"rep{n}@example.com", "rep", "rep-password-1", name=f"Rep {n}" if n else None)
            for n in range(3)
        ]
        for number in range(DEALS):
            sample = samples[number % len(samples)]
            answers = _by_buyer(process, sample.answers, number % 2 == 0) if number % 3 == 0 else dict(sample.answers)
            # Equal amounts (ties in the deals listed) and eighths of a cent (rounded per deal).
            amount = None if number % 11 == 0 else 1_000.0 * (number % 7) + 0.125 * (number % 5)
            claimed = None if number % 13 == 0 else process.stages[number % len(process.stages)].id
            currency = "EUR" if number % 19 == 0 else "USD"  # the EUR deals' amounts are left out of the USD totals
            deal = Deal(
                owner_id=owners[number % 3].id,
                name=f"{sample.name} #{number}",
                amount=amount,
                currency=currency,
                claimed_stage=claimed,
            )
            db.add(deal)
            db.flush()
            if number % 17:  # every 17th deal was never checked
                given = DealInput(claimed_stage=claimed, amount=amount, answers=answers)
                record_check(
                    db,
                    deal,
                    loaded,
                    given,
                    "import",
                    None,
                    today=AS_OF - dt.timedelta(days=100 if number % 5 == 0 else 0),
                )


def _deal_by_deal(sessions: sessionmaker[Session], loaded: LoadedProcess, as_of: dt.date) -> Totals:
    """The totals of assessing each saved deal again by the engine and adding its verdict alone, in deal id order."""
    totals = Totals(loaded.process)
    with sessions() as db:
        summed_in = pipeline_currency(deal_currencies(db))
        left_out = 0
        for deal in db.scalars(select(Deal).order_by(Deal.id)):
            check = deal.latest_check
            saved = read_answers(check.answers if check else {}, loaded.process)
            assessment = assess_saved(loaded.process, deal.name, deal.claimed_stage, deal.amount, saved, as_of)
            verdict = assessed_verdict(assessment, deal.id, owner=deal.owner.label, currency=deal.currency)
            if not summed_in_total(deal.currency, summed_in):  # not assessed, as the audit would not assess it
                assert deal.currency is not None and summed_in is not None
                fix = f"record its amount in {summed_in} (a new check) to include it"
                reason = other_currency_reason(deal.currency, summed_in, "the pipeline's", fix)
                verdict = unassessed_verdict(
                    deal.id, deal.name, reason, crm_id=deal.crm_id or "", owner=deal.owner.label
                )
                left_out += 1
            totals.add(verdict)
        assert left_out
    return totals


def _report(totals: Totals, loaded: LoadedProcess, as_of: dt.date) -> str:
    return render_report(AuditResult(totals, None, as_of), loaded, heading="Team pipeline", line_label="Deal id")


@pytest.mark.parametrize("days_later", [0, 400], ids=["stored-verdicts-reused", "most-out-of-date"])
def test_the_grouped_pipeline_is_the_deal_by_deal_one(
    database_url: str, sessions: sessionmaker[Session], days_later: int
) -> None:
    loaded = load_process(DEFAULT_PROCESS)
    _save_deals(sessions, loaded)
    as_of = AS_OF + dt.timedelta(days=days_later)
    store = open_records(database_url)
    try:
        grouped = pipeline_totals(store, loaded, as_of)
        reassessed = len(store.memo._memo)  # checks whose stored verdict no longer held
    finally:
        store.engine.dispose()
    alone = _deal_by_deal(sessions, loaded, as_of)
    assert _report(grouped, loaded, as_of) == _report(alone, loaded, as_of)
    assert grouped.owners == alone.owners
    # In the same order too: the report lists a milestone's statuses with equal counts in the order first met.
    assert [list(counts.items()) for counts in grouped.blocking.values()] == [
        list(counts.items()) for counts in alone.blocking.values()
    ]
    assert [dataclasses.astuple(stage) for stage in grouped.stages] == [
        dataclasses.astuple(stage) for stage in alone.stages
    ]
    # What the comparison covers: deals without an amount, a CRM stage or a check, and stored
    # verdicts reused (some assessed again) or mostly assessed again.
    assert grouped.rows == DEALS and sorted(grouped.owners) == ["Rep 1", "Rep 2", "rep0@example.com"]
    assert grouped.without_amount > 0 and grouped.without_claim > 0
    # The table's columns of deals add up to the totals the page gives: every deal assessed is verified at a stage,
    # and the deals without a claimed stage are claimed in none.
    assert sum(stage.verified_deals for stage in grouped.stages) == grouped.assessed
    assert sum(stage.claimed_deals for stage in grouped.stages) == grouped.assessed - grouped.without_claim
    checks = DEALS - len(range(0, DEALS, 17))
    if days_later:  # most evidence has gone stale (a verdict resting on none but undated answers still holds)
        assert checks // 2 < reassessed <= checks
    else:  # and the deals listed are cut at TOP_AHEAD, and buyers confirmed some
        assert 0 < reassessed <= checks // 5 + 1
        assert grouped.ahead > TOP_AHEAD and len(grouped.top_ahead()) == TOP_AHEAD
        assert 0 < grouped.buyer_confirmed < grouped.assessed
        assert 0 < grouped.buyer_confirmed_declined < grouped.buyer_confirmed
