"""Schemathesis hooks for the API fuzz test (loaded through SCHEMATHESIS_HOOKS).

The fuzzer draws the same few Idempotency-Key values ("0", "00", …) for different requests in
every phase, and the API rightly answers a key reused on another request with 422. Just before
each call the drawn key gets a fresh random suffix, so the fuzzer still explores the key's
characters while two requests never share one (except a case that tests a missing
header, which is left as drawn); replay and reuse are tested in
tests/records/test_idempotency.py. A list request drawn with both cursor and page keeps the cursor, an owner drawn is a user's
email, an If-Match drawn is `*`, and an amount the server refuses within the schema's shape is one it reads.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import schemathesis
from schemathesis import Case, HookContext
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario

from assess_app.api.openapi import AMOUNT_TEXT
from assess_app.api.openapi_deals import OWNER_FILTER
from sales_process.vocabulary import parse_money

HEADER = "Idempotency-Key"
OUR_SUFFIX = re.compile(r"-[0-9a-f]{32}\Z")
SUFFIX = 33  # "-" and 32 hex digits
LONGEST = 255
FUZZ_USER = "fuzz@example.com"  # the user test_schemathesis.py signs the fuzzer in as


def _sends_without_a_header(case: Case[Any]) -> bool:
    """Whether the case tests a missing header: an edit would make Schemathesis put the header back."""
    data = case.meta.phase.data if case.meta is not None else None
    return isinstance(data, CoveragePhaseData) and data.scenario == CoverageScenario.MISSING_PARAMETER


def _one_way_of_paging(case: Case[Any]) -> None:
    """Keep the cursor of a list request drawn with a page too: the two say where the list starts in two ways, and
    the API refuses both at once with 400, as GET /api/deals documents (no OpenAPI schema says that two query
    parameters exclude each other, so the fuzzer draws them together)."""
    if isinstance(case.query, dict) and "cursor" in case.query and "page" in case.query:
        del case.query["page"]


def _an_owner_who_is_a_user(case: Case[Any]) -> None:
    """Send the fuzzing user's email for a list's ?owner= drawn in the parameter's shape (OWNER_FILTER): the fuzzer
    cannot know the users, and one who is no user is 400 at owner, as documented (tests/records/test_api.py tests
    both answers); an owner of another shape (blank) is left as drawn, to be refused."""
    owner = case.query.get("owner") if isinstance(case.query, dict) else None
    if isinstance(case.query, dict) and isinstance(owner, str) and re.search(OWNER_FILTER, owner):
        case.query["owner"] = FUZZ_USER


def _any_tag(case: Case[Any]) -> None:
    """Send `If-Match: *` for an If-Match drawn: the fuzzer cannot know the deal's ETag, so whatever it draws names
    none and the change is 412, as documented (tests/records/test_api_conditional.py tests both answers)."""
    if case.headers is not None and "If-Match" in case.headers and not _sends_without_a_header(case):
        case.headers["If-Match"] = "*"


def _an_amount_the_server_reads(case: Case[Any]) -> None:
    """Send an amount drawn in the shape the schema gives (AMOUNT_TEXT) but refused within it (two currencies that
    differ, in it or with the currency key; kr without a currency; 1.500; too large: no pattern says those well) as
    one the server reads; an amount of another shape is left as drawn, to be refused (tests/app/test_api.py tests
    both)."""
    body = case.body
    amount = body.get("amount") if isinstance(body, dict) else None
    if not isinstance(body, dict) or not isinstance(amount, str) or not re.search(AMOUNT_TEXT, amount):
        return
    try:
        money = parse_money(amount)
    except ValueError:
        money = None
    currency = body.get("currency")
    if money is None or (money.currency is not None and isinstance(currency, str) and currency.strip()):
        body["amount"] = "120000.555"  # a currency key drawn beside it may name another: this one names none


@schemathesis.hook
def before_call(context: HookContext, case: Case[Any], kwargs: dict[str, Any]) -> None:
    """Make the request's Idempotency-Key its own (a key already too long stays too long); a list request pages
    one way and names a user as owner; a PATCH's If-Match matches; an amount of the schema's shape is one the server reads."""
    _one_way_of_paging(case)
    _an_owner_who_is_a_user(case)
    _any_tag(case)
    _an_amount_the_server_reads(case)
    if case.headers is None or _sends_without_a_header(case):
        return
    key = case.headers.get(HEADER)
    if not isinstance(key, str) or not key:
        return
    drawn = OUR_SUFFIX.sub("", key)
    if len(drawn) <= LONGEST:
        # A key at the longest allowed length keeps its length: its tail becomes the suffix.
        case.headers[HEADER] = f"{drawn[: LONGEST - SUFFIX]}-{uuid.uuid4().hex}"
