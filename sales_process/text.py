"""The one rule for text people type into a free-text field, whichever door it comes through.

A deal's name, its CRM id, an owner's or a buyer's email, a buyer's name, evidence and a
buyer's comment all pass here, from the form, the API, `playbook import` and the buyer's
page alike. Text is refused, never silently changed, when it holds:

- a control character (NUL, U+0003, U+0093...): nobody types one, PostgreSQL cannot store NUL,
  and they break CSV files and emails; a multi-line field keeps tab and line breaks;
- a bidirectional embedding, override or isolate (U+202A-U+202E, U+2066-U+2069): a right-to-left
  override in a deal name turned the rest of the page around it backwards;
- an invisible format character nobody needs to type (`INVISIBLE`: the zero-width space U+200B, the direction
  marks U+200E, U+200F and U+061C, the word joiner U+2060 and the invisible operators U+2061-U+2064, the
  deprecated format controls U+206A-U+206F, the byte-order mark U+FEFF, the annotation marks U+FFF9-U+FFFB):
  "Acme\u200b" is another deal than "Acme" that reads the same, "tbd\u200b" passed for evidence, and a name of
  them alone was a blank name saved. The pages isolate names themselves (`isolated`, <bdi>), so a direction mark
  is not needed to show one;
- nothing visible: a text of only white space and the invisible characters that stay allowed inside text
  (`BLANK_LOOKING`: the zero-width joiner and non-joiner, which emoji and Persian or Indic words need, variation
  selectors, the soft hyphen, the Hangul fillers...) is refused, not taken for a name;
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
from sales_process.wording import character_name

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # every break str.splitlines() sees
# Format characters that show as nothing and that no script needs typed: refused in any text.
INVISIBLE = (
    "\u061c\u200b\u200e\u200f\u2060\u2061\u2062\u2063\u2064\u206a\u206b\u206c\u206d\u206e\u206f\ufeff\ufff9\ufffa\ufffb"
)
# Characters that show as nothing but have their use inside text (ZWJ and ZWNJ in emoji and in Persian or Indic
# words, variation selectors, the soft hyphen...): kept, but a text of only these and white space shows nothing.
BLANK_LOOKING = "\u00ad\u034f\u115f\u1160\u180e\u200c\u200d\u2800\u3164\uffa0" + "".join(
    chr(code) for code in range(0xFE00, 0xFE10)
)
_CONTROLS = "".join(chr(code) for code in (*range(0x20), *range(0x7F, 0xA0)))
_SINGLE_LINE_BAD = "".join(char for char in _CONTROLS if char != "\t") + "\u2028\u2029" + BIDI_CONTROLS + INVISIBLE
# The characters the rule refuses in one line of text, as characters (the SQL verdict spells its own class).
SINGLE_LINE_REFUSED = _SINGLE_LINE_BAD
_MULTI_LINE_BAD = "".join(char for char in _CONTROLS if char not in "\t\n\r") + BIDI_CONTROLS + INVISIBLE


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
    if char in INVISIBLE:
        name = character_name(char, code="").removeprefix("a ").removeprefix("an ")
        return f"an {name}" if name.startswith("invisible") else f"an invisible {name}"
    if char in BIDI_CONTROLS:
        return f"a text-direction control ({unicodedata.name(char, 'bidi control').lower()})"
    if char == "\x00":
        return "a NUL character"
    return "a control character"


def text_problem(value: str, *, single_line: bool) -> str | None:
    """What is wrong with `value` under the rule (None when nothing is), e.g. "contains a line break (U+000A) at character 5; keep it on one line"."""
    found = (_SINGLE_LINE if single_line else _MULTI_LINE).search(value)
    if found is None:
        return _blank_looking(value)
    char = found[0]
    if "\ud800" <= char <= "\udfff":
        return f"contains an unpaired surrogate escape (\\u{ord(char):04x}) at character {found.start() + 1}; write the character itself"
    if single_line and char in LINE_BREAKS:
        fix = "keep it on one line"
    elif char in INVISIBLE:
        fix = "remove it (it does not show: delete the characters around that place and type them again)"
    else:
        fix = "remove it (paste the text as plain text)"
    return f"contains {_name(char)} (U+{ord(char):04X}) at character {found.start() + 1}; {fix}"


def _blank_looking(value: str) -> str | None:
    """The problem of a text that holds something but nothing visible (only BLANK_LOOKING and white space)."""
    shown = "".join(value.split())
    if not shown or shown.strip(BLANK_LOOKING):
        return None
    return (
        f"shows nothing: it holds only invisible characters (such as {character_name(shown[0])}); "
        "type the text, or leave the field empty"
    )


def refused_characters(*, single_line: bool) -> str:
    """The characters the rule refuses, as the body of a regex character class (for JSON Schema patterns)."""
    return _class(_SINGLE_LINE_BAD if single_line else _MULTI_LINE_BAD)


def text_pattern(*, single_line: bool, required: bool = False) -> str:
    """The rule as a JSON Schema pattern; `required`: at least one character that shows (neither white space nor
    BLANK_LOOKING), else also nothing or white space alone."""
    bad_characters = _SINGLE_LINE_BAD if single_line else _MULTI_LINE_BAD
    bad = _class(bad_characters)
    shows = f"[^{bad}]*[^{bad}{_class(WHITESPACE + BLANK_LOOKING)}][^{bad}]*"
    if required:
        return f"^{shows}{END}"
    return f"^(?:[{_space(bad_characters)}]*|{shows}){END}"


def _space(bad_characters: str) -> str:
    """The white space the rule lets through, as a regex character class body."""
    return _class("".join(char for char in WHITESPACE if char not in bad_characters))


def blank_pattern(*, single_line: bool) -> str:
    """A JSON Schema pattern for what an optional field reads as empty: nothing, or white space the rule keeps."""
    return f"^[{_space(_SINGLE_LINE_BAD if single_line else _MULTI_LINE_BAD)}]*{END}"
