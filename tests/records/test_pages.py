"""The saved deals in the browser's pages: create, check twice, timeline; who sees what."""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from deal_records.database import make_engine, session_factory, writing
from deal_records.people import disable_user, end_sessions, require_user
from deal_records.records import count_checks
from tests.conftest import DEFAULT_PROCESS
from tests.records.conftest import new_deal, page_token, sign_in

TODAY = dt.date.today()
DAY = (TODAY - dt.timedelta(days=3)).isoformat()


def page_token_of(page: str) -> str:
    """The CSRF token in a page's text."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match
    return match.group(1)


def check(client: FlaskClient, deal_id: int, answers: dict[str, str]) -> Any:
    """Post a check of the deal through its page's form."""
    data = {
        "csrf_token": page_token(client, f"/deals/{deal_id}"),
        "amount": "120000",
        "claimed_stage": "proposing",
        **answers,
    }
    return client.post(f"/deals/{deal_id}/checks", data=data)


FIRST = {"pain-confirmed.met": "yes", "pain-confirmed.evidence": "Reply email from the CFO", "pain-confirmed.date": DAY}
SECOND = {
    **FIRST,
    "next-meeting-accepted.met": "yes",
    "next-meeting-accepted.evidence": "Calendar invite accepted",
    "next-meeting-accepted.date": DAY,
}


def stored_checks(url: str) -> int:
    """How many checks the database holds."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as db:
            return count_checks(db)
    finally:
        engine.dispose()


def test_a_rep_creates_and_checks_a_deal_twice_and_sees_the_timeline(
    signed_in: Callable[[str], FlaskClient], database_url: str
) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    assert check(rep, deal_id, FIRST).status_code == 303
    response = check(rep, deal_id, SECOND)
    assert response.status_code == 303
    page = rep.get(response.headers["Location"]).get_data(as_text=True)
    assert "Check saved." in page
    timeline = page[page.index('id="timeline"') :]
    assert timeline.count('<li id="check-') == 2
    assert (
        "Newly verified: <q>Has the prospect accepted a calendar invitation for a second, deeper meeting?</q>"
        in timeline
    )
    assert (
        "Newly verified: <q>Has the prospect confirmed, in writing, the business problem they want to solve?</q>"
        in timeline
    )
    assert 'class="verdict__stage">Qualifying<' in page
    # The form is pre-filled with the latest answers.
    assert 'name="next-meeting-accepted.evidence"' in page and ">Calendar invite accepted</textarea>" in page
    assert stored_checks(database_url) == 2


def test_the_owner_filter_marks_a_disabled_rep(
    signed_in: Callable[[str], FlaskClient], sessions: sessionmaker[Session]
) -> None:
    """A disabled rep's deals stay listed, so the filter keeps them, and says they can no longer sign in."""
    new_deal(signed_in("ana@example.com"), "Contoso renewal")
    manager = signed_in("manager@example.com")
    with writing(sessions) as db:
        disable_user(db, "ana@example.com")
    listing = manager.get("/deals").get_data(as_text=True)
    assert '<option value="ana@example.com">ana@example.com (disabled)</option>' in listing
    assert ">manager@example.com</option>" in listing


def test_the_manager_sees_every_deal_and_the_pipeline_but_cannot_change_answers(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep, "Contoso renewal")
    check(rep, deal_id, SECOND)
    manager = signed_in("manager@example.com")
    listing = manager.get("/deals").get_data(as_text=True)
    assert "Contoso renewal" in listing and "ana@example.com" in listing
    assert (
        manager.get("/deals?owner=ana@example.com&stage=proposing").get_data(as_text=True).count("Contoso renewal") == 1
    )
    assert "Contoso renewal" not in manager.get("/deals?stage=negotiating").get_data(as_text=True)
    # A stage by its name, in any case, as the API reads it: it was "not a stage of this process".
    by_name = manager.get("/deals?stage=PROPOSING").get_data(as_text=True)
    assert by_name.count("Contoso renewal") == 1 and "is not a stage of this process" not in by_name
    pipeline = manager.get("/pipeline")
    assert pipeline.status_code == 200
    text = pipeline.get_data(as_text=True)
    assert 'data-total="assessed">1<' in text and "Team pipeline" in text
    assert "'unsafe-inline'" in pipeline.headers["Content-Security-Policy"]
    assert 'data-total="claimed">72,000.00<' in text  # 120,000 at Proposing's 60%
    # The deal ahead of its evidence opens its page; its next steps are a cell of sentences, not the app's
    # row of buttons (class "actions" there), which had made the table three times the page's width.
    assert f'<td class="name" data-label="Deal"><a href="/deals/{deal_id}">Contoso renewal</a></td>' in text
    assert '<td class="next-steps" data-label="What the customer must do next">' in text
    refused = check(manager, deal_id, FIRST)
    assert refused.status_code == 403


def test_another_rep_gets_404_for_the_deal_on_every_page(signed_in: Callable[[str], FlaskClient]) -> None:
    owner = signed_in("ana@example.com")
    deal_id = new_deal(owner)
    other = signed_in("bo@example.com")
    assert other.get(f"/deals/{deal_id}").status_code == 404
    token = page_token(other, "/deals/new")
    assert other.post(f"/deals/{deal_id}/checks", data={"csrf_token": token, **FIRST}).status_code == 404
    assert "Northwind" not in other.get("/deals").get_data(as_text=True)
    assert other.get("/deals/999999").status_code == 404


@pytest.mark.parametrize(
    ("as_of", "reason"),
    [
        ("2026-02-30", "as_of: &#39;2026-02-30&#39; is not a real calendar date"),
        ("yesterday", "as_of: &#39;yesterday&#39; is not a date; write it as YYYY-MM-DD"),
    ],
)
def test_a_bad_as_of_on_the_pipeline_names_the_field_and_the_fix(
    signed_in: Callable[[str], FlaskClient], as_of: str, reason: str
) -> None:
    refused = signed_in("manager@example.com").get("/pipeline", query_string={"as_of": as_of})
    assert refused.status_code == 400 and reason in refused.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "said"),
    [
        (
            "/pipeline?asof=2026-06-01",
            "unknown query parameter 'asof'; did you mean 'as_of'? (this address takes as_of)",
        ),
        (
            "/deals?ownr=ana@example.com",
            "unknown query parameter 'ownr'; did you mean 'owner'? (this address takes owner, stage, closed, page)",
        ),
        ("/deals/new?name=Northwind", "unknown query parameter 'name' (this address takes no query parameters)"),
        ("/deals/{deal}?save=1", "unknown query parameter 'save'; did you mean 'saved'?"),
        ("/deals/{deal}/checks/1?as_of=2026-06-01", "unknown query parameter 'as_of'"),
        # A right-to-left override in the name is shown by its code, never left to turn the message around.
        ("/deals?%E2%80%AEzzz=1", "unknown query parameter '\\u202ezzz' (this address takes owner"),
    ],
)
def test_a_query_parameter_a_page_does_not_read_is_a_400_naming_it_never_ignored(
    signed_in: Callable[[str], FlaskClient], path: str, said: str
) -> None:
    """/pipeline?asof=… (for as_of) showed today's pipeline as if the day had been read; the API refuses such a typo."""
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    assert check(rep, deal_id, FIRST).status_code == 303
    client = signed_in("manager@example.com") if path.startswith("/pipeline") else rep
    path = path.format(deal=deal_id)
    refused = client.get(path)
    assert refused.status_code == 400
    assert said in html.unescape(refused.get_data(as_text=True))
    signed_out = client.application.test_client().get(path)  # told to sign in first, as without the typo
    assert signed_out.status_code == 302 and signed_out.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    ("days_ago", "last_day", "said"),
    [
        (85, 5, "counts until"),  # counts for 90 days: 5 left
        (90, 0, "counts until"),  # today is the last day it counts: still verified, not yet "expired"
        (91, -1, "counted until"),  # yesterday was: too old today
    ],
)
def test_the_last_day_evidence_counts_is_said_the_one_way_on_every_page(
    signed_in: Callable[[str], FlaskClient], days_ago: int, last_day: int, said: str
) -> None:
    """The deals list said "expires on D" and the deal page "expired on D" for D the last day evidence counted,
    while the digest said "counts until D": every place words the last day it counts the same true way."""
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    check(rep, deal_id, {**FIRST, "pain-confirmed.date": (TODAY - dt.timedelta(days=days_ago)).isoformat()})
    question = "Has the prospect confirmed, in writing, the business problem they want to solve?"
    until = f"{said} {(TODAY + dt.timedelta(days=last_day)).isoformat()}"
    listed = html.unescape(rep.get("/deals").get_data(as_text=True))
    page = html.unescape(rep.get(f"/deals/{deal_id}").get_data(as_text=True))
    assert "expire" not in re.sub(r"<[^>]*>", "", page).lower().replace("expires_in_days", "")
    if said == "counts until":
        assert f"“{question}” {until}" in listed
        assert f'<a href="#answer-pain-confirmed">{question}</a> {until}.' in page
    else:
        assert f"“{question}” is stale" in listed
        assert f"{question}</a> too old (91 days; counts for 90), {until}:" in page
        assert f"too old (91 days; counts for 90)</span> {until.capitalize()}." in page


def test_a_stage_filter_the_process_does_not_have_is_said(signed_in: Callable[[str], FlaskClient]) -> None:
    page = signed_in("manager@example.com").get("/deals?stage=zzz").get_data(as_text=True)
    assert "<q>zzz</q> is not a stage of this process (its stages: discovery, qualifying," in page
    assert "is not a stage of this process" not in signed_in("ana@example.com").get("/deals?stage=qualifying").get_data(
        as_text=True
    )


def test_an_owner_filter_naming_no_user_is_said_and_an_empty_filter_says_how_to_clear_it(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    """/deals?owner=nobody@example.com answered "No deals match these filters yet. Add one.": the owner named no
    one, and adding a deal would not make a filter match."""
    rep = signed_in("ana@example.com")
    new_deal(rep)
    manager = signed_in("manager@example.com")
    page = html.unescape(manager.get("/deals?owner=anna@example.com").get_data(as_text=True))
    assert "'anna@example.com' is no user's email; did you mean 'ana@example.com'?" in page
    assert 'No deals match these filters. <a href="/deals">Clear the filters</a> to list every deal.' in page
    assert "Add one" not in page and "match these filters yet" not in page
    page = html.unescape(manager.get("/deals?stage=negotiating&closed=1").get_data(as_text=True))
    assert 'No closed deals match these filters. <a href="/deals?closed=1">Clear the filters</a>' in page
    assert "is no user's email" not in html.unescape(manager.get("/deals?owner=ANA@example.com").get_data(as_text=True))


def test_a_user_without_a_name_is_shown_by_their_email_once_in_the_owner_pickers(
    signed_in: Callable[[str], FlaskClient], add_person: Callable[..., str]
) -> None:
    """The owner pickers read "ci@example.com (ci@example.com, rep)" for a user added without a name."""
    add_person("lee@example.com", "rep", "Lee Park")
    rep = signed_in("ci@example.com")
    deal_id = new_deal(rep)
    manager = signed_in("manager@example.com")
    for path in ("/deals", "/deals/new", f"/deals/{deal_id}"):
        page = manager.get(path).get_data(as_text=True)
        assert "ci@example.com (ci@example.com" not in page, path
        assert "Lee Park (lee@example.com" in page, path
    assert '<option value="ci@example.com">ci@example.com</option>' in manager.get("/deals").get_data(as_text=True)
    assert '<option value="ci@example.com">ci@example.com (rep)</option>' in manager.get("/deals/new").get_data(
        as_text=True
    )


def test_the_pipeline_names_the_deals_only_evidence_too_old_holds_back(signed_in: Callable[[str], FlaskClient]) -> None:
    """ "Deals held back only by evidence too old: 1 … To confirm again on this deal: pain-confirmed" never named the
    deal: it is named, a link to its page, where the audit names a row by its line."""
    rep = signed_in("ana@example.com")
    old = (TODAY - dt.timedelta(days=100)).isoformat()  # pain-confirmed counts for 90 days
    held = new_deal(rep, "Stale <pain>")
    check(rep, held, {**SECOND, "pain-confirmed.date": old})
    check(rep, new_deal(rep, "Fresh"), SECOND)
    page = signed_in("manager@example.com").get("/pipeline").get_data(as_text=True)
    said = page[page.index('<p id="held-by-age">') : page.index("</p>", page.index('<p id="held-by-age">'))]
    assert said.startswith('<p id="held-by-age">Deals held back only by evidence too old: 1 (50.0% of the deals')
    assert said.endswith(
        f'To confirm again on this deal: pain-confirmed. The deal: <a href="/deals/{held}">Stale &lt;pain&gt;</a>.'
    )


def test_the_pipeline_of_a_team_without_deals_says_where_deals_come_from(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    manager = signed_in("manager@example.com")
    page = html.unescape(manager.get("/pipeline").get_data(as_text=True))
    assert "No deal is saved yet." in page and 'href="/deals/new"' in page
    assert "Totals" not in page and "0.00" not in page
    before = html.unescape(manager.get("/pipeline", query_string={"as_of": "2020-01-01"}).get_data(as_text=True))
    assert "No deal was saved by the end of 2020-01-01" in before
    new_deal(signed_in("ana@example.com"))
    assert "Totals" in manager.get("/pipeline").get_data(as_text=True)


def test_a_rep_cannot_open_the_pipeline(signed_in: Callable[[str], FlaskClient]) -> None:
    assert signed_in("ana@example.com").get("/pipeline").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(records_app: Flask) -> None:
    client = records_app.test_client()
    for path in ("/deals", "/deals/new", "/deals/1", "/deals/export.csv", "/deals/1/details", "/pipeline"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login?next="), path


@pytest.mark.parametrize(
    ("form", "section"),
    [("checks", "check-title"), ("details", "details"), ("outcome", "outcome"), ("confirmations", "confirmations")],
)
def test_a_forms_address_opened_again_goes_to_the_form_on_the_deal_page(
    signed_in: Callable[[str], FlaskClient], form: str, section: str
) -> None:
    """A reload or a copied address of a form's answer (/deals/2/details after a refused rename) was a 404."""
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    opened = rep.get(f"/deals/{deal_id}/{form}")
    assert (opened.status_code, opened.headers["Location"]) == (303, f"/deals/{deal_id}#{section}")
    assert f'id="{section}"' in rep.get(f"/deals/{deal_id}").get_data(as_text=True)


def test_every_state_changing_form_refuses_a_post_without_the_csrf_token(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    for path, data in (
        ("/deals/new", {"name": "X"}),
        (f"/deals/{deal_id}/checks", FIRST),
        ("/logout", {}),
        ("/login", {"email": "ana@example.com", "password": "rep-password-1"}),
    ):
        assert rep.post(path, data=data).status_code == 400, path
    assert rep.get("/deals").status_code == 200  # the refused sign-out signed nobody out


def test_a_refused_form_shows_what_it_held_to_copy_and_cannot_be_sent_again(
    signed_in: Callable[[str], FlaskClient], database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    with caplog.at_level(logging.WARNING, logger="assess_app"):
        refused = rep.post(f"/deals/{deal_id}/checks", data={**FIRST, "csrf_token": "forged"})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "This form could not be sent" in page and "Nothing was saved" in page
    assert "<dd>Reply email from the CFO</dd>" in page  # nothing typed is lost: it is there to copy
    # Labelled as on the form, not by the form's keys; the key nobody typed is not shown.
    assert (
        "<dt>Has the prospect confirmed, in writing, the business problem they want to solve? (evidence)</dt>" in page
    )
    assert "idempotency_key" not in page and "pain-confirmed.evidence" not in page
    # Never a form ready to send: one made by another site would come back signed with the rep's token.
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<form" not in main and "csrf_token" not in main and "forged" not in page
    assert stored_checks(database_url) == 0
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING] == [
        f"a form's CSRF token did not match (POST /deals/{deal_id}/checks): The CSRF token is invalid."
    ]


def test_a_form_sent_after_signing_out_in_another_tab_says_to_sign_in(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    token = page_token(rep, f"/deals/{deal_id}")
    new_form = page_token(rep, "/deals/new")
    assert rep.post("/logout", data={"csrf_token": page_token(rep, "/deals")}).status_code == 303
    refused = rep.post(f"/deals/{deal_id}/checks", data={**FIRST, "claimed_stage": "proposing", "csrf_token": token})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Nothing was saved: you are signed out (in another tab, or your session ended)." in page
    # Signed in again, the person is back on the deal's page (a path on this site only), not on /deals.
    assert f'<a class="button" href="/login?next=%2Fdeals%2F{deal_id}">Sign in</a>' in page
    assert "<dd>Reply email from the CFO</dd>" in page
    assert "<dt>CRM stage</dt><dd>Proposing</dd>" in page  # the stage by its name, as the form showed it
    refused = rep.post("/deals/new", data={"csrf_token": new_form, "name": "Tailspin", "claimed_stage": "negotiating"})
    page = refused.get_data(as_text=True)
    assert '<a class="button" href="/login?next=%2Fdeals%2Fnew">Sign in</a>' in page
    assert "<dt>CRM stage</dt><dd>Negotiating</dd>" in page


def test_a_form_sent_after_the_sessions_were_ended_from_the_command_line_keeps_what_was_typed(
    signed_in: Callable[[str], FlaskClient], database_url: str
) -> None:
    """`playbook users sign-out` (a lost laptop) ends the session on the server while the browser keeps its
    cookie and the page its token: the form's POST was sent to a plain sign-in page (302), the typed text lost,
    where a sign-out in another tab answers the page that gives back what the form held."""
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    token = page_token(rep, f"/deals/{deal_id}")
    engine = make_engine(database_url)
    try:
        with writing(session_factory(engine)) as db:
            assert end_sessions(db, require_user(db, "ana@example.com")) == 1
    finally:
        engine.dispose()
    refused = rep.post(f"/deals/{deal_id}/checks", data={**FIRST, "claimed_stage": "proposing", "csrf_token": token})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Nothing was saved: you are signed out (in another tab, or your session ended)." in page
    assert f'<a class="button" href="/login?next=%2Fdeals%2F{deal_id}">Sign in</a>' in page
    assert "<dd>Reply email from the CFO</dd>" in page
    assert stored_checks(database_url) == 0
    # A page asked for (GET) still goes to the sign-in page and back.
    assert rep.get(f"/deals/{deal_id}").headers["Location"] == f"/login?next=%2Fdeals%2F{deal_id}"


def test_a_form_sent_after_signing_out_lists_what_was_typed_first_as_the_conflict_page_does(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    """check.js names the fields typed or changed on the page ('typed'): the refused form's page listed the
    pre-filled answers first and the typed one last, unmarked, where the 409 page lists it first, marked."""
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    assert check(rep, deal_id, FIRST).status_code == 303
    token = page_token(rep, f"/deals/{deal_id}")
    assert rep.post("/logout", data={"csrf_token": page_token(rep, "/deals")}).status_code == 303
    typed = {"decision-maker-identified.met": "yes", "decision-maker-identified.evidence": "Signer named in a mail"}
    sent = {**FIRST, "claimed_stage": "proposing", **typed, "csrf_token": token}
    refused = rep.post(f"/deals/{deal_id}/checks", data={**sent, "typed": " ".join(typed)})
    held = re.sub(r"\s+", " ", refused.get_data(as_text=True))
    held = held[held.index('id="form-held-title"') :]
    assert "What you typed or changed comes first." in held
    terms = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", held)
    assert [value for _, value in terms[:2]] == ["yes", "Signer named in a mail"]
    assert all("(typed or changed)" in term for term, _ in terms[:2])
    assert not any("(typed or changed)" in term for term, _ in terms[2:]) and len(terms) == 6
    # Without JavaScript the page cannot tell: it lists the form as sent, unmarked.
    plain = rep.post(f"/deals/{deal_id}/checks", data=sent).get_data(as_text=True)
    assert "(typed or changed)" not in plain and "What you typed or changed comes first." not in plain


@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("/deals/12/checks", "/deals/12"),
        ("/deals/12/confirmations/3/revoke", "/deals/12"),
        ("/deals/new", "/deals/new"),
        ("//evil.example/deals", "/deals"),
    ],
)
def test_a_refused_forms_sign_in_link_goes_back_to_the_page_the_form_was_on(
    records_app: Flask, path: str, page: str
) -> None:
    from assess_app.errors import form_page

    with records_app.test_request_context():
        assert form_page(path) == page


def test_signing_out_takes_a_post_and_ends_the_session(
    records_app: Flask, signed_in: Callable[[str], FlaskClient]
) -> None:
    rep = signed_in("ana@example.com")
    # The address typed or bookmarked offers the button; the GET itself signs nobody out (a link cannot).
    page = rep.get("/logout")
    assert page.status_code == 200
    assert "You are signed in as <bdi>ana@example.com</bdi>." in page.get_data(as_text=True)
    assert rep.get("/deals").status_code == 200
    assert rep.post("/logout", data={"csrf_token": page_token(rep, "/logout")}).status_code == 303
    assert rep.get("/deals").status_code == 302
    assert "You are not signed in." in records_app.test_client().get("/logout").get_data(as_text=True)


def test_a_check_with_mistakes_keeps_every_answer_and_saves_nothing(
    signed_in: Callable[[str], FlaskClient], database_url: str
) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    response = check(rep, deal_id, {**FIRST, "pain-confirmed.date": "2027-02-30"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "not a real calendar date" in page
    # The summary names the milestone's question: every milestone has a field labelled "Date it happened".
    question = "Has the prospect confirmed, in writing, the business problem they want to solve?"
    assert f'<a href="#pain-confirmed.date">Date it happened for “{question}”</a>' in page
    assert ">Reply email from the CFO</textarea>" in page and 'value="2027-02-30"' in page
    assert stored_checks(database_url) == 0


def test_an_evidence_date_on_the_calendars_last_day_is_saved_as_in_the_future(
    signed_in: Callable[[str], FlaskClient], database_url: str
) -> None:
    """9999-12-31 on pain-confirmed (it counts for 90 days): the day it would go stale is past the last date
    there is, and saving the check gave a 500 (OverflowError); it is saved, and said to be in the future."""
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    response = check(rep, deal_id, {**FIRST, "pain-confirmed.date": "9999-12-31"})
    assert response.status_code == 303
    page = rep.get(response.headers["Location"]).get_data(as_text=True)
    assert "Check saved, but 1 answer does not count" in page and "Dated 9999-12-31, after " in page
    assert stored_checks(database_url) == 1


def test_the_anonymous_self_check_stores_nothing(records_app: Flask, database_url: str) -> None:
    client = records_app.test_client()
    token = page_token(client, "/check")
    response = client.post("/check", data={"csrf_token": token, "deal": "Anon", **FIRST})
    assert response.status_code == 200
    assert stored_checks(database_url) == 0


def test_a_new_deal_with_mistakes_is_refused_with_the_entries_kept(signed_in: Callable[[str], FlaskClient]) -> None:
    rep = signed_in("ana@example.com")
    token = page_token(rep, "/deals/new")
    response = rep.post(
        "/deals/new",
        data={"csrf_token": token, "name": "", "amount": "12k", "claimed_stage": "closing", "crm_id": "CRM-1"},
    )
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "Deal name is required" in page and "Amount: '12k' is not an amount" in page
    assert "unknown stage 'closing'" in page and "'amount'" not in page  # fields by their labels, not their keys
    # a field's hint and its error are both read out with it
    assert 'id="amount"' in page and 'aria-describedby="amount-hint amount-error"' in page
    assert 'aria-describedby="crm_id-hint"' in html.unescape(rep.get("/deals/new").get_data(as_text=True))
    assert 'value="CRM-1"' in page and 'value="12k"' in page
    other = rep.post("/deals/new", data={"csrf_token": token, "name": "Mine", "owner": "manager@example.com"})
    assert other.status_code == 422 and "a rep creates deals they own" in html.unescape(other.get_data(as_text=True))


def test_answers_keep_their_meaning_when_the_process_changes(
    signed_in: Callable[[str], FlaskClient],
    make_app: Callable[..., Flask],
    token_for: Callable[[str], dict[str, str]],
    tmp_path: Path,
) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    assert check(rep, deal_id, SECOND).status_code == 303
    renamed = tmp_path / "process.yaml"
    renamed.write_text(
        DEFAULT_PROCESS.read_text(encoding="utf-8").replace("pain-confirmed", "pain-in-writing"), encoding="utf-8"
    )
    later = make_app(PROCESS_PATH=str(renamed)).test_client()
    assert sign_in(later, "ana@example.com").status_code == 303
    page = html.unescape(later.get(f"/deals/{deal_id}").get_data(as_text=True))
    assert "no longer in the process" in page and "<code>pain-confirmed</code>" in page
    assert 'class="verdict__stage">Discovery<' in page  # the renamed milestone is unanswered now
    assert "No longer in the process: <code>pain-confirmed</code>" in page  # in the timeline too
    api = later.get(f"/api/deals/{deal_id}", headers=token_for("ana@example.com")).get_json()
    assert api["checks"][0]["milestones"]["pain-confirmed"]["met"] is True  # the record itself is unchanged
    assert api["verdict"]["process"]["sha256"] != api["checks"][0]["process_sha256"]


def test_a_manager_reading_a_reps_unchecked_deal_is_not_asked_to_check_it_nor_its_buyer(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    """Only the owner records checks and asks the buyer: a manager's page said "answer the questions below" and
    showed the asking section's heading with nothing under it."""
    rep, manager = signed_in("ana@example.com"), signed_in("manager@example.com")
    deal_id = new_deal(rep)
    page = manager.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert '<p class="lead">Not checked yet.</p>' in page
    assert 'id="confirmations"' not in page
    own = rep.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert "Not checked yet: answer the questions below to record the first check." in own
    assert 'id="confirmations"' in own


UNTICKED = "but did not tick it: tick it if the customer did it, or clear the evidence"


def test_evidence_typed_for_a_milestone_left_unticked_on_the_deal_page_is_refused_and_kept(
    signed_in: Callable[[str], FlaskClient], database_url: str
) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    refused = check(rep, deal_id, {"pain-confirmed.evidence": "Reply from Dana"})
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422
    assert "The check was not saved" in page and UNTICKED in page
    assert ">Reply from Dana</textarea>" in page
    assert stored_checks(database_url) == 0


def test_unticked_evidence_saved_before_does_not_stop_the_page_saving_again(
    signed_in: Callable[[str], FlaskClient], token_for: Callable[[str], dict[str, str]], database_url: str
) -> None:
    # The API's explicit "met": false with evidence is kept; the page fills it in, and saving the page as filled
    # must not be refused for what the rep did not type.
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    answer = {"pain-confirmed": {"met": False, "evidence": "Asked twice, no reply"}}
    saved = rep.post(f"/api/deals/{deal_id}/checks", headers=token_for("ana@example.com"), json={"milestones": answer})
    assert saved.status_code == 201, saved.get_json()
    assert check(rep, deal_id, {"pain-confirmed.evidence": "Asked twice, no reply"}).status_code == 303
    refused = check(rep, deal_id, {"pain-confirmed.evidence": "Asked three times"})
    assert refused.status_code == 422 and UNTICKED in html.unescape(refused.get_data(as_text=True))


@pytest.mark.parametrize("page", ["abc", "0", "9" * 5000])
def test_a_page_number_the_list_cannot_use_is_a_400_naming_it(
    signed_in: Callable[[str], FlaskClient], page: str
) -> None:
    refused = signed_in("ana@example.com").get(f"/deals?page={page}")
    assert refused.status_code == 400
    assert "is not a page number; give a whole number from 1 to 1,000,000" in refused.get_data(as_text=True)
