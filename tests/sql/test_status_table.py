"""The status rules' table keeps its promise: each row's Python condition, its SQL (run in DuckDB) and its
turning day agree, on generated milestones, answers and as-of dates; and every status has a row."""

from __future__ import annotations

import ast
import datetime as dt
from dataclasses import dataclass

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sales_process.deal import Answer, BuyerAnswer
from sales_process.evidence import normalise_evidence
from sales_process.model import Milestone
from sales_process.status_rules import (
    ALWAYS,
    CONDITION_NAMES,
    EVERY,
    OPERANDS,
    STATUS_RULES,
    Operand,
    StatusRule,
    answered_on,
    rules_for,
    status_changes,
    status_of,
)
from sales_process.vocabulary import Status
from tests.engine.factory import AS_OF, EVIDENCE
from tests.engine.test_properties import EVIDENCE_TEXTS, PROPERTIES
from verdict_sql.dialects import DIALECTS
from verdict_sql.status_case import status_cases
from verdict_sql.writer import Writer

DAY = dt.timedelta(days=1)
# The types of the columns the CASE reads, as the statement's earlier steps give them.
TYPES = {"as_of": "DATE", "m__met": "BOOLEAN", "m__date": "DATE", "m__normalised": "VARCHAR", "m__by_buyer": "BOOLEAN"}
DUCKDB = Writer(DIALECTS["duckdb"])
_MILESTONE = {"id": "m", "question": "Done?", "customer_action": "The customer does it.", "evidence": "A record."}


@dataclass(frozen=True)
class Case:
    """A milestone, whether its buyer has a column, and an answer to it."""

    milestone: Milestone
    with_buyer: bool
    answer: Answer | None


def _dates() -> st.SearchStrategy[dt.date | None]:
    return st.none() | st.integers(-90, 5).map(lambda days: AS_OF + days * DAY)


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """Any milestone's rules, with or without a buyer column, and an answer: none, the rep's or the buyer's."""
    confirms = draw(st.booleans())
    milestone = Milestone(
        id="m",
        question="Has the customer done it?",
        customer_action="The customer does it.",
        evidence="The record of it.",
        evidence_required=draw(st.booleans()),
        max_age_days=draw(st.none() | st.integers(1, 60)),
        confirmation="required" if confirms else "optional",
        buyer_statement="We have done it." if confirms else None,
    )
    with_buyer = draw(st.booleans())
    rep = st.builds(Answer, met=st.booleans(), evidence=st.sampled_from(EVIDENCE_TEXTS), date=_dates())
    buyers = st.builds(
        BuyerAnswer,
        name=st.just("Dana Buyer"),
        email=st.just("dana@fabrikam.example"),
        date=st.integers(-90, 5).map(lambda days: AS_OF + days * DAY),
        agreed=st.booleans(),
        comment=st.sampled_from([None, "", "Legal has not seen it"]),
    ).map(BuyerAnswer.as_answer)
    # Without a buyer column the SQL cannot read a buyer's answer: only the rep's.
    answer = draw(st.none() | rep | buyers) if with_buyer else draw(st.none() | rep)
    return Case(milestone, with_buyer, answer)


def sql_status(case: Case, as_of: dt.date) -> Status:
    """The milestone's status by the SQL CASE, on the one row that holds the answer as the `readings` step reads it."""
    answer, buyer = case.answer, case.answer.buyer if case.answer else None
    evidence = answer.evidence if answer else None
    row = {
        "as_of": as_of,
        "m__met": None if answer is None else answer.met,
        "m__date": answered_on(answer),
        "m__normalised": None if evidence is None else normalise_evidence(evidence),
        "m__by_buyer": None if buyer is None else True,
    }
    cases = "\n".join(status_cases(DUCKDB, case.milestone, case.with_buyer))
    columns = ", ".join(f"CAST(? AS {TYPES[name]}) AS {DUCKDB.q(name)}" for name in row)
    statement = f"SELECT CASE\n{cases}\nEND FROM (SELECT {columns})"
    with duckdb.connect() as connection:
        found = connection.execute(statement, list(row.values())).fetchone()
    assert found is not None
    return Status(found[0])


@pytest.mark.slow
@PROPERTIES
@given(cases(), st.integers(-100, 100))
def test_the_python_and_the_sql_give_the_same_status(case: Case, offset: int) -> None:
    as_of = AS_OF + offset * DAY
    turning = status_changes(case.milestone, case.answer, as_of)
    for day in [as_of, *turning, *(turn - DAY for turn in turning)]:  # on each side of each boundary too
        assert sql_status(case, day) is status_of(case.milestone, case.answer, day)


@PROPERTIES
@given(cases(), st.integers(-100, 100), st.integers(-100, 100))
def test_the_status_changes_only_on_a_turning_day(case: Case, first: int, second: int) -> None:
    milestone, answer = case.milestone, case.answer
    earlier, later = sorted((AS_OF + first * DAY, AS_OF + second * DAY))
    turning = [day for day in status_changes(milestone, answer, earlier) if earlier < day <= later]
    if not turning:
        assert status_of(milestone, answer, earlier) is status_of(milestone, answer, later)


@PROPERTIES
@given(cases(), st.integers(-100, 100))
def test_the_compiled_turning_days_walk_the_rule_table(case: Case, offset: int) -> None:
    """status_changes, compiled into one function, gives what walking the milestone's rules in order gives."""
    milestone, answer, as_of = case.milestone, case.answer, AS_OF + offset * DAY
    date = answered_on(answer)
    days = []
    for rule in rules_for(milestone):
        if rule.turns_on is not None:
            turn = None if date is None else rule.turns_on(milestone, date)
            if turn is not None:
                days.append(turn)
        elif rule.holds_for(milestone, answer, as_of):
            break
    assert status_changes(milestone, answer, as_of) == days


@PROPERTIES
@given(cases(), st.integers(-100, 100), st.integers(-100, 100))
def test_each_rule_turns_on_its_day_and_no_other(case: Case, first: int, second: int) -> None:
    milestone, answer = case.milestone, case.answer
    days = AS_OF + first * DAY, AS_OF + second * DAY
    date = answered_on(answer)
    for rule in rules_for(milestone):  # as far as the rules are asked: until one holds whatever the date
        if rule.turns_on is None:
            held = [rule.holds_for(milestone, answer, day) for day in days]
            assert held[0] == held[1]
            if held[0]:
                return
        elif date is not None and (turn := rule.turns_on(milestone, date)) is not None:
            assert rule.holds_for(milestone, answer, turn - DAY) != rule.holds_for(milestone, answer, turn)
            sides = [day >= turn for day in days]
            if sides[0] == sides[1]:
                assert rule.holds_for(milestone, answer, days[0]) == rule.holds_for(milestone, answer, days[1])


def test_every_status_has_a_rule_and_the_last_rule_holds_always() -> None:
    assert [rule.status for rule in STATUS_RULES] == list(Status)  # one rule each, in the order Status lists them
    last = STATUS_RULES[-1]
    assert (last.applies, last.holds, last.sql) == (EVERY, "True", ALWAYS)
    assert all(rule.sql is not ALWAYS for rule in STATUS_RULES[:-1])


def _operands(expression: object) -> set[str]:
    """The operand names an expression reads."""
    if isinstance(expression, Operand):
        return {expression.name}
    fields = getattr(expression, "__dataclass_fields__", {})
    found: set[str] = set()
    for name in fields:
        value = getattr(expression, name)
        for part in value if isinstance(value, tuple) else (value,):
            found |= _operands(part)
    return found


@pytest.mark.parametrize("rule", STATUS_RULES, ids=lambda rule: rule.status.value)
def test_each_rule_reads_only_the_names_it_is_given(rule: StatusRule) -> None:
    assert _operands(rule.sql) <= OPERANDS
    python = {
        node.id for node in ast.walk(ast.parse(f"({rule.applies}) and ({rule.holds})")) if isinstance(node, ast.Name)
    }
    assert python <= {*CONDITION_NAMES, "evidence_counts"}


@pytest.mark.parametrize(
    ("milestone", "answer", "expected"),
    [
        pytest.param({}, None, Status.UNANSWERED, id="unanswered"),
        pytest.param({}, Answer(met=False), Status.NOT_MET, id="not-met"),
        pytest.param({}, Answer(met=True, evidence="TBD"), Status.NO_EVIDENCE, id="no-evidence"),
        pytest.param(
            {"confirmation": "required", "buyer_statement": "We did it."},
            Answer(met=True, evidence=EVIDENCE),
            Status.AWAITING_BUYER,
            id="awaiting-buyer",
        ),
        pytest.param({}, Answer(met=True, evidence=EVIDENCE, date=AS_OF + DAY), Status.FUTURE_DATE, id="future"),
        pytest.param({"max_age_days": 9}, Answer(met=True, evidence=EVIDENCE), Status.UNDATED, id="undated"),
        pytest.param(
            {"max_age_days": 9}, Answer(met=True, evidence=EVIDENCE, date=AS_OF - 10 * DAY), Status.STALE, id="stale"
        ),
        pytest.param({}, Answer(met=True, evidence=EVIDENCE), Status.VERIFIED, id="verified"),
    ],
)
def test_each_rule_gives_its_status_in_python_and_sql(
    milestone: dict[str, object], answer: Answer | None, expected: Status
) -> None:
    case = Case(Milestone.model_validate({**_MILESTONE, **milestone}), False, answer)
    assert status_of(case.milestone, answer, AS_OF) is expected is sql_status(case, AS_OF)


@pytest.mark.parametrize("date", [dt.date.max, dt.date.max - 30 * DAY], ids=["9999-12-31", "30-days-before-it"])
def test_an_outcome_whose_stale_day_is_past_the_calendar_never_goes_stale(date: dt.date) -> None:
    """9999-12-31 on a milestone counting for 30 days: its stale day would be after dt.date.max (saving such a
    check gave a 500, OverflowError). It has none, and the Python and the SQL agree on every day up to the last."""
    case = Case(Milestone.model_validate({**_MILESTONE, "max_age_days": 30}), False, Answer(True, EVIDENCE, date))
    assert status_changes(case.milestone, case.answer, AS_OF) == [date]  # the day it stops being in the future
    for as_of in (AS_OF, date - DAY, date, dt.date.max):
        expected = Status.FUTURE_DATE if as_of < date else Status.VERIFIED
        assert status_of(case.milestone, case.answer, as_of) is expected is sql_status(case, as_of)
