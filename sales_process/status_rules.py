"""The milestone-status rules, each written once: the engine, the SQL and the stored verdict's window read them.

A row of STATUS_RULES gives a status, the milestones it applies to and the rule itself, side by side
in Python and in SQL, and, for a rule that depends on the as-of date, the day it starts or stops
holding. The first row that applies and holds wins; the last holds always.

The Python side is a condition written as Python over the names of CONDITION_NAMES; the rows are
compiled into one function, status_of, because it runs for every milestone of every deal (calling a
function per row made the engine a quarter slower). The SQL side is a small expression over the
named OPERANDS, which verdict_sql spells in each dialect. A test checks on generated answers that
the two sides, and the turning days, agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from sales_process.deal import Answer
from sales_process.evidence import MIN_LENGTH, PLACEHOLDERS, evidence_counts
from sales_process.model import Milestone
from sales_process.vocabulary import Status

# --- the SQL side: expressions over named operands ------------------------------------------------


@dataclass(frozen=True, slots=True)
class Operand:
    """A value the SQL reads by name; verdict_sql says which column or number it is."""

    name: str


@dataclass(frozen=True, slots=True)
class Number:
    """A whole number written into the SQL."""

    value: int


@dataclass(frozen=True, slots=True)
class Length:
    """The length of a text, in characters."""

    text: Expression


@dataclass(frozen=True, slots=True)
class DaysBetween:
    """The whole days from `earlier` to `later`."""

    later: Expression
    earlier: Expression


@dataclass(frozen=True, slots=True)
class IsNull:
    """True when the value is missing."""

    value: Expression


@dataclass(frozen=True, slots=True)
class Not:
    """The condition negated."""

    condition: Expression


@dataclass(frozen=True, slots=True)
class And:
    """Every condition holds."""

    conditions: tuple[Expression, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """Some condition holds."""

    conditions: tuple[Expression, ...]


@dataclass(frozen=True, slots=True)
class Compare:
    """`left <operator> right`, for the operators every dialect spells alike."""

    left: Expression
    operator: str
    right: Expression


@dataclass(frozen=True, slots=True)
class In:
    """True when the text is one of the words."""

    text: Expression
    words: frozenset[str]


@dataclass(frozen=True, slots=True)
class Always:
    """The condition that always holds."""


Expression = Operand | Number | Length | DaysBetween | IsNull | Not | And | Or | Compare | In | Always

# What a milestone's status is read from, per row: the answer as true/false (NULL: unanswered), its date
# (the buyer's when a buyer answered), its evidence as evidence_counts compares it (normalised), whether
# a buyer answered (NULL: no buyer; false: a buyer cell the audit refuses; absent without a buyer column),
# the assessment date, and the milestone's max_age_days.
MET, DATE, EVIDENCE, BY_BUYER, AS_OF, MAX_AGE_DAYS = (
    Operand(name) for name in ("met", "date", "evidence", "by_buyer", "as_of", "max_age_days")
)
OPERANDS = frozenset({MET.name, DATE.name, EVIDENCE.name, BY_BUYER.name, AS_OF.name, MAX_AGE_DAYS.name})
ALWAYS = Always()
LACKS_EVIDENCE = Or((IsNull(EVIDENCE), Compare(Length(EVIDENCE), "<", Number(MIN_LENGTH)), In(EVIDENCE, PLACEHOLDERS)))


# --- the table ------------------------------------------------------------------------------------

# What a Python condition reads: the milestone; the answer (None: unanswered); `buyer`, the buyer's answer
# through a confirmation link (None: the answer is the rep's); `date`, the day the outcome is dated (the
# buyer's when they answered); and the assessment date.
CONDITION_NAMES = ("milestone", "answer", "buyer", "date", "as_of")
_PROLOGUE = (
    "buyer = None if answer is None else answer.buyer",
    "date = None if answer is None else answer.date if buyer is None else buyer.date",
)
_GLOBALS = {"__name__": __name__, "evidence_counts": evidence_counts}  # __name__: the functions' module
StatusFunction = Callable[[Milestone, Answer | None, dt.date], Status]


@dataclass(frozen=True)
class StatusRule:
    """One status rule: its status, the milestones it applies to, and the rule in Python and in SQL.

    `applies` is a Python condition on `milestone` ("True": every milestone); `holds` a condition on
    CONDITION_NAMES, asked only when the rules before it did not hold. `turns_on`, for a rule that
    depends on the as-of date: given the outcome's date, the first as-of day on which the rule holds
    when it did not the day before, or no longer holds when it did; None when that day would be after
    the calendar's last (dt.date.max): within the dates there are, the rule never turns.
    """

    status: Status
    applies: str
    holds: str
    sql: Expression
    turns_on: Callable[[Milestone, dt.date], dt.date | None] | None = None
    _applies: Callable[[Milestone], bool] = field(init=False, repr=False, compare=False)
    _holds: Callable[[Milestone, Answer | None, dt.date], bool] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_applies", _compiled("applies", ("milestone",), self.applies))
        object.__setattr__(self, "_holds", _compiled("holds", ("milestone", "answer", "as_of"), self.holds))

    def applies_to(self, milestone: Milestone) -> bool:
        """Whether the rule is one of the milestone's."""
        return self._applies(milestone)

    def holds_for(self, milestone: Milestone, answer: Answer | None, as_of: dt.date) -> bool:
        """Whether the rule holds, given that the rules before it do not."""
        return self._holds(milestone, answer, as_of)


def _compiled(name: str, parameters: tuple[str, ...], condition: str) -> Callable[..., bool]:
    """A function of `parameters` (with the names of CONDITION_NAMES they give) returning the condition."""
    prologue = _PROLOGUE if "answer" in parameters else ()
    return cast(Callable[..., bool], _function(name, parameters, [*prologue, f"return {condition}"]))


def _function(name: str, parameters: tuple[str, ...], body: list[str], **scope: object) -> object:
    """A function compiled from its lines of Python, which may call evidence_counts and read `scope`."""
    lines = [f"def {name}({', '.join(parameters)}):", *(f"    {line}" for line in body)]
    namespace: dict[str, object] = {}
    exec(compile("\n".join(lines), f"<status rules: {name}>", "exec"), {**_GLOBALS, **scope}, namespace)
    return namespace[name]


def _no_longer_future(milestone: Milestone, date: dt.date) -> dt.date:
    return date


def _stale_from(milestone: Milestone, date: dt.date) -> dt.date | None:
    """The day after max_age_days from `date`; None when it is past dt.date.max (an outcome dated 9999-12-31,
    which the forms take as any date): such an outcome never goes stale, as the status rule says on every day."""
    days = (milestone.max_age_days or 0) + 1
    return None if (dt.date.max - date).days < days else date + dt.timedelta(days=days)


EVERY = "True"
STATUS_RULES: tuple[StatusRule, ...] = (
    StatusRule(Status.UNANSWERED, EVERY, "answer is None", Or((IsNull(MET), Not(BY_BUYER)))),
    # The buyer's "not quite" outweighs the rep's "yes".
    StatusRule(Status.NOT_MET, EVERY, "not answer.met or (buyer is not None and not buyer.agreed)", Not(MET)),
    # The rep's answer needs evidence, and the buyer's word where confirmation is required; the buyer's "yes" is both.
    StatusRule(
        Status.NO_EVIDENCE,
        "milestone.evidence_required",
        "buyer is None and not evidence_counts(answer.evidence)",
        And((IsNull(BY_BUYER), LACKS_EVIDENCE)),
    ),
    StatusRule(Status.AWAITING_BUYER, "milestone.buyer_confirms", "buyer is None", IsNull(BY_BUYER)),
    StatusRule(
        Status.FUTURE_DATE, EVERY, "date is not None and date > as_of", Compare(DATE, ">", AS_OF), _no_longer_future
    ),
    StatusRule(Status.UNDATED, "milestone.max_age_days is not None", "date is None", IsNull(DATE)),
    StatusRule(
        Status.STALE,
        "milestone.max_age_days is not None",
        "(as_of - date).days > milestone.max_age_days",
        Compare(DaysBetween(AS_OF, DATE), ">", MAX_AGE_DAYS),
        _stale_from,
    ),
    StatusRule(Status.VERIFIED, EVERY, "True", ALWAYS),
)


def _status_function(rules: tuple[StatusRule, ...]) -> StatusFunction:
    """The rules as one function: each row an `if`, in order (see the module's docstring for why)."""
    body = list(_PROLOGUE)
    for index, rule in enumerate(rules):
        condition = rule.holds if rule.applies == EVERY else f"({rule.applies}) and ({rule.holds})"
        body += [f"if {condition}:", f"    return STATUSES[{index}]"]
    body.append("raise AssertionError('the last status rule holds always')")
    statuses = tuple(rule.status for rule in rules)
    return cast(StatusFunction, _function("status_of", ("milestone", "answer", "as_of"), body, STATUSES=statuses))


status_of = _status_function(STATUS_RULES)
status_of.__doc__ = "Apply the status rules to one answer: the status of the first rule that applies and holds."
answered_on = cast(Callable[[Answer | None], dt.date | None], _compiled("answered_on", ("answer",), "date"))
answered_on.__doc__ = "The day the outcome is dated: the buyer's answer is dated the day they gave it."


def rules_for(milestone: Milestone) -> tuple[StatusRule, ...]:
    """The rules that apply to the milestone, in order."""
    return tuple(rule for rule in STATUS_RULES if rule.applies_to(milestone))


def _changes_function(rules: tuple[StatusRule, ...]) -> Callable[[Milestone, Answer | None, dt.date], list[dt.date]]:
    """The turning days as one function, compiled from the rules as status_of is: the stored verdict's window
    asks it of every milestone of every saved deal (/pipeline re-assessed), where picking each milestone's rules
    with a call per rule took half the time."""
    body = [*_PROLOGUE, "days = []"]
    for index, rule in enumerate(rules):
        body.append(f"if {rule.applies}:")
        if rule.turns_on is not None:
            body += [
                "    if date is not None:",
                f"        turn = TURNS[{index}](milestone, date)",
                "        if turn is not None:",
                "            days.append(turn)",
            ]
        else:
            body += [f"    if {rule.holds}:", "        return days"]
    body.append("return days")
    turns = tuple(rule.turns_on for rule in rules)
    return cast(
        Callable[[Milestone, Answer | None, dt.date], list[dt.date]],
        _function("status_changes", ("milestone", "answer", "as_of"), body, TURNS=turns),
    )


status_changes = _changes_function(STATUS_RULES)
status_changes.__doc__ = """The as-of days on which the milestone's status may change: the turning days of the rules that
depend on the date, up to the first rule that holds whatever the date."""


def turning_day(status: Status, milestone: Milestone, answer: Answer | None) -> dt.date | None:
    """The as-of day on which the rule of `status` turns for this answer; None when the rule is not the
    milestone's, does not depend on the date, the outcome has no date, or the day is past the calendar's last."""
    date = answered_on(answer)
    for rule in rules_for(milestone):
        if rule.status is status and rule.turns_on is not None and date is not None:
            return rule.turns_on(milestone, date)
    return None
