"""How messages word what users wrote: a value and its type, for deal files (JSON words) and process files (YAML words),
and a sentence ended once after their text."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sales_process.problems import InvalidInput, Loc, Problem
from sales_process.suggest import did_you_mean

_JSON_WORDS = {type(None): "null", bool: "a boolean", dict: "an object"}
_YAML_WORDS = {type(None): "nothing (an empty value)", bool: "true/false", dict: "a mapping"}
_COMMON_WORDS = {int: "a number", float: "a number", str: "text", list: "a list"}


def kind_of(value: object, *, yaml: bool = False) -> str:
    """'text', 'a number', 'a list', … in the words of the file format the user wrote."""
    words = {**_COMMON_WORDS, **(_YAML_WORDS if yaml else _JSON_WORDS)}
    for kind, word in words.items():
        if type(value) is kind:
            return word
    for kind, word in words.items():
        if isinstance(value, kind):
            return word
    return type(value).__name__


# Characters a word processor or a web page pastes that show as nothing or as a plain space: a message names them
# in words, never as a Python escape ('45\u200b'), and tells where they are.
PASTED_INVISIBLE = {
    "\u00a0": "non-breaking space",
    "\u202f": "narrow non-breaking space",
    "\u2007": "figure space",
    "\u200b": "zero-width space",
    "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner",
    "\u2060": "word joiner",
    "\ufeff": "zero-width no-break space (a byte-order mark)",
    "\u00ad": "soft hyphen",
}
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
SPACES = "\u00a0\u202f\u2007"


def character_name(char: str, *, code: str = " (U+{:04X})") -> str:
    """A character as a message names it: 'a non-breaking space (U+00A0)', 'a zero-width space (U+200B)'."""
    name = PASTED_INVISIBLE.get(char) or unicodedata.name(char, "character").lower()
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}{code.format(ord(char))}"


def quoted(text: str, limit: int | None = None) -> str:
    """The one rule for quoting a user's text into a message: in quotes as Python writes a text (so that
    an apostrophe or a line break in it shows), cut to `limit` characters; a character pasted from a word
    processor that shows as nothing (or as a plain space) is named in words after the quotes, with where it is,
    never written as an escape ('45\\u200b')."""
    invisible = [(index, char) for index, char in enumerate(text) if char in PASTED_INVISIBLE]
    shown = repr("".join(" " if char in SPACES else char for char in text if char not in ZERO_WIDTH + "\u00ad"))
    shown = shown if limit is None or len(shown) <= limit else shown[: limit - 3] + "..."
    if invisible:
        index, char = invisible[0]
        where = f"at character {index + 1}" + (f" and {len(invisible) - 1} more" if len(invisible) > 1 else "")
        unlike = ", not an ordinary space" if char in SPACES else ", which does not show"
        shown += f" (with {character_name(char, code=', U+{:04X},')} {where}{unlike})"
    return shown


def show(value: object, limit: int = 60) -> str:
    """The value as the user typed it (quoted text, true/false, null), cut to `limit` characters."""
    if isinstance(value, str):
        return quoted(value, limit)
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    else:
        text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def list_in_quotes(value: object) -> str | None:
    """`"[Enterprise, Public Sector]"`: a list written in quotes, which YAML reads as one text with its brackets; the
    list as it is written without the quotes (the fix to give), None for any other value."""
    text = value.strip() if isinstance(value, str) else ""
    return text if len(text) > 1 and text[0] == "[" and text[-1] == "]" else None


def clipped(text: str, limit: int) -> str:
    """The text, or its first words up to `limit` characters and "…" when longer: cut at a space where one is near,
    never mid-word without a mark that something follows (a cut line read as lost data)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


def described(value: object, *, yaml: bool = False) -> str:
    """The value's kind and the value ("text 'abc'", "a number 5"); only the kind for null, which says it all."""
    kind = kind_of(value, yaml=yaml)
    if value is None:
        return kind
    return f"{kind} {show(value)}"


def object_with_keys(
    data: object, what: str, keys: Sequence[str], meant: Mapping[str, str] | None = None
) -> tuple[Mapping[str, object], list[Problem]]:
    """`data` as an object of a request body, and a problem for each key it may not have: with what a key
    written in other words or belonging to another request means (`meant`: key -> hint), else the key it
    is a typo of.

    Raises InvalidInput when it is not an object at all ("a deal must be an object with keys …").
    """
    if not isinstance(data, Mapping):
        raise InvalidInput([Problem((), f"{what} must be an object with keys {', '.join(keys)}; got {kind_of(data)}")])
    problems: list[Problem] = []
    allowed = f"allowed: {', '.join(keys)}"
    unknown = UnknownKeys((), what, allowed, problems)
    for key in data:
        if key not in keys and unknown.named():
            hint = f"; {meant[key]}" if meant and key in meant else did_you_mean(str(key), keys)
            problems.append(Problem((str(key),), f"unknown key '{key}'{hint} ({allowed})", at_key=True))
    unknown.close()
    return data, problems


# How many unknown keys of one object are named, each with its did-you-mean (a millisecond each); the rest are
# counted in one problem. The body limit (1 MB) lets a client send 100,000 keys: named one by one they took 80 s
# and answered 8 MB of errors; a typo or a deal of another process names a handful.
UNKNOWN_KEYS_NAMED = 20


@dataclass
class UnknownKeys:
    """The count of one object's unknown keys: the first UNKNOWN_KEYS_NAMED get a problem at their key (made by the
    caller), the rest one problem at the object."""

    loc: Loc  # where the object is
    what: str  # the object in words: "a deal", "'milestones'"
    fix: str  # what the object may hold, or what to do
    problems: list[Problem]
    count: int = field(default=0)

    def named(self) -> bool:
        """Count one more unknown key: whether it is one of those named (only then is its problem made)."""
        self.count += 1
        return self.count <= UNKNOWN_KEYS_NAMED

    def close(self) -> None:
        """Count the unknown keys beyond those named, in one problem at the object."""
        more = self.count - UNKNOWN_KEYS_NAMED
        if more > 0:
            self.problems.append(
                Problem(
                    self.loc,
                    f"{self.what} has {self.count:,} unknown keys: the first {UNKNOWN_KEYS_NAMED} are named, "
                    f"{more:,} more are not; {self.fix}",
                )
            )


# What to do when the file system refuses a path the user gave, by the error's kind.
_PATH_FIXES: tuple[tuple[type[OSError], str], ...] = (
    (FileNotFoundError, "no such file; check the path (and that its folder exists)"),
    (IsADirectoryError, "it is a folder; give a file's path"),
    (NotADirectoryError, "a part of the path is a file, not a folder; check the path"),
    (PermissionError, "permission denied; choose a file you may read or write"),
    (FileExistsError, "it exists already; choose another name"),
)


def path_problem(error: OSError) -> str:
    """Why the file system refused a path the user gave, and what to do: one wording for every command."""
    fix = next((text for kind, text in _PATH_FIXES if isinstance(error, kind)), None)
    return fix or f"cannot read or write it: {(error.strerror or str(error)).lower()}"


# The notice on every page of the live preview while process.yaml has errors (the playbook's pages and the app's):
# read by the person editing the file, and by anyone else who opens a page meanwhile.
STALE_PREVIEW_TITLE = "process.yaml has errors: this page shows the last good version"
STALE_PREVIEW_HINT = "Fix these in process.yaml and save it again; the pages follow as soon as it is valid."
WARNED_PREVIEW_TITLE = "process.yaml is served, with warnings to read"
WARNED_PREVIEW_HINT = "Each says what to change; `playbook validate --strict` fails until they are fixed."


# What ends a sentence already: a full stop after it would be a second one ("must…." or "juli..").
_SENTENCE_ENDS = (".", "!", "?", "\u2026")
# Closing quotes and brackets after a sentence's end (“Call them.”): a quoted word alone (Stage "B") ends none.
_CLOSING = "\"'\u201d\u2019\u00bb)]"


def ended(text: str) -> str:
    """`text` as a whole sentence: with a full stop unless it ends one already (process texts are often fragments)."""
    text = text.strip()
    return text if text.rstrip(_CLOSING).endswith(_SENTENCE_ENDS) else f"{text}."


def full_stop(text: str | None) -> str:
    """The full stop a sentence needs after `text` quoted at its end: none when the text ends one already
    ("Mål: juli." or "the customer must…" is not followed by a second)."""
    last = (text or "").rstrip()
    return "" if last and ended(last) == last else "."
