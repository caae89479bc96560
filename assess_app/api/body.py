"""Reading the API's request body: JSON only, every failure told in plain words."""

from __future__ import annotations

import json


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


def read_json(raw: bytes) -> object:
    """Parse the body; raise BadBody for empty, non-UTF-8, malformed or too deeply nested JSON."""
    if not raw.strip():
        raise BadBody('the body is empty; send a deal object such as {"claimed_stage": "proposing", "milestones": {}}')
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadBody(f"the body is not UTF-8 text (byte {error.start}); send JSON encoded as UTF-8") from None
    try:
        return json.loads(text, parse_int=_integer, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise BadBody(f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
    except RecursionError:
        raise BadBody("the JSON is nested too deeply; a deal is at most three levels deep") from None
    except ValueError as error:
        raise BadBody(f"the JSON cannot be read: {error}") from None


def dump_json(data: object) -> str:
    """JSON exactly as `playbook assess --json` prints it (text a client sent may hold lone surrogates)."""
    # allow_nan=False: Infinity and NaN are not JSON; failing loudly beats answering what clients cannot parse.
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(data, allow_nan=False)
    return text
