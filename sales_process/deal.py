"""A deal's answers to the CVO questions: the input of the assessment engine.

The same shape is read from a deal file, the JSON API and (row by row) the audit.
Every problem is collected and raised at once; nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from sales_process.model import Process
from sales_process.problems import InvalidInput, Loc, Problem
from sales_process.requirement import misspelt_segment, process_segments
from sales_process.suggest import did_you_mean
from sales_process.text import text_problem
from sales_process.vocabulary import (
    TRUE_FALSE_HINT,
    Money,
    given_currency,
    parse_currency,
    parse_date,
    parse_iso_date,
    parse_money,
    parse_yes_no,
    unlisted_currency,
)
from sales_process.wording import UnknownKeys, described, kind_of, object_with_keys, quoted

__all__ = [
    "ANSWER_KEYS",
    "BUYER_KEYS",
    "CURRENCY_KEY",
    "DEAL_KEYS",
    "Answer",
    "BuyerAnswer",
    "Deal",
    "parse_deal",
    "parse_iso_date",
]

DEAL_KEYS = ("deal", "claimed_stage", "amount", "segment", "as_of", "milestones")
MAX_SEGMENT = 100  # a segment names a kind of deal (Enterprise, SMB), as the records keep it
# Keys people write for a deal's keys in other words (a CRM's, plain English), with the key to write.
_STAGE_KEY = "the stage the CRM gives the deal goes in 'claimed_stage'"
DEAL_KEY_WORDS = {
    **dict.fromkeys(("name", "deal_name", "title"), "the deal's name goes in 'deal'"),
    **dict.fromkeys(("stage", "crm_stage", "current_stage", "stage_id"), _STAGE_KEY),
    **dict.fromkeys(
        ("answers", "cvos", "outcomes", "evidence"),
        "the answers go in 'milestones': {milestone id: {met, evidence, date}}",
    ),
    **dict.fromkeys(("date", "today", "assessed_on", "as_at"), "the day to assess the deal on goes in 'as_of'"),
    **dict.fromkeys(("value", "deal_value", "size"), "the deal's value goes in 'amount'"),
}
CURRENCY_KEY = "currency"  # allowed where the deal is saved (the deals API): a check keeps the amount's currency
# What a saved deal's check may not say, and what to do instead: it is recorded today, under the deal's name
# (which PATCH /api/deals/{id} changes).
_CHECKED_TODAY = (
    "a check is recorded as of today; to read the verdict on another day, GET /api/deals/{id}?as_of=YYYY-MM-DD, "
    "or POST /api/assess with 'as_of'; leave it out"
)
_NAMED_ONCE = (
    'a check does not rename the deal: rename it with PATCH /api/deals/{id} {"name": "…"}; leave it out of the check'
)
NOT_IN_A_CHECK = {
    "as_of": _CHECKED_TODAY,
    "deal": _NAMED_ONCE,
    **dict.fromkeys(("date", "today", "assessed_on", "as_at"), _CHECKED_TODAY),
    **dict.fromkeys(("name", "deal_name", "title"), _NAMED_ONCE),
}
SAVED_CHECK_KEYS = (*(key for key in DEAL_KEYS if key not in NOT_IN_A_CHECK), CURRENCY_KEY)
ANSWER_KEYS = ("met", "evidence", "date")
# One limit for every door (form, API, import): evidence names a record, it is not the record.
MAX_EVIDENCE = 2000
# Keys a rep might type to claim the buyer's confirmation: only the link can record it.
BUYER_KEYS = ("buyer", "confirmed_by", "confirmed", "buyer_confirmed", "confirmation", "confirmed_by_buyer")


@dataclass(frozen=True)
class BuyerAnswer:
    """What the buyer answered through a confirmation link; only a stored confirmation makes one.

    Deal files, the form and the API cannot express it: a rep must not be able to type
    "the buyer confirmed".
    """

    name: str
    email: str
    date: dt.date  # the day the buyer answered (UTC): `max_age_days` counts from it
    agreed: bool  # "Yes, this is right" (True) or "Not quite" (False)
    comment: str | None = None

    @property
    def evidence(self) -> str:
        """The evidence a "yes" stands for, as the verdict shows it."""
        return f"Confirmed by {self.name} ({self.email}) on {self.date.isoformat()} through a confirmation link"

    def as_answer(self) -> Answer:
        """The milestone's answer on the deal: met and dated by a "yes", not met by a "not quite"."""
        if self.agreed:
            return Answer(met=True, evidence=self.evidence, date=self.date, buyer=self)
        return Answer(met=False, evidence=self.comment, date=self.date, buyer=self)


@dataclass(frozen=True)
class Answer:
    """A rep's answer to one milestone question, or the buyer's (then `buyer` is set)."""

    met: bool
    evidence: str | None = None
    date: dt.date | None = None
    buyer: BuyerAnswer | None = None

    @property
    def buyer_confirmed(self) -> bool:
        """Whether the buyer confirmed this outcome through a confirmation link."""
        return self.buyer is not None and self.buyer.agreed

    @property
    def buyer_declined(self) -> bool:
        """Whether the buyer answered "Not quite" to this outcome through a confirmation link."""
        return self.buyer is not None and not self.buyer.agreed


@dataclass(frozen=True)
class Deal:
    """A deal as the engine sees it; `answers` maps milestone id to the answer."""

    name: str | None = None
    claimed_stage: str | None = None
    amount: float | None = None
    as_of: dt.date | None = None
    answers: Mapping[str, Answer] = field(default_factory=dict)
    currency: str | None = None  # the amount's currency (an ISO code) when it was written with one
    segment: str | None = None  # the deal's segment (Enterprise, SMB …): which `required_when.segment` milestones apply


def parse_deal(data: object, process: Process, *, currency_key: bool = False) -> Deal:
    """Validate raw deal data against the process; raise InvalidInput listing every problem.

    The amount's currency is read from its text ("EUR 80,000"); with `currency_key` (a check of
    a saved deal) a `currency` key may give it too (it must agree with the amount's; without an
    amount it is the currency of the deal's amount), and `as_of` and `deal` are refused: a check
    is recorded today, under the saved deal's name.
    """
    keys, meant = (
        (SAVED_CHECK_KEYS, {**DEAL_KEY_WORDS, **NOT_IN_A_CHECK}) if currency_key else (DEAL_KEYS, DEAL_KEY_WORDS)
    )
    data, problems = object_with_keys(data, "a deal", keys, meant)
    name = _optional_text(data, "deal", problems)
    claimed = _claimed_stage(data.get("claimed_stage"), process, problems)
    # The currency key says which currency an amount in kr is in; amount_currency words a bad one.
    amount = _amount(data.get("amount"), problems, given_currency(data.get(CURRENCY_KEY)) if currency_key else None)
    currency = amount_currency(data, amount, problems) if currency_key else (amount.currency if amount else None)
    if currency is not None and (unlisted := unlisted_currency(currency)):
        key = CURRENCY_KEY if currency_key and data.get(CURRENCY_KEY) else "amount"
        problems.append(Problem((key,), f"'{key}': {unlisted}"))
    segment = parse_segment(data.get("segment"), problems)
    if segment is not None:
        _segment_typo(segment, process, problems)
    as_of = _optional_date(data.get("as_of"), ("as_of",), problems)
    answers = _answers(data.get("milestones"), process, problems)
    if problems:
        raise InvalidInput(problems)
    return Deal(
        name=name,
        claimed_stage=claimed,
        amount=amount.value if amount else None,
        as_of=as_of,
        answers=answers,
        currency=currency,
        segment=segment,
    )


def parse_segment(value: object, problems: list[Problem], loc: Loc = ("segment",)) -> str | None:
    """A deal's segment: one line of text (blank: none), at most MAX_SEGMENT characters."""
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(Problem(loc, f"'segment' must be text such as \"Enterprise\", got {kind_of(value)}"))
        return None
    text = unicode_text(value, loc, problems)
    if text is None or not text.strip():
        return None
    if len(text.strip()) > MAX_SEGMENT:
        problems.append(Problem(loc, f"'segment' is {len(text.strip())} characters long; at most {MAX_SEGMENT}"))
        return None
    return text.strip()


def _segment_typo(segment: str, process: Process, problems: list[Problem]) -> None:
    """A segment one or two letters from one the process names ('Enterprse'): a typo that would silently leave out
    that segment's milestones. A segment the process does not name at all (SMB) is a deal's own and fine."""
    named = process_segments(process.milestones())
    meant = misspelt_segment(segment, named)
    if meant is not None:
        problems.append(
            Problem(
                ("segment",),
                f"'segment' {quoted(segment)} is not a segment the process names; did you mean {quoted(meant)}? "
                f"(a segment it does not name is fine: its deals need none of the milestones required only in "
                f"{' or '.join(quoted(name) for name in named)})",
            )
        )


def evidence_problems(deal: Deal) -> list[Problem]:
    """The free-text rule and the evidence limit applied to the evidence of a deal built by another reader
    (a CRM row), so an import refuses what the form and the API refuse (its name and CRM id go through
    the create request's own rule)."""
    problems: list[Problem] = []
    for milestone_id, answer in deal.answers.items():
        loc = ("milestones", milestone_id, "evidence")
        if answer.evidence is not None and answer.buyer is None:
            unicode_text(answer.evidence, loc, problems, single_line=False)
            if len(answer.evidence) > MAX_EVIDENCE:
                problems.append(
                    Problem(loc, f"'evidence' is {len(answer.evidence)} characters long; at most {MAX_EVIDENCE}")
                )
    return problems


def amount_currency(data: Mapping[str, object], amount: Money | None, problems: list[Problem]) -> str | None:
    """The currency of an amount: written with it ("EUR 80,000") or in the `currency` key; they must agree."""
    try:
        given = parse_currency(data.get(CURRENCY_KEY))
    except ValueError as error:
        problems.append(Problem((CURRENCY_KEY,), f"'{CURRENCY_KEY}': {error}"))
        return None
    if given is None:
        return amount.currency if amount else None
    if amount is not None and amount.currency is not None and amount.currency != given:
        problems.append(
            Problem(
                (CURRENCY_KEY,),
                f"'{CURRENCY_KEY}' is {given} but 'amount' {data['amount']!r} is written in "
                f"{amount.currency}; correct one of them, or leave 'currency' out",
            )
        )
        return None
    return given


def _optional_text(data: Mapping[str, object], key: str, problems: list[Problem]) -> str | None:
    value = data.get(key)
    if isinstance(value, str):
        return unicode_text(value, (key,), problems)
    if value is None:
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    problems.append(Problem((key,), f"'{key}' must be text, got {kind_of(value)}"))
    return None


def unicode_text(value: str, loc: Loc, problems: list[Problem], *, single_line: bool = True) -> str | None:
    """The text, or None and a problem when it breaks the free-text rule (sales_process.text)."""
    problem = text_problem(value, single_line=single_line)
    if problem is None:
        return value
    problems.append(Problem(loc, f"'{loc[-1]}' {problem}"))
    return None


def _claimed_stage(value: object, process: Process, problems: list[Problem]) -> str | None:
    if value is not None and not isinstance(value, str):
        ids = ", ".join(stage.id for stage in process.stages)
        problems.append(
            Problem(
                ("claimed_stage",), f"'claimed_stage' must be a stage's id or name (one of {ids}), got {kind_of(value)}"
            )
        )
        return None
    try:
        return process.stage_lookup.find(value)
    except ValueError as error:
        problems.append(Problem(("claimed_stage",), str(error)))
        return None


def _amount(value: object, problems: list[Problem], currency: str | None = None) -> Money | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str, type(None))):
        problems.append(Problem(("amount",), f"'amount' must be a number, got {described(value)}"))
        return None
    try:
        money = parse_money(value, column_currency=currency)
    except ValueError as error:
        problems.append(Problem(("amount",), f"'amount': {error}"))
        return None
    return money


def _optional_date(value: object, loc: Loc, problems: list[Problem]) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as error:
        problems.append(Problem(loc, f"'{loc[-1]}': {error}"))
        return None


def _answers(value: object, process: Process, problems: list[Problem]) -> dict[str, Answer]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.append(
            Problem(
                ("milestones",),
                f"'milestones' must be an object mapping milestone ids to answers, got {kind_of(value)}",
            )
        )
        return {}
    known = list(process.milestone_ids)
    renamed = process.renamed_milestones
    answers: dict[str, Answer] = {}
    unknown = UnknownKeys(
        ("milestones",), "'milestones'", f"keep only the process's {len(known)} milestone ids", problems
    )
    for given_id, raw in value.items():
        loc: Loc = ("milestones", str(given_id))
        # A deal file or request written before a milestone was renamed names it by its old id (renamed_from).
        milestone_id = renamed.get(given_id, given_id) if isinstance(given_id, str) else given_id
        if milestone_id not in process.milestone_ids:
            if unknown.named():
                problems.append(
                    Problem(loc, f"unknown milestone '{given_id}'{did_you_mean(str(given_id), known)}", at_key=True)
                )
            continue
        if milestone_id != given_id and milestone_id in value:
            problems.append(
                Problem(
                    loc,
                    f"'{given_id}' is the old id of milestone '{milestone_id}', which is answered too: keep one of them",
                    at_key=True,
                )
            )
            continue
        answer = _answer(raw, loc, problems)
        if answer is not None:
            answers[str(milestone_id)] = answer
    unknown.close()
    return answers


def _answer(raw: object, loc: Loc, problems: list[Problem]) -> Answer | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        return Answer(met=raw)
    if not isinstance(raw, Mapping):
        problems.append(
            Problem(
                loc,
                f"the answer to '{loc[-1]}' must be true, false or an object {{met, evidence, date}}, got {kind_of(raw)}",
            )
        )
        return None
    before = len(problems)
    unknown = UnknownKeys(loc, f"the answer to '{loc[-1]}'", "allowed: met, evidence, date", problems)
    for key in raw:
        if key in BUYER_KEYS:
            problems.append(
                Problem(
                    (*loc, str(key)),
                    f"'{key}' cannot be set here: only the buyer can confirm an outcome, through a confirmation link the rep sends from the saved deal; give the rep's answer with 'met', 'evidence' and 'date'",
                    at_key=True,
                )
            )
        elif key not in ANSWER_KEYS and unknown.named():
            problems.append(
                Problem(
                    (*loc, str(key)),
                    f"unknown key '{key}'{did_you_mean(str(key), ANSWER_KEYS)} (allowed: met, evidence, date)",
                    at_key=True,
                )
            )
    unknown.close()
    met = _met(raw, loc, problems)
    evidence = raw.get("evidence")
    if isinstance(evidence, str):
        unicode_text(evidence, (*loc, "evidence"), problems, single_line=False)
        if len(evidence) > MAX_EVIDENCE:
            problems.append(
                Problem(
                    (*loc, "evidence"),
                    f"'evidence' is {len(evidence)} characters long; at most {MAX_EVIDENCE}: link to the record instead of pasting it",
                )
            )
    elif evidence is not None:
        problems.append(Problem((*loc, "evidence"), f"'evidence' must be text, got {kind_of(evidence)}"))
    date = _optional_date(raw.get("date"), (*loc, "date"), problems)
    if len(problems) > before:
        return None
    return Answer(met=bool(met), evidence=evidence if isinstance(evidence, str) else None, date=date)


def _one_or_zero(value: object) -> bool | None:
    """1 or 0 as a number (as a spreadsheet or a script writes a tick) as yes or no; None for any other value."""
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    return None


def _met(raw: Mapping[str, object], loc: Loc, problems: list[Problem]) -> bool | None:
    """The answer's 'met': true/false, or a yes/no word as a form or a CRM writes it."""
    if "met" not in raw:
        problems.append(Problem(loc, f"the answer to '{loc[-1]}' needs 'met': true or false"))
        return None
    value = raw["met"]
    # null in place of the whole answer leaves a milestone unanswered (as leaving it out does); 'met' itself is
    # the rep's answer, true or false: a blank or null one is refused, with the way to leave it unanswered.
    unanswered = f"to leave '{loc[-1]}' unanswered, give it null in place of the whole answer, or leave it out"
    try:
        met = parse_yes_no(value, TRUE_FALSE_HINT) if isinstance(value, (bool, str)) else _one_or_zero(value)
    except ValueError as error:
        problems.append(Problem((*loc, "met"), f"'met': {error}; {unanswered}"))
        return None
    if met is None:
        problems.append(Problem((*loc, "met"), f"'met' must be true or false, got {described(value)}; {unanswered}"))
    return met
