"""Saved deals keep the currency of their amount: form, API, import, export and the team pipeline."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from deal_records.models import Check, Deal
from playbook_cli.main import main
from sales_process.vocabulary import CURRENCIES_IN_USE, money_in, parse_currency, unlisted_currency
from tests.conftest import DEFAULT_PROCESS
from tests.records.conftest import Run, new_deal, page_token
from tests.records.test_pages import check

YESTERDAY = (dt.date.today() - dt.timedelta(days=1)).isoformat()

DAY = (dt.date.today() - dt.timedelta(days=3)).isoformat()
PAIN = {"pain-confirmed": {"met": True, "evidence": "Reply email from the CFO", "date": DAY}}
Headers = dict[str, dict[str, str]]


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("USD", "USD"),
        (" eur ", "EUR"),
        ("$", "USD"),
        ("€", "EUR"),
        ("chf", "CHF"),
        ("R$", "BRL"),
        ("US$", "USD"),
        ("zł", "PLN"),
        (" лв. ", "BGN"),
        ("", None),
        (None, None),
    ],
)
def test_a_currency_is_read_as_its_iso_code(typed: str | None, code: str | None) -> None:
    assert parse_currency(typed) == code


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "EUROPA",
            "'EUROPA' is not a currency; write a three-letter ISO code such as USD, EUR or GBP, a symbol ($ € £ ¥ ₹ ₩ ₽ ₺ ₪ ₴ ₫ ฿ ₦ ₱ 円 원, "
            "or R$, US$ …) or a name such as US Dollar, Euro or Pound Sterling",
        ),
        ("U$", "'U$' is not a currency"),
        (5, "a currency must be text, got a number 5"),
    ],
)
def test_a_currency_that_is_not_one_is_refused_with_the_way_to_write_it(typed: object, message: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_currency(typed)
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize(
    ("code", "meant"),
    [("EUE", "EUR"), ("GPB", "GBP"), ("USN", "USD"), ("RMB", "CNY"), ("NTD", "TWD"), ("USS", None), ("XYZ", None)],
)
def test_a_code_no_currency_in_use_has_is_told_with_the_one_meant_when_plain(code: str, meant: str | None) -> None:
    message = unlisted_currency(code)
    assert message is not None and message.startswith(f"{code} is not a currency in use (ISO 4217)")
    assert message.endswith(
        f"; did you mean {meant}?" if meant else "or a name such as US Dollar, Euro or Pound Sterling"
    )


def test_every_currency_in_use_is_a_three_letter_code_and_none_is_refused() -> None:
    assert all(len(code) == 3 and code.isupper() for code in CURRENCIES_IN_USE)
    assert [code for code in CURRENCIES_IN_USE if unlisted_currency(code)] == []
    assert {"USD", "EUR", "GBP", "JPY", "INR", "CHF", "SEK", "BRL", "CNY"} <= CURRENCIES_IN_USE


def test_an_amount_is_shown_with_its_currency_when_known() -> None:
    assert (money_in(120000, "USD"), money_in(80000.5, "EUR"), money_in(7, None)) == (
        "USD 120,000",
        "EUR 80,000.50",
        "7",
    )


def test_the_api_keeps_the_currency_of_a_deal_and_of_each_check(records_app: Flask, tokens: Headers) -> None:
    client = records_app.test_client()
    created = client.post(
        "/api/deals",
        headers=tokens["ana"],
        json={"name": "Northwind", "amount": 80000, "currency": "eur", "claimed_stage": "proposing"},
    )
    assert created.status_code == 201 and (created.get_json()["amount"], created.get_json()["currency"]) == (
        80000.0,
        "EUR",
    )
    deal_id = created.get_json()["id"]
    kept = client.post(
        f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json={"milestones": PAIN, "amount": 90000}
    )
    assert (
        kept.status_code == 201 and kept.get_json()["check"]["currency"] == "EUR"
    )  # an amount without one stays in the deal's
    moved = client.post(
        f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json={"milestones": PAIN, "amount": "GBP 70,000"}
    )
    assert moved.status_code == 201 and moved.get_json()["check"]["currency"] == "GBP"
    relabelled = client.post(
        f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json={"milestones": PAIN, "currency": "USD"}
    )
    assert relabelled.status_code == 201
    shown = client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()
    assert (shown["amount"], shown["currency"]) == (70000.0, "USD")
    assert [(c["amount"], c["currency"]) for c in shown["checks"]] == [
        (90000.0, "EUR"),
        (70000.0, "GBP"),
        (70000.0, "USD"),
    ]
    assert client.get("/api/deals", headers=tokens["ana"]).get_json()["deals"][0]["currency"] == "USD"
    plain = client.post("/api/deals", headers=tokens["ana"], json={"name": "Plain", "amount": 5}).get_json()
    assert plain["currency"] is None
    symbol = client.post(
        "/api/deals", headers=tokens["ana"], json={"name": "Dollar", "amount": "$120,000", "currency": "usd"}
    ).get_json()
    assert (symbol["amount"], symbol["currency"]) == (120000.0, "USD")
    krona = client.post(
        "/api/deals", headers=tokens["ana"], json={"name": "Krona", "amount": "1 200 kr", "currency": "SEK"}
    ).get_json()
    assert (krona["amount"], krona["currency"]) == (1200.0, "SEK")


BAD_CURRENCIES = [
    (
        {"amount": "EUR 80,000", "currency": "USD"},
        "currency",
        "'currency' is USD but 'amount' 'EUR 80,000' is written in EUR; correct one of them, or leave 'currency' out",
    ),
    (
        {"amount": 80000, "currency": "EUROPA"},
        "currency",
        "'currency': 'EUROPA' is not a currency; write a three-letter ISO code",
    ),
    ({"amount": 80000, "currency": 978}, "currency", "'currency': a currency must be text, got a number 978"),
    ({"amount": "80,000 EURO"}, "amount", "'amount': '80,000 EURO' is not an amount"),
    ({"amount": "EUR 80.000"}, "amount", "'amount': 'EUR 80.000' is ambiguous (80 or 80000?)"),
    (
        {"amount": "80 000 kr"},
        "amount",
        "'amount': '80 000 kr' is written in kr, the krona or krone of Sweden, Norway, Denmark and Iceland (SEK, "
        "NOK, DKK, ISK): write the code instead, e.g. 500 SEK, or give the currency (a currency column or key)",
    ),
    (
        {"amount": "80 000 kr", "currency": "EUR"},
        "amount",
        "'amount': '80 000 kr' is written in kr (SEK, NOK, DKK, ISK), but the currency given with it is EUR; "
        "correct one of them",
    ),
    ({"amount": 5, "curency": "EUR"}, "curency", "unknown key 'curency'"),
    (
        {"amount": 80000, "currency": "EUE"},
        "currency",
        "'currency': EUE is not a currency in use (ISO 4217); did you mean EUR?",
    ),
    ({"amount": "GPB 80,000"}, "amount", "'amount': GPB is not a currency in use (ISO 4217); did you mean GBP?"),
    ({"amount": "80000 RMB"}, "amount", "'amount': RMB is not a currency in use (ISO 4217); did you mean CNY?"),
    (
        {"amount": "80000 XYZ"},
        "amount",
        "'amount': XYZ is not a currency in use (ISO 4217); write a three-letter ISO code",
    ),
]


@pytest.mark.parametrize(("body", "loc", "message"), BAD_CURRENCIES)
def test_a_bad_currency_of_a_new_deal_is_400_at_its_field(
    records_app: Flask, tokens: Headers, body: dict[str, object], loc: str, message: str
) -> None:
    response = records_app.test_client().post("/api/deals", headers=tokens["ana"], json={"name": "X", **body})
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert any(error["loc"] == loc and error["message"].startswith(message) for error in errors), errors


@pytest.mark.parametrize(("body", "loc", "message"), BAD_CURRENCIES)
def test_a_bad_currency_of_a_check_is_400_at_its_field_and_saves_nothing(
    records_app: Flask, tokens: Headers, body: dict[str, object], loc: str, message: str
) -> None:
    client = records_app.test_client()
    deal_id = client.post(
        "/api/deals", headers=tokens["ana"], json={"name": "N", "amount": 5, "currency": "EUR"}
    ).get_json()["id"]
    response = client.post(f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json={"milestones": PAIN, **body})
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert any(error["loc"] == loc and error["message"].startswith(message) for error in errors), errors
    assert client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()["checks"] == []


def test_the_assess_endpoint_does_not_take_a_currency_key(records_app: Flask) -> None:
    response = records_app.test_client().post("/api/assess", json={"amount": 5, "currency": "EUR"})
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["loc"] == "currency"


def test_the_openapi_document_describes_the_currency(records_app: Flask) -> None:
    schemas = records_app.test_client().get("/api/openapi.json").get_json()["components"]["schemas"]
    assert "currency" in schemas["NewDeal"]["properties"] and "currency" in schemas["NewCheck"]["properties"]
    assert "currency" in schemas["SavedDeal"]["properties"] and "currency" in schemas["Check"]["properties"]
    assert "currency" not in schemas["Deal"]["properties"]  # POST /api/assess


def test_the_pages_show_the_amount_with_its_currency_and_a_check_keeps_it(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep, amount="EUR 80,000")
    page = html.unescape(rep.get(f"/deals/{deal_id}").get_data(as_text=True))
    assert '<span id="deal-amount">EUR 80,000</span>' in page
    assert (
        'name="amount" type="text" value="80000 EUR"' in page or 'value="80000 EUR"' in page
    )  # the form keeps the currency
    assert "without one it stays in EUR" in page
    assert check(rep, deal_id, {"amount": "90000"}).status_code == 303  # no currency typed: the deal's
    listing = rep.get("/deals").get_data(as_text=True)
    # the amount and its weight at Proposing's 60%, with their cents as the pipeline's totals beside them
    assert ">EUR 90,000.00<" in listing and ">EUR 54,000.00<" in listing
    assert check(rep, deal_id, {"amount": "$95,000"}).status_code == 303
    assert '<span id="deal-amount">USD 95,000</span>' in rep.get(f"/deals/{deal_id}").get_data(as_text=True)


def test_a_new_deal_with_a_bad_amount_keeps_the_entry_and_says_why(signed_in: Callable[[str], FlaskClient]) -> None:
    rep = signed_in("ana@example.com")
    response = rep.post(
        "/deals/new", data={"csrf_token": page_token(rep, "/deals/new"), "name": "N", "amount": "80,000 EURO"}
    )
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "'80,000 EURO' is not an amount" in page and 'value="80,000 EURO"' in page


def test_the_amount_fields_take_letters_on_a_phone_and_a_small_letter_code_is_told_to_be_capital(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    """inputmode="decimal" gives phones a keypad without letters: "EUR" or "$", which the hint asks for, could not be
    typed. A code in small letters is refused saying how to write it."""
    rep = signed_in("ana@example.com")
    new_form = rep.get("/deals/new").get_data(as_text=True)
    deal_page = rep.get(f"/deals/{new_deal(rep)}").get_data(as_text=True)
    for page in (new_form, deal_page):
        assert 'inputmode="decimal"' not in page
    response = rep.post(
        "/deals/new", data={"csrf_token": page_token(rep, "/deals/new"), "name": "N", "amount": "90000 usd"}
    )
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "'90000 usd' is not an amount; a currency code is written in capitals: 90000 USD" in page
    assert "/check.js" in page  # the script that gives the notice (data-focus) the focus, as on the deal page


def test_the_pipeline_never_adds_two_currencies_and_says_so(signed_in: Callable[[str], FlaskClient]) -> None:
    rep = signed_in("ana@example.com")
    for name, amount in (("A", "$100,000"), ("B", "$50,000"), ("C", "EUR 80,000"), ("D", "1000")):
        new_deal(rep, name, amount=amount)
    manager = signed_in("manager@example.com")
    text = " ".join(html.unescape(manager.get("/pipeline").get_data(as_text=True)).split())
    # USD, the currency of most deals: 150,000 at Proposing's 60%, plus D (no currency named) at 60%.
    assert 'data-total="claimed">90,600.00<' in text
    # The open pipeline, unweighted: A, B and D; C, in EUR, is not assessed, as the audit leaves out a row in another
    # currency than the file's, and named with why.
    assert 'data-total="open">151,000.00<' in text
    assert 'data-total="assessed">3<' in text and 'data-total="not_assessed">1<' in text
    assert (
        '<p id="open-pipeline">Open pipeline (unweighted): the amounts of 3 open deals in USD; the deal not '
        "assessed is not counted." in text
    )
    assert (
        '<td data-label="Deal"><a href="/deals/3">C</a></td><td data-label="Why it was not assessed">amount: in EUR, '
        "but the pipeline's "
        "amounts are in USD; an audit sums one currency, so record its amount in USD (a new check) to include it</td>"
    ) in text
    assert (
        '<p class="warning" id="mixed-currencies"><strong>Warning:</strong> the amounts are in 2 currencies (EUR: 1 deal, '
        "USD: 2 deals). A total never adds two currencies: the totals above, unweighted and weighted, add only those in USD, the currency of most "
        "deals, and leave out 1 deal in EUR (not assessed, as the audit leaves out a row in another currency than the "
        "file's: each is listed under Deals not assessed). Record their amounts in USD (a new check) to include them.</p>"
    ) in text
    # D names no currency: it is added to the USD amounts, and the page says so rather than calling it USD.
    assert (
        "Amounts are in USD, where a deal names its currency: the amounts of 1 deal that names none are added to them "
        "as if in USD." in text
    )


def _close_won(rep: FlaskClient, deal_id: int, amount: str) -> None:
    form = {"csrf_token": page_token(rep, f"/deals/{deal_id}"), "outcome": "won", "date": YESTERDAY, "amount": amount}
    assert rep.post(f"/deals/{deal_id}/outcome", data=form).status_code == 303


def _close_lost(rep: FlaskClient, deal_id: int, day: str) -> None:
    form = {"csrf_token": page_token(rep, f"/deals/{deal_id}"), "outcome": "lost", "date": day, "reason": "No budget"}
    assert rep.post(f"/deals/{deal_id}/outcome", data=form).status_code == 303


def test_the_open_pipeline_is_summed_in_the_currency_of_most_open_deals_not_of_the_won_ones(
    signed_in: Callable[[str], FlaskClient], run: Run
) -> None:
    """EUR has 3 saved deals (1 open, 2 won), USD 3 open ones: the open pipeline is in USD, as is the digest, whose
    subject names it."""
    rep = signed_in("ana@example.com")
    for name in ("W1", "W2"):
        _close_won(rep, new_deal(rep, name, amount="EUR 50,000"), "EUR 50,000")
    new_deal(rep, "E", amount="EUR 40,000")
    for name in ("U1", "U2", "U3"):
        new_deal(rep, name, amount="$100,000")
    manager = signed_in("manager@example.com")
    text = " ".join(html.unescape(manager.get("/pipeline").get_data(as_text=True)).split())
    assert 'data-total="open">300,000.00<' in text  # the three USD deals, not the one open EUR deal
    assert "(EUR: 1 deal, USD: 3 deals)" in text  # the open deals' currencies: the won ones are outcomes
    assert "add only those in USD" in text
    status, out, err = run("digest", "--process", str(DEFAULT_PROCESS))
    assert (status, err) == (0, "")
    assert "Subject: Team pipeline: verified USD " in out and ", claimed USD 180,000.00, " in out


def test_a_tie_of_open_deals_goes_to_the_currency_with_the_larger_open_amount(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    rep = signed_in("ana@example.com")
    new_deal(rep, "E", amount="EUR 40,000")
    new_deal(rep, "U", amount="$100,000")
    manager = signed_in("manager@example.com")
    text = " ".join(html.unescape(manager.get("/pipeline").get_data(as_text=True)).split())
    assert "add only those in USD" in text  # alphabetically it would be EUR
    assert 'data-total="open">100,000.00<' in text
    # E, in EUR, is not assessed: not counted ahead of its evidence either, as the audit would not count it.
    assert 'data-total="not_assessed">1<' in text and 'data-total="ahead">1<' in text
    assert (
        '<td data-label="Deal"><a href="/deals/1">E</a></td><td data-label="Why it was not assessed">amount: in EUR'
        in text
    )


def test_a_closed_deal_in_another_currency_is_named_with_why_not_called_without_an_amount(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    """A lost deal of USD 45,000 in a EUR pipeline showed as "lost 1 · 0.00 · Without an amount 1": its amount is
    listed as not summed, by deal (a link to its page), with why, as the audit lists a closed row's by its line."""
    rep = signed_in("ana@example.com")
    for name in ("A", "B"):
        new_deal(rep, name, amount="EUR 10,000")
    lost = new_deal(rep, "Tailspin <pilot>", amount="USD 45,000")
    _close_lost(rep, lost, YESTERDAY)
    page = " ".join(signed_in("manager@example.com").get("/pipeline").get_data(as_text=True).split())
    outcomes = page[page.index('id="outcomes"') : page.index("</table>", page.index('id="outcomes"'))]
    lost_row = next(row for row in outcomes.split("</tr>") if 'data-outcome="lost"' in row)
    assert re.findall(r"<td[^>]*>([^<]*)</td>", lost_row) == ["1", "0.00", "0", "1"]  # deals, amount, none, not summed
    assert (
        f'<li>lost, <a href="/deals/{lost}">Tailspin &lt;pilot&gt;</a>: amount: in USD, but the pipeline&#39;s amounts '
        "are in EUR; an audit sums one currency, so reopen it and close it again with its final amount in EUR to "
        "include it</li>"
    ) in page
    assert "An amount not summed is in another currency than the pipeline&#39;s, which a total cannot add:" in page


def test_a_past_day_without_open_deals_says_so_and_adds_no_amount_naming_no_currency(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    """/pipeline?as_of= a day before any open deal was made said "the amounts of 11 deals that name none are added"
    (every deal saved, counted now): the deals counted are those of the pipeline shown, and none is open then."""
    rep = signed_in("ana@example.com")
    for name, amount in (("A", "EUR 1,000"), ("B", "2000"), ("C", "3000")):
        new_deal(rep, name, amount=amount)
    lost = new_deal(rep, "Lost", amount="EUR 500")
    _close_lost(rep, lost, (dt.date.today() - dt.timedelta(days=5)).isoformat())
    manager = signed_in("manager@example.com")
    then = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    past = " ".join(
        html.unescape(manager.get("/pipeline", query_string={"as_of": then}).get_data(as_text=True)).split()
    )
    assert '<p id="open-pipeline">Open pipeline (unweighted): no deal is open. Amounts are in EUR.</p>' in past
    now = " ".join(html.unescape(manager.get("/pipeline").get_data(as_text=True)).split())
    assert '<p id="open-pipeline">Open pipeline (unweighted): the amounts of 3 open deals.' in now
    assert "the amounts of 2 deals that name none are added to them as if in EUR." in now


def test_the_pipeline_of_one_currency_names_it_without_a_warning(signed_in: Callable[[str], FlaskClient]) -> None:
    rep = signed_in("ana@example.com")
    new_deal(rep, "A", amount="GBP 10,000")
    text = signed_in("manager@example.com").get("/pipeline").get_data(as_text=True)
    assert "Amounts are in GBP." in text and "mixed-currencies" not in text and 'data-total="claimed">6,000.00<' in text


HEADER = "deal,owner,stage,amount,currency,crm_id,pain-confirmed,pain-confirmed.evidence,pain-confirmed.date\n"


def test_import_stores_each_rows_currency_and_export_writes_it_back(
    run: Run, tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    run("users", "add", "ana@example.com", "--role", "rep", stdin="rep-password-1\n")
    source = tmp_path / "pipeline.csv"
    source.write_text(
        HEADER + f'Northwind,ana@example.com,proposing,"EUR 80,000",,N-1,yes,Reply email from the CFO,{DAY}\n'
        f"Contoso,ana@example.com,discovery,5000,eur,C-1,no,,\n"
        "Fabrikam,ana@example.com,discovery,7000,,F-1,,,\n"
        'Globex,ana@example.com,discovery,"$1,000",,G-1,,,\n',
        encoding="utf-8",
    )  # deals differ in currency: each keeps its own
    assert run("import", str(source), "--process", str(DEFAULT_PROCESS)) == (
        0,
        f"imported 4 rows from {source}: 4 new deals, 0 checks of deals already saved (matched by crm_id)\n",
        "",
    )
    with sessions() as db:
        assert [(d.name, d.currency) for d in db.scalars(select(Deal).order_by(Deal.id))] == [
            ("Northwind", "EUR"),
            ("Contoso", "EUR"),
            ("Fabrikam", None),
            ("Globex", "USD"),
        ]
        assert [c.currency for c in db.scalars(select(Check).order_by(Check.id))] == ["EUR", "EUR", None, "USD"]
    status, out, err = run("deals", "export", "--process", str(DEFAULT_PROCESS))
    assert (status, err) == (0, "")
    rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))
    assert rows[0][:6] == ["deal", "stage", "amount", "currency", "owner", "crm_id"]
    assert [row[:6] for row in rows[1:]] == [
        ["Northwind", "proposing", "80000.00", "EUR", "ana@example.com", "N-1"],
        ["Contoso", "discovery", "5000.00", "EUR", "ana@example.com", "C-1"],
        ["Fabrikam", "discovery", "7000.00", "", "ana@example.com", "F-1"],
        ["Globex", "discovery", "1000.00", "USD", "ana@example.com", "G-1"],
    ]
    # A row without a currency keeps the saved deal's (as a check does).
    again = tmp_path / "again.csv"
    again.write_text(HEADER + "Contoso,ana@example.com,discovery,6000,,C-1,no,,\n", encoding="utf-8")
    assert run("import", str(again), "--process", str(DEFAULT_PROCESS))[0] == 0
    with sessions() as db:
        assert db.scalars(select(Deal).where(Deal.crm_id == "C-1")).one().currency == "EUR"


def test_the_pipeline_and_the_audit_of_its_export_leave_out_the_same_deals_in_another_currency(
    run: Run, tmp_path: Path, signed_in: Callable[[str], FlaskClient], capsys: pytest.CaptureFixture[str]
) -> None:
    """A user imported 276 open deals, 5 in EUR in a USD pipeline, and audited `playbook deals export`'s file: the
    audit assessed 271 (the 5 not assessed: another currency than the file's), /pipeline 276, and counted 4 more
    deals ahead of their evidence. One rule (sales_process.totals.summed_in_total) now decides for both doors."""
    run("users", "add", "ana@example.com", "--role", "rep", stdin="rep-password-1\n")
    source = tmp_path / "pipeline.csv"
    source.write_text(
        HEADER + f'Alpha,ana@example.com,proposing,"USD 100,000",,A-1,yes,Reply email from the CFO,{DAY}\n'
        'Bravo,ana@example.com,proposing,"EUR 80,000",,B-1,,,\n'  # ahead of its evidence, in EUR
        "Charlie,ana@example.com,discovery,50000,USD,C-1,,,\n"
        "Delta,ana@example.com,negotiating,20000,EUR,D-1,,,\n"  # ahead too, in EUR
        "Echo,ana@example.com,proposing,1000,,E-1,,,\n"  # no currency named: summed as USD, as the audit does
        "Foxtrot,ana@example.com,discovery,$10,,F-1,,,\n",
        encoding="utf-8",
    )
    assert run("import", str(source), "--process", str(DEFAULT_PROCESS))[0] == 0
    exported = tmp_path / "export.csv"
    assert run("deals", "export", "--process", str(DEFAULT_PROCESS), "--output", str(exported))[0] == 0
    audits = []
    for engine in ("python", "duckdb"):  # the DuckDB engine hands a row in another currency to Python's reader
        args = ["audit", str(exported), "--process", str(DEFAULT_PROCESS), "--engine", engine]
        status = main([*args, "--out", str(tmp_path / engine)])
        out, err = capsys.readouterr()
        assert (status, err) == (0, "")
        audits.append(out.split("\n", 1)[1].rsplit("Wrote ", 1)[0])  # all but the file's name and the folder
    audit = audits[0]
    assert audits[1] == audit
    assert (
        "Deals read: 6\nDeals assessed: 4\nDeals not assessed: 2\n  line 3: amount: in EUR, but the file's amounts are in "
        "USD; an audit sums one currency, so convert it, or audit each currency separately (filter the export on its "
        "currency, one file each) (also on line 5)\n"
    ) in audit
    ahead = audit.split("Deals ahead of their evidence: ", 1)[1].split()[0]
    assert ahead == "2"  # Alpha and Echo; Bravo and Delta, not assessed, are not counted
    page = " ".join(html.unescape(signed_in("manager@example.com").get("/pipeline").get_data(as_text=True)).split())
    for total, figure in (("rows", "6"), ("assessed", "4"), ("not_assessed", "2"), ("ahead", ahead)):
        assert f'data-total="{total}">{figure}<' in page
    for key in ("open", "claimed", "verified"):
        figure = audit.split({"open": "unweighted: ", "claimed": "claimed: ", "verified": "verified: "}[key], 1)[1]
        assert f'data-total="{key}">{figure.split()[0].rstrip(",")}<' in page
    # The same deals named, each with the same reason: the audit's by line (the deal id + 1 in the export), the
    # page's by deal, a link to its page (a saved deal has no line: "Line 2" called deal 2 a CSV line), each with
    # its own fix.
    problems = page[page.index('<table id="problems"') : page.index("</table>", page.index('<table id="problems"'))]
    assert "Line" not in problems
    listed = re.findall(
        r'<td data-label="Deal"><a href="/deals/(\d+)">([^<]*)</a></td><td data-label="Why it was not assessed">([^<]*)</td>',
        problems,
    )
    fix = "record its amount in USD (a new check) to include it"
    assert listed == [
        ("2", "Bravo", f"amount: in EUR, but the pipeline's amounts are in USD; an audit sums one currency, so {fix}"),
        ("4", "Delta", f"amount: in EUR, but the pipeline's amounts are in USD; an audit sums one currency, so {fix}"),
    ]


def test_export_writes_no_currency_column_when_no_deal_has_one(run: Run, tmp_path: Path) -> None:
    run("users", "add", "ana@example.com", "--role", "rep", stdin="rep-password-1\n")
    source = tmp_path / "pipeline.csv"
    source.write_text(
        HEADER.replace(",currency", "") + "Fabrikam,ana@example.com,discovery,7000,F-1,,,\n", encoding="utf-8"
    )
    assert run("import", str(source), "--process", str(DEFAULT_PROCESS))[0] == 0
    out = run("deals", "export", "--process", str(DEFAULT_PROCESS))[1]
    assert out.startswith("\ufeffdeal,stage,amount,owner,crm_id,") and out.splitlines()[1].startswith(
        "Fabrikam,discovery,7000.00,ana@example.com,F-1,"
    )


def test_import_refuses_a_row_whose_amount_and_currency_disagree(
    run: Run, tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    run("users", "add", "ana@example.com", "--role", "rep", stdin="rep-password-1\n")
    source = tmp_path / "pipeline.csv"
    source.write_text(HEADER + 'Northwind,ana@example.com,proposing,"EUR 80,000",USD,N-1,,,\n', encoding="utf-8")
    assert run("import", str(source), "--process", str(DEFAULT_PROCESS)) == (
        1,
        "",
        f"{source}:2: amount: 'EUR 80,000' is written in EUR, but its currency column says USD; correct one of them\n"
        "1 row with problems of 1 (0 good); nothing was imported.\n",
    )
    with sessions() as db:
        assert db.scalars(select(Deal)).first() is None


@pytest.mark.parametrize("decimal_comma", [True, False], ids=["decimal-comma", "decimal-point"])
def test_import_reads_a_workbooks_number_cells_as_numbers(
    run: Run, tmp_path: Path, sessions: sessionmaker[Session], decimal_comma: bool
) -> None:
    """A number cell is a number: the decimal comma reads an export's text, not a workbook's numbers (1.234 stays 1.234)."""
    run("users", "add", "ana@example.com", "--role", "rep", stdin="rep-password-1\n")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER.strip().split(","))
    for row, (name, amount) in enumerate((("Northwind", 88000.5), ("Contoso", 1.234), ("Fabrikam", 7000)), start=2):
        sheet.append([name, "ana@example.com", "discovery", amount, "", name[0] + "-1", "", "", ""])
        sheet.cell(row=row, column=4).number_format = '#,##0.00 "€"'
    source = tmp_path / "pipeline.xlsx"
    workbook.save(source)
    options = ["--decimal-comma"] if decimal_comma else []
    assert run("import", str(source), "--process", str(DEFAULT_PROCESS), *options)[0] == 0
    with sessions() as db:
        assert [(d.name, d.currency) for d in db.scalars(select(Deal).order_by(Deal.id))] == [
            ("Northwind", "EUR"),
            ("Contoso", "EUR"),
            ("Fabrikam", "EUR"),
        ]
        assert [c.amount for c in db.scalars(select(Check).order_by(Check.id))] == [88000.5, 1.234, 7000]
