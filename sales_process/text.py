"""The one rule for text people type into a free-text field, whichever door it comes through.

A deal's name, its CRM id, an owner's or a buyer's email, a buyer's name, evidence and a
buyer's comment all pass here, from the form, the API, `playbook import` and the buyer's
page alike. Text is refused, never silently changed, when it holds:

- a control character (NUL, U+0003, U+0093...): nobody types one, PostgreSQL cannot store NUL,
  and they break CSV files and emails; a multi-line field keeps tab and line breaks;
- a bidirectional embedding, override or isolate (U+202A-U+202E, U+2066-U+2069): a right-to-left
  override in a deal name turned the rest of the page around it backwards;
- a line break in a single-line field (a name, an id, an email): it would break a mail header
  or a CSV row;
- a lone surrogate (JSON allows the escape "\\ud83d" alone): no UTF-8 output can encode one, so
  the page, the database or the CSV file would fail on it.

The same rule is published as a JSON Schema pattern (`text_pattern`), so the API's
description refuses what the server refuses; all but the lone surrogates, which a pattern cannot
name portably (JSON Schema's regular expressions read text as UTF-16 or as code points, by
implementation, and the fuzzers' refuse the range).
"""

from __future__ import annotations

import re
import unicodedata

from sales_process.evidence import WHITESPACE

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # every break str.splitlines() sees
_CONTROLS = "".join(chr(code) for code in (*range(0x20), *range(0x7F, 0xA0)))
_SINGLE_LINE_BAD = "".join(char for char in _CONTROLS if char != "\t") + "\u2028\u2029" + BIDI_CONTROLS
# The characters the rule refuses in one line of text, as characters (the SQL verdict spells its own class).
SINGLE_LINE_REFUSED = _SINGLE_LINE_BAD
_MULTI_LINE_BAD = "".join(char for char in _CONTROLS if char not in "\t\n\r") + BIDI_CONTROLS


def isolated(text: str) -> str:
    """`text` between the marks that isolate it (FSI, PDI) when it holds a right-to-left letter, so that what is
    written beside it keeps its place: "مفاوضات (80%)" in a left-to-right menu otherwise reads "(%80) مفاوضات".
    Text without one is returned as it is."""
    if any(unicodedata.bidirectional(char) in ("R", "AL") for char in text):
        return f"\u2068{text}\u2069"
    return text


# The end of the text: `$` would also match before a final line break (in Python, and so in the
# fuzzers that read these patterns), letting "name\n" pass the pattern that the rule refuses.
END = r"(?![\s\S])"


def _class(characters: str) -> str:
    """A regex character class body naming each character by its escape (readable in the OpenAPI document)."""
    return "".join(f"\\u{ord(char):04x}" for char in characters)


# The surrogates as a range: a class naming each of the 2,048 would bury the rule in the OpenAPI document.
_SURROGATES = "\\ud800-\\udfff"
_SINGLE_LINE = re.compile(f"[{_class(_SINGLE_LINE_BAD)}{_SURROGATES}]")
_MULTI_LINE = re.compile(f"[{_class(_MULTI_LINE_BAD)}{_SURROGATES}]")


def _name(char: str) -> str:
    if char in LINE_BREAKS:
        return "a line break"
    if char in BIDI_CONTROLS:
        return f"a text-direction control ({unicodedata.name(char, 'bidi control').lower()})"
    if char == "\x00":
        return "a NUL character"
    return "a control character"


def text_problem(value: str, *, single_line: bool) -> str | None:
    """What is wrong with `value` under the rule (None when nothing is), e.g. "contains a line break (U+000A) at character 5; keep it on one line"."""
    found = (_SINGLE_LINE if single_line else _MULTI_LINE).search(value)
    if found is None:
        return None
    char = found[0]
    if "\ud800" <= char <= "\udfff":
        return f"contains an unpaired surrogate escape (\\u{ord(char):04x}) at character {found.start() + 1}; write the character itself"
    fix = "keep it on one line" if single_line and char in LINE_BREAKS else "remove it (paste the text as plain text)"
    return f"contains {_name(char)} (U+{ord(char):04X}) at character {found.start() + 1}; {fix}"


def refused_characters(*, single_line: bool) -> str:
    """The characters the rule refuses, as the body of a regex character class (for JSON Schema patterns)."""
    return _class(_SINGLE_LINE_BAD if single_line else _MULTI_LINE_BAD)


def text_pattern(*, single_line: bool, required: bool = False) -> str:
    """The rule as a JSON Schema pattern; `required`: at least one character that is not white space."""
    bad = refused_characters(single_line=single_line)
    if not required:
        return f"^[^{bad}]*{END}"
    return f"^[^{bad}]*[^{bad}{_class(WHITESPACE)}][^{bad}]*{END}"
