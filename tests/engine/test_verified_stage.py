"""The verified stage, what to do next, what to backfill, the gap to the claim and weighted amounts."""

from __future__ import annotations

import pytest

from sales_process.deal import Answer, Deal
from sales_process.engine import Assessment, MilestoneResult, Status, assess
from tests.engine.factory import AS_OF, THREE_GATES, milestone, process, stage, verified

NOT_MET = Answer(met=False)
ALL_VERIFIED = {milestone_id: verified() for milestone_id in "abcde"}


def _assess(answers: dict[str, Answer], claimed: str | None = None, amount: float | None = None) -> Assessment:
    deal = Deal(name="Deal", claimed_stage=claimed, amount=amount, answers=answers)
    return assess(THREE_GATES, deal, AS_OF)


def _ids(results: tuple[MilestoneResult, ...]) -> list[str]:
    return [r.milestone.id for r in results]


@pytest.mark.parametrize(
    ("answers", "stage_id", "next_ids", "out_of_order_ids"),
    [
        pytest.param({}, "one", ["a", "b"], [], id="nothing-answered"),
        pytest.param({"a": verified()}, "one", ["b"], [], id="half-of-the-first-gate"),
        pytest.param({"a": verified(), "b": verified()}, "two", ["c"], [], id="first-gate-passed"),
        pytest.param(
            {"a": verified(), "b": verified(), "c": verified()}, "three", ["d", "e"], [], id="two-gates-passed"
        ),
        pytest.param(ALL_VERIFIED, "won", [], [], id="all-verified-is-the-last-stage"),
        pytest.param(
            {"b": verified(), "c": verified(), "d": verified(), "e": verified()},
            "one",
            ["a"],
            ["c", "d", "e"],
            id="a-missing-first-gate-blocks-everything",
        ),
        pytest.param(
            {"a": verified(), "b": verified(), "d": verified(), "e": NOT_MET},
            "two",
            ["c"],
            ["d"],
            id="later-verified-are-backfill-only-when-verified",
        ),
        pytest.param(
            {"a": NOT_MET, "b": Answer(met=True, evidence="tbd"), "e": verified()},
            "one",
            ["a", "b"],
            ["e"],
            id="next-lists-every-unverified-status",
        ),
    ],
)
def test_verified_stage_next_and_out_of_order(
    answers: dict[str, Answer], stage_id: str, next_ids: list[str], out_of_order_ids: list[str]
) -> None:
    assessment = _assess(answers)
    assert assessment.verified_stage.id == stage_id
    assert assessment.verified_index == [s.id for s in THREE_GATES.stages].index(stage_id)
    assert _ids(assessment.next) == next_ids
    assert _ids(assessment.out_of_order) == out_of_order_ids


def test_every_milestone_is_reported_once_in_file_order() -> None:
    assessment = _assess({"e": verified(), "a": NOT_MET})
    assert _ids(assessment.milestones) == ["a", "b", "c", "d", "e"]
    assert [r.stage.id for r in assessment.milestones] == ["one", "one", "two", "three", "three"]
    assert [r.status for r in assessment.milestones] == [
        Status.NOT_MET,
        Status.UNANSWERED,
        Status.UNANSWERED,
        Status.UNANSWERED,
        Status.VERIFIED,
    ]


def test_a_stale_gate_holds_the_deal_back() -> None:
    stale = Answer(met=True, evidence="Call notes", date=AS_OF.replace(month=1))
    assessment = _assess({"a": verified(), "b": verified(), "c": stale})
    assert assessment.verified_stage.id == "two"
    assert [r.status for r in assessment.next] == [Status.STALE]


@pytest.mark.parametrize(
    ("answers", "claimed", "stages_ahead"),
    [
        pytest.param({}, "three", 2, id="claim-two-stages-ahead"),
        pytest.param({"a": verified(), "b": verified()}, "three", 1, id="claim-one-stage-ahead"),
        pytest.param({"a": verified(), "b": verified()}, "two", 0, id="claim-matches"),
        pytest.param(ALL_VERIFIED, "one", -3, id="claim-behind-the-evidence"),
        pytest.param({"a": verified(), "b": verified()}, None, None, id="no-claim"),
    ],
)
def test_stages_ahead(answers: dict[str, Answer], claimed: str | None, stages_ahead: int | None) -> None:
    assessment = _assess(answers, claimed=claimed)
    assert assessment.stages_ahead == stages_ahead
    assert (assessment.claimed_stage.id if assessment.claimed_stage else None) == claimed
    assert assessment.claimed_index == (None if claimed is None else THREE_GATES.stage_index(claimed))


@pytest.mark.parametrize(
    ("amount", "claimed", "weighted_claimed", "weighted_verified"),
    [
        pytest.param(120000, "three", 84000.0, 48000.0, id="amount-and-claim"),
        pytest.param(120000, None, None, 48000.0, id="no-claim-no-claimed-value"),
        pytest.param(None, "three", None, None, id="no-amount-no-values"),
        pytest.param(0, "three", 0.0, 0.0, id="zero-amount"),
        pytest.param(99.5, "two", 39.8, 39.8, id="fractional-amount"),
    ],
)
def test_weighted_amounts(
    amount: float | None, claimed: str | None, weighted_claimed: float | None, weighted_verified: float | None
) -> None:
    assessment = _assess({"a": verified(), "b": verified()}, claimed=claimed, amount=amount)
    assert assessment.weighted(assessment.claimed_stage) == weighted_claimed
    assert assessment.weighted(assessment.verified_stage) == weighted_verified


def test_a_last_stage_with_milestones_is_reached_only_when_they_are_verified() -> None:
    # The model allows milestones on the last stage (the loader's rules refuse them); the engine stays consistent.
    two_stages = process(stage("open", 10, milestone("x")), stage("won", 100, milestone("y")))
    only_x = assess(two_stages, Deal(answers={"x": verified()}), AS_OF)
    both = assess(two_stages, Deal(answers={"x": verified(), "y": verified()}), AS_OF)
    assert (only_x.verified_stage.id, _ids(only_x.next)) == ("won", ["y"])
    assert (both.verified_stage.id, _ids(both.next)) == ("won", [])


def test_the_as_of_date_decides_staleness() -> None:
    long_ago = AS_OF.replace(year=2020)
    answers = {"a": verified(long_ago), "b": verified(long_ago), "c": verified(AS_OF.replace(day=1, month=2))}
    deal = Deal(answers=answers)
    assert assess(THREE_GATES, deal, AS_OF).verified_stage.id == "three"  # 28 days old
    assert assess(THREE_GATES, deal, AS_OF.replace(day=4)).verified_stage.id == "two"  # 31 days old
    assert assess(THREE_GATES, deal, AS_OF.replace(month=1)).verified_stage.id == "two"  # in the future
