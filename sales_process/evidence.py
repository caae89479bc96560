"""When does what a rep typed count as evidence?

The rule's data are public constants so that other engines (the SQL of `playbook sql`)
apply the very same rule instead of a copy of it.
"""

from __future__ import annotations

import functools
import re

# Text reps type into required fields to get past them; none of it proves anything.
PLACEHOLDERS = frozenset(
    {
        "todo",
        "none",
        "null",
        "unknown",
        "pending",
        "asdf",
        "test",
        "same",
        "done",
        "true",
        "see above",
        "see below",
        "see notes",
        "see crm",
        "in crm",
        "n/a",
        "tbd",
    }
)
# Stripped from both ends after lower-casing, so "n/a." and "(TBD)" are placeholders too.
SURROUNDING = ".,;:!?-_*'\"()[] "
# Every character Python's str.isspace() (and so the regex \s) calls white space; runs of them count as one space.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# The only characters whose lower case is not one character, or turns a non-ASCII letter into
# ASCII: an engine whose LOWER maps one character to one character must map these first.
LOWER_CASE_EXCEPTIONS = {"\u0130": "\u0130".lower(), "\u212a": "\u212a".lower()}
_WHITESPACE = re.compile(f"[{re.escape(WHITESPACE)}]+")
MIN_LENGTH = 4


def normalise_evidence(text: str) -> str:
    """Collapse white space, lower-case and strip surrounding punctuation."""
    return _WHITESPACE.sub(" ", text).lower().strip(SURROUNDING)


def evidence_counts(text: str | None) -> bool:
    """True when `text` names real evidence: 4+ characters and not a placeholder."""
    if not text:
        return False
    return _counts(text)


@functools.lru_cache(maxsize=8192)  # reps paste the same evidence into many deals
def _counts(text: str) -> bool:
    normalised = normalise_evidence(text)
    return len(normalised) >= MIN_LENGTH and normalised not in PLACEHOLDERS
