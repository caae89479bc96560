"""Did-you-mean suggestions for misspelt keys and ids."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

TYPO = 0.8  # difflib's ratio of a word with a letter or two wrong ('Negociating', 'Closed Wonn')
STEM = 5  # letters two words of one meaning start with ('Qualified' and 'Qualifying')


def _similarity(typed: str, candidate: str) -> float:
    """difflib's ratio, nudged towards candidates that start the same way (people misspell endings)."""
    ratio = difflib.SequenceMatcher(None, typed, candidate).ratio()
    return ratio + (0.15 if len(typed) >= 3 and typed[:3] == candidate[:3] else 0.0)


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """Return the candidate closest to `word` (ignoring case), or None when nothing is close."""
    typed = word.lower()
    best: tuple[float, str] | None = None
    for candidate in candidates:
        score = 2.0 if candidate.lower() == typed else _similarity(typed, candidate.lower())
        if score >= 0.6 and (best is None or score > best[0]):
            best = (score, candidate)
    return best[1] if best else None


def is_typo_of(word: str, candidate: str) -> bool:
    """Whether `word` is `candidate` mistyped (a letter or two), not merely alike (ignoring case)."""
    return difflib.SequenceMatcher(None, word.lower(), candidate.lower()).ratio() >= TYPO


def shares_stem(word: str, candidate: str) -> bool:
    """Whether `word` and `candidate` start with the same STEM letters (all of `word` when shorter), ignoring case:
    'Proposal' and 'Proposing', 'Demo' and 'Demonstrating'; not 'Prospecting' and 'Proposing'."""
    letters = min(STEM, len(word))
    return letters > 0 and word[:letters].lower() == candidate[:letters].lower()


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return "; did you mean 'x'?" for the closest candidate, or an empty string."""
    match = closest(word, candidates)
    return f"; did you mean '{match}'?" if match else ""
