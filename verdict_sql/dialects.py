"""What differs between the SQL dialects `playbook sql` writes: quoting, types, dates and a few functions.

Everything else in the generated statement is standard SQL that all four accept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass


def _double_quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _backquoted(name: str) -> str:
    return "`" + name.replace("\\", "\\\\").replace("`", "\\`") + "`"


def _standard_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _backslash_string(text: str) -> str:
    # Snowflake reads backslash escapes inside '…' too; doubling both quote styles is valid there.
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _bigquery_string(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _chr_concat(code_points: Iterable[int]) -> str:
    return " || ".join(f"CHR({point})" for point in code_points)


def _code_points_to_string(code_points: Iterable[int]) -> str:
    return f"CODE_POINTS_TO_STRING([{', '.join(str(point) for point in code_points)}])"


def _in_list(text: str, words: Sequence[str], spell: Callable[[str], str]) -> str:
    return f"{text} IN ({', '.join(spell(word) for word in words)})"


def _in_list_without_join(text: str, words: Sequence[str], spell: Callable[[str], str]) -> str:
    """IN, or where DuckDB would turn it into a join (six words or more), LIST_CONTAINS of a list of them.

    The join made the statement three times slower, and it keeps no row order. A CASE of a WHEN per word made
    DuckDB bind and plan a comparison per word (the default process's statement has 51 lists of 3,877 words in
    all) and ran slower too. A text longer than the longest word is none of them: said first, only the short
    texts are looked up (most cells, a rep's evidence, are longer than any placeholder).
    A '|'-separated string searched with STRPOS, tried too, planned as fast and ran slower still.
    """
    if len(words) < 6:
        return _in_list(text, words, spell)
    longest = max(len(word) for word in words)
    listed = f"LIST_CONTAINS([{', '.join(spell(word) for word in words)}], {text})"
    return f"CASE WHEN LENGTH({text}) > {longest} THEN FALSE ELSE {listed} END"


def _re2_character(code_point: int) -> str:
    return f"\\x{{{code_point:x}}}"


@dataclass(frozen=True)
class Dialect:
    """One warehouse's spelling of the few things standard SQL leaves open."""

    name: str
    identifier: Callable[[str], str]
    string: Callable[[str], str]
    characters: Callable[[Iterable[int]], str]
    text_type: str
    double_type: str
    trim_function: str  # TRIM(x, characters) in most; PostgreSQL calls it BTRIM
    collapse_spaces: str  # a format of one argument: every run of spaces as one space
    days_between: str  # a format of (later, earlier): the whole days from earlier to later
    matches: str  # a format of (text, pattern literal): true when the regular expression matches
    # Amounts are weighted exactly (sales_process.vocabulary.weighted_cents): whole cents in `cents_type`, an exact
    # decimal of whole numbers; a decimal number written exactly in it (`exact_literal`, a format of its digits:
    # BigQuery reads 0.01 as a FLOAT64); and the type of money, in which a weighted amount is given.
    cents_type: str = "DECIMAL(38, 0)"
    exact_literal: str = "{}"
    money_type: str = "DECIMAL(38, 2)"
    # A character that is not part of a word (letters and digits of any script), as a regex class:
    # sales_process.outcome splits a stage's name into words at such characters.
    non_word: str = "[^\\pL\\pN]"
    # The text of a regular expression's one capturing group: a format of (text, pattern literal); used only
    # on text the pattern matches (where it does not, DuckDB gives '' and the others NULL).
    extract: str = "REGEXP_EXTRACT({0}, {1}, 1)"
    # The position (from 1, in characters; 0: absent) of a text in another: a format of (text, sought).
    position: str = "STRPOS({0}, {1})"
    # A DATE from whole numbers (year, month, day) already checked to be a calendar date.
    make_date: str = "MAKE_DATE({0}, {1}, {2})"
    int_type: str = "INTEGER"
    # Written before every step. PostgreSQL otherwise inlines each step into the next, copying an expression
    # for every mention of its column, and has no common-subexpression elimination to undo it: with two
    # steps materialized, the default process on 20,000 deals took 38 s; with every step, 2 s.
    # DuckDB evaluates repeated expressions once by itself and runs slower with materialized steps.
    materialized: str = ""
    # A character in a regular expression, by its code point, in plain ASCII; None where the dialect's
    # patterns have no such spelling (the statement then trims without a fast path, verdict_sql.writer).
    regex_character: Callable[[int], str] | None = None
    # A column's value as text, a format of (value, text type): the text the audit would read in an export.
    # PostgreSQL's CAST writes a DATE or TIMESTAMP as the session's DateStyle says (09/02/2027 under SQL, DMY),
    # its JSON always in ISO 8601 (2027-02-09, 2027-02-09T10:00:00+00:00), any other type as CAST does.
    column_text: str = "CAST({0} AS {1})"
    # True when a text is one of a list of words (NULL when the text is NULL), from the text, the words and the
    # writer's spelling of a text as a literal (verdict_sql.writer.Writer.chars).
    one_of: Callable[[str, Sequence[str], Callable[[str], str]], str] = _in_list

    def exact(self, number: str) -> str:
        """A decimal number (`number`: its digits, 0.01) as an exact decimal literal, never a float."""
        return self.exact_literal.format(number)

    def quote(self, name: str) -> str:
        """A quoted identifier; a dotted relation (schema.table) is quoted part by part."""
        return ".".join(self.identifier(part) for part in name.split("."))

    def date(self, as_of: dt.date | None) -> str:
        """The assessment date: a DATE literal, or the warehouse's current date when None."""
        return "CURRENT_DATE" if as_of is None else f"DATE '{as_of.isoformat()}'"


DIALECTS = {
    dialect.name: dialect
    for dialect in (
        Dialect(
            "duckdb",
            _double_quoted,
            _standard_string,
            _chr_concat,
            "VARCHAR",
            "DOUBLE",
            "TRIM",
            "REGEXP_REPLACE({}, ' +', ' ', 'g')",
            "({0} - {1})",
            "REGEXP_MATCHES({0}, {1})",
            regex_character=_re2_character,
            one_of=_in_list_without_join,
        ),
        Dialect(
            "postgres",
            _double_quoted,
            _standard_string,
            _chr_concat,
            "TEXT",
            "DOUBLE PRECISION",
            "BTRIM",
            "REGEXP_REPLACE({}, ' +', ' ', 'g')",
            "({0} - {1})",
            "({0} ~ {1})",
            non_word="[^[:alnum:]]",
            extract="SUBSTRING({0} FROM {1})",  # the first parenthesised group's text
            materialized="MATERIALIZED ",
            cents_type="NUMERIC(38, 0)",
            column_text="(TO_JSON({0}) #>> '{{}}')",
            money_type="NUMERIC(38, 2)",
        ),
        Dialect(
            "snowflake",
            _double_quoted,
            _backslash_string,
            _chr_concat,
            "VARCHAR",
            "DOUBLE",
            "TRIM",
            "REGEXP_REPLACE({}, ' +', ' ')",
            "DATEDIFF(DAY, {1}, {0})",
            # REGEXP_LIKE matches the whole text (anchored at both ends); the patterns are written for a match
            # anywhere, as REGEXP_INSTR searches (its position of the first match, 0 when there is none).
            "(REGEXP_INSTR({0}, {1}) > 0)",
            non_word="[^[:alnum:]]",
            extract="REGEXP_SUBSTR({0}, {1}, 1, 1, 'e', 1)",
            position="POSITION({1} IN {0})",
            make_date="DATE_FROM_PARTS({0}, {1}, {2})",
            cents_type="NUMBER(38, 0)",
            money_type="NUMBER(38, 2)",
        ),
        Dialect(
            "bigquery",
            _backquoted,
            _bigquery_string,
            _code_points_to_string,
            "STRING",
            "FLOAT64",
            "TRIM",
            "REGEXP_REPLACE({}, ' +', ' ')",
            "DATE_DIFF({0}, {1}, DAY)",
            "REGEXP_CONTAINS({0}, {1})",
            extract="REGEXP_EXTRACT({0}, {1})",  # the pattern's one capturing group
            make_date="DATE({0}, {1}, {2})",
            int_type="INT64",
            cents_type="NUMERIC",  # 29 digits before the point: every amount's cents times 100
            exact_literal="NUMERIC '{}'",
            money_type="NUMERIC(31, 2)",  # BigQuery allows at most 29 digits before the point
        ),
    )
}
