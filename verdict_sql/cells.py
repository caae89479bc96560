"""How the SQL reads a cell the way the audit's parsers do (sales_process.vocabulary), and knows when they refuse it.

Each reader gives the cell's value and a condition true when the audit refuses the cell, so
that no value makes the statement fail: text becomes a number or a DATE only after a pattern
has vouched for it. The patterns are written without backreferences, lookarounds or
non-capturing groups, which every dialect's regular expressions read alike; a test checks each
against the Python parser it stands for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from sales_process.crm import CONFIRMED_BY_PATTERN
from sales_process.crm_names import FLAG_FIELDS, FLAG_WORDS, ONE_OFF_PERIODS, STATUS_FLAGS
from sales_process.deal import MAX_SEGMENT
from sales_process.evidence import SURROUNDING, WHITESPACE
from sales_process.footer import FOOTER_ALONE_PATTERN, FOOTER_PATTERN
from sales_process.model import Milestone, Process, Stage
from sales_process.outcome import CLOSED_OUTCOMES
from sales_process.text import BLANK_LOOKING, SINGLE_LINE_REFUSED
from sales_process.vocabulary import (
    ANSWERS_AS_TYPED,
    APOSTROPHES,
    COMMA_DECIMAL,
    CURRENCY_MARK,
    CURRENCY_NAMES,
    CURRENCY_SYMBOLS,
    DATE_TIME,
    DOT_DECIMAL,
    FIRST_WORD,
    FOLDED_MONTHS,
    GROUP_SPACES,
    ISO_DATE,
    MAX_AMOUNT,
    MONTH_ACCENTS,
    MONTH_ACCENTS_DROPPED,
    MONTH_WORD,
    NO_AMOUNT,
    NO_WORDS,
    NOT_ANSWERED,
    ONE_GROUP_COMMA,
    ONE_GROUP_DOT,
    SHARED_CURRENCIES,
    SHARED_MARK,
    TWO_DIGIT_YEAR_PIVOT,
    WEEKDAY_WORD,
    WORDED_DATE,
    WORDED_DAY,
    WORDED_YEAR,
    YEAR_FIRST_DATE,
    YES_WORDS,
    DateOrder,
    label_key,
    name_key,
    plural,
)
from verdict_sql.columns import InputColumns, MilestoneColumns
from verdict_sql.writer import Writer

CLOSE_DATE = "close_date"
LOST_DATE = "lost_date"  # read as the close date where the close date's cell is blank
CRM_ID = "crm_id"  # the CRM's id of the deal, output after `deal` where the table has one (verdict_sql)
AMOUNT_CURRENCY = "amount_currency"
AMOUNT_DIGITS = "amount_digits"  # the amount's number as written, without thousands separators, with a decimal point
AMOUNT_CENTS = "amount_cents"  # the amount in whole cents, as written rounded half to even (Cells.amount_cents)
LABEL = "_label"  # a status or flag cell as vocabulary.name_key compares it, from `cells` on
FLAG = "_flag"  # a closed, won, active or deleted flag as yes or no (NULL: blank, or neither), after `readings`
FLAGS = FLAG_FIELDS  # in the order the audit reads them: a row's first that cannot be read is named
# A closed or won flag holding a status rather than yes or no, as an outcome (OutcomeRule.flag_reading).
AS_STATUS = "_status"

# The word several currencies share (kr), as `amount_written_currency` holds it: the currency column says which.
(SHARED,) = SHARED_CURRENCIES
# vocabulary._CURRENCY: a lettered dollar, a three-letter code, a sign or kr, before or after the number.
CURRENCY_FIRST = f"^({CURRENCY_MARK})"
CURRENCY_LAST = f"({CURRENCY_MARK})$"
MAX_DIGITS = 300  # longer digit strings overflow a DOUBLE: parse_money finds them too large as well
# vocabulary._NUMERIC, on the text with every white space a space: day and month in either order with
# the same separator twice (spelled out: backreferences are not portable), a two- or four-digit year.
NUMERIC_DATE = f"^[0-9]{{1,2}}(/[0-9]{{1,2}}/|[.][0-9]{{1,2}}[.]|-[0-9]{{1,2}}-)([0-9]{{4}}|[0-9]{{2}}){DATE_TIME}"
FIRST_NUMBER = "^([0-9]+)"
SECOND_NUMBER = "^[0-9]+[./-]([0-9]+)"
YEAR_NUMBER = "^[0-9]+[./-][0-9]+[./-]([0-9]+)"
DOTTED = "^[0-9]+[.]"
# The columns each date gets on its way to a DATE, after its prefix (<milestone id>, close_date): its
# trimmed text, what it looks like, its numbers, its year, month and day, and the DATE.
DATE_TEXT_SUFFIX, DATE_SUFFIX = "__date_text", "__date"
ISO_SUFFIX, SPACED_SUFFIX, NUMERIC_SUFFIX = "__iso", "__spaced", "__numeric"
SPACED_TEXT_SUFFIX = "__spaced_text"  # the text with every white space a space, a weekday before it kept
WORDED_SUFFIX, YEAR_FIRST_SUFFIX = "__worded", "__year_first"
# Each month word and its month's number, for the lookup of worded_parts.
MONTH_LIST = "|" + "|".join(f"{word}={number:02d}" for word, number in FOLDED_MONTHS.items()) + "|"
MONTHS = "months"  # the rules' column holding MONTH_LIST
WEEKDAYS = "weekdays"  # the rules' column holding WEEKDAY_LIST
YEAR_PART_SUFFIX, MONTH_PART_SUFFIX, DAY_PART_SUFFIX = "__y", "__m", "__d"
FIRST_SUFFIX, SECOND_SUFFIX, YEAR_SUFFIX, YEAR_DIGITS_SUFFIX, DOTTED_SUFFIX = (
    "__first",
    "__second",
    "__year",
    "__year_digits",
    "__dotted",
)


class Cells:
    """Spells the cell readers in one dialect, in a step after `cells` (which brings the white space and
    the month words along)."""

    def __init__(self, w: Writer) -> None:
        self.d = w.dialect
        self.q = w.q
        self.chars = w.chars
        self.trim = w.trim
        self.spaced = w.spaced
        self.lower = w.lower
        self.one_of = w.one_of

    def matches(self, text: str, pattern: str) -> str:
        """True when `text` matches the pattern (NULL when text is NULL)."""
        return self.d.matches.format(text, self.chars(pattern))

    def extract(self, text: str, pattern: str) -> str:
        """The pattern's one group, on text it matches."""
        return self.d.extract.format(text, self.chars(pattern))

    def integer(self, digits: str) -> str:
        """Digits (vouched for by a pattern) as a whole number."""
        return f"CAST({digits} AS {self.d.int_type})"

    def answer(self, word: str) -> str:
        """TRUE for a yes word, FALSE for a no word (sales_process.vocabulary), NULL for any other text or NULL:
        an answer, a closed or a won flag, as the engine reads it."""
        return f"CASE WHEN {self.one_of(word, YES_WORDS)} THEN TRUE WHEN {self.one_of(word, NO_WORDS)} THEN FALSE END"

    # --- amounts -----------------------------------------------------------------------------

    def currency(self, text: str, pattern: str) -> str:
        """The currency code or symbol the pattern finds at one end of the text (NULL when none)."""
        return f"CASE WHEN {self.matches(text, pattern)} THEN {self.extract(text, pattern)} END"

    def after_first_currency(self, text: str, first: str) -> str:
        """The amount's text without the currency `first` before it (vocabulary._CURRENCY's `before`)."""
        return self.trim(f"SUBSTR({text}, COALESCE(LENGTH({first}), 0) + 1)")

    def number(self, rest: str, last: str) -> str:
        """The number of the amount: `rest` (after_first_currency) without the currency `last` after it."""
        return self.trim(f"SUBSTR({rest}, 1, LENGTH({rest}) - COALESCE(LENGTH({last}), 0))")

    def currency_code(self, code: str) -> str:
        """A currency symbol or code, as an ISO code (vocabulary.currency_code); NULL stays NULL."""
        return self._symbols(code, otherwise=code)

    def _symbols(self, text: str, otherwise: str | None = None) -> str:
        """The ISO code of a currency symbol (CURRENCY_SYMBOLS), else `otherwise` (NULL when None)."""
        symbols = " ".join(
            f"WHEN {self.chars(symbol)} THEN {self.chars(iso)}" for symbol, iso in CURRENCY_SYMBOLS.items()
        )
        return f"CASE {text} {symbols}{f' ELSE {otherwise}' if otherwise else ''} END"

    def written_currency(self, first: str, last: str) -> str:
        """The currency written with the amount: before it, else after it (NULL when none); SHARED for kr."""
        written = f"COALESCE({first}, {last})"
        shared = self.matches(written, f"^({SHARED_MARK})$")
        return f"CASE WHEN {shared} THEN {self.chars(SHARED)} ELSE {self.currency_code(written)} END"

    def two_currencies(self, first: str, last: str) -> str:
        """True when parse_money refuses an amount for the currencies written on both sides of its number: unless
        both name one currency and the same (vocabulary.is_one_currency, then their codes: $1,200.00 USD is read)."""
        shared = " OR ".join(self.matches(mark, f"^({SHARED_MARK})$") for mark in (first, last))
        return (
            f"({first} IS NOT NULL AND {last} IS NOT NULL "
            f"AND ({shared} OR {self.currency_code(first)} <> {self.currency_code(last)}))"
        )

    def shared_refused(self, written: str, code: str) -> str:
        """True when an amount written in kr (`written` is SHARED) has no currency column naming one of its
        currencies (vocabulary.parse_money's column_currency)."""
        codes = ", ".join(self.chars(c) for c in SHARED_CURRENCIES[SHARED])
        return f"(COALESCE({written} = {self.chars(SHARED)}, FALSE) AND NOT COALESCE({code} IN ({codes}), FALSE))"

    def number_readable(self, number: str, decimal_comma: bool) -> str:
        """True when parse_money reads the number (thousands grouped by threes, no ambiguous single group)."""
        if decimal_comma:
            return f"({self.matches(number, COMMA_DECIMAL)} AND NOT {self.matches(number, ONE_GROUP_COMMA)})"
        return f"({self.matches(number, DOT_DECIMAL)} AND NOT {self.matches(number, ONE_GROUP_DOT)})"

    def number_digits(self, number: str, decimal_comma: bool) -> str:
        """The number with its thousands separators dropped and a decimal point (readable numbers only)."""
        spaces = self.chars(GROUP_SPACES)
        if decimal_comma:
            return f"TRANSLATE(TRANSLATE({number}, '.' || {spaces}, ''), ',', '.')"
        return f"TRANSLATE({number}, ',' || {spaces} || {self.chars(APOSTROPHES)}, '')"

    def amount_value(self, readable: str, digits: str) -> str:
        """The digits of a readable number as a DOUBLE, when not too many to be a number at all."""
        return (
            f"CASE WHEN {readable} THEN CASE WHEN LENGTH({digits}) <= {MAX_DIGITS} "
            f"THEN CAST({digits} AS {self.d.double_type}) END END"
        )

    def amount_cents(self, digits: str, point: str, value: str) -> str:
        """An amount's whole cents as vocabulary.to_cents gives them: the number as written (`digits`, with a decimal
        point; `point`: where it is, or one past the last digit), rounded half to even to the cent, in the exact
        decimal type; NULL when the amount (`value`, the DOUBLE) is not read or too large."""
        cents = (
            f"CAST('0' || LTRIM(SUBSTR({digits}, 1, {point} - 1) || RPAD(SUBSTR({digits}, {point} + 1, 2), 2, '0'), "
            f"'0') AS {self.d.cents_type})"
        )
        # The digits after the cents decide: above half rounds up, exactly half (5) to the even cent.
        rest = f"RTRIM(SUBSTR({digits}, {point} + 3), '0')"
        odd = f"SUBSTR({digits}, {point} + 2, 1) IN ('1', '3', '5', '7', '9')"
        up = f"CASE WHEN {rest} > '5' OR ({rest} = '5' AND {odd}) THEN 1 ELSE 0 END"
        return f"CASE WHEN {value} <= {MAX_AMOUNT!r} THEN {cents} + {up} END"

    def weighted_cents(self, cents: str, probability: str) -> str:
        """An amount weighted by a stage's probability, as vocabulary.weighted_cents gives it, in money: its cents
        times the probability (whole percent) in hundredths of a cent, to the cent half to even, exactly."""
        hundredths = f"{cents} * {probability}"
        # Half up, less one on a tie whose cent below is even: then its hundredths are 50 more than a multiple of 200.
        half_up = f"FLOOR(({hundredths} + 50) * {self.d.exact('0.01')})"
        tie_to_even = f"CASE WHEN MOD({hundredths}, 200) = 50 THEN 1 ELSE 0 END"
        return f"CAST(({half_up} - {tie_to_even}) * {self.d.exact('0.01')} AS {self.d.money_type})"

    def too_large(self, value: str) -> str:
        """True when parse_money refuses the amount as too large (NULL value: too many digits)."""
        return f"({value} IS NULL OR {value} > {MAX_AMOUNT!r})"

    def currency_column(self, text: str) -> str:
        """A currency column's cell as an ISO code (vocabulary.parse_currency): a symbol, a name or a code in any
        case; NULL when blank or not a currency."""
        key = f"LOWER({self.spaced(text)})"
        names = " ".join(f"WHEN {self.chars(name)} THEN {self.chars(iso)}" for name, iso in CURRENCY_NAMES.items())
        by_name = f"CASE {self.d.collapse_spaces.format(key)} {names} END"
        code = f"CASE WHEN {self.matches(text, '^[A-Za-z][A-Za-z][A-Za-z]$')} THEN UPPER({text}) END"
        return f"COALESCE({self._symbols(text)}, {by_name}, {code})"

    # --- dates -------------------------------------------------------------------------------

    def date_kinds(self, text: str) -> tuple[str, str]:
        """What a date cell (trimmed) looks like, for `date_dated`: whether it is an ISO date, and its text with
        every white space a space. Blank text is neither, without running a pattern: most date cells are blank
        (a milestone not answered)."""
        return (
            f"CASE WHEN {text} = '' THEN FALSE ELSE {self.matches(text, ISO_DATE)} END",
            f"CASE WHEN {text} = '' THEN '' ELSE {self.spaced(text)} END",
        )

    def date_dated(self, iso: str, spaced: str) -> tuple[str, str]:
        """From a date's columns of `date_kinds` (in a step of their own: DuckDB computes an expression inside a
        CASE once for every mention), for `date_numbers` and `date_parts`: the text with a leading weekday taken
        off (vocabulary.dated_text), and whether it is a date of numbers alone (day and month in either order).
        An ISO date, read by its own column, and blank text need neither: '' and false, without a pattern."""
        # A weekday is looked up in the rules' list of them (WEEKDAY_LIST, '|monday|…'), as a month's word is:
        # a pattern of every weekday in every date cell made the statement slower to plan.
        listed = self.d.position.format(
            self.q(WEEKDAYS), f"'|' || {self.lower(self.extract(spaced, WEEKDAY_WORD))} || '|'"
        )
        dated = (
            f"CASE WHEN {self.matches(spaced, WEEKDAY_WORD)} AND {listed} > 0 "
            f"THEN SUBSTR({spaced}, LENGTH({self.extract(spaced, FIRST_WORD)}) + 1) ELSE {spaced} END"
        )
        return (
            f"CASE WHEN {iso} OR {spaced} = '' THEN '' ELSE {dated} END",
            f"CASE WHEN {iso} OR {spaced} = '' THEN FALSE ELSE {self.matches(spaced, NUMERIC_DATE)} END",
        )

    def date_numbers(self, spaced: str, numeric: str, order: DateOrder) -> list[tuple[str, str]]:
        """The numbers of a date of numbers alone, by suffix: first, second, and the year as written with
        how many digits it has (NULL when `numeric` is false); for the order the file does not state,
        whether it is dotted (dotted dates are day first).

        Every CAST sits inside a CASE whose condition vouches for its digits: SQL does not promise to
        stop at the first false operand of AND.
        """

        def number(pattern: str) -> str:
            return f"CASE WHEN {numeric} THEN {self.integer(self.extract(spaced, pattern))} END"

        numbers = [
            (FIRST_SUFFIX, number(FIRST_NUMBER)),
            (SECOND_SUFFIX, number(SECOND_NUMBER)),
            (YEAR_SUFFIX, number(YEAR_NUMBER)),
            (YEAR_DIGITS_SUFFIX, f"CASE WHEN {numeric} THEN LENGTH({self.extract(spaced, YEAR_NUMBER)}) END"),
        ]
        if order is DateOrder.AUTO:
            numbers.append((DOTTED_SUFFIX, f"{numeric} AND {self.matches(spaced, DOTTED)}"))
        return numbers

    def year_first(self, iso: str, spaced: str, numeric: str) -> str:
        """True when a date cell is year first but not ISO (2027/3/1, 2027.03.01, 2027-3-1)."""
        return (
            f"CASE WHEN {iso} OR {numeric} OR {spaced} = '' THEN FALSE ELSE {self.matches(spaced, YEAR_FIRST_DATE)} END"
        )

    def worded(self, iso: str, spaced: str, numeric: str) -> str:
        """A date cell's folded text (vocabulary.fold_worded_date) when it is written as WORDED_DATE (with
        a month word or not: `worded_parts` looks the word up), else NULL."""
        # `spaced` has every white space a space already
        folded = f"TRANSLATE({self.lower(spaced)}, {self.chars(MONTH_ACCENTS)}, {self.chars(MONTH_ACCENTS_DROPPED)})"
        return (
            f"CASE WHEN {iso} OR {numeric} OR {spaced} = '' THEN NULL "
            f"WHEN {self.matches(folded, WORDED_DATE)} THEN {folded} END"
        )

    def worded_parts(self, worded: str) -> tuple[str, str, str, str]:
        """The year, month and day of a date with its month as a word, and whether its year has two digits,
        from its `worded` text; NULL when it is not such a date (a word of no month: no month)."""
        digits = self.extract(worded, WORDED_YEAR)
        year = self.integer(digits)
        # The month's number follows its word in MONTH_LIST ('|jan=01|…'): a lookup of one short expression,
        # where a CASE of every word, for every date, made DuckDB take most of a second to plan the statement.
        # The list is a column of the rules' row, spelt once instead of three times a date.
        word = self.extract(worded, MONTH_WORD)
        months = self.q(MONTHS)
        at = self.d.position.format(months, f"'|' || {word} || '='")
        month = self.integer(f"SUBSTR({months}, {at} + LENGTH({word}) + 2, 2)")
        return (
            f"CASE WHEN LENGTH({digits}) = 2 THEN {self._century(year)} + {year} ELSE {year} END",
            f"CASE WHEN {at} > 0 THEN {month} END",
            self.integer(self.extract(worded, WORDED_DAY)),
            f"LENGTH({digits}) = 2",
        )

    def _century(self, two_digits: str) -> str:
        """2000 or 1900 for a two-digit year, by the spreadsheet rule (vocabulary.full_year)."""
        return f"CASE WHEN {two_digits} < {TWO_DIGIT_YEAR_PIVOT} THEN 2000 ELSE 1900 END"

    def date_parts(self, text: str, column: Callable[[str], str], order: DateOrder) -> tuple[str, str, str]:
        """The year, month and day a date cell (trimmed) is read as by vocabulary.parse_date; NULL when it
        is not a date as the audit reads one (its calendar is checked by `date`). `column(suffix)` names
        the cell's columns of `date_kinds`, `date_numbers`, `year_first` and `worded`."""
        first, second, year_number = column(FIRST_SUFFIX), column(SECOND_SUFFIX), column(YEAR_SUFFIX)
        numeric = f"{first} IS NOT NULL"
        year = (
            f"CASE WHEN {column(YEAR_DIGITS_SUFFIX)} = 2 THEN {self._century(year_number)} + {year_number} "
            f"ELSE {year_number} END"
        )
        if order is DateOrder.MONTH_FIRST:
            month, day, readable = first, second, numeric
        elif order is DateOrder.DAY_FIRST:
            month, day, readable = second, first, numeric
        else:  # dotted dates are day first; slashes only when nothing else fits (NULL, not a date, otherwise)
            month, day = second, first
            readable = f"({column(DOTTED_SUFFIX)} OR ({first} > 12 AND {second} <= 12))"
        worded, spaced = column(WORDED_SUFFIX), column(SPACED_SUFFIX)

        def part(iso_part: str, year_first_part: str, numeric_part: str, worded_part: str) -> str:
            return (
                f"CASE WHEN {column(ISO_SUFFIX)} THEN {self.integer(iso_part)} "
                f"WHEN {column(YEAR_FIRST_SUFFIX)} THEN {self.integer(self.extract(spaced, year_first_part))} "
                f"WHEN {readable} THEN {numeric_part} WHEN {worded} IS NOT NULL THEN {worded_part} END"
            )

        worded_year, worded_month, worded_day, _ = self.worded_parts(worded)
        return (
            part(f"SUBSTR({text}, 1, 4)", FIRST_NUMBER, year, worded_year),
            part(f"SUBSTR({text}, 6, 2)", SECOND_NUMBER, month, worded_month),
            part(f"SUBSTR({text}, 9, 2)", YEAR_NUMBER, day, worded_day),
        )

    def two_digit_year(self, column: Callable[[str], str]) -> str:
        """True when a date was read (its DATE is not NULL) from a year of two digits (vocabulary.has_two_digit_year),
        in a step after `values`."""
        worded = column(WORDED_SUFFIX)
        two_digits = f"{column(YEAR_DIGITS_SUFFIX)} = 2 OR {worded} IS NOT NULL AND {self.worded_parts(worded)[3]}"
        return f"{column(DATE_SUFFIX)} IS NOT NULL AND COALESCE({two_digits}, FALSE)"

    def calendar_date(self, year: str, month: str, day: str) -> str:
        """True when year, month and day are a date of the Gregorian calendar (datetime.date's years 1-9999)."""
        leap = f"(MOD({year}, 4) = 0 AND MOD({year}, 100) <> 0 OR MOD({year}, 400) = 0)"
        days = (
            f"CASE WHEN {month} IN (4, 6, 9, 11) THEN 30 WHEN {month} = 2 THEN CASE WHEN {leap} THEN 29 ELSE 28 END "
            "ELSE 31 END"
        )
        return f"({year} BETWEEN 1 AND 9999 AND {month} BETWEEN 1 AND 12 AND {day} BETWEEN 1 AND {days})"

    def date(self, year: str, month: str, day: str) -> str:
        """The DATE of checked parts, NULL when they are not a calendar date."""
        return f"CASE WHEN {self.calendar_date(year, month, day)} THEN {self.d.make_date.format(year, month, day)} END"


# --- the steps of the statement that read cells ---------------------------------------------------


def comment(text: str) -> str:
    """A -- comment of one line: a line break in a name from process.yaml must not end it and turn text into SQL."""
    return "-- " + "".join(character if character.isprintable() else " " for character in text)


def milestone_comment(stage: Stage, milestone: Milestone) -> str:
    """What a milestone's columns are for: its stage and the rules its status follows."""
    rules = ["evidence required" if milestone.evidence_required else "evidence optional"]
    if milestone.max_age_days is not None:
        rules.append(f"counts for {plural(milestone.max_age_days, 'day')}")
    if milestone.buyer_confirms:
        rules.append("counts once the buyer confirms it")
    return comment(f"{stage.name} ({stage.id}): milestone {milestone.id} ({', '.join(rules)})")


def dated_milestones(process: Process, columns: InputColumns) -> list[str]:
    """The milestones whose date the input has a column for. Any other's date is blank in every row, so the
    statement reads it once, as NULL, instead of spelling out the date rules for a cell that is never there."""
    return [
        milestone.id
        for _, milestone in process.milestones()
        if columns.milestones.get(milestone.id, MilestoneColumns(None)).date is not None
    ]


def milestone_dates(process: Process, columns: InputColumns) -> list[str]:
    """The prefix of each date the statement reads: a milestone's (<id>) when the input has its column
    (dated_milestones), and the close date when read."""
    dates = dated_milestones(process, columns)
    return [*dates, CLOSE_DATE] if columns.close_dated else dates


FROM_LOST_DATE = "close_date__lost"  # in `cells` with a lost date column: the close date's cell is blank


def close_date_items(w: Writer, columns: InputColumns) -> list[str]:
    """The close date's text in `cells`: the close date column's cell, or where it is blank the lost date
    column's (pipeline_audit.rows.RowReader._close_date), and which one it came from."""
    close = f"COALESCE({w.trimmed(columns.close_date)}, '')"
    as_text = w.q(CLOSE_DATE + DATE_TEXT_SUFFIX)
    if columns.lost_date is None:
        return [f"{close} AS {as_text}"]
    lost = f"COALESCE({w.trimmed(columns.lost_date)}, '')"
    return [
        f"CASE WHEN {close} <> '' THEN {close} ELSE {lost} END AS {as_text}",
        f"{close} = '' AS {w.q(FROM_LOST_DATE)}",
    ]


def label_of(w: Writer, column: str | None) -> str:
    """A cell as vocabulary.name_key compares names: lower case, each run of white space one space."""
    return w.dialect.collapse_spaces.format(w.spaced(w.lower(w.trimmed(column))))


def labels_of(names: Iterable[str]) -> list[str]:
    """The labels (`label_of`) that read as one of `names`, lower-cased as the SQL lowers and as name_key folds."""
    return sorted({text for name in names for text in (label_key(name), name_key(name))})


PERIOD_LABEL = "period_label"  # the amount's period cell (Close's value_period), as label_key spells it, in `cells`
PIPELINE_LABEL = "pipeline_label"  # the pipeline cell as name_key compares it, in `cells` when pipelines are listed


def pipeline_filter(w: Writer, columns: InputColumns, pipelines: Sequence[str]) -> str:
    """The WHERE condition, on `cells`, leaving out a row in another pipeline than those listed
    (CrmMapping.in_another_pipeline); "" when none is listed or the input has no pipeline column."""
    if not pipelines or columns.pipeline is None:
        return ""
    return f"{w.q(PIPELINE_LABEL)} = '' OR {w.one_of(w.q(PIPELINE_LABEL), labels_of(pipelines))}"


SKIPPED = "skipped"  # in `cells`: BLANK or FOOTER for a row the audit skips, '' for a row it reads
BLANK, FOOTER = "blank", "footer"


def skipped_item(w: Writer, columns: InputColumns, segments: bool, footer: bool) -> str:
    """SKIPPED in `cells`: whether the row is one the audit skips rather than reads as a deal, by the rules of
    pipeline_audit.data_rows.DataRows. BLANK: no cell filled (every column of the table when the export's header
    gives them, else every column read: the segment's with `segments`). FOOTER (with `footer`): the first cell filled (of the table's columns, else the deal's and the CRM id's)
    holds a footer's words (sales_process.footer's FOOTER_PATTERN, matched as its footer_key spells the cell) and the cells only a deal
    fills (its stage, the milestones' answers, evidence and dates) are blank, and so is its CRM id but for the
    footer's words; or it holds a footer's words alone (FOOTER_ALONE_PATTERN: Zoho's "Total Records: 262"), no other
    cell filled. The audit takes such a line for the footer only at the end of the file; a table has no
    order, so the statement takes it for one wherever it is."""
    every = list(columns.table) or columns.read(segments)
    # COALESCE stops at the first cell filled, which is most rows' first: the check costs one cell a deal.
    filled = ", ".join(f"NULLIF({w.text(column)}, '')" for column in every)
    cases = f"WHEN COALESCE({filled}) IS NULL THEN {w.s(BLANK)} " if every else ""
    # The first cell filled, as the audit reads a total under the deal's name when the first column (an id) is blank.
    firsts = list(columns.table) or [column for column in (columns.deal, columns.crm_id) if column is not None]
    if footer and firsts:
        filled_first = ", ".join(f"NULLIF({w.trimmed(column)}, '')" for column in firsts)
        first_filled = f"COALESCE({filled_first}, '')"
        # The deal's cells are read only on the few rows whose first cell holds a footer's words.
        blank = [f"COALESCE({w.trimmed(column)}, '') = ''" for column in columns.record_cells()]
        # A deal named Total has its CRM id beside the name; a total has none, or writes its words there too.
        if columns.crm_id is not None:
            crm_id = w.trimmed(columns.crm_id)
            blank.append(f"(COALESCE({crm_id}, '') = '' OR {_footer_words(w, crm_id)})")
        cases += (
            f"WHEN {_footer_words(w, first_filled)} "
            f"THEN CASE WHEN {' AND '.join(blank) or 'TRUE'} THEN {w.s(FOOTER)} ELSE '' END "
        )
        # Zoho's "Total Records: 262", "Report generated by … on …": a footer's only alone on the line.
        filled_count = " + ".join(
            f"CASE WHEN COALESCE({w.trimmed(column)}, '') = '' THEN 0 ELSE 1 END" for column in every
        )
        cases += (
            f"WHEN {_footer_words(w, first_filled, FOOTER_ALONE_PATTERN)} "
            f"THEN CASE WHEN {filled_count or '1'} = 1 THEN {w.s(FOOTER)} ELSE '' END "
        )
    return f"CASE {cases}ELSE '' END AS {w.q(SKIPPED)}"


def _footer_words(w: Writer, cell: str, pattern: str = FOOTER_PATTERN) -> str:
    """Whether the trimmed `cell` holds a footer's words: `pattern` (FOOTER_PATTERN, or FOOTER_ALONE_PATTERN) matched
    as footer_key spells the cell."""
    return w.dialect.matches.format(w.lower(w.spaced(cell)), w.chars(f"^({pattern})$"))


def deal_name(deal: str, crm_id: str) -> str:
    """The deal as audit.csv names it (pipeline_audit.rows.RowReader.text): its name, else its CRM id, from the two
    cells as read ('' when blank). The statement's `deal` and the DuckDB engine's audit.csv line spell it so."""
    return f"CASE WHEN {deal} = '' THEN {crm_id} ELSE {deal} END"


def cell_items(w: Writer, process: Process, columns: InputColumns, segments: bool) -> list[str]:
    """Step 1 (`cells`): each deal cell as text without the engine's white space around it."""
    q = w.q

    def label(column: str | None) -> str:
        return label_of(w, column)

    def text(expression: str) -> str:
        # A missing column or a NULL cell is blank text, as the audit reads an empty cell.
        return f"COALESCE({expression}, '')"

    def flag_label(column: str | None) -> str:
        return text(label(column)) if column is not None else "''"

    deal, crm_id = text(w.trimmed(columns.deal)), text(w.trimmed(columns.crm_id))
    items = [
        # As audit.csv writes them: without the white space around them, a deal without a name by its CRM id.
        f"NULLIF({deal_name(deal, crm_id)}, '') AS {q('deal')}",
        f"{deal} = '' AND {crm_id} = '' AS {q('deal_blank')}",
        *([f"{w.trimmed(columns.crm_id)} AS {q(CRM_ID)}"] if columns.crm_id is not None else []),
        f"{text(label(columns.stage))} AS {q('claimed_label')}",
        f"{text(label(columns.status))} AS {q('status_label')}",
        *(f"{text(w.lower(w.trimmed(getattr(columns, flag))))} AS {q(flag + '_word')}" for flag in FLAGS),
        # A flag may hold a status instead of yes or no (Odoo's Is Won: Won, Lost, Pending).
        *(f"{flag_label(getattr(columns, flag))} AS {q(flag + LABEL)}" for flag in FLAGS),
        f"{amount_text(w, text(w.trimmed(columns.amount)))} AS {q('amount_text')}",
        f"{text(w.trimmed(columns.currency))} AS {q('currency_text')}",
        *close_date_items(w, columns),
        *([f"{text(label(columns.pipeline))} AS {q(PIPELINE_LABEL)}"] if columns.pipeline is not None else []),
        *([f"{text(label(columns.period))} AS {q(PERIOD_LABEL)}"] if columns.period is not None else []),
    ]
    if segments:
        # As sales_process.model.segment_key compares it: trimmed, lower case; blank is no segment.
        refused = "[" + "".join(c for c in SINGLE_LINE_REFUSED if c != "\x00") + "]"
        # A segment of only invisible characters kept inside text (a zero-width joiner...) shows nothing: refused.
        shows_nothing = f"^[{BLANK_LOOKING}{WHITESPACE}]+$"
        segment = w.trimmed(columns.segment)
        items += [
            f"NULLIF({w.lower(segment)}, '') AS {q('segment')}",
            f"COALESCE({w.dialect.matches.format(w.text(columns.segment), w.chars(refused))} "
            f"OR {w.dialect.matches.format(segment, w.chars(shows_nothing))} "
            f"OR LENGTH({segment}) > {MAX_SEGMENT}, FALSE) AS {q('segment_refused')}",
        ]
    # The answer words as exports write them (yes, Yes, YES): nothing to trim.
    answer_as_typed = w.one_of("{0}", ANSWERS_AS_TYPED)
    for stage, milestone in process.milestones():
        found = columns.milestones.get(milestone.id, MilestoneColumns(None))
        items += [
            f"{milestone_comment(stage, milestone)}\n"
            f"{answer_word(w, f'LOWER({w.trimmed(found.answer, plain=answer_as_typed)})')} "
            f"AS {q(milestone.id + '__answer')}",
            f"{w.text(found.evidence)} AS {q(milestone.id + '__evidence')}",
            f"{text(w.trimmed(found.date))} AS {q(milestone.id + DATE_TEXT_SUFFIX)}",
        ]
        if found.date is None:  # no date to read (milestone_dates): the date steps leave it out
            items.append(f"CAST(NULL AS DATE) AS {q(milestone.id + DATE_SUFFIX)}")
        if found.confirmed_by is not None:
            items.append(f"NULLIF({w.trimmed(found.confirmed_by)}, '') AS {q(milestone.id + '__buyer')}")
    return items


def amount_text(w: Writer, trimmed: str) -> str:
    """The amount cell's text (`trimmed`), blank when it is a dash alone (vocabulary.NO_AMOUNT): no amount."""
    return f"CASE WHEN {w.one_of(trimmed, NO_AMOUNT)} THEN '' ELSE {trimmed} END"


def kind_items(w: Writer, dates: Sequence[str]) -> list[str]:
    """Step 2 (`kinds`): the currency before the amount; what each date cell looks like."""
    c, q = Cells(w), w.q
    items = [f"{c.currency(q('amount_text'), CURRENCY_FIRST)} AS {q('amount_first_currency')}"]
    for prefix in dates:
        iso, spaced = c.date_kinds(q(prefix + DATE_TEXT_SUFFIX))
        items += [f"{iso} AS {q(prefix + ISO_SUFFIX)}", f"{spaced} AS {q(prefix + SPACED_TEXT_SUFFIX)}"]
    return items


def dated_items(w: Writer, dates: Sequence[str]) -> list[str]:
    """Step 2b (`dated`): each date's text without a leading weekday; whether it is a date of numbers alone."""
    c, q = Cells(w), w.q
    items = []
    for prefix in dates:
        spaced, numeric = c.date_dated(q(prefix + ISO_SUFFIX), q(prefix + SPACED_TEXT_SUFFIX))
        items += [f"{spaced} AS {q(prefix + SPACED_SUFFIX)}", f"{numeric} AS {q(prefix + NUMERIC_SUFFIX)}"]
    return items


def number_items(w: Writer, dates: Sequence[str], order: DateOrder) -> list[str]:
    """Step 3 (`numbers`): the amount without the currency before it; the numbers of each date written in
    numbers alone; whether it is year first (not ISO); the text of a date written with its month as a word."""
    c, q = Cells(w), w.q
    items = [f"{c.after_first_currency(q('amount_text'), q('amount_first_currency'))} AS {q('amount_rest')}"]
    for prefix in dates:
        spaced, numeric = q(prefix + SPACED_SUFFIX), q(prefix + NUMERIC_SUFFIX)
        numbers = c.date_numbers(spaced, numeric, order)
        items += [f"{expression} AS {q(prefix + suffix)}" for suffix, expression in numbers]
        iso = q(prefix + ISO_SUFFIX)
        items += [
            f"{c.year_first(iso, spaced, numeric)} AS {q(prefix + YEAR_FIRST_SUFFIX)}",
            f"{c.worded(iso, spaced, numeric)} AS {q(prefix + WORDED_SUFFIX)}",
        ]
    return items


def _columns_of(w: Writer, prefix: str) -> Callable[[str], str]:
    """The quoted name of one of a date's columns, by its suffix."""
    return lambda suffix: w.q(prefix + suffix)


def part_items(w: Writer, dates: Sequence[str], order: DateOrder) -> list[str]:
    """Step 4 (`parts`): the currency after the amount; each date's year, month and day."""
    c, q = Cells(w), w.q
    items = [f"{c.currency(q('amount_rest'), CURRENCY_LAST)} AS {q('amount_last_currency')}"]
    for prefix in dates:
        parts = c.date_parts(q(prefix + DATE_TEXT_SUFFIX), _columns_of(w, prefix), order)
        suffixes = (YEAR_PART_SUFFIX, MONTH_PART_SUFFIX, DAY_PART_SUFFIX)
        items += [f"{part} AS {q(prefix + suffix)}" for part, suffix in zip(parts, suffixes, strict=True)]
    return items


def value_items(w: Writer, dates: Sequence[str]) -> list[str]:
    """Step 5 (`values`): the amount's number and currency, the currency column's code, dates as DATE."""
    c, q = Cells(w), w.q
    first, last = q("amount_first_currency"), q("amount_last_currency")
    items = [
        f"{c.number(q('amount_rest'), last)} AS {q('amount_number')}",
        f"{c.written_currency(first, last)} AS {q('amount_written_currency')}",
        # parse_money refuses a currency both before and after the number, unless both are the same one
        f"{c.two_currencies(first, last)} AS {q('amount_two_currencies')}",
        f"{c.currency_column(q('currency_text'))} AS {q('currency_code')}",
    ]
    for prefix in dates:
        column = _columns_of(w, prefix)
        date = c.date(column(YEAR_PART_SUFFIX), column(MONTH_PART_SUFFIX), column(DAY_PART_SUFFIX))
        items.append(f"{date} AS {column(DATE_SUFFIX)}")
    return items


def reading_items(w: Writer, columns: InputColumns, decimal_comma: bool, status_values: Mapping[str, str]) -> list[str]:
    """Step 6 (`readings`, with the answers): whether the amount is a number, the closed/won flags as yes or no,
    and the status and the flags holding a status as outcomes (NULL when blank or not read)."""
    c, q = Cells(w), w.q

    def flag(cell: str) -> str:
        # A table without the flag's column reads no yes or no there: NULL spares the statement the answer's reading.
        if getattr(columns, cell) is None:
            return "CAST(NULL AS BOOLEAN)"
        words = FLAG_WORDS.get(cell, {})
        cases = " ".join(
            f"WHEN {w.one_of(q(cell + LABEL), sorted(word for word, read in words.items() if read is value))} "
            f"THEN {str(value).upper()}"
            for value in (True, False)
        )
        answer = c.answer(q(cell + "_word"))
        return f"CASE {cases} ELSE {answer} END" if words else answer

    statuses = " ".join(
        f"WHEN {w.chars(value)} THEN {w.s(outcome)}" for value, outcome in sorted(status_values.items())
    )

    def status_of(flag: str) -> str:
        # A table without the flag's column has no status there, nor has a flag holding yes or no alone
        # (STATUS_FLAGS): NULL spares the statement a long CASE.
        if getattr(columns, flag) is None or flag not in STATUS_FLAGS:
            return w.text(None)
        return f"CASE {q(flag + LABEL)} {statuses} END"

    return [
        f"{c.number_readable(q('amount_number'), decimal_comma)} AS {q('amount_readable')}",
        f"{c.number_digits(q('amount_number'), decimal_comma)} AS {q(AMOUNT_DIGITS)}",
        *(f"{flag(cell)} AS {q(cell + FLAG)}" for cell in FLAGS),
        f"CASE {q('status' + LABEL)} {statuses} END AS {q('status_outcome')}",
        *(f"{status_of(flag)} AS {q(flag + AS_STATUS)}" for flag in FLAGS),
    ]


def amount_items(w: Writer) -> list[str]:
    """Step 7: the amount as a number (NULL when blank or not read), and where its decimal point is (or one past
    its last digit), in `statuses`."""
    c, q = Cells(w), w.q
    digits = q(AMOUNT_DIGITS)
    readable = f"{q('amount_readable')} AND NOT {q('amount_two_currencies')}"
    point = w.dialect.position.format(f"{digits} || '.'", "'.'")
    return [f"{c.amount_value(readable, digits)} AS {q('amount')}", f"{point} AS {q('amount_point')}"]


def amount_cents_item(w: Writer) -> str:
    """Step 8: the amount in whole cents, as written rounded half to even (NULL when blank, not read or too large),
    in `stages`: what the weighted amounts are computed from."""
    q = w.q
    cents = Cells(w).amount_cents(q(AMOUNT_DIGITS), q("amount_point"), q("amount"))
    return f"-- the amount in whole cents, as written, rounded half to even\n{cents} AS {q(AMOUNT_CENTS)}"


def _amount_refusals(w: Writer, columns: InputColumns) -> tuple[str, str, str]:
    """When the audit refuses an amount (not a number it reads, too large, or per period), its currency cell, or the
    two together (written in one currency, the column saying another), as SQL on the `statuses` step's columns."""
    q = w.q
    amount_text = f"{q('amount_text')} <> ''"
    written, code = q("amount_written_currency"), q("currency_code")
    c = Cells(w)
    # pipeline_audit.rows.RowReader._per_period: a period cell neither blank nor one-off
    per_period = (
        f" OR ({q(PERIOD_LABEL)} <> '' AND NOT {w.one_of(q(PERIOD_LABEL), ONE_OFF_PERIODS)})"
        if columns.period is not None
        else ""
    )
    amount_bad = (
        f"{amount_text} AND ({q('amount_two_currencies')} OR NOT {q('amount_readable')} "
        f"OR {c.too_large(q('amount'))} OR {c.shared_refused(written, code)}{per_period})"
    )
    currency_bad = f"{amount_text} AND NOT ({amount_bad}) AND {q('currency_text')} <> '' AND {code} IS NULL"
    # kr, when not refused, is in the currency its column names
    mismatch = f"{amount_text} AND NOT ({amount_bad}) AND {code} <> {written} AND {written} <> {w.chars(SHARED)}"
    return amount_bad, currency_bad, mismatch


def answer_word(w: Writer, lowered: str) -> str:
    """An answer cell (trimmed, in lower case) as vocabulary.answer_word reads it: without the punctuation around
    it (SURROUNDING), and '' when it says it was not answered (NOT_ANSWERED)."""
    word = f"{w.dialect.trim_function}({lowered}, {w.s(SURROUNDING)})"
    # NULLIF per word names the long cell expression once (a CASE would repeat it); blank and NULL read alike.
    for unanswered in sorted(NOT_ANSWERED):
        word = f"NULLIF({word}, {w.s(unanswered)})"
    return f"COALESCE({word}, '')"


def amount_currency_item(w: Writer, columns: InputColumns) -> str:
    """The currency of an amount the audit reads (NULL when blank or refused): the first one by row order
    sets the file's currency (pipeline_audit.rows.RowReader._amount), in the `currencies` step."""
    q = w.q
    refused = " OR ".join(f"COALESCE(({condition}), FALSE)" for condition in _amount_refusals(w, columns))
    return (
        f"CASE WHEN {q('amount_text')} <> '' AND NOT ({refused}) "
        f"THEN COALESCE({q('currency_code')}, {q('amount_written_currency')}) END AS {q(AMOUNT_CURRENCY)}"
    )


def unread_flag(w: Writer, flag: str) -> str:
    """When a closed or won flag holds neither yes or no nor a status, in a step after `readings`."""
    q = w.q
    return f"{q(flag + '_word')} <> '' AND {q(flag + FLAG)} IS NULL AND {q(flag + AS_STATUS)} IS NULL"


def unread_status(w: Writer) -> str:
    """When the status column holds a value the audit does not read, in a step after `readings`."""
    return f"{w.q('status' + LABEL)} <> '' AND {w.q('status_outcome')} IS NULL"


def is_closed(w: Writer) -> str:
    """Whether the row is a closed deal's (won, lost or disqualified), in a step after `statuses` (its outcome)."""
    # An outcome that cannot be read (NULL) is not closed: the audit then reads the row as an open deal's.
    return f"COALESCE({w.q('outcome')} IN ({', '.join(w.s(outcome) for outcome in CLOSED_OUTCOMES)}), FALSE)"


Refusals = list[tuple[str, str]]  # (the cell, as not_assessed names it; the SQL condition of its refusal)


def problem_list(
    w: Writer,
    process: Process,
    columns: InputColumns,
    buyers: frozenset[str],
    segments: bool,
    file_currency: str | None = None,
) -> str:
    """The last step (`stages`): the cells the audit refuses, named as its reasons start (deal, status, stage, amount,
    currency, close_date, <id>, <id>.date, <id>.evidence, <id>.confirmed_by, segment), ", " between; ''
    when it reads every cell. A closed deal's answers, stage and segment are not read, as in the audit.
    `file_currency` (SQL giving the file's currency) refuses an amount in another, as an audit sums one."""
    first, stage, amount, closed_only, open_only = _refusals(w, process, columns, buyers, segments, file_currency)
    closed = is_closed(w)
    # `outcome` is named twice, not once per cell: each mention of a column of an earlier step may be
    # planned as a copy of its expression (DuckDB's optimizer took 27 s on a statement naming it 70 times).
    return (
        f"RTRIM({_listed(w, first)} || CASE WHEN {closed} THEN '' ELSE {_listed(w, stage)} END || "
        f"{_listed(w, amount)} || CASE WHEN {closed} THEN {_listed(w, closed_only)} ELSE {_listed(w, open_only)} END, "
        f"', ') AS {w.q('not_assessed')}"
    )


def outcome_refusals(w: Writer, process: Process, columns: InputColumns, buyers: frozenset[str], segments: bool) -> str:
    """In the last step, beside problem_list: the cells refused that leave a closed deal without its outcome ('' when
    none; NULL on an open deal's row). A closed deal's outcome does not depend on its amount: one whose amount or
    currency alone is refused still counts as won or lost, without an amount, as in the audit."""
    first, _, _, closed_only, _ = _refusals(w, process, columns, buyers, segments, None)
    return (
        f"CASE WHEN {is_closed(w)} THEN RTRIM({_listed(w, first)} || {_listed(w, closed_only)}, ', ') END "
        f"AS {w.q(OUTCOME_REFUSED)}"
    )


OUTCOME_REFUSED = "outcome_refused"


def _listed(w: Writer, problems: Refusals) -> str:
    """The cells refused, each followed by ', ' ('' when none is)."""
    pieces = [
        f"CASE WHEN COALESCE(({condition}), FALSE) THEN {w.s(cell + ', ')} ELSE '' END" for cell, condition in problems
    ]
    return " || ".join(pieces) or "''"


def _refusals(
    w: Writer,
    process: Process,
    columns: InputColumns,
    buyers: frozenset[str],
    segments: bool,
    file_currency: str | None,
) -> tuple[Refusals, Refusals, Refusals, Refusals, Refusals]:
    """The refusals, in the audit's order (pipeline_audit.rows.RowReader): what every row is read for, the claimed
    stage of an open deal, the amount, then a closed deal's close date, and an open deal's answers and segment."""
    q = w.q
    # The audit names the first flag it cannot read, and reads the status only when it reads every flag.
    unread = [unread_flag(w, flag) for flag in FLAGS]
    flags_bad = [
        (flag, " AND ".join([unread[index], *(f"NOT ({before})" for before in unread[:index])]))
        for index, flag in enumerate(FLAGS)
    ]
    amount_bad, currency_bad, mismatch = _amount_refusals(w, columns)
    other_currency = "" if file_currency is None else f" OR {q(AMOUNT_CURRENCY)} <> {file_currency}"
    first: Refusals = [
        ("deal", q("deal_blank")),
        *flags_bad,
        ("status", " AND ".join([unread_status(w), *(f"NOT ({flag})" for flag in unread)])),
    ]
    stage = [("stage", f"{q('claimed_label')} <> '' AND {q('claimed_index')} IS NULL")]
    amount = [("amount", f"{amount_bad} OR {mismatch}{other_currency}"), ("currency", currency_bad)]
    closed_only: Refusals = []
    if columns.close_dated:
        close = CLOSE_DATE
        bad = f"{q(close + DATE_TEXT_SUFFIX)} <> '' AND {q(close + DATE_SUFFIX)} IS NULL"
        if columns.lost_date is None:
            closed_only.append((close, bad))
        else:  # named as the audit names it: by the column the date came from
            closed_only += [
                (close, f"{bad} AND NOT {q(FROM_LOST_DATE)}"),
                (LOST_DATE, f"{bad} AND {q(FROM_LOST_DATE)}"),
            ]
    open_only: Refusals = []
    for _, milestone in process.milestones():
        open_only += _answer_problems(w, milestone.id, buyers)
    if segments:
        open_only.append(("segment", q("segment_refused")))
    return first, stage, amount, closed_only, open_only


def _answer_problems(w: Writer, milestone_id: str, buyers: frozenset[str]) -> list[tuple[str, str]]:
    """The cells of one milestone the audit refuses (pipeline_audit.rows.RowReader._answer's order of checks)."""
    q = w.q
    answer, met = q(milestone_id + "__answer"), q(milestone_id + "__met")
    date_text, date = q(milestone_id + DATE_TEXT_SUFFIX), q(milestone_id + DATE_SUFFIX)
    blank = f"COALESCE({answer}, '') = ''"
    date_bad = f"{date_text} <> '' AND {date} IS NULL"
    filled = f"{blank} AND NOT ({date_bad})"  # an answer left blank, with the rest of the milestone filled in
    problems = [
        (milestone_id, f"{answer} <> '' AND {met} IS NULL"),
        (milestone_id + ".date", f"{date_bad} OR ({filled} AND {date_text} <> '')"),
        (milestone_id + ".evidence", f"{filled} AND {w.trim(q(milestone_id + '__evidence'))} <> ''"),
    ]
    if milestone_id in buyers:
        buyer = q(milestone_id + "__buyer")
        readable = w.dialect.matches.format(
            f"{w.dialect.trim_function}({w.spaced(buyer)}, ' ')", w.s(CONFIRMED_BY_PATTERN)
        )
        unread = f"NOT {readable} OR COALESCE({date_text}, '') = ''"
        problems.append(
            (
                milestone_id + ".confirmed_by",
                f"({filled} AND {buyer} IS NOT NULL) OR ({met} IS NOT NULL AND {buyer} IS NOT NULL AND ({unread}))",
            )
        )
    return problems


def two_digit_years(w: Writer, prefixes: Sequence[str]) -> str:
    """How many dates of `prefixes` the row holds read from a two-digit year, in a step after `values` (the
    audit's summary counts them)."""
    c = Cells(w)
    counted = [f"CASE WHEN {c.two_digit_year(_columns_of(w, prefix))} THEN 1 ELSE 0 END" for prefix in prefixes]
    return " + ".join(counted) or "0"
