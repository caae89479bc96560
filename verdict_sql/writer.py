"""How one statement spells text, quoting and white space in one dialect: the pieces every step of the SQL uses."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

from sales_process.evidence import LOWER_CASE_EXCEPTIONS, WHITESPACE
from verdict_sql.dialects import Dialect

# TRIM and TRANSLATE with the engine's 29 white space characters cost microseconds a cell (DuckDB builds
# the set for every row): where the dialect's regular expressions spell a character by its code point
# (Dialect.regex_character), a pattern costing a tenth of that spares them where they would change nothing.


def character_class(code_points: Iterable[int], spell: Callable[[int], str], negated: bool = False) -> str:
    """A regex class of the code points, each run of three or more consecutive ones as a range (a shorter
    statement: DuckDB parses and binds its every character), each spelled by `spell`."""
    ranges: list[str] = []
    points = sorted(set(code_points))
    start = 0
    for end in range(len(points)):
        if end + 1 < len(points) and points[end + 1] == points[end] + 1:
            continue
        first, last = points[start], points[end]
        if last - first >= 2:
            ranges.append(f"{spell(first)}-{spell(last)}")
        else:
            ranges.extend(spell(point) for point in points[start : end + 1])
        start = end + 1
    return ("[^" if negated else "[") + "".join(ranges) + "]"


def _white_space_class(dialect: Dialect, but: str = "") -> str:
    """A regex class of every character but the engine's white space (and `but`)."""
    assert dialect.regex_character is not None
    return character_class((ord(c) for c in WHITESPACE if c not in but), dialect.regex_character, negated=True)


class Writer:
    """Spells the expressions of one statement in one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.q = dialect.quote
        self.s = dialect.string

    def text(self, column: str | None, relation: str = "d") -> str:
        """A column as text (NULL when the relation has no such column)."""
        if column is None:
            return f"CAST(NULL AS {self.dialect.text_type})"
        return self.dialect.column_text.format(
            f"{self.q(relation)}.{self.dialect.identifier(column)}", self.dialect.text_type
        )

    def spaced(self, expression: str) -> str:
        """Every white space character of the engine as a plain space."""
        spaced = f"TRANSLATE({expression}, {self.q('white_space')}, {self.q('spaces')})"
        if self.dialect.regex_character is None:
            return spaced
        plain = f"^{_white_space_class(self.dialect, but=' ')}*$"
        return f"CASE WHEN {self._matches(expression, plain)} THEN {expression} ELSE {spaced} END"

    def trimmed(self, column: str | None, *, plain: str | None = None) -> str:
        """A cell as the engine reads it: text without white space around it (inside, it stays as typed).

        `plain` is a condition on the text (as {}) under which trimming changes nothing: it spares
        the trim (the costly part on millions of rows) for the cells most exports hold.
        """
        text = self.text(column)
        if column is None:
            return f"{self.dialect.trim_function}({text}, {self.q('r')}.{self.q('white_space')})"
        trimmed = self._trimmed(text, f"{self.q('r')}.{self.q('white_space')}")
        if plain is None or self.dialect.regex_character is not None:  # the regex is the cheaper fast path
            return trimmed
        return f"CASE WHEN {plain.format(text)} THEN {text} ELSE {trimmed} END"

    def trim(self, expression: str) -> str:
        """Any text expression without the engine's white space around it (in a step after `cells`)."""
        return self._trimmed(expression, self.q("white_space"))

    def _trimmed(self, expression: str, white_space: str) -> str:
        trimmed = f"{self.dialect.trim_function}({expression}, {white_space})"
        if self.dialect.regex_character is None:
            return trimmed
        # (?s): `.` crosses line breaks too; between two characters that are not white space, anything goes.
        ends = _white_space_class(self.dialect)
        plain = f"(?s)^{ends}(.*{ends})?$"
        return f"CASE WHEN {self._matches(expression, plain)} THEN {expression} ELSE {trimmed} END"

    def _matches(self, expression: str, pattern: str) -> str:
        return self.dialect.matches.format(expression, self.s(pattern))

    def lower(self, expression: str) -> str:
        """Python's lower(): first the characters whose lower case is not one character, then LOWER."""
        for character, lowered in sorted(LOWER_CASE_EXCEPTIONS.items()):
            expression = f"REPLACE({expression}, {self.chars(character)}, {self.chars(lowered)})"
        return f"LOWER({expression})"

    def chars(self, text: str) -> str:
        """A string literal in plain ASCII: runs of printable ASCII quoted, every other character spelled by
        its code point, the pieces joined with ||."""
        if text.isascii() and text.isprintable():
            return self.s(text)
        pieces = [
            self.s(run) if plain else self.dialect.characters(ord(character) for character in run)
            for plain, run in _runs(text)
        ]
        # In parentheses: PostgreSQL gives `~` and `||` one precedence, so `x ~ CHR(91) || …` would compare first.
        return "(" + " || ".join(pieces) + ")"

    def one_of(self, expression: str, words: Iterable[str]) -> str:
        """True when the text is one of the words (NULL when it is NULL), in the dialect's spelling."""
        spelled = sorted(words)
        if not spelled:  # `IN ()` is an error but on DuckDB: e.g. no label left to find the last stage by
            return f"CASE WHEN {expression} IS NOT NULL THEN FALSE END"
        return self.dialect.one_of(expression, spelled, self.chars)


def _runs(text: str) -> list[tuple[bool, str]]:
    """The text cut where it changes between printable ASCII and anything else: (printable, run) pairs."""
    return [
        (plain, "".join(characters))
        for plain, characters in itertools.groupby(text, key=lambda c: c.isascii() and c.isprintable())
    ]
