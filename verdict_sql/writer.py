"""How one statement spells text, quoting and white space in one dialect: the pieces every step of the SQL uses."""

from __future__ import annotations

from collections.abc import Iterable

from sales_process.evidence import LOWER_CASE_EXCEPTIONS
from verdict_sql.dialects import Dialect


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
        return f"CAST({self.q(relation)}.{self.dialect.identifier(column)} AS {self.dialect.text_type})"

    def spaced(self, expression: str) -> str:
        """Every white space character of the engine as a plain space."""
        return f"TRANSLATE({expression}, {self.q('white_space')}, {self.q('spaces')})"

    def trimmed(self, column: str | None, *, plain: str | None = None) -> str:
        """A cell as the engine reads it: text without white space around it (inside, it stays as typed).

        `plain` is a condition on the text (as {}) under which trimming changes nothing: it spares
        the trim (the costly part on millions of rows) for the cells most exports hold.
        """
        text = self.text(column)
        trimmed = f"{self.dialect.trim_function}({text}, {self.q('r')}.{self.q('white_space')})"
        if plain is None or column is None:
            return trimmed
        return f"CASE WHEN {plain.format(text)} THEN {text} ELSE {trimmed} END"

    def trim(self, expression: str) -> str:
        """Any text expression without the engine's white space around it (in a step after `cells`)."""
        return f"{self.dialect.trim_function}({expression}, {self.q('white_space')})"

    def lower(self, expression: str) -> str:
        """Python's lower(): first the characters whose lower case is not one character, then LOWER."""
        for character, lowered in sorted(LOWER_CASE_EXCEPTIONS.items()):
            expression = f"REPLACE({expression}, {self.chars(character)}, {self.chars(lowered)})"
        return f"LOWER({expression})"

    def chars(self, text: str) -> str:
        """A string literal, spelled by code point when it holds anything but printable ASCII."""
        if text.isascii() and text.isprintable():
            return self.s(text)
        # In parentheses: PostgreSQL gives `~` and `||` one precedence, so `x ~ CHR(91) || …` would compare first.
        return "(" + self.dialect.characters(ord(character) for character in text) + ")"

    def words(self, words: Iterable[str]) -> str:
        """A parenthesised, sorted list of string literals for IN."""
        return "(" + ", ".join(self.chars(word) for word in sorted(words)) + ")"
