"""The deal vocabulary: every value format the entry points read, and every way a value is wrong."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sales_process.loader import load_process
from sales_process.problems import also_on_lines
from sales_process.vocabulary import (
    _MONTHS_BY_NUMBER,
    FOLDED_MONTHS,
    MONTH_NUMBERS,
    NO_WORDS,
    WEEKDAYS,
    YES_WORDS,
    AmbiguousAmountError,
    AmbiguousDateError,
    DateOrder,
    DecimalCommaError,
    LostStageError,
    Money,
    MonthFirstDateError,
    OtherOrderDateError,
    StageLookup,
    Status,
    fold_worded_date,
    has_two_digit_year,
    money,
    money_cents,
    name_key,
    numbered_stage_name,
    parse_currency,
    parse_date,
    parse_day,
    parse_money,
    parse_yes_no,
    plain_cents,
    plural,
    slug_of,
    slugs_of,
    status_label,
    to_cents,
    weighted_cents,
)
from tests.conftest import DEFAULT_PROCESS


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("yes", True),
        ("YES", True),
        (" y ", True),
        ("True", True),
        ("1", True),
        ("x", True),
        ("v", True),  # monday.com's ticked checkbox
        ("V", True),
        ("X", True),
        ("on", True),
        ("checked", True),
        ("Checked", True),
        ("TRUE", True),
        (True, True),
        ("no", False),
        ("N", False),
        ("false", False),
        ("FALSE", False),
        ("0", False),
        ("off", False),
        ("unchecked", False),
        ("t", True),  # PostgreSQL's booleans as COPY … CSV writes them
        ("F", False),
        ("✓", True),  # a sheet's check marks and crosses
        (" ✔️ ", True),
        ("☑", True),
        ("✅", True),
        ("✗", False),
        ("✘", False),
        ("☐", False),
        ("❌", False),
        (False, False),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_yes_no_reads_every_spelling(text: object, expected: bool | None) -> None:
    assert parse_yes_no(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WAHR", True),
        ("Falsch", False),
        ("ja", True),
        ("NEIN", False),  # German Excel's booleans, German yes/no
        ("VRAI", True),
        ("faux", False),
        ("Oui", True),
        ("non", False),  # French
        ("VERDADERO", True),
        ("FALSO", False),
        ("sí", True),
        ("SÍ", True),
        ("si", True),
        ("No", False),  # Spanish
        ("VERO", True),
        ("sì", True),  # Italian
        ("VERDADEIRO", True),
        ("sim", True),
        ("não", False),
        ("NÃO", False),
        ("nao", False),  # Portuguese
        ("WAAR", True),
        ("ONWAAR", False),
        ("Nee", False),  # Dutch (ja as in German)
        (" Oui ", True),
        ("\u00a0NEIN", False),
    ],
)
def test_yes_no_reads_the_words_of_other_languages(text: str, expected: bool) -> None:
    assert parse_yes_no(text) is expected


def test_no_word_means_yes_in_one_language_and_no_in_another() -> None:
    assert not YES_WORDS & NO_WORDS
    assert all(word == word.strip().lower() for word in YES_WORDS | NO_WORDS)


def test_a_letter_read_as_an_answer_is_no_initial_of_the_other_answer() -> None:
    """y, t, x, v are yes and n, f no only because no word of the other answer starts with them."""
    for letters, others in ((YES_WORDS, NO_WORDS), (NO_WORDS, YES_WORDS)):
        for letter in (word for word in letters if len(word) == 1 and word.isalpha()):
            assert not [other for other in others if other.startswith(letter)], letter


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yes.", True),  # an analyst's spellings (a RevOps review): punctuation around the word is read past
        ("yes!", True),
        ("(No)", False),
        ("oui!", True),
        ("✔️ Yes", True),  # a mark with its word, spaced or not
        ("✅Yes", True),
        ("❌ no", False),
        ("Done", True),  # a tracker's status
        ("Confirmed", True),
        ("completed", True),
        ("N/A", None),  # said to be not answered: blank, no evidence either way
        ("n.a.", None),
        ("-", None),  # punctuation alone: blank
        (" -- ", None),
        ("?", None),
    ],
)
def test_yes_no_reads_the_spellings_whose_meaning_is_plain(text: str, expected: bool | None) -> None:
    assert parse_yes_no(text) is expected


@pytest.mark.parametrize(
    "text", ["maybe", "2", "jein", 1, "vv", "✓✓", "Yes, by email", "No - not yet", "yes no", "✔️ no", "done?!x"]
)
def test_yes_no_refuses_anything_else(text: object) -> None:
    with pytest.raises(
        ValueError,
        match=r"is not yes or no; write yes or no, or leave it blank \(true/false, 1/0, t/f, x, v, ✓/✗, "
        r"checked/unchecked and on/off are read too, as are yes/no and TRUE/FALSE in German, French, "
        r"Spanish, Italian, Portuguese, Dutch, Swedish, Danish, Norwegian, Polish and Russian, e\.g\. ja/nein, "
        r"oui/non, да/нет, WAHR/FALSCH\)$",
    ):
        parse_yes_no(text)


@pytest.mark.parametrize(
    ("text", "decimal_comma", "expected"),
    [
        ("120000", False, Money(120000.0)),
        ("120,000.50", False, Money(120000.5)),
        ("$120,000", False, Money(120000.0, "USD")),
        ("€1,234,567.89", False, Money(1234567.89, "EUR")),
        ("120 000", False, Money(120000.0)),
        ("120\u00a0000.5", False, Money(120000.5)),
        ("USD 120,000", False, Money(120000.0, "USD")),
        ("120000 EUR", False, Money(120000.0, "EUR")),
        ("£5", False, Money(5.0, "GBP")),
        (" 0 ", False, Money(0.0)),
        ("0.125", False, Money(0.125)),  # a leading 0 is no thousands group: not ambiguous
        ("0,125", True, Money(0.125)),
        ("$0.500", False, Money(0.5, "USD")),
        ("74.000,00", True, Money(74000.0)),
        ("74 000,00", True, Money(74000.0)),
        ("74\u202f000,5", True, Money(74000.5)),
        ("€74.000", True, Money(74000.0, "EUR")),
        ("74.000,00 €", True, Money(74000.0, "EUR")),
        ("R$ 1.234,56", True, Money(1234.56, "BRL")),  # a dollar lettered by its country is not the US dollar
        ("US$1,000", False, Money(1000.0, "USD")),
        ("2,500 CA$", False, Money(2500.0, "CAD")),
        ("HK$ 88", False, Money(88.0, "HKD")),
        ("₩1,200,000", False, Money(1200000.0, "KRW")),
        ("5 000 ₽", False, Money(5000.0, "RUB")),
        ("1.234,50 ₺", True, Money(1234.5, "TRY")),
        ("฿ 1,000", False, Money(1000.0, "THB")),
        ("CHF 1'200'000.50", False, Money(1200000.5, "CHF")),  # Swiss thousands, typed or typographic
        ("1\u2019250.00 CHF", False, Money(1250.0, "CHF")),
        ("1,20,000", False, Money(120000.0)),  # India's lakhs and crores: a group of three, then groups of two
        ("₹14,40,000.00", False, Money(1440000.0, "INR")),
        ("12,34,56,789.50 INR", False, Money(123456789.5, "INR")),
        ("1,200,000円", False, Money(1200000.0, "JPY")),
        ("1,200,000 원", False, Money(1200000.0, "KRW")),
        ("12 000,00 zł", True, Money(12000.0, "PLN")),  # currency words, written after the amount
        ("1 200 Kč", False, Money(1200.0, "CZK")),
        ("15 000 Ft", False, Money(15000.0, "HUF")),
        # One group of three after the separator that is not the decimal mark groups thousands (manual: crm-mapping)
        ("15,000", False, Money(15000.0)),
        ("15.000", True, Money(15000.0)),
        ("2500 lei", False, Money(2500.0, "RON")),
        ("1 200 лв.", False, Money(1200.0, "BGN")),
        ("руб. 500", False, Money(500.0, "RUB")),
        ("500 грн", False, Money(500.0, "UAH")),
        # A symbol and a code that agree, as amounts are often displayed: read in their one currency.
        ("$1,200.00 USD", False, Money(1200.0, "USD")),
        ("€ 74.000,00 EUR", True, Money(74000.0, "EUR")),
        ("£5 GBP", False, Money(5.0, "GBP")),
        ("USD 1,200 $", False, Money(1200.0, "USD")),
        ("R$ 1.234,56 BRL", True, Money(1234.56, "BRL")),
        ("CHF 1'200 CHF", False, Money(1200.0, "CHF")),
        ("руб. 500 RUB", False, Money(500.0, "RUB")),
        ("1,5", True, Money(1.5)),
        (72000.5, False, Money(72000.5)),
        (0, False, Money(0.0)),
        ("", False, None),
        (None, False, None),
        # A dash alone, as Excel's accounting format writes a zero and people write "none": no amount.
        ("-", False, None),
        (" - ", True, None),
        ("\u2013", False, None),  # en dash
        ("\u00a0\u2014 ", False, None),  # em dash
    ],
)
def test_amount_formats(text: object, decimal_comma: bool, expected: Money | None) -> None:
    assert parse_money(text, decimal_comma) == expected


@pytest.mark.parametrize(
    ("text", "decimal_comma", "error", "reason"),
    [
        (
            "12k",
            False,
            ValueError,
            "'12k' is not an amount; write it like 120000, 120,000.50, \\$120,000 or 120000 EUR",
        ),
        ("1,2,000", False, ValueError, "is not an amount"),
        ("100,00,000", False, ValueError, "is not an amount"),  # India's first group is of one or two digits
        ("1,00,00", False, ValueError, "is not an amount"),  # and its last of three
        ("1,00,000", True, ValueError, "with a decimal comma write it like"),
        ("1'20", False, ValueError, "is not an amount"),
        ("1'200,50", False, ValueError, "is not an amount"),
        ("-500", False, ValueError, "'-500' is negative; an amount must be zero or more"),
        ("$ -1,000", False, ValueError, "is negative"),
        ("(1,000)", False, ValueError, "^'\\(1,000\\)' is negative \\(in brackets, as accounting writes it\\)"),
        ("($1,000.00)", False, ValueError, "is negative \\(in brackets"),
        ("(n/a)", False, ValueError, "is not an amount; write it like"),
        ("1 234 kr", False, ValueError, "is written in kr, the krona or krone of Sweden, Norway, Denmark and Iceland"),
        ("kr. 500", True, ValueError, "write the code instead, e.g. 500 SEK"),
        ("USD -", False, ValueError, "^'USD -' is not an amount"),
        ("1e5", False, ValueError, "is not an amount"),
        ("nan", False, ValueError, "is not an amount"),
        # A currency on both sides is read when both name one currency; else both are named.
        (
            "$1,200 EUR",
            False,
            ValueError,
            r"^'\$1,200 EUR' names two currencies, \$ \(USD\) and EUR: write it with the one it is in, "
            r"e.g. \$1,200 or 1,200 EUR$",
        ),
        ("USD 5 EUR", False, ValueError, "^'USD 5 EUR' names two currencies, USD and EUR: .* e.g. USD 5 or 5 EUR$"),
        ("R$ 5 US$", False, ValueError, r"names two currencies, R\$ \(BRL\) and US\$ \(USD\)"),
        ("€ 1.200,00 GBP", True, ValueError, r"names two currencies, € \(EUR\) and GBP"),
        ("kr 500 SEK", False, ValueError, "is not an amount; kr names the krona or krone"),  # kr is no one currency
        ("USD$5", False, ValueError, "is not an amount"),
        # The fix is the amount as the reader reads it, the code against the number as typed.
        (
            "12000usd",
            False,
            ValueError,
            "^'12000usd' is not an amount; a currency code is written in capitals: 12000USD$",
        ),
        ("usd12000", False, ValueError, "a currency code is written in capitals: USD12000$"),
        ("12000 usd", False, ValueError, "a currency code is written in capitals: 12000 USD$"),
        # A currency's name that several countries share: the refusal names their codes.
        (
            "100 Dollars",
            False,
            ValueError,
            r"^'100 Dollars' is not an amount; dollars names no one currency \(USD, CAD, AUD, NZD, SGD, HKD…\): "
            r"write the code instead, e.g. 500 USD$",
        ),
        ("1.000 Pesos", True, ValueError, r"pesos names no one currency \(MXN, .*e.g. 500 MXN$"),
        ("Franc 300", False, ValueError, r"franc names no one currency \(CHF, "),
        (
            "$500 monthly",  # Close's value_formatted of a recurring deal
            False,
            ValueError,
            "^'\\$500 monthly' is not an amount; it is a value per period \\(monthly\\): write the deal's whole value "
            "instead \\(a year of it is 12 times the monthly value\\)$",
        ),
        ("€6,000 annually", False, ValueError, "per period \\(annually\\): write the deal's whole value instead$"),
        ("120,5", False, DecimalCommaError, "'120,5' looks like an amount with a decimal comma"),
        ("74.000,00", False, DecimalCommaError, "looks like an amount with a decimal comma; write it like 74000.00$"),
        ("€ 12 500,5", False, DecimalCommaError, "write it like 12500.5$"),  # the number typed, as it is meant
        ("15.000", False, AmbiguousAmountError, "'15.000' is ambiguous \\(15 or 15000\\?\\)"),
        ("15,000", True, AmbiguousAmountError, "'15,000' is ambiguous"),
        ("$9,500", True, AmbiguousAmountError, "'\\$9,500' is ambiguous \\(9.5 or 9500\\?\\)"),  # a fraction, not 9
        ("1.234", False, AmbiguousAmountError, "'1.234' is ambiguous \\(1.234 or 1234\\?\\)"),
        ("1 200.000", False, AmbiguousAmountError, "'1 200.000' is ambiguous \\(1200 or 1200000\\?\\)"),  # was 1200
        ("1\u00a0200,000", True, AmbiguousAmountError, "is ambiguous \\(1200 or 1200000\\?\\)"),
        ("1,234.5", True, ValueError, "with a decimal comma write it like 74000,50"),
        # A cell no reading makes a number gets the hint of the file's decimal mark: "write it like 120,000.50" was
        # refused in the very file it was said of.
        ("12k", True, ValueError, "^'12k' is not an amount; with a decimal comma write it like 74000,50, 74.000,50"),
        ("n/a", True, ValueError, "^'n/a' is not an amount; with a decimal comma write it like 74000,50"),
        ("12k", False, ValueError, "^'12k' is not an amount; write it like 120000, 120,000.50"),
        (float("inf"), False, ValueError, "the number is too large to be an amount of money"),
        (10**400, False, ValueError, "the number is too large to be an amount of money"),
        ("9" * 5000, False, ValueError, "'9999.*' is too large to be an amount of money"),  # was Python's digit limit
        (float("nan"), False, ValueError, "NaN is not a number"),
        (True, False, ValueError, "an amount must be a number, got a boolean true"),
    ],
)
def test_amount_errors(text: object, decimal_comma: bool, error: type[Exception], reason: str) -> None:
    with pytest.raises(error, match=reason):
        parse_money(text, decimal_comma)


@pytest.mark.parametrize(
    ("text", "decimal_comma", "column", "expected"),
    [
        ("1 234 kr", False, "SEK", Money(1234.0, "SEK")),
        ("kr 500", False, "NOK", Money(500.0, "NOK")),
        ("Kr. 1.200,50", True, "DKK", Money(1200.5, "DKK")),
        ("75 000 kr.", False, "ISK", Money(75000.0, "ISK")),
        ("500 SEK", False, "SEK", Money(500.0, "SEK")),  # a code stays itself: _amount compares the two
        ("$500", False, "SEK", Money(500.0, "USD")),
    ],
)
def test_kr_is_read_in_the_currency_its_column_names(
    text: str, decimal_comma: bool, column: str, expected: Money
) -> None:
    assert parse_money(text, decimal_comma, column_currency=column) == expected


def test_kr_in_another_currency_than_its_columns_is_refused() -> None:
    with pytest.raises(
        ValueError,
        match=r"^'1 234 kr' is written in kr \(SEK, NOK, DKK, ISK\), but the currency given with it is USD; correct",
    ):
        parse_money("1 234 kr", column_currency="USD")
    with pytest.raises(
        ValueError, match=r"write the code instead, e.g. 500 SEK, or give the currency \(a currency column or key\)$"
    ):
        parse_money("1 234 kr")


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("2027-03-01", DateOrder.AUTO, dt.date(2027, 3, 1)),
        (" 2027-03-01 ", DateOrder.AUTO, dt.date(2027, 3, 1)),
        ("2027-03-01T10:15:00Z", DateOrder.AUTO, dt.date(2027, 3, 1)),
        ("2027-03-01 00:00:00 UTC", DateOrder.AUTO, dt.date(2027, 3, 1)),  # as BigQuery and Metabase export it
        ("2027-03-01 10:15 GMT", DateOrder.AUTO, dt.date(2027, 3, 1)),
        ("2027-03-01 10:15", DateOrder.AUTO, dt.date(2027, 3, 1)),
        # A timestamp with time zone as PostgreSQL and DuckDB write it as text (psql, COPY), and other offsets.
        ("2027-03-01 10:15:00+00", DateOrder.AUTO, dt.date(2027, 3, 1)),
        ("2027-03-01 23:15:00.123-05", DateOrder.DAY_FIRST, dt.date(2027, 3, 1)),
        ("2027-03-01T10:15:00+0530", DateOrder.AUTO, dt.date(2027, 3, 1)),
        ("2027-03-01T10:15:00.000+01:00", DateOrder.MONTH_FIRST, dt.date(2027, 3, 1)),
        # Snowflake's default output of a TIMESTAMP_TZ or _LTZ: the offset spaced off, without a colon; and a spaced Z.
        ("2027-03-01 10:00:00.000 -0800", DateOrder.AUTO, dt.date(2027, 3, 1)),
        ("2027-03-01 23:00:00.000 +0000", DateOrder.DAY_FIRST, dt.date(2027, 3, 1)),
        ("2027-03-01 10:00:00 Z", DateOrder.AUTO, dt.date(2027, 3, 1)),
        ("23/02/2027", DateOrder.AUTO, dt.date(2027, 2, 23)),
        ("23.02.2027", DateOrder.AUTO, dt.date(2027, 2, 23)),
        ("03.04.2027", DateOrder.AUTO, dt.date(2027, 4, 3)),
        ("01/03/2027", DateOrder.DAY_FIRST, dt.date(2027, 3, 1)),
        ("1/3/2027", DateOrder.DAY_FIRST, dt.date(2027, 3, 1)),
        ("2/23/2027", DateOrder.MONTH_FIRST, dt.date(2027, 2, 23)),
        ("03/04/2027", DateOrder.MONTH_FIRST, dt.date(2027, 3, 4)),
        ("2/23/2027 9:14 AM", DateOrder.MONTH_FIRST, dt.date(2027, 2, 23)),
        # The month as a word: the word says which number is the day, whatever the order the file is read in.
        # Year first, as Japanese, Chinese and Korean settings write it: never ambiguous.
        ("2027/3/1", DateOrder.DAY_FIRST, dt.date(2027, 3, 1)),
        ("2027.03.01", DateOrder.MONTH_FIRST, dt.date(2027, 3, 1)),
        ("2027-3-1", DateOrder.AUTO, dt.date(2027, 3, 1)),
        ("2027/3/1 10:30", DateOrder.AUTO, dt.date(2027, 3, 1)),
        ("05-Dec-2026", DateOrder.AUTO, dt.date(2026, 12, 5)),
        ("05-DEC-2026", DateOrder.MONTH_FIRST, dt.date(2026, 12, 5)),
        ("05DEC2026", DateOrder.AUTO, dt.date(2026, 12, 5)),
        ("5 Dec 26", DateOrder.AUTO, dt.date(2026, 12, 5)),
        ("Dec 5, 2026", DateOrder.DAY_FIRST, dt.date(2026, 12, 5)),
        ("December 05 2026", DateOrder.AUTO, dt.date(2026, 12, 5)),
        ("Dec. 5, 2026 10:30 AM", DateOrder.AUTO, dt.date(2026, 12, 5)),
        ("Sept\u00a030,\u20032026", DateOrder.AUTO, dt.date(2026, 9, 30)),
        ("5. Dezember 2026", DateOrder.AUTO, dt.date(2026, 12, 5)),
        ("1 MÄRZ 27", DateOrder.AUTO, dt.date(2027, 3, 1)),
        ("1 marz 27", DateOrder.AUTO, dt.date(2027, 3, 1)),
        ("12 janv. 2027", DateOrder.AUTO, dt.date(2027, 1, 12)),
        ("1 août 2026", DateOrder.AUTO, dt.date(2026, 8, 1)),
        ("15 enero 2027", DateOrder.AUTO, dt.date(2027, 1, 15)),
        ("3 março 2027", DateOrder.AUTO, dt.date(2027, 3, 3)),
        ("7 mrt 2027", DateOrder.AUTO, dt.date(2027, 3, 7)),
        ("Out 5, 2026", DateOrder.AUTO, dt.date(2026, 10, 5)),
        ("5 de diciembre de 2026", DateOrder.AUTO, dt.date(2026, 12, 5)),
        ("3 de Março de 27", DateOrder.MONTH_FIRST, dt.date(2027, 3, 3)),
        ("1st March 2027", DateOrder.AUTO, dt.date(2027, 3, 1)),
        ("December 22nd, 2026", DateOrder.AUTO, dt.date(2026, 12, 22)),
        ("1er avril 2027", DateOrder.AUTO, dt.date(2027, 4, 1)),
        # Spreadsheets' long dates start with the weekday, which is taken off (the date does not depend on it).
        ("Friday, November 20, 2026", DateOrder.AUTO, dt.date(2026, 11, 20)),
        ("Fri, Nov 20, 2026", DateOrder.DAY_FIRST, dt.date(2026, 11, 20)),
        ("THURS. 3 Dec 2026", DateOrder.AUTO, dt.date(2026, 12, 3)),
        ("Freitag, 20. November 2026", DateOrder.AUTO, dt.date(2026, 11, 20)),
        ("vendredi 20 novembre 2026", DateOrder.AUTO, dt.date(2026, 11, 20)),
        ("Sábado, 21 de noviembre de 2026", DateOrder.AUTO, dt.date(2026, 11, 21)),
        ("miercoles 18 de noviembre de 2026", DateOrder.AUTO, dt.date(2026, 11, 18)),
        ("venerdì 20 novembre 2026", DateOrder.AUTO, dt.date(2026, 11, 20)),
        ("sexta-feira, 20 de novembro de 2026", DateOrder.AUTO, dt.date(2026, 11, 20)),
        ("Terça-feira, 17 de novembro de 2026", DateOrder.AUTO, dt.date(2026, 11, 17)),
        ("vrijdag 20 november 2026", DateOrder.AUTO, dt.date(2026, 11, 20)),
        ("Mon 2027/3/1", DateOrder.AUTO, dt.date(2027, 3, 1)),
        ("Friday,\u00a0November 20, 2026 10:30 AM", DateOrder.AUTO, dt.date(2026, 11, 20)),
        ("", DateOrder.AUTO, None),
        (dt.date(2027, 1, 2), DateOrder.AUTO, dt.date(2027, 1, 2)),
    ],
)
def test_date_formats(text: object, order: DateOrder, expected: dt.date | None) -> None:
    assert parse_date(text, order) == expected


@pytest.mark.parametrize(
    ("text", "order", "error", "reason"),
    [
        (
            "01/03/2027",
            DateOrder.AUTO,
            AmbiguousDateError,
            "'01/03/2027' is ambiguous \\(day or month first\\?\\); write it as YYYY-MM-DD",
        ),
        ("2/23/2027", DateOrder.AUTO, MonthFirstDateError, "'2/23/2027' is written month first"),
        (
            "2/23/2027",
            DateOrder.DAY_FIRST,
            ValueError,
            "is not a real calendar date \\(read as year 2027, month 23, day 2\\)",
        ),
        ("2027-02-30", DateOrder.AUTO, ValueError, "is not a real calendar date"),
        # Read in the order given for the file, no date; the other way round, one: the order given is likely wrong.
        (
            "15.09.2026",
            DateOrder.MONTH_FIRST,
            OtherOrderDateError,
            "^'15.09.2026' is not a real calendar date \\(read as year 2026, month 15, day 9\\); read day first it is 2026-09-15$",
        ),
        ("12/30/2027", DateOrder.DAY_FIRST, OtherOrderDateError, "read month first it is 2027-12-30"),
        (
            "2/30/2027",
            DateOrder.DAY_FIRST,
            ValueError,
            r"\(read as year 2027, month 30, day 2\)$",
        ),  # no date either way
        ("Next week", DateOrder.AUTO, ValueError, "is not a date; write it as YYYY-MM-DD"),
        ("Decision 2027", DateOrder.AUTO, ValueError, "is not a date; write it as YYYY-MM-DD"),
        # A month written as a word without a day or a year is told apart, with the ways that are read.
        *(
            (
                text,
                DateOrder.AUTO,
                ValueError,
                "is not a date: with its month written as a word, write the day, the month and the year, "
                "e.g. 5 Dec 2027, 05-Dec-2027 or Dec 5, 2027; or write it as YYYY-MM-DD",
            )
            for text in ("March 1", "Dec 2026", "Dec 52026", "diciembre de 2026", "March 1st", "Friday, November 20")
        ),
        (
            "31-Feb-2027",
            DateOrder.AUTO,
            ValueError,
            "is not a real calendar date \\(read as year 2027, month 2, day 31\\)",
        ),
        ("20270301", DateOrder.AUTO, ValueError, "is not a date"),
        ("2027-03-01 10:15:00+5", DateOrder.AUTO, ValueError, "is not a date"),  # an offset has two digits
        ("1/3/2027x", DateOrder.DAY_FIRST, ValueError, "is not a date"),
        # A column of dates not formatted as dates in a spreadsheet exports their day numbers.
        (
            "45631",
            DateOrder.AUTO,
            ValueError,
            "^'45631' is not a date but a spreadsheet's day number \\(it stands for 2024-12-05\\); format the column "
            "as dates in the spreadsheet before exporting, or write it as YYYY-MM-DD",
        ),
        (" 46082.0 ", DateOrder.AUTO, ValueError, "stands for 2026-03-01"),
        ("12345", DateOrder.AUTO, ValueError, "^'12345' is not a date; write it as YYYY-MM-DD"),  # 1933: no
    ],
)
def test_date_errors(text: str, order: DateOrder, error: type[Exception], reason: str) -> None:
    with pytest.raises(error, match=reason):
        parse_date(text, order)


def test_stages_are_found_by_id_name_or_crm_name() -> None:
    stages = StageLookup(
        [("proposing", "Proposing"), ("closed-won", "Closed Won")], {"Proposal/Price Quote": "proposing"}
    )
    assert [stages.find(text) for text in ("proposing", " CLOSED WON ", "proposal/price quote", "", None)] == [
        "proposing",
        "closed-won",
        "proposing",
        None,
        None,
    ]
    with pytest.raises(
        ValueError, match="unknown stage 'Proposal'; did you mean 'Proposing'\\? \\(stages: Proposing, Closed Won\\)"
    ):
        stages.find("Proposal")


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("1-Discovery", "discovery"),  # GitLab's stages
        ("3-Technical Evaluation", "technical-evaluation"),
        ("01 - Discovery", "discovery"),
        ("2. Technical  evaluation", "technical-evaluation"),
        ("4) Closed Won", "closed-won"),
        ("12:discovery", "discovery"),
        ("1-Discovery Call", None),  # the name after the number is no stage either
        ("Stage 1 - Discovery", None),
        ("１-Discovery", None),  # a full-width digit: as the SQL reads it, no stage number
        ("1 Discovery", None),  # a number and a space alone may be part of a name
    ],
)
def test_a_crms_stage_number_before_the_name_is_read_past(typed: str, found: str | None) -> None:
    stages = StageLookup(
        [("discovery", "Discovery"), ("technical-evaluation", "Technical Evaluation"), ("closed-won", "Closed Won")]
    )
    if found is None:
        with pytest.raises(ValueError, match="unknown stage"):
            stages.find(typed)
    else:
        assert stages.find(typed) == found
    assert numbered_stage_name("01 - Technical Evaluation") == "technical evaluation"
    assert numbered_stage_name("Discovery") is None


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("Closed Wonn", "; did you mean 'Closed Won'?"),  # a typo of the won stage is still named
        ("closed-wonn", "; did you mean 'closed-won'?"),
        ("Closing", ""),  # an open stage merely like the won one is not: mapped there, its deals would count as won
        ("closed-wo", "; did you mean 'closed-won'?"),
        ("Closed", ""),
    ],
)
def test_the_won_stage_is_suggested_only_for_a_typo_of_it(typed: str, hint: str) -> None:
    stages = StageLookup(
        [("negotiating", "Negotiating"), ("closed-won", "Closed Won")], {"Contract Sent": "negotiating"}
    )
    with pytest.raises(ValueError) as raised:
        stages.find(typed)
    assert str(raised.value).split(" (stages:")[0] == f"unknown stage '{typed}'{hint}"


# Stage names of real CRMs (Pipedrive's defaults, HubSpot's internal ids, the Maven sample's) against the default
# process: a suggestion for a typo or a name of the same stem, none for a name merely alike in letters.
@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Qualified", "Qualifying"),
        ("qualifiedtobuy", "qualifying"),
        ("Proposal Made", "Proposing"),
        ("Negotiations Started", "Negotiating"),
        ("Demo", "Demonstrating"),
        ("Negociating", "Negotiating"),
        ("Engaging", None),  # not Negotiating: 0.63 alike in letters, two stages apart
        ("Prospecting", None),  # not Proposing
        ("Closing", None),  # not Proposing, and never Closed Won
        ("Contact Made", None),
        ("decisionmakerboughtin", None),
    ],
)
def test_crm_stage_names_are_offered_a_stage_of_their_stem_or_typo_only(typed: str, suggested: str | None) -> None:
    with pytest.raises(ValueError) as raised:
        load_process(DEFAULT_PROCESS).process.stage_lookup.find(typed)
    hint = f"; did you mean '{suggested}'?" if suggested else ""
    assert str(raised.value).split(" (stages:")[0] == f"unknown stage '{typed}'{hint}"


OPEN_STAGES = StageLookup([("proposing", "Proposing"), ("closed-won", "Closed Won")])


@pytest.mark.parametrize(
    "text",
    [
        "Closed Lost",
        "closed_lost",
        "closedlost",
        "LOST",
        "Lost deal",
        "Closed - Lost",
        " Verloren ",
        "Geschlossen verloren",
        "Fermé perdu",
        "Perdue",
        "Cerrada perdida",
        "Perdido",
        "Chiuso perso",
        "closed-lost",
    ],
)
def test_a_lost_stage_is_named_as_one(text: str) -> None:
    with pytest.raises(LostStageError) as raised:
        OPEN_STAGES.find(text)
    assert str(raised.value) == (
        f"stage {text.strip()!r} marks a lost deal, and the process has no lost stage (stages: Proposing, Closed Won)"
    )


@pytest.mark.parametrize("text", ["Closed", "Lostock Ltd", "Clost Won", "slot"])
def test_other_unknown_stages_are_not_lost(text: str) -> None:
    with pytest.raises(ValueError, match=f"^unknown stage {text!r}") as raised:
        OPEN_STAGES.find(text)
    assert not isinstance(raised.value, LostStageError)


def test_a_process_with_a_lost_stage_finds_it() -> None:
    assert StageLookup([("open", "Open"), ("lost", "Closed Lost")]).find("closed lost") == "lost"
    assert StageLookup([("open", "Open")], {"Closed Lost": "open"}).find("CLOSED LOST") == "open"


def test_names_are_compared_ignoring_case_inner_spacing_and_unicode_form() -> None:
    # Exports double a space or write "É" as E + combining accent (macOS, some CRMs); the name is the same.
    stages = StageLookup([("eval", "\u00c9valuation technique")], {"Appointment Scheduled": "eval"})
    assert [
        stages.find(text)
        for text in (
            "E\u0301valuation  technique",
            "\u00e9valuation\u00a0technique",
            "appointment  scheduled",
            "APPOINTMENT\tSCHEDULED",
        )
    ] == ["eval"] * 4
    assert name_key(" Opportunity\u00a0 Name ") == name_key("opportunity name")


def test_words_and_money_for_people() -> None:
    assert status_label(Status.STALE, 680, 90) == "too old (680 days; counts for 90)"
    assert status_label(Status.NO_EVIDENCE) == "no evidence named"
    assert (plural(1, "deal"), plural(3, "deal"), plural(2, "milestone")) == ("1 deal", "3 deals", "2 milestones")
    assert (money(120000), money(1234.5), money_cents(-123456789), plain_cents(1234567)) == (
        "120,000",
        "1,234.50",
        "-1,234,567.89",
        "12345.67",
    )
    assert to_cents(0.125 * 100) == 1250 and to_cents(74000.005) == 7400000
    assert to_cents(-5.25) == -525 and to_cents(-1.015) == -102 and to_cents(-0.0) == 0  # the sign kept outside


@pytest.mark.parametrize(
    ("amount", "probability", "cents"),
    [
        (20900.75, 10, 209008),  # 2090.075: a tie, rounded to the even cent (the double product is 2090.0749…)
        (383250.75, 10, 3832508),  # 38325.075
        (0.75, 10, 8),  # 0.075
        (1.05, 10, 10),  # 0.105: a tie, the even cent is below
        (1.015, 100, 102),  # the amount's own cents first: 1.015 is a tie, rounded up to the even 102
        (0.125, 100, 12),
        (1234.5678, 35, 43210),  # 123457 cents × 35% = 43209.95
        (999_999_999_999_999.0, 15, 14_999_999_999_999_985),
        (0.0, 60, 0),
        (None, 60, None),
    ],
)
def test_a_weighted_amount_is_its_cents_times_the_probability_rounded_half_to_even(
    amount: float | None, probability: int, cents: int | None
) -> None:
    assert weighted_cents(amount, probability) == cents


def _written_to_the_cent(written: Decimal) -> int:
    return int(written.quantize(Decimal("0.01"), ROUND_HALF_EVEN) * 100)


@given(
    st.decimals(min_value=0, max_value=Decimal("9999999999999"), places=3) | st.decimals(0, 99_999, places=4),
    st.integers(0, 100),
)
@example(Decimal("20900.75"), 10)
@example(Decimal("1.015"), 10)
def test_a_weighted_amount_is_the_exact_product_rounded_half_to_even(written: Decimal, probability: int) -> None:
    """Amounts of up to 15 significant digits, as typed: the cents of what was written, then the exact product."""
    amount = float(written)
    cents = _written_to_the_cent(written)
    assert to_cents(amount) == cents
    exact = Decimal(cents) * probability / 100 / 100  # Decimal keeps 28 digits: these products are exact
    assert weighted_cents(amount, probability) == _written_to_the_cent(exact)


@pytest.mark.parametrize(
    ("typed", "order", "read"),
    [
        ("02/12/24", DateOrder.DAY_FIRST, dt.date(2024, 12, 2)),
        ("02/12/24", DateOrder.MONTH_FIRST, dt.date(2024, 2, 12)),
        ("31.12.29", DateOrder.AUTO, dt.date(2029, 12, 31)),
        ("31.12.30", DateOrder.AUTO, dt.date(1930, 12, 31)),
        ("1/3/99", DateOrder.DAY_FIRST, dt.date(1999, 3, 1)),
        ("1/3/00", DateOrder.DAY_FIRST, dt.date(2000, 3, 1)),
        ("5-Dec-26", DateOrder.AUTO, dt.date(2026, 12, 5)),
        ("Dec 5, 99", DateOrder.AUTO, dt.date(1999, 12, 5)),
    ],
)
def test_two_digit_years_follow_the_spreadsheet_rule(typed: str, order: DateOrder, read: dt.date) -> None:
    assert parse_date(typed, order) == read
    assert has_two_digit_year(typed)


def test_no_month_word_names_two_months() -> None:
    words = [word for spelled in _MONTHS_BY_NUMBER.values() for word in spelled.split()]
    assert len(words) == len(MONTH_NUMBERS) == len(set(words))
    # Read without their accents (aout, marz), no two words of different months become one.
    assert all(FOLDED_MONTHS[fold_worded_date(word)] == number for word, number in MONTH_NUMBERS.items())
    for number, spelled in _MONTHS_BY_NUMBER.items():
        first = spelled.split()[0]
        assert parse_date(f"1 {first} 2027") == parse_date(f"{first.title()} 1, 2027") == dt.date(2027, number, 1)


def test_no_weekday_is_a_month_and_each_is_one_word() -> None:
    folded = {fold_worded_date(word) for word in WEEKDAYS}
    assert not folded & set(FOLDED_MONTHS)
    assert all(word == word.lower() and " " not in word for word in WEEKDAYS)
    # A weekday is taken off only when something follows it: "Friday" alone is no date and is named as typed.
    assert fold_worded_date("Friday") == "friday"
    assert fold_worded_date("Freitag,  20. Nov 2026") == "20. nov 2026"
    # Dates of numbers alone are read as before: a weekday before one is not a date.
    with pytest.raises(ValueError, match="is not a date"):
        parse_date("Friday 20/11/2026", DateOrder.DAY_FIRST)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("US Dollar", "USD"),
        ("euro", "EUR"),
        ("Pound Sterling", "GBP"),
        ("  Swiss  Franc ", "CHF"),
        ("$", "USD"),
        ("eur", "EUR"),
        # The plural, as SugarCRM and SuiteCRM write their currencies
        ("US Dollars", "USD"),
        ("U.S. Dollars", "USD"),
        ("Euros", "EUR"),
        ("British Pounds", "GBP"),
        ("Pounds Sterling", "GBP"),
        ("Japanese Yen", "JPY"),
        ("Canadian Dollars", "CAD"),
        ("Australian Dollars", "AUD"),
        ("Swiss Francs", "CHF"),
        ("Indian Rupees", "INR"),
    ],
)
def test_currency_names_read_as_iso_codes(typed: str, code: str) -> None:
    assert parse_currency(typed) == code


def test_dollars_alone_name_no_one_currency() -> None:
    with pytest.raises(ValueError, match="'Dollars' is not a currency"):
        parse_currency("Dollars")


def test_an_unknown_currency_name_is_refused_with_the_names_in_the_hint() -> None:
    with pytest.raises(ValueError, match=r"is not a currency; .* or a name such as US Dollar, Euro or Pound Sterling"):
        parse_currency("Galactic Credit")


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2027-03-01", dt.date(2027, 3, 1)),
        (" 23/02/2027 ", dt.date(2027, 2, 23)),
        (dt.date(2027, 3, 1), dt.date(2027, 3, 1)),
        ("2027-03-01T10:15:00Z", None),
        ("2027-03-01 10:15", None),
        ("23/02/2027 10:00", None),
        (dt.datetime(2027, 3, 1, 10, 15), None),
    ],
)
def test_a_day_asked_of_a_request_refuses_a_time_that_a_csv_export_may_write(
    value: object, day: dt.date | None
) -> None:
    """parse_date keeps a CSV's date-times; parse_day (the API's requests) refuses them, saying the day it read."""
    if day is not None:
        assert parse_day(value) == day
        return
    with pytest.raises(ValueError, match=r"is a date and time; write the day alone, YYYY-MM-DD \(such as 2027-0"):
        parse_day(value)
    assert parse_date(value) is not None


@pytest.mark.parametrize(
    ("lines", "said"),
    [
        ([], ""),
        ([33], " (also on line 33)"),
        ([3, 4], " (also on lines 3, 4)"),
        ([*range(3, 11)], " (also on lines 3, 4, 5, 6, 7 and 3 more)"),
    ],
)
def test_the_other_lines_of_a_problem_are_named(lines: list[int], said: str) -> None:
    assert also_on_lines(lines) == said


@pytest.mark.parametrize(
    ("name", "slugs"),
    [
        ("Lösungsdesign", ("loesungsdesign", "losungsdesign")),  # German's plain spelling first
        ("Budget bestätigt", ("budget-bestaetigt", "budget-bestatigt")),
        ("Straßenbau Süd", ("strassenbau-sued", "strassenbau-sud")),
        ("Négociation finale", ("negociation-finale",)),  # other accents are dropped
        ("Intro Call", ("intro-call",)),
        ("Cœur de cible", ("coeur-de-cible",)),
    ],
)
def test_a_names_slugs_write_umlauts_as_german_does_then_without_the_accent(name: str, slugs: tuple[str, ...]) -> None:
    assert slugs_of(name) == slugs and slug_of(name) == slugs[0]


@pytest.mark.parametrize("typed", ["loesungsdesign", "losungsdesign"])
def test_a_stage_name_written_as_an_id_either_way_names_the_stages_id(typed: str) -> None:
    stages = StageLookup([("design", "Lösungsdesign"), ("gewonnen", "Gewonnen")], {})
    with pytest.raises(ValueError, match=f"unknown stage '{typed}'; write the stage id 'design' \\(Lösungsdesign\\)"):
        stages.find(typed)
