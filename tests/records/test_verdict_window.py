"""The stored verdict's window: on every as-of date inside it, the engine gives the same statuses,
so the pipeline may reuse the verdict stored with a check instead of assessing it again."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deal_records.answers import answers_json, read_answers, verdict_window
from sales_process.deal import Answer, BuyerAnswer, Deal
from sales_process.engine import assess
from sales_process.loader import LoadedProcess
from sales_process.model import Process
from tests.engine.factory import AS_OF
from tests.engine.test_properties import PROPERTIES, answers, processes


@st.composite
def deals(draw: st.DrawFn) -> tuple[Process, dict[str, Answer]]:
    process = draw(processes())
    ids = [milestone.id for _, milestone in process.milestones()]
    chosen = draw(st.lists(st.sampled_from(ids), unique=True))
    return process, {milestone_id: draw(answers()) for milestone_id in chosen}


@pytest.mark.slow  # hundreds of generated deals: ./scripts/test --quick leaves it out
@PROPERTIES
@given(deals(), st.integers(-200, 200))
def test_statuses_hold_on_every_day_of_the_window(case: tuple[Process, dict[str, Answer]], offset: int) -> None:
    process, given_answers = case
    start, end = verdict_window(process, given_answers, AS_OF)
    deal = Deal(answers=given_answers)
    statuses = [result.status for result in assess(process, deal, AS_OF).milestones]
    day = AS_OF + dt.timedelta(days=offset)
    inside = (start is None or start <= day) and (end is None or day < end)
    assert (start is None or start <= AS_OF) and (end is None or end > AS_OF)
    # The window may end early (a dated answer without evidence changes nothing on its date): never late.
    if inside:
        assert [result.status for result in assess(process, deal, day).milestones] == statuses


@pytest.mark.slow  # hundreds of generated deals saved: ./scripts/test --quick leaves it out
@PROPERTIES
@given(deals())
def test_answers_read_back_as_they_were_saved(case: tuple[Process, dict[str, Answer]]) -> None:
    process, given_answers = case
    saved = read_answers(answers_json(given_answers), process)
    assert saved.answers == given_answers and saved.gone == {}


def test_answers_to_milestones_the_process_dropped_are_kept_apart(default_process: object) -> None:
    from sales_process.loader import LoadedProcess

    assert isinstance(default_process, LoadedProcess)
    saved = read_answers(
        {"pain-confirmed": {"met": True}, "retired-milestone": {"met": True, "evidence": "x"}}, default_process.process
    )
    assert list(saved.answers) == ["pain-confirmed"] and list(saved.gone) == ["retired-milestone"]


def test_a_buyers_answer_is_stored_and_read_back_as_the_buyers(default_process: LoadedProcess) -> None:
    yes = BuyerAnswer("Dana Buyer", "dana@fabrikam.example", dt.date(2026, 3, 2), agreed=True)
    no = BuyerAnswer(
        "Dana Buyer", "dana@fabrikam.example", dt.date(2026, 3, 2), agreed=False, comment="Legal has not seen it"
    )
    given = {"pain-confirmed": yes.as_answer(), "next-meeting-accepted": no.as_answer()}
    stored = json.loads(json.dumps(answers_json(given)))
    assert stored["pain-confirmed"]["buyer"] == {
        "name": "Dana Buyer",
        "email": "dana@fabrikam.example",
        "date": "2026-03-02",
        "agreed": True,
        "comment": None,
    }
    assert read_answers(stored, default_process.process).answers == given
