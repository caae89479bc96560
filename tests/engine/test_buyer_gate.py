"""Which deals' verified stages rest on the buyer's word: the gate the deal last passed."""

from __future__ import annotations

import pytest

from sales_process.confirmation import buyer_confirmed_ids, gate_confirmed_by_buyer
from sales_process.deal import Answer, BuyerAnswer
from sales_process.model import Milestone
from tests.engine.factory import AS_OF, milestone, process, stage

STATEMENT = "We have agreed on the next step."


def confirmable(milestone_id: str) -> Milestone:
    """A milestone the buyer can confirm."""
    return milestone(milestone_id).model_copy(update={"buyer_statement": STATEMENT})


PROCESS = process(
    stage("first", 10, confirmable("a"), milestone("b")),
    stage("second", 40, confirmable("c"), confirmable("d")),
    stage("third", 70, milestone("e")),
    stage("won", 100),
)


@pytest.mark.parametrize(
    ("verified_index", "confirmed", "expected"),
    [
        (0, {"a", "c", "d"}, False),  # still in the first stage: no gate passed
        (1, {"a"}, True),  # "b" has no statement: only "a" can be confirmed
        (1, set(), False),
        (2, {"c"}, False),  # every confirmable outcome of the gate must be the buyer's
        (2, {"c", "d"}, True),
        (2, {"a"}, False),  # an earlier gate's confirmation does not carry the stage
        (3, {"a", "c", "d"}, False),  # the gate "third" has nothing a buyer can confirm
    ],
)
def test_gate_confirmed_by_buyer(verified_index: int, confirmed: set[str], expected: bool) -> None:
    assert gate_confirmed_by_buyer(PROCESS, verified_index, confirmed) is expected


def test_buyer_confirmed_ids_are_the_buyers_yes_only() -> None:
    buyer = BuyerAnswer("Dana", "dana@example.com", AS_OF, agreed=True)
    answers = {
        "a": buyer.as_answer(),
        "b": Answer(met=True, evidence="Email of 3 May"),
        "c": BuyerAnswer("Dana", "dana@example.com", AS_OF, agreed=False, comment="Not yet").as_answer(),
    }
    assert buyer_confirmed_ids(answers) == frozenset({"a"})
