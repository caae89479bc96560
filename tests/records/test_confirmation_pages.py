"""Asking the buyer from /deals/<id>, the buyer answering at /confirm/<token>, and what the deal then shows."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from deal_records.database import writing
from deal_records.models import ConfirmationRequest as RequestRow
from deal_records.models import utc_now
from tests.conftest import DEFAULT_PROCESS
from tests.html_checker import nu_errors
from tests.mail_server import MailServer
from tests.records.conftest import Run, new_deal, page_token, sign_in

PRICE = "pricing-agreeable"
PROPOSAL = "proposal-agreed-next-step"
_LINK = re.compile(r'id="confirm-link" value="([^"]+)"')
_FORM_KEY = re.compile(r'name="form_key" value="([^"]+)"')
REP_ANSWERS = {
    "csrf_token": "",
    "amount": "120000",
    "claimed_stage": "proposing",
    **{
        f"{m}.met": "yes"
        for m in (
            "pain-confirmed",
            "next-meeting-accepted",
            "decision-maker-identified",
            "budget-confirmed",
            "timeline-agreed",
        )
    },
    **{
        f"{m}.evidence": "Email from the customer of 2 Feb"
        for m in (
            "pain-confirmed",
            "next-meeting-accepted",
            "decision-maker-identified",
            "budget-confirmed",
            "timeline-agreed",
        )
    },
    **{
        f"{m}.date": ""
        for m in (
            "pain-confirmed",
            "next-meeting-accepted",
            "decision-maker-identified",
            "budget-confirmed",
            "timeline-agreed",
        )
    },
}


def _check(client: FlaskClient, deal_id: int) -> None:
    """Record the rep's check: every Discovery and Qualifying outcome met, dated today."""
    today = dt.date.today().isoformat()
    data = {key: today if key.endswith(".date") else value for key, value in REP_ANSWERS.items()}
    data["csrf_token"] = page_token(client, f"/deals/{deal_id}")
    response = client.post(f"/deals/{deal_id}/checks", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]


def _ask(client: FlaskClient, deal_id: int, milestones: tuple[str, ...] = (PRICE, PROPOSAL), **fields: str) -> Any:
    data: dict[str, Any] = {
        "csrf_token": page_token(client, f"/deals/{deal_id}"),
        "milestones": list(milestones),
        "buyer_name": "Dana Buyer",
        "buyer_email": "dana@fabrikam.example",
        **fields,
    }
    return client.post(f"/deals/{deal_id}/confirmations", data=data)


def _link(response: Any) -> str:
    match = _LINK.search(response.get_data(as_text=True))
    assert match, "the answer shows no confirmation link"
    return html.unescape(match.group(1))


def _answer(buyer: FlaskClient, link: str, answers: dict[str, str], name: str = "Dana B. Buyer") -> Any:
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = buyer.get(f"/{path}")
    assert page.status_code == 200, page.status_code
    key = _FORM_KEY.search(page.get_data(as_text=True))
    assert key
    data = {"form_key": key.group(1), "buyer_name": name}
    for milestone, answer in answers.items():
        data[f"answer-{milestone}"] = "yes" if answer == "yes" else "no"
        if answer != "yes":
            data[f"comment-{milestone}"] = answer
    return buyer.post(f"/{path}", data=data)


@pytest.fixture
def rep(signed_in: Callable[[str], FlaskClient]) -> FlaskClient:
    return signed_in("rep@example.com")


@pytest.fixture
def buyer(records_app: Flask) -> FlaskClient:
    """A browser with no session at all."""
    return records_app.test_client()


def test_the_rep_gets_a_link_a_mailto_and_the_email_text(rep: FlaskClient) -> None:
    deal_id = new_deal(rep, "Fabrikam rollout")
    response = _ask(rep, deal_id)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    link = _link(response)
    assert re.fullmatch(r"http://localhost/confirm/[A-Za-z0-9_-]{43}", link)
    assert (
        'href="mailto:dana@fabrikam.example?subject=Please%20confirm%20where%20we%20stand%3A%20Fabrikam%20rollout&amp;body=Hello%20Dana%20Buyer'
        in page
    )
    assert "Send this link to dana@fabrikam.example yourself; it is shown only now." in page
    assert "To make sure we at Contoso understand where Fabrikam rollout stands" in page
    assert 'data-copy="confirm-link"' in page
    later = rep.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert link not in later and "pending" in later and "Withdraw" in later


@pytest.mark.parametrize(
    ("milestones", "fields", "errors"),
    [
        ((), {}, ["&#39;milestones&#39; is required: choose at least one outcome for the buyer to confirm"]),
        (
            (PRICE,),
            {"buyer_email": "dana at fabrikam"},
            ["The buyer&#39;s email &#39;dana at fabrikam&#39; is not an email address"],
        ),
        (
            (PRICE,),
            {"buyer_email": "dana@müller.example"},
            ["as DNS and mail servers know it: dana@xn--mller-kva.example"],
        ),
        (
            (PRICE,),
            {"buyer_name": " ", "expires_in_days": "365"},
            ["The buyer&#39;s name is required", "Days the link works is 365; give 1 to 90 days (default 14)"],
        ),
        # A number box sends what was typed as text: "must be a whole number of days, got text" did not say it.
        (
            (PRICE,),
            {"expires_in_days": "1e1"},
            [
                '<li><a href="#ask-expires_in_days">Days the link works: &#39;1e1&#39; is not a whole number of days; '
                "write e.g. 14</a></li>",
                '<p class="field-error" id="ask-expires_in_days-error">Days the link works: &#39;1e1&#39; is not a whole',
            ],
        ),
        (
            ("pain-confirmed", "decision-maker-identified"),
            {},
            ["milestone &#39;decision-maker-identified&#39; has no buyer statement, so a buyer cannot confirm it"],
        ),
    ],
    ids=[
        "no-milestone",
        "bad-email",
        "accented-domain",
        "blank-name-and-long-expiry",
        "expiry-not-a-whole-number",
        "milestone-without-statement",
    ],
)
def test_a_bad_request_keeps_what_was_typed_and_says_what_to_fix(
    rep: FlaskClient, milestones: tuple[str, ...], fields: dict[str, str], errors: list[str]
) -> None:
    deal_id = new_deal(rep)
    response = _ask(rep, deal_id, milestones, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "No link was made" in page and 'id="confirm-link"' not in page
    for error in errors:
        assert error in page
    for value in fields.values():
        if value.strip():
            assert f'value="{html.escape(value)}"' in page
    for milestone in milestones:
        if milestone == PRICE:
            assert f'value="{milestone}" checked' in page


def test_the_form_needs_its_csrf_token(rep: FlaskClient) -> None:
    deal_id = new_deal(rep)
    response = rep.post(
        f"/deals/{deal_id}/confirmations",
        data={"milestones": PRICE, "buyer_name": "Dana", "buyer_email": "dana@fabrikam.example"},
    )
    assert response.status_code == 400


def test_another_rep_gets_404_and_a_manager_reads_but_cannot_ask(
    rep: FlaskClient, signed_in: Callable[[str], FlaskClient]
) -> None:
    deal_id = new_deal(rep)
    request_id_page = _ask(rep, deal_id)
    assert request_id_page.status_code == 200
    other = signed_in("other@example.com")
    assert other.get(f"/deals/{deal_id}").status_code == 404
    refused = other.post(
        f"/deals/{deal_id}/confirmations",
        data={
            "csrf_token": page_token(other, "/deals"),
            "milestones": PRICE,
            "buyer_name": "X",
            "buyer_email": "x@example.com",
        },
    )
    assert refused.status_code == 404
    manager = signed_in("manager@example.com")
    shown = manager.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert "dana@fabrikam.example" in shown and "pending" in shown
    assert "Create the confirmation link" not in shown and "Withdraw" not in shown
    assert _ask(manager, deal_id).status_code == 403


def test_the_buyer_confirms_one_and_declines_the_other(
    rep: FlaskClient, buyer: FlaskClient, signed_in: Callable[[str], FlaskClient]
) -> None:
    deal_id = new_deal(rep)
    _check(rep, deal_id)
    before = rep.get(f"/deals/{deal_id}").get_data(as_text=True)
    link = _link(_ask(rep, deal_id))
    thanks = _answer(buyer, link, {PRICE: "yes", PROPOSAL: "Only once legal has read the draft."})
    assert thanks.status_code == 200
    assert _answer_again(buyer, link) == 410
    page = rep.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert "The buyer answered “Not quite”" in page
    assert "Only once legal has read the draft." in page
    # The rep's form quotes the comment, which ends its own sentence: no second full stop after it.
    assert "Not quite</strong>, said <bdi>Dana B. Buyer</bdi>" in page
    assert "Only once legal has read the draft.</bdi></q>." not in page
    assert (
        "Confirmed by the buyer</span> <q>The price range we discussed fits our budget.</q> — <bdi>Dana B. Buyer</bdi> (<bdi>dana@fabrikam.example</bdi>)"
        in page
    )
    assert "confirmed" in page and "declined" in page
    assert (
        'class="badge badge--buyer">the buyer</span> <bdi>Dana B. Buyer</bdi> (<bdi>dana@fabrikam.example</bdi>), answered confirmation link'
        in page
    )
    assert (
        f'name="{PRICE}.met"' not in page and f'name="{PROPOSAL}.met"' not in page
    )  # the buyer's answers are not the rep's to edit
    assert "Only the buyer changes this answer, through a new confirmation link." in page
    assert "The buyer answered “Not quite”" not in before
    manager_page = signed_in("manager@example.com").get(f"/deals/{deal_id}").get_data(as_text=True)
    assert "The buyer answered “Not quite”" in manager_page and "Only once legal has read the draft." in manager_page


def test_the_reps_evidence_stays_on_the_deal_page_beside_the_buyers_word(
    rep: FlaskClient, buyer: FlaskClient, signed_in: Callable[[str], FlaskClient]
) -> None:
    """A manager reads what the rep wrote and what the buyer said, on the deal page, without opening check 1."""
    deal_id = new_deal(rep)
    _check(rep, deal_id)
    link = _link(_ask(rep, deal_id, ("pain-confirmed", "timeline-agreed")))
    assert _answer(buyer, link, {"pain-confirmed": "yes", "timeline-agreed": "Not before March"}).status_code == 200
    page = html.unescape(signed_in("manager@example.com").get(f"/deals/{deal_id}").get_data(as_text=True))
    for milestone in ("pain-confirmed", "timeline-agreed"):
        item = page[page.index(f'id="answer-{milestone}"') :]
        item = item[: item.index("</li>")]
        assert "The rep's evidence" in item and "Email from the customer of 2 Feb" in item, item
        assert "recorded by <bdi>rep@example.com</bdi>" in item or "recorded by <bdi>" in item
    pain = page[page.index('id="answer-pain-confirmed"') :]
    assert "through a confirmation link" in pain[: pain.index("</li>")]  # the buyer's word, beside it


def test_the_export_keeps_the_reps_evidence_and_never_writes_a_not_quite_as_confirmed(
    rep: FlaskClient, buyer: FlaskClient, run: Run
) -> None:
    deal_id = new_deal(rep, "=HYPERLINK(1)")
    _check(rep, deal_id)
    link = _link(_ask(rep, deal_id, ("pain-confirmed", "timeline-agreed")))
    assert _answer(buyer, link, {"pain-confirmed": "yes", "timeline-agreed": "=Not before March"}).status_code == 200
    status, out, err = run("deals", "export", "--process", str(DEFAULT_PROCESS))
    assert (status, err) == (0, "")
    row = next(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert row["deal"] == "'=HYPERLINK(1)"  # still neutralised
    assert row["pain-confirmed.evidence"] == "Email from the customer of 2 Feb"  # the rep's words, not the sentence
    assert row["pain-confirmed.confirmed_by"] == "Dana B. Buyer <dana@fabrikam.example>"
    assert row["timeline-agreed"] == "no" and row["timeline-agreed.confirmed_by"] == ""
    assert row["timeline-agreed.evidence"].startswith("Not quite, answered Dana B. Buyer (dana@fabrikam.example) on ")
    assert row["timeline-agreed.evidence"].endswith(": =Not before March")


def test_the_ask_form_says_the_buyer_reads_the_deals_name_and_where_to_rename_it(rep: FlaskClient) -> None:
    deal_id = new_deal(rep, "Fabrikam – internal codename Tortoise")
    page = rep.get(f"/deals/{deal_id}").get_data(as_text=True)
    form = page[page.index('class="card ask-form"') :]
    form = form[: form.index("</form>")]
    assert "The buyer reads this deal's name, <q><bdi>Fabrikam – internal codename Tortoise</bdi></q>" in form
    assert '<a href="#details">Deal details</a>' in form and 'id="details"' in page


def test_a_form_answering_what_the_buyer_answered_is_refused_not_dropped(rep: FlaskClient, buyer: FlaskClient) -> None:
    deal_id = new_deal(rep)
    _check(rep, deal_id)
    assert _answer(buyer, _link(_ask(rep, deal_id)), {PRICE: "yes", PROPOSAL: "yes"}).status_code == 200
    before = rep.get(f"/deals/{deal_id}").get_data(as_text=True)
    # The page has no field for these answers: only a hand-made form sends one.
    crafted = {**REP_ANSWERS, f"{PRICE}.met": "no", "csrf_token": page_token(rep, f"/deals/{deal_id}")}
    refused = rep.post(f"/deals/{deal_id}/checks", data=crafted)
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422
    assert f"'{PRICE}' was answered by the buyer, Dana B. Buyer (dana@fabrikam.example), who confirmed it on " in page
    assert "only the buyer changes it, through a new link: ask them again from this page" in page
    assert _checks_listed(rep.get(f"/deals/{deal_id}").get_data(as_text=True)) == _checks_listed(before)


def _checks_listed(page: str) -> list[str]:
    return re.findall(r'href="/deals/\d+/checks/(\d+)"', page)


def _answer_again(buyer: FlaskClient, link: str) -> int:
    path = link.split("://", 1)[1].split("/", 1)[1]
    return buyer.get(f"/{path}").status_code


def test_a_withdrawn_or_expired_link_is_gone(
    rep: FlaskClient, buyer: FlaskClient, sessions: sessionmaker[Session]
) -> None:
    deal_id = new_deal(rep)
    first = _link(_ask(rep, deal_id, (PRICE,)))
    second = _link(_ask(rep, deal_id, (PROPOSAL,)))
    page = rep.get(f"/deals/{deal_id}").get_data(as_text=True)
    revoke = re.findall(r'action="(/deals/\d+/confirmations/(\d+)/revoke)"', page)
    newest_path, newest_id = revoke[0]
    response = rep.post(newest_path, data={"csrf_token": page_token(rep, f"/deals/{deal_id}")})
    assert response.status_code == 303
    assert _answer_again(buyer, second) == 410
    again = rep.post(newest_path, data={"csrf_token": page_token(rep, f"/deals/{deal_id}")})
    assert again.status_code == 409 and "this link is revoked already" in again.get_data(as_text=True)
    with writing(sessions) as db:
        db.execute(update(RequestRow).where(RequestRow.id != int(newest_id)).values(expires_at=utc_now()))
    assert _answer_again(buyer, first) == 410
    listed = rep.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert "state--expired" in listed and "state--revoked" in listed
    assert 'state--revoked">withdrawn</span><br><span class="hint">on ' in listed  # once, not "revoked withdrawn"


def test_the_app_sends_the_email_through_the_mail_server(
    make_app: Callable[..., Flask],
    add_person: Callable[..., str],
    mail_server: MailServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = make_app(
        SMTP_URL=f"smtp://127.0.0.1:{mail_server.port}",
        MAIL_FROM="Contoso Sales <sales@contoso.example>",
        BASE_URL="http://localhost",
    )
    add_person("rep@example.com", name="Robin Rep")
    client = app.test_client()
    sign_in(client, "rep@example.com")
    deal_id = new_deal(client, "Fabrikam rollout")
    with caplog.at_level(logging.DEBUG):
        response = _ask(client, deal_id)
    link = _link(response)
    sent_page = response.get_data(as_text=True)
    assert "The email was sent to dana@fabrikam.example: no need to send another." in sent_page
    assert "Open the email in your mail program" not in sent_page and "mailto:" not in sent_page  # no second email
    [received] = mail_server.received
    assert received.recipients == ["dana@fabrikam.example"]
    assert received.message["To"] == "Dana Buyer <dana@fabrikam.example>"
    assert received.message["Reply-To"] == "rep@example.com"
    assert received.message["Date"] and received.message["Message-ID"].endswith("@localhost>")  # BASE_URL's host
    body = received.message.get_content().replace("\r\n", "\n")
    assert link in body and "Thank you,\nRobin Rep" in body
    token = link.rsplit("/", 1)[1]
    ours = [
        record.getMessage() for record in caplog.records if record.name != "mail.log"
    ]  # mail.log: the test's own SMTP server
    assert ours and not any(token in line for line in ours)
    assert app.test_client().get(link.split("localhost", 1)[1]).status_code == 200


_IDEMPOTENCY_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


def _ask_form_key(page: str) -> str:
    """The ask form's idempotency key (the ask form is the one posting to /confirmations)."""
    form = page[page.index('action="/deals/') : page.index("Create the confirmation link")]
    form = form[form.rindex("<form") :] if "<form" in form else form
    match = _IDEMPOTENCY_KEY.search(form)
    assert match, "the ask form has no idempotency_key"
    return match.group(1)


def test_reloading_the_new_link_makes_no_second_link_and_sends_no_second_email(
    make_app: Callable[..., Flask],
    add_person: Callable[..., str],
    mail_server: MailServer,
    sessions: sessionmaker[Session],
) -> None:
    app = make_app(
        SMTP_URL=f"smtp://127.0.0.1:{mail_server.port}", MAIL_FROM="sales@contoso.example", BASE_URL="http://localhost"
    )
    add_person("rep@example.com", name="Robin Rep")
    client = app.test_client()
    sign_in(client, "rep@example.com")
    deal_id = new_deal(client, "Fabrikam rollout")
    key = _ask_form_key(client.get(f"/deals/{deal_id}").get_data(as_text=True))
    first = _ask(client, deal_id, idempotency_key=key)
    link = _link(first)
    again = _ask(client, deal_id, idempotency_key=key)  # the browser's reload posts the same form
    assert again.status_code == 303
    with sessions() as db:
        [row] = db.query(RequestRow).all()
    assert again.headers["Location"] == f"/deals/{deal_id}?asked={row.id}#confirmations"
    assert len(mail_server.received) == 1
    shown = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "This form was already sent: the link for <bdi>Dana Buyer</bdi>" in shown
    assert "made no new link and sent no email" in shown and link not in shown
    fresh = _ask_form_key(first.get_data(as_text=True))
    assert fresh != key  # the form shown beside the link makes a new link when sent
    assert _IDEMPOTENCY_KEY.findall(first.get_data(as_text=True)).count(key) == 0


def test_a_mail_server_that_refuses_leaves_the_link_to_send_by_hand(
    make_app: Callable[..., Flask], add_person: Callable[..., str], tmp_path: Path
) -> None:
    app = make_app(
        SMTP_URL="smtp://127.0.0.1:9", MAIL_FROM="sales@contoso.example", BASE_URL="http://localhost"
    )  # nothing listens on port 9
    add_person("rep@example.com")
    client = app.test_client()
    sign_in(client, "rep@example.com")
    response = _ask(client, new_deal(client, "Fabrikam rollout"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "The email could not be sent (could not send the email through" in page
    assert _link(response)


DEMONSTRATING = ("success-criteria-agreed", "demo-attended", "pricing-discussed", PRICE, PROPOSAL)


def test_a_required_confirmation_keeps_the_deal_at_its_stage_until_the_buyer_confirms(
    make_app: Callable[..., Flask], add_person: Callable[..., str], tmp_path: Path
) -> None:
    text = Path("process.yaml").read_text(encoding="utf-8")
    statement = "        buyer_statement: We have agreed that a proposal is the next step.\n"
    assert text.count(statement) == 1
    required = tmp_path / "process.yaml"
    required.write_text(text.replace(statement, statement + "        confirmation: required\n"), encoding="utf-8")
    app = make_app(PROCESS_PATH=str(required))
    add_person("rep@example.com")
    rep = app.test_client()
    sign_in(rep, "rep@example.com")
    deal_id = new_deal(rep)
    today = dt.date.today().isoformat()
    answers = {
        f"{m}.{part}": value
        for m in DEMONSTRATING
        for part, value in (("met", "yes"), ("evidence", "Customer email of today"), ("date", today))
    }
    rep_answers = {key: today if key.endswith(".date") else value for key, value in REP_ANSWERS.items()}
    response = rep.post(
        f"/deals/{deal_id}/checks", data={**rep_answers, **answers, "csrf_token": page_token(rep, f"/deals/{deal_id}")}
    )
    assert response.status_code == 303
    held = rep.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert '<span class="verdict__stage">Demonstrating</span>' in held
    assert "Waiting for the buyer: this outcome counts only once the buyer confirms" in held
    link = _link(_ask(rep, deal_id, (PROPOSAL,)))
    assert _answer(app.test_client(), link, {PROPOSAL: "yes"}).status_code == 200
    moved = rep.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert '<span class="verdict__stage">Proposing</span>' in moved
    assert (
        "buyer confirmed the Demonstrating outcomes" not in moved
    )  # two more outcomes of that gate are the buyer's to confirm
    add_person("manager@example.com", "manager")
    manager = app.test_client()
    sign_in(manager, "manager@example.com")
    assert "Confirmed by buyers: 0.0% of the verified weighted pipeline (0.00 of 72,000.00), 0 deals" in manager.get(
        "/pipeline"
    ).get_data(as_text=True)
    link = _link(_ask(rep, deal_id, ("success-criteria-agreed", PRICE)))
    assert _answer(app.test_client(), link, {"success-criteria-agreed": "yes", PRICE: "yes"}).status_code == 200
    moved = rep.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert (
        "buyer confirmed the Demonstrating outcomes</span>. The buyer confirmed the outcomes that put this deal at its verified stage."
        in moved
    )
    assert "buyer confirmed Proposing" not in moved  # the buyer confirmed what led to Proposing, not its own outcomes
    # a "Not quite" to a later outcome stands beside the stage the buyer confirmed, wherever it is named
    link = _link(_ask(rep, deal_id, ("vendor-of-choice",)))
    assert _answer(app.test_client(), link, {"vendor-of-choice": "Legal has not seen the terms."}).status_code == 200
    declined = " · “Not quite” to what comes next: <q>You are our preferred vendor, subject to agreeing the terms.</q>"
    shown = rep.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert f'buyer confirmed the Demonstrating outcomes</span><span class="buyer-declined-words">{declined}' in shown
    # The statement ends its sentence: no second full stop after it ("terms.</q></span>.").
    assert (
        f"{declined}</span> The buyer confirmed the outcomes that put this deal at its verified stage, and declined"
        in shown
    )
    assert f'buyer confirmed the Demonstrating outcomes</span><span class="buyer-declined-words">{declined}' in rep.get(
        "/deals"
    ).get_data(as_text=True)
    pipeline = manager.get("/pipeline").get_data(as_text=True)
    assert (
        "Confirmed by buyers: 100.0% of the verified weighted pipeline (72,000.00 of 72,000.00), 1 deal whose buyer confirmed"
        " every outcome that put it at its verified stage; that deal's buyer also declined a later outcome (“Not quite”)"
        in pipeline.replace("&#39;", "'")
    )


def test_the_deals_list_marks_what_the_buyer_said(rep: FlaskClient, buyer: FlaskClient) -> None:
    deal_id = new_deal(rep)
    _check(rep, deal_id)
    _answer(
        buyer, _link(_ask(rep, deal_id, (PRICE, PROPOSAL))), {PRICE: "yes", PROPOSAL: "Not before the board meets."}
    )
    listed = rep.get("/deals").get_data(as_text=True)
    assert "The buyer said “Not quite” to <q>We have agreed that a proposal is the next step.</q>" in listed


def test_asking_does_not_report_its_fields_as_unknown_check_answers(rep: FlaskClient) -> None:
    page = _ask(rep, new_deal(rep)).get_data(as_text=True)
    assert "not questions of this process" not in page


@pytest.mark.slow
def test_the_nu_html_checker_finds_no_error_in_the_buyer_pages(
    rep: FlaskClient, buyer: FlaskClient, tmp_path: Path, signed_in: Callable[[str], FlaskClient]
) -> None:
    deal_id = new_deal(rep)
    _check(rep, deal_id)
    asked = _ask(rep, deal_id)
    link = _link(asked)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    pages = {
        "asked": asked.get_data(as_text=True),
        "ask-with-errors": _ask(rep, deal_id, (), buyer_email="nope").get_data(as_text=True),
        "buyer-page": buyer.get(path).get_data(as_text=True),
        "buyer-thanks": _answer(buyer, link, {PRICE: "yes", PROPOSAL: "Legal first."}).get_data(as_text=True),
        "buyer-gone": buyer.get(path).get_data(as_text=True),
        "deal-after": rep.get(f"/deals/{deal_id}").get_data(as_text=True),
        "deals-list": rep.get("/deals").get_data(as_text=True),
        "deal-as-manager": signed_in("manager@example.com").get(f"/deals/{deal_id}").get_data(as_text=True),
    }
    assert nu_errors(pages, tmp_path / "pages") == []
