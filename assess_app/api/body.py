"""Reading the API's request body: JSON only, every failure told in plain words."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from sales_process.problems import InvalidInput, Problem
from sales_process.vocabulary import DateTimeError, parse_day, shown
from sales_process.wording import UNKNOWN_KEYS_NAMED

# Where a body of the API holds a day: a deal's as_of and an outcome's date, and each answer's date.
_DAY_KEYS = ("as_of", "date")
ISO_DAY_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # the only way the API reads a day (fullmatch: no line break after)
_ISO_DAY = re.compile(ISO_DAY_PATTERN)
T = TypeVar("T")
TOO_DEEP = "the JSON is nested too deeply; a deal is at most three levels deep"


class BadBody(Exception):
    """The body cannot be read as JSON; `message` says why and how to fix it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _integer(text: str) -> int | float:
    # Integers too long for a float become infinity, which the deal check refuses
    # by name, instead of overflowing later.
    return int(text) if len(text) <= 300 else float(text)


def _no_constant(name: str) -> float:
    raise BadBody(f"{name} is not a JSON number; write a number such as 120000")


DEAL_EXAMPLE = 'a deal object such as {"claimed_stage": "proposing", "milestones": {}}'


def read_json(raw: bytes, example: str = DEAL_EXAMPLE) -> Body:
    """Parse the body; raise BadBody for empty, non-UTF-8, malformed or too deeply nested JSON. A key given twice in
    one object and a day not written YYYY-MM-DD are kept in the answer's problems, told with the body's other
    problems by `Body.parsed`. An empty body is told `example`, the endpoint's own body."""
    data = _parsed(raw, example)
    try:
        problems = (*duplicate_key_problems(data), *day_problems(data))
    except RecursionError:
        raise BadBody(TOO_DEEP) from None
    return Body(data, problems)


@dataclass(frozen=True)
class Body:
    """A JSON body as read, with the problems found reading it (keys given twice, days not written YYYY-MM-DD)."""

    data: object
    problems: tuple[Problem, ...] = ()

    def parsed(self, parse: Callable[[object], T]) -> T:
        """`parse(data)`; raise InvalidInput listing every problem of the body in one: those found reading it, then
        the parser's (at a place reading it told, only reading's words: a day it refused the parser may not)."""
        try:
            result = parse(self.data)
        except InvalidInput as invalid:
            told = {problem.loc for problem in self.problems}
            raise InvalidInput(
                [*self.problems, *(problem for problem in invalid.problems if problem.loc not in told)]
            ) from None
        if self.problems:
            raise InvalidInput(list(self.problems))
        return result


class _Object(dict[str, object]):
    """A JSON object as parsed, with the keys it gave more than once (JSON keeps the last silently)."""

    twice: tuple[str, ...] = ()


def _object(pairs: list[tuple[str, object]]) -> _Object:
    parsed = _Object(pairs)
    if len(parsed) < len(pairs):
        # Counted once for all keys: counting each key's copies was quadratic (10,000 keys: 2.5 s).
        counts = Counter(key for key, _ in pairs)
        parsed.twice = tuple(key for key, count in counts.items() if count > 1)
    return parsed


def duplicate_key_problems(data: object, loc: tuple[str, ...] = ()) -> list[Problem]:
    """A problem for each key an object of the body gives twice, where it is: which value was meant is unknown."""
    problems: list[Problem] = []
    if isinstance(data, _Object):
        problems += [
            Problem((*loc, key), f"'{key}' is given twice in the same object; give it once", at_key=True)
            for key in data.twice
        ]
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        problems += duplicate_key_problems(value, (*loc, str(key)))
    return problems


def day_problems(data: object) -> list[Problem]:
    """A problem for each day of the body (as_of, an outcome's date, an answer's date) not written YYYY-MM-DD.

    The API reads no other way of writing a day: a client writing 23/11/2026 would pass late in the month and be
    refused as ambiguous from the 1st to the 12th. A date and time is refused too: its day would depend on a time
    zone. (A CSV export's dates are read in many ways by the audit, and a form's as the audit reads them.)
    """
    if not isinstance(data, Mapping):
        return []
    found: list[tuple[tuple[str, ...], object]] = [((key,), data[key]) for key in _DAY_KEYS if key in data]
    answers = data.get("milestones")
    if isinstance(answers, Mapping):
        for milestone_id, answer in answers.items():
            if isinstance(answer, Mapping) and "date" in answer:
                found.append((("milestones", str(milestone_id), "date"), answer["date"]))
    # As for unknown keys, the first few are named (reading a day another way costs 20 µs: a body of 38,000 of them
    # took 0.65 s and answered 5 MB); the rest are counted by the pattern alone.
    problems: list[Problem] = []
    more = 0
    for loc, value in found:
        if len(problems) < UNKNOWN_KEYS_NAMED:
            problem = _day_problem(loc, value)
            problems += [problem] if problem is not None else []
        elif isinstance(value, str) and value.strip() and not _ISO_DAY.fullmatch(value):
            more += 1
    if more:
        problems.append(
            Problem(
                ("milestones",),
                f"{more:,} more answers' dates are not written YYYY-MM-DD, the only way the API reads a day, besides "
                f"the {UNKNOWN_KEYS_NAMED} named; write each as YYYY-MM-DD, e.g. 2026-03-01",
            )
        )
    return problems


def _day_problem(loc: tuple[str, ...], value: object) -> Problem | None:
    error = day_error(value)
    return Problem(loc, f"'{loc[-1]}': {error}") if error is not None else None


def day_error(value: object) -> ValueError | None:
    """Why a day asked for (in the body, or the query's as_of) is not a YYYY-MM-DD calendar day, with the day to write
    when the text names one (None: it is one, or it is blank or no text, whose mistake the field's own reader words)."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        day = parse_day(value)
    except ValueError as error:
        return error if _ISO_DAY.fullmatch(value) or isinstance(error, DateTimeError) else _not_iso(value, None)
    if _ISO_DAY.fullmatch(value):
        return None
    return _not_iso(value, day)


def _not_iso(value: str, day: dt.date | None) -> ValueError:
    if _ISO_DAY.fullmatch(value.strip()):
        return ValueError(f"{value!r} has spaces around the date; write it as {value.strip()}")
    fix = day.isoformat() if day is not None else "YYYY-MM-DD, e.g. 2026-03-01"
    return ValueError(f"{shown(value)} is not written YYYY-MM-DD, the only way the API reads a day; write it as {fix}")


def _parsed(raw: bytes, example: str) -> object:
    if not raw.strip():
        raise BadBody(f"the body is empty; send {example}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadBody(f"the body is not UTF-8 text (byte {error.start}); send JSON encoded as UTF-8") from None
    try:
        return json.loads(text, parse_int=_integer, parse_constant=_no_constant, object_pairs_hook=_object)
    except json.JSONDecodeError as error:
        raise BadBody(f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    except RecursionError:
        raise BadBody(TOO_DEEP) from None
    except ValueError as error:
        raise BadBody(f"the JSON cannot be read: {error}") from None


def encoding_refused(encoding: str | None) -> str | None:
    """Why a body sent with this Content-Encoding is not read (None: it is sent as it is)."""
    if encoding is None or encoding.strip().lower() in ("", "identity"):
        return None
    return (
        f"the body is compressed (Content-Encoding: {encoding.strip()}), and the API reads request bodies "
        "uncompressed only; send the JSON as it is, without Content-Encoding"
    )


def dump_json(data: object) -> str:
    """JSON exactly as `playbook assess --json` prints it (text a client sent may hold lone surrogates)."""
    # allow_nan=False: Infinity and NaN are not JSON; failing loudly beats answering what clients cannot parse.
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, allow_nan=False)
    return text
