"""Did-you-mean suggestions for misspelt keys and ids."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

TYPO = 0.8  # difflib's ratio of a word with a letter or two wrong ('Negociating', 'Closed Wonn')
STEM = 5  # letters two words of one meaning start with ('Qualified' and 'Qualifying')


CLOSE = 0.6  # the least similarity a suggestion needs


def _similarity(typed: str, candidate: str) -> float:
    """difflib's ratio, nudged towards candidates that start the same way (people misspell endings); 0 for words too
    different in length to be close, without comparing them letter by letter (a 50 KB key took 0.7 s a candidate)."""
    matcher = difflib.SequenceMatcher(None, typed, candidate)
    bonus = 0.15 if len(typed) >= 3 and typed[:3] == candidate[:3] else 0.0
    # real_quick_ratio: the most the ratio can be, from the two lengths alone.
    if matcher.real_quick_ratio() + bonus < CLOSE:
        return 0.0
    return matcher.ratio() + bonus


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """Return the candidate closest to `word` (ignoring case), or None when nothing is close."""
    typed = word.lower()
    best: tuple[float, str] | None = None
    for candidate in candidates:
        score = 2.0 if candidate.lower() == typed else _similarity(typed, candidate.lower())
        if score >= CLOSE and (best is None or score > best[0]):
            best = (score, candidate)
    return best[1] if best else None


def is_typo_of(word: str, candidate: str, *, one_letter: bool = False) -> bool:
    """Whether `word` is `candidate` mistyped (a letter or two), not merely alike (ignoring case).

    Two letters next to each other swapped counts however short the word ('IND' for 'IDN', whose ratio is too low
    to tell from another word): the same letters, one slip of the fingers. `one_letter`: a single letter changed,
    added or dropped counts however short the word too, as for an id ('pgl' for 'pql'); a name of a few letters
    ('SMB', 'SME') is not told from another by one letter."""
    typed, meant = word.lower(), candidate.lower()
    if typed != meant and (_swapped(typed, meant) or (one_letter and _one_letter_apart(typed, meant))):
        return True
    matcher = difflib.SequenceMatcher(None, typed, meant)
    return matcher.real_quick_ratio() >= TYPO and matcher.ratio() >= TYPO


def _swapped(word: str, other: str) -> bool:
    """Two letters next to each other swapped, and nothing else changed."""
    if len(word) != len(other):
        return False
    differ = [i for i, (a, b) in enumerate(zip(word, other, strict=True)) if a != b]
    return (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and word[differ[0]] == other[differ[1]]
        and word[differ[1]] == other[differ[0]]
    )


def _one_letter_apart(word: str, other: str) -> bool:
    """One letter changed, added or dropped, or two next to each other swapped."""
    if abs(len(word) - len(other)) > 1:
        return False
    start = next((i for i, (a, b) in enumerate(zip(word, other, strict=False)) if a != b), min(len(word), len(other)))
    rest, other_rest = word[start:], other[start:]
    return (
        rest[1:] == other_rest[1:]  # changed
        or rest[1:] == other_rest  # added
        or rest == other_rest[1:]  # dropped
        or (len(rest) >= 2 and rest[:2] == other_rest[1::-1] and rest[2:] == other_rest[2:])  # swapped
    )


def shares_stem(word: str, candidate: str) -> bool:
    """Whether `word` and `candidate` start with the same STEM letters (all of `word` when shorter), ignoring case:
    'Proposal' and 'Proposing', 'Demo' and 'Demonstrating'; not 'Prospecting' and 'Proposing'."""
    letters = min(STEM, len(word))
    return letters > 0 and word[:letters].lower() == candidate[:letters].lower()


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return "; did you mean 'x'?" for the closest candidate, or an empty string."""
    match = closest(word, candidates)
    return f"; did you mean '{match}'?" if match else ""
