"""Properties of the engine over generated processes and deals (hypothesis)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sales_process.deal import Answer, Deal, parse_deal
from sales_process.engine import Assessment, Status, assess
from sales_process.loader import LoadedProcess
from sales_process.model import Process
from sales_process.report import assessment_json
from sales_process.text import text_problem
from tests.engine.factory import AS_OF, EVIDENCE, milestone, process, stage

pytestmark = pytest.mark.slow  # hundreds of generated deals per property: ./scripts/test --quick leaves it out

PROPERTIES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EVIDENCE_TEXTS = [None, "", "  ", "TBD", "n/a.", "see CRM", "\u201cTBD\u201d", "\u200b" * 5, "abc", EVIDENCE, "PO 4711"]


@st.composite
def processes(draw: st.DrawFn) -> Process:
    """2-8 stages, 1-5 milestones each but the last (none), non-decreasing probabilities."""
    stage_count = draw(st.integers(2, 8))
    probabilities = sorted(draw(st.lists(st.integers(0, 100), min_size=stage_count, max_size=stage_count)))
    stages, number = [], 0
    for index, probability in enumerate(probabilities):
        milestones = []
        for _ in range(0 if index == stage_count - 1 else draw(st.integers(1, 5))):
            number += 1
            max_age = draw(st.none() | st.integers(1, 60))
            milestones.append(milestone(f"m{number}", max_age_days=max_age, evidence_required=draw(st.booleans())))
        stages.append(stage(f"s{index}", probability, *milestones))
    return process(*stages)


def answers() -> st.SearchStrategy[Answer]:
    """Any answer: met or not, evidence that counts or not, dated in the past, today, the future or not at all."""
    dates = st.none() | st.integers(-90, 3).map(lambda days: AS_OF + dt.timedelta(days=days))
    return st.builds(Answer, met=st.booleans(), evidence=st.sampled_from(EVIDENCE_TEXTS), date=dates)


@dataclass(frozen=True)
class Scenario:
    """A generated process and a deal on it."""

    process: Process
    deal: Deal

    def assess(self, answers: dict[str, Answer] | None = None) -> Assessment:
        """Assess the deal, or the deal with other answers."""
        deal = self.deal if answers is None else replace(self.deal, answers=answers)
        return assess(self.process, deal, AS_OF)


def _answer_map(draw: st.DrawFn, process: Process) -> dict[str, Answer]:
    ids = [m.id for _, m in process.milestones()]
    # Mostly verifying answers, so that deals get past the first stages often enough to be interesting.
    verifying = st.builds(Answer, met=st.just(True), evidence=st.just(EVIDENCE), date=st.just(AS_OF))
    chosen = draw(st.lists(st.sampled_from(ids), unique=True))
    return {milestone_id: draw(verifying | answers()) for milestone_id in chosen}


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    """A process with a deal: random answers, an optional claim and amount."""
    generated = draw(processes())
    claimed = draw(st.none() | st.sampled_from([s.id for s in generated.stages]))
    amount = draw(st.none() | st.floats(0, 1e9, allow_nan=False))
    return Scenario(
        generated, Deal(name="Generated", claimed_stage=claimed, amount=amount, answers=_answer_map(draw, generated))
    )


@PROPERTIES
@given(scenarios())
def test_the_verified_stage_is_the_first_unverified_gate(scenario: Scenario) -> None:
    result = scenario.assess()
    stages = scenario.process.stages
    assert all(r.status is Status.VERIFIED for r in result.milestones if stages.index(r.stage) < result.verified_index)
    gate = [r for r in result.milestones if r.stage is result.verified_stage]
    assert result.verified_index == len(stages) - 1 or any(r.status is not Status.VERIFIED for r in gate)


@PROPERTIES
@given(scenarios())
def test_exactly_one_status_per_milestone_in_file_order(scenario: Scenario) -> None:
    result = scenario.assess()
    assert [(r.stage.id, r.milestone.id) for r in result.milestones] == [
        (s.id, m.id) for s, m in scenario.process.milestones()
    ]
    assert all(isinstance(r.status, Status) and r.reason for r in result.milestones)
    assert all(
        (r.status is Status.UNANSWERED) == (r.milestone.id not in scenario.deal.answers) for r in result.milestones
    )


@PROPERTIES
@given(scenarios(), st.data())
def test_one_more_verified_milestone_never_lowers_the_verified_stage(scenario: Scenario, data: st.DataObject) -> None:
    before = scenario.assess()
    ids = [m.id for _, m in scenario.process.milestones()]
    one = data.draw(st.sampled_from(ids))
    after = scenario.assess({**scenario.deal.answers, one: Answer(met=True, evidence=EVIDENCE, date=AS_OF)})
    assert after.verified_index >= before.verified_index


@PROPERTIES
@given(scenarios(), st.data())
def test_answers_after_the_verified_stage_never_change_it(scenario: Scenario, data: st.DataObject) -> None:
    before = scenario.assess()
    later = [m.id for s, m in scenario.process.milestones() if scenario.process.stages.index(s) > before.verified_index]
    kept = {k: v for k, v in scenario.deal.answers.items() if k not in later}
    other = data.draw(st.fixed_dictionaries({}, optional={milestone_id: answers() for milestone_id in later}))
    assert scenario.assess({**kept, **other}).verified_index == before.verified_index


@PROPERTIES
@given(scenarios(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_the_order_of_answer_keys(scenario: Scenario, rng: random.Random) -> None:
    loaded = LoadedProcess(scenario.process, "generated.yaml", "0" * 64)
    # A deal file's evidence passes the free-text rule, which refuses invisible characters (a CSV cell's need not).
    raw = {
        milestone_id: {
            "met": a.met,
            "evidence": a.evidence if a.evidence is None or text_problem(a.evidence, single_line=False) is None else "",
            "date": a.date.isoformat() if a.date else None,
        }
        for milestone_id, a in scenario.deal.answers.items()
    }
    shuffled = list(raw.items())
    rng.shuffle(shuffled)
    results = [
        assessment_json(
            loaded, assess(scenario.process, parse_deal({"milestones": dict(items)}, scenario.process), AS_OF)
        )
        for items in (list(raw.items()), shuffled, list(reversed(raw.items())))
    ]
    assert results[0] == results[1] == results[2]


@PROPERTIES
@given(scenarios())
def test_a_claim_ahead_of_the_evidence_is_never_less_probable(scenario: Scenario) -> None:
    result = scenario.assess()
    if result.stages_ahead is not None and result.stages_ahead > 0:
        assert result.claimed_stage is not None
        assert result.verified_stage.probability <= result.claimed_stage.probability
        if scenario.deal.amount is not None:
            claimed, verified = result.weighted(result.claimed_stage), result.weighted(result.verified_stage)
            assert claimed is not None and verified is not None and verified <= claimed


@PROPERTIES
@given(scenarios())
def test_next_is_the_unverified_part_of_the_verified_stage(scenario: Scenario) -> None:
    result = scenario.assess()
    assert all(r.stage is result.verified_stage and r.status is not Status.VERIFIED for r in result.next)
    assert list(result.next) == [
        r for r in result.milestones if r.stage is result.verified_stage and r.status is not Status.VERIFIED
    ]


@PROPERTIES
@given(scenarios())
def test_out_of_order_are_the_verified_milestones_after_the_verified_stage(scenario: Scenario) -> None:
    result = scenario.assess()
    stages = scenario.process.stages
    assert all(
        r.status is Status.VERIFIED and stages.index(r.stage) > result.verified_index for r in result.out_of_order
    )
    expected = [
        r for r in result.milestones if r.status is Status.VERIFIED and stages.index(r.stage) > result.verified_index
    ]
    assert list(result.out_of_order) == expected
