"""The one rule for an email address (sales_process.email_address): what it refuses and how it says to fix it, and
that the API's pattern agrees with it."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sales_process.email_address import MAX_EMAIL, email_pattern, email_problem
from sales_process.text import text_problem


@pytest.mark.parametrize(
    ("text", "said"),
    [
        # The reviewer's addresses: each was a 500 from the mail library, or a user nobody can mail.
        ("d@exämple.com", "has a latin small letter a with diaeresis (U+00E4) at character 5;"),
        (
            "d@exämple.com",
            "write the domain in its ASCII form (IDNA, xn--...), as DNS and mail servers know it: d@xn--exmple-cua.com",
        ),
        ("dana@müller.example", "dana@xn--mller-kva.example"),
        ("josé@example.com", "has a latin small letter e with acute (U+00E9) at character 4, before the @;"),
        ("anа@example.com", "has a cyrillic small letter a (U+0430) at character 3, before the @;"),
        ("=evil@example.com", "the part before the @ may hold letters a-z, digits and . _ % + - ', begin with"),
        ("a@straße.de", "write the domain in its ASCII form (IDNA, xn--...), as DNS and mail servers know it"),
        ("Dana <dana@fabrikam.com>", "is not one email address; type the address alone (no name, no brackets)"),
        ("a@b.com, c@d.com", "is not one email address"),
        ("dana", "'dana' is not an email address; type one address like dana@fabrikam.com"),
        ("a@b", "'b' is not a domain"),
        ("a..b@x.com", "no dot at either end nor two in a row"),
        ("a@x.com\n", "contains a line break (U+000A) at character 8"),
        ("a" * 250 + "@x.com", f"is 256 characters long; an email address has at most {MAX_EMAIL}"),
    ],
)
def test_what_the_rule_refuses_and_how_to_fix_it(text: str, said: str) -> None:
    problem = email_problem(text)
    assert problem is not None and said in problem, problem


def test_the_idna_form_offered_is_not_offered_where_python_would_name_another_domain() -> None:
    # Python's IDNA 2003 writes straße as strasse: another domain than the one typed.
    problem = email_problem("a@straße.de")
    assert problem is not None and "strasse" not in problem


@pytest.mark.parametrize(
    "text",
    ["dana@fabrikam.com", "o'brien@example.ie", "first.last+tag@sub.example.co.uk", "_ops@x.io", "a@xn--p1ai.xn--p1ai"],
)
def test_what_the_rule_keeps(text: str) -> None:
    assert email_problem(text) is None


def _door(value: str) -> str | None:
    """The buyer_email door (sales_process.confirmation._buyer_text, then the rule): trimmed, then judged."""
    problem = text_problem(value, single_line=True)
    if problem is not None:
        return problem
    return email_problem(" ".join(value.split())) if value.strip() else "blank"


_ADDRESS_LIKE = st.text(alphabet="aZ0_.%+-'@=xné\u0430 \t\u00a0\u200b\n<>,", max_size=14)


@example("a@b.cd")
@example(" a@b.cd\u00a0")
@example("a@b.cd\n")
@example("a@xn--p1ai")
@given(st.one_of(_ADDRESS_LIKE, st.text(max_size=10), st.emails().map(str)))
def test_the_published_pattern_refuses_exactly_what_the_door_refuses(text: str) -> None:
    matches = re.search(email_pattern(), text) is not None
    assert matches == (_door(text) is None), (text, _door(text))
