"""A milestone's status in SQL: the CASE of sales_process.status_rules' rows, spelled in one dialect.

Each row's expression is over named operands; here they become the milestone's columns of the
`readings` step. A milestone without a buyer column has no `by_buyer`: it is NULL on every row,
and the expression is simplified accordingly (the rep's answer is all there is), so the CASE
names only columns that exist.
"""

from __future__ import annotations

from collections.abc import Mapping

from sales_process.model import Milestone
from sales_process.status_rules import (
    AS_OF,
    BY_BUYER,
    DATE,
    EVIDENCE,
    MAX_AGE_DAYS,
    MET,
    STATUS_RULES,
    Always,
    And,
    Compare,
    DaysBetween,
    Expression,
    In,
    IsNull,
    Length,
    Not,
    Number,
    Operand,
    Or,
)
from verdict_sql.writer import Writer

# An expression as far as it is known: SQL text, a truth value, or None for a NULL on every row.
Spelled = str | bool | None


def status_cases(w: Writer, milestone: Milestone, with_buyer: bool) -> list[str]:
    """The CASE's lines for the milestone, in the rules' order: `WHEN … THEN 'status'`, and the `ELSE`."""
    operands = _operands(w, milestone, with_buyer)
    cases = []
    for rule in STATUS_RULES:
        if not rule.applies_to(milestone):
            continue
        if isinstance(rule.sql, Always):
            cases.append(f"ELSE {w.s(rule.status)}")
            break
        condition = _condition(w, rule.sql, operands)
        if condition is not False:  # a rule that cannot hold for this milestone has no WHEN
            cases.append(f"WHEN {_text(condition)} THEN {w.s(rule.status)}")
    return cases


def _operands(w: Writer, milestone: Milestone, with_buyer: bool) -> dict[str, str | None]:
    """The SQL of each operand for this milestone; None: NULL on every row."""
    column = milestone.id + "__"
    return {
        MET.name: w.q(column + "met"),
        DATE.name: w.q(column + "date"),
        EVIDENCE.name: w.q(column + "normalised"),
        BY_BUYER.name: w.q(column + "by_buyer") if with_buyer else None,
        AS_OF.name: w.q("as_of"),
        MAX_AGE_DAYS.name: None if milestone.max_age_days is None else str(milestone.max_age_days),
    }


def _condition(w: Writer, expression: Expression, operands: Mapping[str, str | None]) -> str | bool:
    """A WHEN's condition, where a NULL reads as false: known values folded away."""
    return _truth(_spell(w, expression, operands, positive=True), positive=True)


def _truth(value: Spelled, positive: bool) -> str | bool:
    """A condition as a WHEN reads it: NULL does not hold, so under an even number of NOTs it is false
    and under an odd number true (NOT NULL is NULL, which does not hold either)."""
    return (not positive) if value is None else value


def _spell(w: Writer, expression: Expression, operands: Mapping[str, str | None], positive: bool) -> Spelled:
    """The expression in SQL, or its value when known; `positive`: under an even number of NOTs."""
    match expression:
        case Operand(name):
            return operands[name]
        case Number(value):
            return str(value)
        case Length(text):
            spelled = _spell(w, text, operands, positive)
            return None if spelled is None else f"LENGTH({spelled})"
        case DaysBetween(later, earlier):
            first, second = _spell(w, later, operands, positive), _spell(w, earlier, operands, positive)
            return None if first is None or second is None else w.dialect.days_between.format(first, second)
        case IsNull(value):
            spelled = _spell(w, value, operands, positive)
            return spelled is None or (f"{spelled} IS NULL" if isinstance(spelled, str) else False)
        case Not(condition):
            spelled = _spell(w, condition, operands, not positive)
            if isinstance(spelled, str):
                return f"NOT {_grouped(condition, spelled)}"
            return None if spelled is None else not spelled
        case And(conditions) | Or(conditions):
            return _joined(w, expression, conditions, operands, positive)
        case Compare(left, operator, right):
            first, second = _spell(w, left, operands, positive), _spell(w, right, operands, positive)
            return None if first is None or second is None else f"{first} {operator} {second}"
        case In(text, words):
            spelled = _spell(w, text, operands, positive)
            if spelled is None:
                return None
            assert isinstance(spelled, str), "IN's operand is a text, never a known truth value"
            return w.one_of(spelled, words)
        case Always():
            return True
    raise TypeError(f"not a status rule expression: {expression!r}")


def _joined(
    w: Writer,
    expression: And | Or,
    conditions: tuple[Expression, ...],
    operands: Mapping[str, str | None],
    positive: bool,
) -> Spelled:
    """AND or OR of the conditions, without the ones that are known (or the whole, when one decides it)."""
    deciding = isinstance(expression, Or)  # a true part decides an OR; a false one an AND
    parts: list[tuple[Expression, str]] = []
    for condition in conditions:
        spelled = _truth(_spell(w, condition, operands, positive), positive)
        if isinstance(spelled, bool):
            if spelled is deciding:
                return deciding
            continue
        parts.append((condition, spelled))
    if len(parts) == 1:
        return parts[0][1]
    if not parts:
        return not deciding
    if deciding:
        return " OR ".join(spelled for _, spelled in parts)
    return " AND ".join(_grouped(condition, spelled) for condition, spelled in parts)


def _grouped(condition: Expression, spelled: str) -> str:
    """An AND or OR inside another operator, in parentheses."""
    return f"({spelled})" if isinstance(condition, And | Or) else spelled


def _text(condition: str | bool) -> str:
    return condition if isinstance(condition, str) else str(condition).upper()
