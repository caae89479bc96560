"""When does what a rep typed count as evidence?"""

from __future__ import annotations

import functools
import re

# Text reps type into required fields to get past them; none of it proves anything.
PLACEHOLDERS = frozenset(
    {
        "todo", "none", "null", "unknown", "pending", "asdf", "test", "same", "done", "true",
        "see above", "see below", "see notes", "see crm", "in crm", "n/a", "tbd",
    }
)
_SURROUNDING = ".,;:!?-_*'\"()[] "
_WHITESPACE = re.compile(r"\s+")
MIN_LENGTH = 4


def normalise_evidence(text: str) -> str:
    """Collapse white space, lower-case and strip surrounding punctuation."""
    return _WHITESPACE.sub(" ", text).lower().strip(_SURROUNDING)


def evidence_counts(text: str | None) -> bool:
    """True when `text` names real evidence: 4+ characters and not a placeholder."""
    if not text:
        return False
    return _counts(text)


@functools.lru_cache(maxsize=8192)  # reps paste the same evidence into many deals
def _counts(text: str) -> bool:
    normalised = normalise_evidence(text)
    return len(normalised) >= MIN_LENGTH and normalised not in PLACEHOLDERS
