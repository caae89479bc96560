"""The deal vocabulary: how every entry point reads a deal's values and words its statuses.

The self-check form, the JSON API, deal files and the pipeline audit read amounts,
yes/no answers, dates and stages through these functions, and show statuses and
money through the labels and formatters below, so they agree by construction.

Parsers return None for a blank value and raise ValueError with a reason (what is
wrong and how to write it) for anything they cannot read without guessing.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from sales_process.evidence import SURROUNDING, WHITESPACE
from sales_process.suggest import did_you_mean, is_typo_of, shares_stem
from sales_process.wording import ZERO_WIDTH, kind_of, quoted, show


class Status(enum.StrEnum):
    """A milestone's status; the first that applies wins, in this order (sales_process.status_rules)."""

    UNANSWERED = "unanswered"
    NOT_MET = "not_met"
    NO_EVIDENCE = "no_evidence"
    AWAITING_BUYER = "awaiting_buyer"  # `confirmation: required` and the buyer has not confirmed yet
    FUTURE_DATE = "future_date"
    UNDATED = "undated"
    STALE = "stale"
    VERIFIED = "verified"


# The one wording of each status for people: the form, the result page, the summary, the
# audit report and `playbook assess` all show these (the codes are for programs only).
STATUS_LABELS: Mapping[Status, str] = {
    Status.UNANSWERED: "not answered",
    Status.NOT_MET: "not done yet",
    Status.NO_EVIDENCE: "no evidence named",
    Status.AWAITING_BUYER: "awaiting the buyer",
    Status.FUTURE_DATE: "dated in the future",
    Status.UNDATED: "no date",
    Status.STALE: "too old",
    Status.VERIFIED: "verified",
}


def status_label(status: Status, age_days: int | None = None, max_age_days: int | None = None) -> str:
    """The status in words, with the numbers that explain it: "too old (680 days; counts for 90)"."""
    label = STATUS_LABELS[status]
    if status is Status.STALE and age_days is not None and max_age_days is not None:
        return f"{label} ({plural(age_days, 'day')}; counts for {max_age_days})"
    if status is Status.UNDATED and max_age_days is not None:
        return f"{label} (counts for {plural(max_age_days, 'day')} from it)"
    return label


def counts_until(last_day: dt.date, as_of: dt.date) -> str:
    """Dated evidence's validity in the one wording of every page and email, from the last day it counts
    (`deal_records.answers.last_valid_day`): "counts until D" while it counts on `as_of` (D included),
    "counted until D" once it no longer does."""
    return f"{'counts' if as_of <= last_day else 'counted'} until {last_day.isoformat()}"


# --- short text ------------------------------------------------------------------------------


def shown(value: object, limit: int = 40) -> str:
    """A typed value for a message (text quoted, numbers as they are), shortened when long."""
    if isinstance(value, str) and len(value) > limit:
        return show(value[: limit - 3] + "...", limit + 2)
    return show(value, limit + 2)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """'1 deal', '3 deals' (or the irregular plural given)."""
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


def money(value: float) -> str:
    """An amount for reading: thousands separated, cents only when there are any."""
    return f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"


def money_cents(cents: int) -> str:
    """Whole cents for reading: 1,234,567.89 (with a minus sign when negative)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{part:02d}"


def money_cents_in(cents: int, currency: str | None = None) -> str:
    """Whole cents to read in a list or beside totals, with its cents always (a column of "229,800" and "948,499.99"
    reads unevenly) and its currency when known: "USD 229,800.00"."""
    return f"{currency} {money_cents(cents)}" if currency else money_cents(cents)


def plain_cents(cents: int) -> str:
    """Whole cents as a machine-readable amount, 1234567.89: what audit.csv holds."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


CENT = decimal.Decimal("0.01")
DOUBLE_DIGITS = 15  # the significant digits a double holds as written: to_cents reads an amount exactly to them


def to_cents(value: float) -> int:
    """An amount in whole cents: the amount as written, rounded half to even to the cent (0.125 is 12 cents,
    1234.565 is 123456); every total is summed from these.

    The amount as written is the shortest decimal that reads back as `value`: the number typed, for every amount
    of up to DOUBLE_DIGITS significant digits (and every double a program writes). Not `round(value * 100)`:
    1.015 is the double 1.01499999999999990230…, which the product rounds down; its written decimal is a tie,
    rounded up to the even 102."""
    written = repr(value)
    if written.startswith("-"):  # a difference of amounts: the sign outside, so the cents of "-5.25" are -525
        return -to_cents(-value)
    whole, _, decimals = written.partition(".")
    if len(decimals) <= 2 and "e" not in written:  # most amounts: whole cents already, read without Decimal
        return int(whole) * 100 + int(decimals.ljust(2, "0"))
    return int(decimal.Decimal(written).quantize(CENT, decimal.ROUND_HALF_EVEN) * 100)


def weighted_cents(amount: float | None, probability: int) -> int | None:
    """An amount weighted by a stage's probability (whole percent), in whole cents: the amount's cents (to_cents)
    times the probability, divided by 100, rounded half to even, in integers (None without an amount). Every
    source weighs a deal by it, and the SQL by its spelling of it (verdict_sql.cells.Cells.weighted_cents)."""
    if amount is None:
        return None
    cents, hundredths = divmod(to_cents(amount) * probability, 100)
    return cents + int(hundredths > 50 or (hundredths == 50 and cents % 2 == 1))


# --- yes / no --------------------------------------------------------------------------------

# A ticked box, an emoji's heavy check mark; a cross, an empty box.
YES_MARKS = frozenset({"✓", "✔", "✔\ufe0f", "☑", "☑\ufe0f", "✅"})
NO_MARKS = frozenset({"✗", "✘", "☐", "❌"})
# An answer that says it was not given: read as blank (unanswered), as is an answer of punctuation alone (-, ?).
# Not applicable is no evidence either way: a milestone some deals do not need says so in process.yaml
# (required_when), not in a cell.
NOT_ANSWERED = frozenset({"n/a", "na", "n.a"})

# The yes and no of the languages spreadsheets and CRMs export in: their word for yes/no and the
# booleans their Excel writes (German Excel writes WAHR/FALSCH), each read in any case.
ANSWERS_BY_LANGUAGE: Mapping[str, tuple[frozenset[str], frozenset[str]]] = {
    # With the check marks and crosses a sheet kept by hand uses (a ticked box, an emoji's heavy check mark),
    # and the "v" monday.com exports for a ticked checkbox (an unticked one is blank).
    # Done, confirmed and completed are the yes of a tracker's status column kept by hand. t and f are
    # PostgreSQL's booleans as its COPY … CSV (psql's \copy) writes them: a letter is read as an answer only
    # where no word of the other answer, in any language here, starts with it (T is true, tak; F false, falsch).
    "English": (
        frozenset(
            {"yes", "y", "true", "t", "1", "x", "v", "on", "checked", "done", "confirmed", "completed", *YES_MARKS}
        ),
        frozenset({"no", "n", "false", "f", "0", "off", "unchecked", *NO_MARKS}),
    ),
    "German": (frozenset({"ja", "wahr"}), frozenset({"nein", "falsch"})),
    "French": (frozenset({"oui", "vrai"}), frozenset({"non", "faux"})),
    "Spanish": (frozenset({"sí", "si", "verdadero"}), frozenset({"no", "falso"})),
    "Italian": (frozenset({"sì", "si", "vero"}), frozenset({"no", "falso"})),
    "Portuguese": (frozenset({"sim", "verdadeiro"}), frozenset({"não", "nao", "falso"})),
    "Dutch": (frozenset({"ja", "waar"}), frozenset({"nee", "onwaar"})),
    "Swedish": (frozenset({"ja", "sant"}), frozenset({"nej", "falskt"})),
    "Danish": (frozenset({"ja", "sand"}), frozenset({"nej", "falsk"})),
    "Norwegian": (frozenset({"ja", "sann"}), frozenset({"nei", "usann"})),
    "Polish": (frozenset({"tak", "prawda"}), frozenset({"nie", "fałsz"})),
    "Russian": (frozenset({"да", "истина"}), frozenset({"нет", "ложь"})),  # Bitrix24's exports
}
# A mark with the word after it (✔️ Yes, ❌ No), spaced or not, is that answer too.
YES_WORDS = frozenset().union(*(yes for yes, _ in ANSWERS_BY_LANGUAGE.values())) | {
    f"{mark}{space}yes" for mark in YES_MARKS for space in ("", " ")
}
NO_WORDS = frozenset().union(*(no for _, no in ANSWERS_BY_LANGUAGE.values())) | {
    f"{mark}{space}no" for mark in NO_MARKS for space in ("", " ")
}
# The answers as most exports type them (yes, Yes, YES), looked up as typed, without trimming:
# the fast paths of the audit's row reader and of the SQL read these, anything else goes through parse_yes_no.
ANSWERS_AS_TYPED: Mapping[str, bool] = {
    case(word): words is YES_WORDS
    for words in (YES_WORDS, NO_WORDS)
    for word in words
    for case in (str.lower, str.capitalize, str.upper)
}
_READ_TOO = (
    "1/0, t/f, x, v, ✓/✗, checked/unchecked and on/off are read too, "
    f"as are yes/no and TRUE/FALSE in {', '.join(list(ANSWERS_BY_LANGUAGE)[1:-1])} and {list(ANSWERS_BY_LANGUAGE)[-1]}, "
    "e.g. ja/nein, oui/non, да/нет, WAHR/FALSCH"
)
YES_NO_HINT = f"write yes or no, or leave it blank (true/false, {_READ_TOO})"  # a cell, which blank leaves unanswered
TRUE_FALSE_HINT = f"write true or false (yes/no, {_READ_TOO})"  # a deal's 'met': never blank


def answer_word(text: str) -> str:
    """The word an answer cell is read by: trimmed, in lower case, without the punctuation around it (Yes. is
    yes, - is blank), and blank when it says it was not answered (N/A). verdict_sql reads the cell so too."""
    word = text.strip().lower().strip(SURROUNDING)
    return "" if word in NOT_ANSWERED else word


def parse_yes_no(value: object, hint: str = YES_NO_HINT) -> bool | None:
    """A milestone answer: True, False, or None when blank (unanswered); `hint` ends the error of another value."""
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{kind_of(value)} {shown(value)} is not yes or no; {hint}")
    word = answer_word(value)
    if not word:
        return None
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ValueError(f"{shown(value)} is not yes or no; {hint}")


# --- amounts ---------------------------------------------------------------------------------


class DecimalCommaError(ValueError):
    """An amount that can only be read with a decimal comma (74.000,00), read without one."""


class AmbiguousAmountError(ValueError):
    """An amount such as 15.000 or 15,000 whose one separator could group thousands or mark decimals."""


@dataclass(frozen=True)
class Money:
    """An amount and the currency written with it (an ISO code such as EUR, or None)."""

    value: float
    currency: str | None = None


# The words Central and Eastern European exports write after an amount (12 000,00 zł), each one currency's.
CURRENCY_WORDS: Mapping[str, str] = {
    "zł": "PLN",
    "Kč": "CZK",
    "Ft": "HUF",
    "lei": "RON",
    "лв.": "BGN",
    "лв": "BGN",
    "руб.": "RUB",
    "руб": "RUB",
    "грн.": "UAH",
    "грн": "UAH",
}
# The dollars a country letters before the sign (Brazilian exports write R$ 1.234,56) are not the US dollar.
CURRENCY_SYMBOLS = {
    "$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "₪": "ILS",
    "₴": "UAH",
    "₫": "VND",
    "฿": "THB",
    "₦": "NGN",
    "₱": "PHP",
    "円": "JPY",  # written after the amount, as Japanese and Korean exports do: 1,200,000円, 1,200,000원
    "원": "KRW",
    "CHF": "CHF",
    "US$": "USD",
    "R$": "BRL",
    "CA$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "MX$": "MXN",
    **CURRENCY_WORDS,
}
SIGNS = "".join(symbol for symbol in CURRENCY_SYMBOLS if len(symbol) == 1)  # $ € £ ¥ ₹ ₩ ₽ ₺ ₪ ₴ ₫ ฿ ₦ ₱ 円 원
LETTERED_DOLLARS = tuple(
    symbol.removesuffix("$") for symbol in CURRENCY_SYMBOLS if len(symbol) > 1 and symbol.endswith("$")
)
GROUP_SPACES = " \u00a0\u202f"  # exports group thousands with a space, a no-break space or a narrow one


def currency_mark(code: str = "[A-Z]{3}", words: Iterable[str] = CURRENCY_WORDS) -> str:
    """A regular expression of a currency written with an amount: a lettered dollar, a code (`code`: a three-letter
    ISO code), a currency word (`words`: by default every one) or a sign. None of them but a word and the same word
    with a dot can start another, and the words come longest first, so every regular expression engine the SQL runs
    on matches the same one (RE2 and Python take the first alternative that matches, PostgreSQL the longest)."""
    escaped = (re.escape(word) for word in sorted(words, key=len, reverse=True))
    return "|".join([*(f"{letters}[$]" for letters in LETTERED_DOLLARS), code, *escaped, f"[{SIGNS}]"])


# Words several countries' currencies share, with the codes a currency column may give them: an amount written
# "1 200 kr" is read in the krona or krone its currency column names, and refused without one.
SHARED_CURRENCIES: Mapping[str, tuple[str, ...]] = {"kr": ("SEK", "NOK", "DKK", "ISK")}
_SHARED_NAMES = {"kr": "the krona or krone of Sweden, Norway, Denmark and Iceland"}
# Currency names that are no one currency, which an amount is refused with (the currency names CRMs write are
# CURRENCY_NAMES): the refusal names the codes they may mean.
_NAMES_OF_SEVERAL: Mapping[str, tuple[str, ...]] = {
    "dollar": ("USD", "CAD", "AUD", "NZD", "SGD", "HKD"),
    "peso": ("MXN", "ARS", "CLP", "COP", "PHP", "UYU"),
    "franc": ("CHF", "XOF", "XAF", "XPF"),
    "rupee": ("INR", "PKR", "LKR", "NPR", "MUR"),
    "pound": ("GBP", "EGP", "LBP"),
    "krona": ("SEK", "ISK"),
    "krone": ("NOK", "DKK"),
}
SHARED_MARK = "[Kk]r[.]?"  # kr, Kr, kr. as Swedish, Norwegian, Danish and Icelandic amounts are written
# A currency written with an amount: a currency (currency_mark) or a shared word. Neither starts the other.
CURRENCY_MARK = f"{currency_mark()}|{SHARED_MARK}"
_SHARED_MARK = re.compile(SHARED_MARK)
_CURRENCY = re.compile(
    rf"^(?P<before>{CURRENCY_MARK})?\s*(?P<number>[^A-Za-z{SIGNS}]*?)\s*(?P<after>{CURRENCY_MARK})?$"
)
# Thousands separators come in groups of three, so "120,5" is never read as 1205. Swiss exports group them with an
# apostrophe (1'200'000.50), typed or typographic.
APOSTROPHES = "'\u2019"
# The numbers parse_money reads, as patterns every regular expression engine the SQL runs on reads alike
# (verdict_sql.cells): thousands grouped by threes with commas, spaces or apostrophes (Swiss exports), or as India
# writes them (lakhs and crores: 12,34,56,789.50, a group of three, then groups of two); with a decimal comma,
# grouped by dots or spaces.
DOT_DECIMAL = (
    f"^([0-9]+|[0-9]{{1,3}}(,[0-9]{{3}})+|[0-9]{{1,2}}(,[0-9]{{2}})+,[0-9]{{3}}|[0-9]{{1,3}}([{GROUP_SPACES}][0-9]{{3}})+"
    f"|[0-9]{{1,3}}([{APOSTROPHES}][0-9]{{3}})+)([.][0-9]+)?$"
)
COMMA_DECIMAL = f"^([0-9]+|[0-9]{{1,3}}([.][0-9]{{3}})+|[0-9]{{1,3}}([{GROUP_SPACES}][0-9]{{3}})+)(,[0-9]+)?$"
_DOT_DECIMAL = re.compile(DOT_DECIMAL)
_COMMA_DECIMAL = re.compile(COMMA_DECIMAL)
# A dash alone is no amount (blank): Excel's accounting format writes a zero so, and people write one for "none".
# Hyphen-minus, en dash and em dash; the SQL reads them alike (verdict_sql.cells.cell_items).
NO_AMOUNT = ("-", "\u2013", "\u2014")
AMOUNT_HINT = "write it like 120000, 120,000.50, $120,000 or 120000 EUR"
DECIMAL_COMMA_HINT = "with a decimal comma write it like 74000,50, 74.000,50 or 74 000 €"  # crm.decimal_comma's
_WORD = re.compile(r"[^\W\d_]+")
_ACCOUNTING_NEGATIVE = re.compile(r"^\(.*[0-9].*\)$")  # (1,000): a negative, as accounting writes it


def parse_money(value: object, decimal_comma: bool = False, column_currency: str | None = None) -> Money | None:
    """Read an amount as a number or as CRMs write it: 120,000.50, $120,000, USD 120 000, 74.000,00 €.

    With `decimal_comma` the comma is the decimal mark and dots or spaces group thousands.
    `column_currency` is the ISO code a currency column (or key) gives the amount: it says which currency a
    word several share stands for (1 200 kr in SEK); without it such an amount is refused.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"an amount must be a number, got {kind_of(value)} {shown(value)}")
    if not isinstance(value, str):
        return Money(_checked_amount(value, value))
    text = value.strip()
    if not text or text in NO_AMOUNT:
        return None
    if text.isascii() and text.isdigit():  # the common case in exports, kept fast
        # float() past 20 digits: an int() of over 4,300 digits raises Python's own limit instead of "too large"
        return Money(_checked_amount(int(text) if len(text) <= 20 else float(text), value))
    if _ACCOUNTING_NEGATIVE.match(text):
        raise ValueError(
            f"{shown(value)} is negative (in brackets, as accounting writes it); an amount must be zero or more"
        )
    match = _CURRENCY.match(text)
    both = match is not None and match["before"] and match["after"]
    if match is None or (both and not is_one_currency(match["before"], match["after"])):
        raise ValueError(f"{shown(value)} is not an amount; {_not_an_amount_hint(text, decimal_comma)}")
    number = match["number"]
    if number.startswith("-") and any(character.isdigit() for character in number):
        raise ValueError(f"{shown(value)} is negative; an amount must be zero or more")
    if both and currency_code(match["before"]) != currency_code(match["after"]):
        before, after = match["before"], match["after"]
        named = [mark if currency_code(mark) == mark else f"{mark} ({currency_code(mark)})" for mark in (before, after)]
        space = " " if before[-1].isalpha() else ""
        raise ValueError(
            f"{shown(value)} names two currencies, {named[0]} and {named[1]}: write it with the one it is in, "
            f"e.g. {before}{space}{match['number']} or {match['number']} {after}"
        )
    currency = match["before"] or match["after"]
    amount = _checked_amount(_number(number, value, decimal_comma), value)
    if currency and (shared := currency.lower().rstrip(".")) in SHARED_CURRENCIES:
        return Money(amount, _shared_currency(shared, value, column_currency))
    return Money(amount, currency_code(currency) if currency else None)


def is_one_currency(before: str, after: str) -> bool:
    """Whether an amount with a currency on both sides of its number names one currency at each ($1,200.00 USD,
    € 500 EUR: the symbol and the code agree; $1,200 EUR does not) rather than a word several currencies share (kr)
    or nothing a currency column could name. The rule of both readers: the SQL (verdict_sql.cells) reads an amount
    written so when its two currencies' codes (currency_code, CURRENCY_SYMBOLS) agree, as parse_money does."""
    return not any(_SHARED_MARK.fullmatch(mark) for mark in (before, after))


def _shared_currency(word: str, value: str, column_currency: str | None) -> str:
    """The currency an amount written with a shared word (kr) is in: its currency column's, when one of the word's."""
    codes = SHARED_CURRENCIES[word]
    if column_currency is None:
        raise ValueError(
            f"{shown(value)} is written in {word}, {_SHARED_NAMES[word]} ({', '.join(codes)}): "
            f"write the code instead, e.g. 500 {codes[0]}, or give the currency (a currency column or key)"
        )
    if column_currency not in codes:
        raise ValueError(
            f"{shown(value)} is written in {word} ({', '.join(codes)}), but the currency given with it is "
            f"{column_currency}; correct one of them"
        )
    return column_currency


# A value per period, as CRMs write recurring deals ("$500 monthly" in Close): the word, and how many make a year.
RECURRING_WORDS: Mapping[str, int] = {
    "weekly": 52,
    "monthly": 12,
    "quarterly": 4,
    "annually": 1,
    "annual": 1,
    "yearly": 1,
}


def _not_an_amount_hint(text: str, decimal_comma: bool = False) -> str:
    """How to write an amount the reader refused: the code for a currency word several countries share, the whole
    value for a value per period, a currency code in capitals for one typed in small letters, else the general hint
    (with a decimal comma, its own: 120,000.50 is refused there)."""
    for word in _WORD.findall(text):
        if word != word.upper() and word.upper() in CURRENCIES_IN_USE:
            # The code between letters' edges, not \b's: against the number (12000usd) \b finds no edge.
            fixed = re.sub(rf"(?<![^\W\d_]){re.escape(word)}(?![^\W\d_])", word.upper(), text)
            return f"a currency code is written in capitals: {fixed}"
    for word in _WORD.findall(text.lower().replace(".", "")):
        if word in SHARED_CURRENCIES:
            codes = SHARED_CURRENCIES[word]
            return (
                f"{word} names {_SHARED_NAMES[word]} ({', '.join(codes)}): write the code instead, e.g. 500 {codes[0]}"
            )
        if word in RECURRING_WORDS:
            return f"it is a value per period ({word}): {whole_value_hint(word)}"
        name = word.removesuffix("s")
        if name in _NAMES_OF_SEVERAL:
            codes = _NAMES_OF_SEVERAL[name]
            return f"{word} names no one currency ({', '.join(codes)}…): write the code instead, e.g. 500 {codes[0]}"
    return DECIMAL_COMMA_HINT if decimal_comma else AMOUNT_HINT


def whole_value_hint(word: str) -> str:
    """How to write a value per period (`word`: monthly, annual …) as the deal's whole value."""
    per_year = RECURRING_WORDS.get(word, 1)
    year = "" if per_year == 1 else f" (a year of it is {per_year} times the {word} value)"
    return f"write the deal's whole value instead{year}"


# Currencies as CRMs name them in a currency column, in the singular (Dynamics 365 writes "US Dollar", Salesforce
# reports "Euro") and in the plural (SugarCRM and SuiteCRM write "US Dollars"; others "Euros", "Pounds Sterling").
# A bare "Dollars" is no one currency, and is refused.
CURRENCY_NAMES: Mapping[str, str] = {
    "us dollar": "USD",
    "us dollars": "USD",
    "u.s. dollar": "USD",
    "u.s. dollars": "USD",
    "united states dollar": "USD",
    "united states dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "pound sterling": "GBP",
    "pounds sterling": "GBP",
    "british pound": "GBP",
    "british pounds": "GBP",
    "british pound sterling": "GBP",
    "japanese yen": "JPY",
    "indian rupee": "INR",
    "indian rupees": "INR",
    "swiss franc": "CHF",
    "swiss francs": "CHF",
    "canadian dollar": "CAD",
    "canadian dollars": "CAD",
    "australian dollar": "AUD",
    "australian dollars": "AUD",
    "new zealand dollar": "NZD",
    "new zealand dollars": "NZD",
    "singapore dollar": "SGD",
    "singapore dollars": "SGD",
    "hong kong dollar": "HKD",
    "hong kong dollars": "HKD",
    "chinese yuan": "CNY",
    "yuan renminbi": "CNY",
    "swedish krona": "SEK",
    "swedish kronor": "SEK",
    "norwegian krone": "NOK",
    "norwegian kroner": "NOK",
    "danish krone": "DKK",
    "danish kroner": "DKK",
    "polish zloty": "PLN",
    "polish zlotys": "PLN",
    "russian ruble": "RUB",
    "russian rubles": "RUB",
    "russian rouble": "RUB",
    "russian roubles": "RUB",
    "brazilian real": "BRL",
    "brazilian reais": "BRL",
    "mexican peso": "MXN",
    "mexican pesos": "MXN",
    "south african rand": "ZAR",
}


def currency_code(text: str) -> str:
    """A currency as its ISO code: a symbol ($, €, £ …), a name (US Dollar, Euro) or a code in any case (eur) -> EUR."""
    code = text.strip()
    # Only ASCII is upper-cased: "ßa".upper() is "SSA", which no one typed as a currency.
    return (
        CURRENCY_SYMBOLS.get(code) or CURRENCY_NAMES.get(name_key(code)) or (code.upper() if code.isascii() else code)
    )


_ISO_CODE = re.compile(r"[A-Z]{3}")
CURRENCY_HINT = (
    "write a three-letter ISO code such as USD, EUR or GBP, a symbol "
    f"({' '.join(SIGNS)}, or R$, US$ …) or a name such as US Dollar, Euro or Pound Sterling"
)


def parse_currency(value: object) -> str | None:
    """A currency typed on its own (a code in any case or a symbol) as its ISO code; None when blank."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"a currency must be text, got {kind_of(value)} {shown(value)}; {CURRENCY_HINT}")
    if not value.strip():
        return None
    code = currency_code(value)
    if not _ISO_CODE.fullmatch(code):
        raise ValueError(f"{shown(value)} is not a currency; {CURRENCY_HINT}")
    return code


# The currencies in use today (ISO 4217 codes that some country's legal tender has, as the Unicode CLDR lists them).
# A code a person types for a deal is checked against them, so a mistyped EUE is refused rather than kept as a
# currency of its own. Exports are not: the audit and the SQL read any three letters, as the CRM wrote them.
_CODES_IN_USE = (
    "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY "
    "COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR "
    "ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK "
    "MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF "
    "SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS "
    "VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG"
)
CURRENCIES_IN_USE = frozenset(_CODES_IN_USE.split())


# Codes people write that ISO 4217 does not list, for the currency they mean.
CURRENCY_ALIASES: Mapping[str, str] = {"RMB": "CNY", "NTD": "TWD", "UKP": "GBP", "STG": "GBP"}
# Currencies replaced lately, by the one in use: old exports still name them (the audit reads them), new deals not.
REPLACED_CURRENCIES: Mapping[str, str] = {"BGN": "EUR", "HRK": "EUR", "SLL": "SLE", "ANG": "XCG", "ZWL": "ZWG"}


def unlisted_currency(code: str) -> str | None:
    """Why a currency code a person typed is refused: it is no currency in use (CURRENCIES_IN_USE), with the code
    meant when one is plain, else how to write one; None when it is one."""
    if code in CURRENCIES_IN_USE:
        return None
    if code in REPLACED_CURRENCIES:
        return f"{code} is no longer in use: {REPLACED_CURRENCIES[code]} replaced it; write the amount in it"
    meant = CURRENCY_ALIASES.get(code) or _mistyped_code(code)
    return f"{code} is not a currency in use (ISO 4217); " + (f"did you mean {meant}?" if meant else CURRENCY_HINT)


def _mistyped_code(code: str) -> str | None:
    """The one code in use with the same letters (GPB for GBP), else the one with two letters in place (EUE for EUR);
    None when there is no such code, or several."""
    for alike in (
        lambda known: sorted(known) == sorted(code),
        lambda known: sum(a == b for a, b in zip(known, code, strict=True)) == 2,
    ):
        found = [known for known in CURRENCIES_IN_USE if alike(known)]
        if len(found) == 1:
            return found[0]
        if found:
            return None
    return None


def given_currency(value: object) -> str | None:
    """A currency column's cell (or key) as parse_money's column_currency: its ISO code, None when blank or not a
    currency (which the caller says on its own, as parse_currency words it)."""
    try:
        return parse_currency(value)
    except ValueError:
        return None


def money_in(value: float, currency: str | None) -> str:
    """An amount for reading with its currency when known: "USD 120,000", else "120,000"."""
    return f"{currency} {money(value)}" if currency else money(value)


# One group of three digits after the decimal mark (15.000, or 15,000 with a decimal comma): money has two
# decimals, so it most likely means fifteen thousand written the other way. A leading 0 (0.125) cannot be
# a thousands group, so it is read as the fraction it is. Groups spaced before it (1 200.000) change nothing.
ONE_GROUP_DOT = f"^[1-9][0-9]{{0,2}}([{GROUP_SPACES}][0-9]{{3}})*[.][0-9]{{3}}$"
ONE_GROUP_COMMA = f"^[1-9][0-9]{{0,2}}([{GROUP_SPACES}][0-9]{{3}})*,[0-9]{{3}}$"
_ONE_GROUP = {False: re.compile(ONE_GROUP_DOT), True: re.compile(ONE_GROUP_COMMA)}


def _number(number: str, typed: str, decimal_comma: bool) -> float:
    if _ONE_GROUP[decimal_comma].match(number):
        # Refuse rather than be wrong by 1000x.
        whole, part = number[:-4].translate({ord(c): None for c in GROUP_SPACES}), number[-3:]
        fraction = format(decimal.Decimal(f"{whole}.{part}").normalize(), "f")  # 9,500 read as a fraction is 9.5
        raise AmbiguousAmountError(
            f"{shown(typed)} is ambiguous ({fraction} or {whole}{part}?); write it without the separator, "
            f"e.g. {whole}{part}"
        )
    if decimal_comma:
        if not _COMMA_DECIMAL.match(number):
            raise ValueError(f"{shown(typed)} is not an amount; {DECIMAL_COMMA_HINT}")
        return float(number.replace(".", "").replace(",", ".").translate({ord(c): None for c in GROUP_SPACES}))
    if not _DOT_DECIMAL.match(number):
        if _COMMA_DECIMAL.match(number):
            meant = number.replace(".", "").replace(",", ".").translate({ord(c): None for c in GROUP_SPACES})
            if "," not in number:  # 1.200.000: points between the thousands, and no decimals
                raise DecimalCommaError(
                    f"{shown(typed)} has points between its thousands (as German, Dutch or Italian write amounts); "
                    f"write it like {meant}"
                )
            raise DecimalCommaError(f"{shown(typed)} looks like an amount with a decimal comma; write it like {meant}")
        raise ValueError(f"{shown(typed)} is not an amount; {AMOUNT_HINT}")
    return float(number.replace(",", "").translate({ord(c): None for c in GROUP_SPACES + APOSTROPHES}))


# Far above any deal, and small enough that weighting and summing stay finite numbers
# (4e307 weighted by a probability overflowed to Infinity, which is not JSON).
MAX_AMOUNT = 1e15


def _checked_amount(number: float | int, typed: object) -> float:
    """The one place that bounds an amount: a finite number, not negative, at most MAX_AMOUNT."""
    try:
        result = float(number)
    except OverflowError:
        result = math.inf
    if math.isnan(result):
        raise ValueError(
            f"{shown(typed) if isinstance(typed, str) else 'NaN'} is not a number; an amount must be a number"
        )
    if result < 0:
        raise ValueError(f"{shown(typed)} is negative; an amount must be zero or more")
    if not math.isfinite(result) or result > MAX_AMOUNT:
        what = shown(typed) if isinstance(typed, str) else shown(number) if math.isfinite(result) else "the number"
        raise ValueError(f"{what} is too large to be an amount of money (at most {MAX_AMOUNT:,.0f})")
    return result


# --- dates -----------------------------------------------------------------------------------


class DateOrder(enum.StrEnum):
    """How to read a date such as 03/04/2027: only unambiguous day-first dates (auto), or always."""

    AUTO = "auto"
    DAY_FIRST = "day-first"
    MONTH_FIRST = "month-first"


class AmbiguousDateError(ValueError):
    """A date such as 03/04/2027 that could be day first or month first."""


class MonthFirstDateError(ValueError):
    """A date such as 2/23/2027 that can only be month first (never assumed: only read when told)."""


class OtherOrderDateError(ValueError):
    """A date that is no calendar date in the order it was read in, but is one the other way round (15.09.2026
    read month first): the order given for the file is likely not the file's."""

    def __init__(self, message: str, fits: DateOrder) -> None:
        super().__init__(message)
        self.fits = fits


# YYYY-MM-DD, a time may follow, with its zone as warehouses and BI tools write it (Z, +01:00, +0100, or a word:
# 2027-02-03 10:00:00 UTC), or as PostgreSQL and DuckDB write a timestamp with time zone as text, its offset in
# hours alone (2027-02-03 10:00:00+00); the year, month and day are the text's first 4, then 2 and 2 digits,
# the date as written. The SQL (verdict_sql.cells) matches the trimmed text with this same pattern and reads
# the same places.
ISO_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?( ?(Z|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?))?)?$"
_ISO = re.compile(ISO_DATE)
_NUMERIC = re.compile(
    r"^([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4}|[0-9]{2})(?:,?\s+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:\s*[AaPp][Mm])?)?$"
)
# Spreadsheets read a two-digit year as 2000-2029 for 00-29 and 1930-1999 for 30-99; so does the audit.
TWO_DIGIT_YEAR_PIVOT = 30


def full_year(two_digits: int) -> int:
    """A two-digit year by the spreadsheet rule: 00-29 -> 2000s, 30-99 -> 1900s."""
    return 2000 + two_digits if two_digits < TWO_DIGIT_YEAR_PIVOT else 1900 + two_digits


def has_two_digit_year(text: str) -> bool:
    """Whether a date as typed writes its year with two digits (02/12/24, 5-Dec-26)."""
    numeric = _NUMERIC.match(text.strip())
    if numeric is not None:
        return len(numeric[4]) == 2
    worded = _worded_date(text.strip())
    return worded is not None and len(worded[2]) == 2


DATE_HINT = "write it as YYYY-MM-DD, e.g. 2027-03-01"
# A spreadsheet stores a date as its number of days since 1899-12-30; a column not formatted as dates
# exports that number. Those of 1950 to 2099 are worth naming as dates in an error.
_SPREADSHEET_EPOCH = dt.date(1899, 12, 30)
_SPREADSHEET_DAYS = re.compile(r"([0-9]{5})(?:\.0+)?")
_SPREADSHEET_YEARS = range(1950, 2100)


# The months as words, in the languages the yes/no words come from (ANSWERS_BY_LANGUAGE), in full and
# abbreviated as their spreadsheets and CRMs write them (05-Dec-2026, Dec 5, 2026, 5. Dezember 2026).
# No word names two months in two languages.
_MONTHS_BY_NUMBER: Mapping[int, str] = {
    1: "january jan januar jänner jän janvier janv enero ene gennaio gen janeiro januari",
    2: "february feb februar février févr fév fevrier fevr febrero febbraio fevereiro fev februari",
    3: "march mar märz mär mrz mars marzo março maart mrt",
    4: "april apr avril avr abril abr aprile",
    5: "may mai mayo maggio mag maio mei",
    6: "june jun juni juin junio giugno giu junho",
    7: "july jul juli juillet juil julio luglio lug julho",
    8: "august aug août aout agosto ago augustus",
    9: "september sep sept septembre septiembre setiembre settembre set setembro",
    10: "october oct oktober okt octobre octubre ottobre ott outubro out",
    11: "november nov novembre noviembre novembro",
    12: "december dec dezember dez décembre déc decembre diciembre dic dicembre dezembro",
}
MONTH_NUMBERS: Mapping[str, int] = {
    word: number for number, words in _MONTHS_BY_NUMBER.items() for word in words.split()
}
# A date with its month as a word is read in lower case with the accents of month words dropped (août as
# aout), so that its patterns and the SQL's lookup of the month are plain ASCII.
MONTH_ACCENTS = "".join(sorted({c for word in MONTH_NUMBERS for c in word if not c.isascii()}))
MONTH_ACCENTS_DROPPED = "".join(unicodedata.normalize("NFD", c)[0] for c in MONTH_ACCENTS)
_DROP_ACCENTS = str.maketrans(MONTH_ACCENTS, MONTH_ACCENTS_DROPPED)
# Each month word without its accents, and its month's number: what the date's word is looked up in.
FOLDED_MONTHS: Mapping[str, int] = {word.translate(_DROP_ACCENTS): number for word, number in MONTH_NUMBERS.items()}
# The month's word in a date that matched WORDED_DATE: its first run of three letters or more (the
# words a date may have around it, an ordinal's "th" or Spanish and Portuguese "de", are shorter). The date
# is one only when that word is one of FOLDED_MONTHS.
MONTH_WORD = "([a-z][a-z][a-z]+)"
# A time after a date (", 10:30 AM"), on the text with every white space a space. Like every pattern the SQL
# shares, written without backreferences, lookarounds or non-capturing groups, which all dialects read alike.
DATE_TIME = "(,? +[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?( *[AaPp][Mm])?)?$"
_YEAR = "([0-9]{4}|[0-9]{2})"
# Year first with one or two digits for the month and the day, on the text with every white space a space:
# 2027/3/1 (as Japanese, Chinese and Korean settings write dates), 2027.03.01, 2027-3-1; never ambiguous.
YEAR_FIRST_DATE = f"^[0-9]{{4}}(/[0-9]{{1,2}}/|[.][0-9]{{1,2}}[.]|-[0-9]{{1,2}}-)[0-9]{{1,2}}{DATE_TIME}"


_ORDINAL = "(st|nd|rd|th|er)?"  # 1st, 2nd, 3rd, 5th; French 1er
_OF = "(de )?"  # Spanish and Portuguese long dates: 5 de diciembre de 2026
# A date with its month as a word, on its folded text (fold_worded_date), the day before the month or after it:
# 05-Dec-2026, 5 Dec 26, 5. Dezember 2026, 12 janv. 2027, 05DEC2026, 5th December 2026, 5 de diciembre de 2026;
# Dec 5, 2026, Dec-05-2026, Dec. 5, 2026 10:30 AM, December 5th, 2026. In either order the day is its first
# number and the year its second.
WORDED_DATE = (
    f"^([0-9]{{1,2}}{_ORDINAL}[.]?[ /-]?{_OF}{MONTH_WORD}[.]?[ /-]?{_OF}"
    f"|{MONTH_WORD}[.]?[ /-]?[0-9]{{1,2}}{_ORDINAL}(, ?| |/|-)){_YEAR}{DATE_TIME}"
)
WORDED_DAY = "([0-9]+)"
WORDED_YEAR = "^[^0-9]*[0-9]+[^0-9]+([0-9]+)"
# The weekday a spreadsheet's long date starts with (Friday, November 20, 2026; Freitag, 20. November 2026;
# viernes, 20 de noviembre de 2026), in the languages of the months, in full (with and without accents) and
# English's abbreviations. It is taken off before the date is read: the date does not depend on it.
_WEEKDAYS_BY_LANGUAGE: Mapping[str, str] = {
    "English": "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun",
    "German": "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag",
    "French": "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "Spanish": "lunes martes miércoles miercoles jueves viernes sábado sabado domingo",
    "Italian": "lunedì lunedi martedì martedi mercoledì mercoledi giovedì giovedi venerdì venerdi sabato domenica",
    "Portuguese": "segunda-feira terça-feira terca-feira quarta-feira quinta-feira sexta-feira "
    "segunda terça terca quarta quinta sexta sábado sabado domingo",
    "Dutch": "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
}
WEEKDAYS = tuple(dict.fromkeys(word for words in _WEEKDAYS_BY_LANGUAGE.values() for word in words.split()))
# A first word followed by spaces, on the text with every white space a space: a weekday when it is one of
# WEEKDAYS in lower case (never a '|': the SQL looks it up in WEEKDAY_LIST). FIRST_WORD is what to take off.
WEEKDAY_WORD = "^([^ .,|]+)[.,]? +"
FIRST_WORD = "^([^ ]+ +)"
WEEKDAY_LIST = "|" + "|".join(WEEKDAYS) + "|"
_WORDED_DATE, _WORDED_DAY, _WORDED_YEAR = (re.compile(pattern) for pattern in (WORDED_DATE, WORDED_DAY, WORDED_YEAR))
_MONTH_WORD = re.compile(MONTH_WORD)
_YEAR_FIRST_DATE = re.compile(YEAR_FIRST_DATE)
_WEEKDAY_WORD, _FIRST_WORD = re.compile(WEEKDAY_WORD), re.compile(FIRST_WORD)
_WEEKDAYS = frozenset(WEEKDAYS)
_SPACED = {ord(character): " " for character in WHITESPACE}


def dated_text(text: str) -> str:
    """A date's text as YEAR_FIRST_DATE and WORDED_DATE read it: every white space a space, a leading weekday
    taken off."""
    spaced = text.translate(_SPACED)
    first = _WEEKDAY_WORD.match(spaced)
    if first is not None and first[1].lower() in _WEEKDAYS:
        return spaced[len(_found(_FIRST_WORD, spaced)) :]
    return spaced


def fold_worded_date(text: str) -> str:
    """A date's text as WORDED_DATE reads it: `dated_text`, lower case, month words' accents dropped."""
    return dated_text(text).lower().translate(_DROP_ACCENTS)


def _worded_date(text: str) -> tuple[int, int, str] | None:
    """The day, the month's number and the year as written of a date whose month is a word; None when it is not one."""
    folded = fold_worded_date(text)
    if not _WORDED_DATE.match(folded):
        return None
    month = FOLDED_MONTHS.get(_found(_MONTH_WORD, folded))
    return None if month is None else (int(_found(_WORDED_DAY, folded)), month, _found(_WORDED_YEAR, folded))


def _found(pattern: re.Pattern[str], text: str) -> str:
    found = pattern.search(text)
    assert found is not None, "the whole pattern matched"
    return found[1]


def _not_a_date(value: object) -> str:
    """Why `value` is not a date, with the fix; a spreadsheet's day number is named as the date it stands for,
    and a month written as a word is said to be one."""
    text = value.strip() if isinstance(value, str) else str(value) if isinstance(value, int) else ""
    if any(c.isdigit() for c in text) and any(
        word in FOLDED_MONTHS for word in re.findall(r"[^\W\d_]+", fold_worded_date(text))
    ):
        return (
            f"{shown(value)} is not a date: with its month written as a word, write the day, the month and the year, "
            f"e.g. 5 Dec 2027, 05-Dec-2027 or Dec 5, 2027; or {DATE_HINT}"
        )
    days = _SPREADSHEET_DAYS.fullmatch(text)
    if days is not None:
        date = _SPREADSHEET_EPOCH + dt.timedelta(days=int(days[1]))
        if date.year in _SPREADSHEET_YEARS:
            return (
                f"{shown(value)} is not a date but a spreadsheet's day number (it stands for {date.isoformat()}); "
                f"format the column as dates in the spreadsheet before exporting, or {DATE_HINT}"
            )
    return f"{shown(value)} is not a date; {DATE_HINT}"


def parse_date(value: object, order: DateOrder = DateOrder.AUTO) -> dt.date | None:
    """Read a date: ISO (YYYY-MM-DD, a time may follow; also 2027/3/1), day/month/year as CRMs export it, or with the
    month as a word (05-Dec-2026, Dec 5, 2026, 5. Dezember 2026: WORDED_DATE, in either order: the word makes it plain).

    23/02/2027 can only be day-first and is read so, as are dotted dates (03.04.2027, the
    German way); 03/04/2027 is refused unless `order` says which comes first; 2/23/2027
    (month first) needs DateOrder.MONTH_FIRST. A two-digit year (23/02/27) is read by the
    spreadsheet rule (full_year).
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(_not_a_date(value))
    text = value.strip()
    if not text:
        return None
    if _ISO.match(text):
        return _calendar_date(text, int(text[:4]), int(text[5:7]), int(text[8:10]))
    if _YEAR_FIRST_DATE.match(dated_text(text)):
        year, month, day = (int(number) for number in re.findall("[0-9]+", text)[:3])
        return _calendar_date(text, year, month, day)
    numeric = _NUMERIC.match(text)
    if numeric is None:
        worded = _worded_date(text)
        if worded is None:
            raise ValueError(_not_a_date(text))
        day, month, year_text = worded
        year = full_year(int(year_text)) if len(year_text) == 2 else int(year_text)
        return _calendar_date(text, year, month, day)
    first, second, year = int(numeric[1]), int(numeric[3]), int(numeric[4])
    if len(numeric[4]) == 2:
        year = full_year(year)
    if order is DateOrder.MONTH_FIRST:
        return _in_order(text, year, first, second, DateOrder.DAY_FIRST)
    if order is DateOrder.DAY_FIRST:
        return _in_order(text, year, second, first, DateOrder.MONTH_FIRST)
    # Dots (23.02.2027) are written day first wherever they are used; slashes are read day first only when nothing else fits.
    if (first > 12 >= second) or numeric[2] == ".":
        return _calendar_date(text, year, second, first)
    if second > 12 >= first:
        raise MonthFirstDateError(f"{shown(text)} is written month first; {DATE_HINT}")
    raise AmbiguousDateError(f"{shown(text)} is ambiguous (day or month first?); {DATE_HINT}")


# The time a date's text may end with (2027-03-01 14:05, 2027-03-01T14:05:00.000+0000, 3/1/2027 2:05 PM), its
# offset from UTC if it gives one.
_TIME_OF_DAY = re.compile(
    r"[T ,]\s*([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:[.,][0-9]+)?)?\s*([AaPp][Mm])?\s*(Z|[+-][0-9]{2}:?[0-9]{2})?\s*$"
)


def date_and_time(value: str, day: dt.date) -> dt.datetime | None:
    """The moment a date's text names (`day`: its date, as parse_date read it), in UTC when the text gives an
    offset; None when the text gives no time of day."""
    found = _TIME_OF_DAY.search(value.strip())
    if found is None:
        return None
    hour, minute, second = int(found[1]), int(found[2]), int(found[3] or 0)
    if found[4] is not None:
        hour = hour % 12 + (12 if found[4].lower() == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    moment = dt.datetime.combine(day, dt.time(hour, minute, second))
    offset = found[5]
    if offset is not None and offset != "Z":
        digits = offset[1:].replace(":", "")
        moment -= (-1 if offset[0] == "-" else 1) * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return moment


class DateTimeError(ValueError):
    """A date and time given where a day is asked; the message says the day to write."""


def parse_day(value: object) -> dt.date | None:
    """A day as the API's requests give it: parse_date, refusing a date and time with DateTimeError (CSV exports,
    which write them, are read by parse_date itself). Cutting the time would keep a day that depends on a time zone."""
    date = parse_date(value)
    if date is not None and (isinstance(value, dt.datetime) or (isinstance(value, str) and ":" in value)):
        raise DateTimeError(
            f"{shown(str(value))} is a date and time; write the day alone, YYYY-MM-DD (such as {date.isoformat()}, "
            "if that is the day you mean)"
        )
    return date


def parse_iso_date(value: object) -> dt.date:
    """A YYYY-MM-DD date only (for options such as --as-of); raise ValueError with a reason."""
    if isinstance(value, str) and _ISO.match(value.strip()) and len(value.strip()) == 10:
        date = parse_date(value)
        assert date is not None
        return date
    if isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    raise ValueError(_not_iso(value))


def _not_iso(value: object) -> str:
    """Why a value is no YYYY-MM-DD date: for a date written another way, the day (or days) it stands for."""
    readings = {order: _date_or_none(value, order) for order in DateOrder}
    day_first, month_first = readings[DateOrder.DAY_FIRST], readings[DateOrder.MONTH_FIRST]
    if readings[DateOrder.AUTO] is None and day_first and month_first and day_first != month_first:
        return (
            f"{shown(value)} is not a date written YYYY-MM-DD: read day first it is {day_first}, "
            f"month first {month_first}; write the one you mean"
        )
    date = readings[DateOrder.AUTO] or day_first or month_first
    if date is not None:
        return f"{shown(value)} is not a date written YYYY-MM-DD; write {date} if that is the day you mean"
    return f"{shown(value)} is not a date; {DATE_HINT}"


def _date_or_none(value: object, order: DateOrder) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_date(value, order)
    except ValueError:
        return None


def _in_order(text: str, year: int, month: int, day: int, other: DateOrder) -> dt.date:
    """The date in the order the file was said to write it; OtherOrderDateError when only the `other` order fits."""
    try:
        return _calendar_date(text, year, month, day)
    except ValueError as error:
        try:
            fits = dt.date(year, day, month)
        except ValueError:
            raise error from None
        raise OtherOrderDateError(
            f"{error}; read {other.value.replace('-', ' ')} it is {fits.isoformat()}", other
        ) from None


def _calendar_date(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(
            f"{shown(text)} is not a real calendar date (read as year {year}, month {month}, day {day})"
        ) from None


# --- stages ----------------------------------------------------------------------------------

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


# Letters no accent is taken off to write plainly: ß and the ligatures, written as their letters in every language.
_LIGATURES = {"ß": "ss", "œ": "oe", "æ": "ae"}
# German writes ä, ö and ü as ae, oe and ue where letters must be plain (Straße: strasse, bestätigt: bestaetigt).
_GERMAN = str.maketrans({**_LIGATURES, "ä": "ae", "ö": "oe", "ü": "ue"})
_UNACCENTED = str.maketrans(_LIGATURES)


def _without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def plain_spellings(text: str) -> tuple[str, ...]:
    """`text` in lower case as plain letters: first as German writes ä, ö, ü and ß (ae, oe, ue, ss), every other
    accent dropped (é: e); then, when it differs, with every accent dropped (ä: a), as other languages write them."""
    lower = unicodedata.normalize("NFC", text.lower())
    german = _without_accents(lower.translate(_GERMAN))
    unaccented = _without_accents(lower.translate(_UNACCENTED))
    return (german,) if german == unaccented else (german, unaccented)


def slugs_of(text: str) -> tuple[str, ...]:
    """The ids a name would have as a slug (slug_of first, then with every accent dropped when that differs)."""
    return tuple(
        "-".join("".join(c if c.isalnum() and c.isascii() else " " for c in plain).split())
        for plain in plain_spellings("".join(c for c in text if c not in ZERO_WIDTH))  # pasted, invisible: no hyphen
    )


def slug_of(text: str) -> str:
    """The id a name would have as a slug: 'Intro Call' is 'intro-call'; an accented letter keeps its letter (é: e),
    and German's ä, ö, ü and ß are written ae, oe, ue and ss ('Lösungsdesign' is 'loesungsdesign')."""
    return slugs_of(text)[0]


def name_key(name: str) -> str:
    """How names are compared: ignoring case, surrounding spaces, doubled inner spaces and Unicode form.

    Exports double a space, write a no-break one, or spell É as E plus a combining accent (macOS);
    to the reader each is the same name, so each finds the same stage or column.
    """
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def stage_name_taken(crm_name: str, stage_id: str, stages: Iterable[tuple[str, str]]) -> str | None:
    """Why a CRM stage name may not map to `stage_id`, or None: it is another stage's own id or name.

    A stage's id and name always find that stage (deal files, the form, the API); a CRM name must not take them over.
    """
    key = name_key(crm_name)
    for own_id, own_name in stages:
        if own_id != stage_id and key in (name_key(own_id), name_key(own_name)):
            what = "id" if crm_name.strip() == own_id or key != name_key(own_name) else "name"
            return f"{quoted(crm_name.strip())} is already the {what} of stage '{own_id}'; map a CRM name that differs from the stages' own ids and names"
    return None


class LostStageError(ValueError):
    """A stage name that marks a lost deal ("Closed Lost", "Verloren"), in a process without such a stage."""


# The words CRMs name a lost deal's stage with (Salesforce "Closed Lost", HubSpot "closedlost", in other languages too).
LOST_WORDS = frozenset({"lost", "closedlost", "verloren", "perdu", "perdue", "perdido", "perdida", "perso", "persa"})


def looks_lost(name: str) -> bool:
    """Whether a stage's name marks a lost deal: one of its words is LOST_WORDS'."""
    return any(word in LOST_WORDS for word in re.split(r"[\W_]+", name_key(name)))


# A CRM that numbers its stages ("1-Discovery", "01 - Qualification", "2. Scoping", "3) Proposal"): when the
# whole name names no stage, the name after the number is read. Matched on the name as label_key writes it,
# in plain ASCII, so that the SQL statement reads its label with the same pattern.
NUMBERED_STAGE = "^[0-9]+ ?[-.:)] ?(.+)$"
_NUMBERED_STAGE = re.compile(NUMBERED_STAGE)


def label_key(text: str) -> str:
    """A name as the SQL statement's labels compare it (verdict_sql.cells' `label`): lower case, white space runs
    as one space, trimmed; the Python side of the stage, status and lost-stage lists it matches against."""
    return " ".join(text.lower().split())


def numbered_stage_name(name: str) -> str | None:
    """The name after a CRM's stage number ("discovery" for "1-Discovery"), lower case; None when not numbered."""
    found = _NUMBERED_STAGE.match(label_key(name))
    return found.group(1) if found else None


class StageLookup:
    """Find a stage by its id, its name or a CRM's name for it (ignoring case and spaces, and a CRM's
    stage number before the name)."""

    def __init__(self, stages: Iterable[tuple[str, str]], crm_names: Mapping[str, str] | None = None) -> None:
        """`stages` are (id, name) pairs in pipeline order; `crm_names` map CRM stage names to ids."""
        stage_list = list(stages)
        self._ids = [stage_id for stage_id, _ in stage_list]
        self._names = [name for _, name in stage_list]
        self._extra = list((crm_names or {}).keys())
        self._index = {name_key(stage_id): stage_id for stage_id in self._ids}
        self._index.update({name_key(name): stage_id for stage_id, name in stage_list})
        self._index.update({name_key(name): stage_id for name, stage_id in (crm_names or {}).items()})
        self._spellings = [
            *((stage_id, stage_id) for stage_id in self._ids),
            *((name, stage_id) for stage_id, name in stage_list),
            *(crm_names or {}).items(),
        ]

    def labels(self, key: Callable[[str], str] = name_key) -> dict[str, str]:
        """Stage ids by every spelling this lookup knows (ids, names, CRM names) compared by `key`.

        With the default key these are exactly what `find` matches; a later spelling wins, as in `find`.
        """
        return {key(text): stage_id for text, stage_id in self._spellings}

    def find(self, value: object) -> str | None:
        """The stage id `value` names; None when blank; ValueError (with a suggestion) otherwise."""
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError(
                f"a stage must be a stage's id or name (one of {', '.join(self._ids)}), got {kind_of(value)}"
            )
        if not value.strip():
            return None
        stage_id = self._index.get(name_key(value))
        if stage_id is None:
            numbered = numbered_stage_name(value)
            stage_id = self._index.get(name_key(numbered)) if numbered is not None else None
        if stage_id is None:
            typed = value.strip()
            if looks_lost(typed):
                raise LostStageError(
                    f"stage {shown(typed)} marks a lost deal, and the process has no lost stage (stages: {', '.join(self._names)})"
                )
            # Typed like an id (a slug): answer in ids, as a program or a file of ids expects; else in names.
            if _SLUG.match(typed):
                named = [
                    (stage_id, name)
                    for stage_id, name in zip(self._ids, self._names, strict=True)
                    if typed in slugs_of(name)
                ]
                # A stage's name written as an id ('intro-call' for Intro Call, whose id is discovery): its id.
                hint = (
                    f"; write the stage id '{named[0][0]}' ({named[0][1]})"
                    if named
                    else self._suggestion(typed, self._ids)
                )
                raise ValueError(f"unknown stage {shown(typed)}{hint} (stages: {', '.join(self._ids)})")
            hint = self._suggestion(typed, self._names + self._extra + self._ids)
            raise ValueError(f"unknown stage {shown(typed)}{hint} (stages: {', '.join(self._names)})")
        return stage_id

    def _suggestion(self, typed: str, spellings: list[str]) -> str:
        """ "; did you mean 'x'?" for the closest spelling, or "".

        A CRM's stage names are mostly other words, not typos: a spelling is offered for a typo of it or a
        name of its stem ('Proposal', 'Qualified'), never for one merely alike in letters ('Engaging' is
        not 'Negotiating'), which a trusting mapping would move by whole stages. The last stage is the won
        one, where a deal counts as won: it is offered only for a typo of it ('Closed Wonn', not 'Closed').
        """
        won = self._ids[-1] if self._ids else None
        offered = [
            text
            for text in spellings
            if is_typo_of(typed, text) or (shares_stem(typed, text) and self._index.get(name_key(text)) != won)
        ]
        return did_you_mean(typed, offered)
