"""Schemathesis hooks for the API fuzz test (loaded through SCHEMATHESIS_HOOKS).

The fuzzer draws the same few Idempotency-Key values ("0", "00", …) for different requests in
every phase, and the API rightly answers a key reused on another request with 422. Just before
each call the drawn key gets a fresh random suffix, so the fuzzer still explores the key's
characters while two requests never share one (except a case that tests a missing
header, which is left as drawn); replay and reuse are tested in
tests/records/test_idempotency.py.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import schemathesis
from schemathesis import Case, HookContext
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario

HEADER = "Idempotency-Key"
OUR_SUFFIX = re.compile(r"-[0-9a-f]{32}\Z")
SUFFIX = 33  # "-" and 32 hex digits
LONGEST = 255


def _sends_without_a_header(case: Case[Any]) -> bool:
    """Whether the case tests a missing header: an edit would make Schemathesis put the header back."""
    data = case.meta.phase.data if case.meta is not None else None
    return isinstance(data, CoveragePhaseData) and data.scenario == CoverageScenario.MISSING_PARAMETER


@schemathesis.hook
def before_call(context: HookContext, case: Case[Any], kwargs: dict[str, Any]) -> None:
    """Make the request's Idempotency-Key its own (a key already too long stays too long)."""
    if case.headers is None or _sends_without_a_header(case):
        return
    key = case.headers.get(HEADER)
    if not isinstance(key, str) or not key:
        return
    drawn = OUR_SUFFIX.sub("", key)
    if len(drawn) <= LONGEST:
        # A key at the longest allowed length keeps its length: its tail becomes the suffix.
        case.headers[HEADER] = f"{drawn[: LONGEST - SUFFIX]}-{uuid.uuid4().hex}"
