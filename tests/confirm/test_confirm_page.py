"""The buyer's page /confirm/<token>: what it shows, answers recorded once, 404/410, CSRF, rate limit, headers."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner

from assess_app import create_app
from assess_app.current import CONFIRM_LIMITER_KEY
from deal_records.limits import DatabaseLimiter
from sales_process.confirmation import RequestState, StatementAnswer, token_hash
from tests.confirm.conftest import STATEMENTS, MemoryConfirmations

FIRST, SECOND = (s.milestone_id for s in STATEMENTS)
_KEY = re.compile(r'name="form_key" value="([^"]+)"')


def _key(client: FlaskClient, token: str) -> str:
    match = _KEY.search(client.get(f"/confirm/{token}").get_data(as_text=True))
    assert match, "the form has no form_key"
    return match.group(1)


def _answers(**extra: str) -> dict[str, str]:
    return {
        f"answer-{FIRST}": "yes",
        f"answer-{SECOND}": "no",
        f"comment-{SECOND}": "Only after legal's review.",
        "buyer_name": "Dana Buyer",
        **extra,
    }


def _post(client: FlaskClient, token: str, data: dict[str, str], **headers: str) -> Any:
    return client.post(f"/confirm/{token}", data={"form_key": _key(client, token), **data}, headers=headers)


def test_the_page_shows_the_company_the_deal_and_each_statement(
    client: FlaskClient, confirmations: MemoryConfirmations
) -> None:
    token = confirmations.add()
    response = client.get(f"/confirm/{token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Contoso Ltd asks you to confirm" in html and "<h1>Where <bdi>Fabrikam rollout</bdi> stands</h1>" in html
    for statement in STATEMENTS:
        assert f"“{statement.text}”" in html
        assert f'name="answer-{statement.milestone_id}" value="yes"' in html
        assert f'name="answer-{statement.milestone_id}" value="no"' in html
    assert html.count("Yes, this is right") == 2 and html.count("Not quite") == 2
    assert 'id="buyer_name" name="buyer_name" value="Dana"' in html  # as the rep greeted them
    assert "<script" not in html and "Back to the playbook" not in html and "self-check" not in html.lower()


def test_the_page_keeps_the_link_private(client: FlaskClient, confirmations: MemoryConfirmations) -> None:
    token = confirmations.add()
    for response in (
        client.get(f"/confirm/{token}"),
        client.get("/confirm/" + "A" * 43),
        client.post(f"/confirm/{token}", data={}),
    ):
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
        assert "form-action 'self'" in response.headers["Content-Security-Policy"]
    assert client.get("/check").headers["Referrer-Policy"] == "same-origin"


def test_yes_and_not_quite_are_recorded_once_and_shown_back(
    client: FlaskClient, confirmations: MemoryConfirmations
) -> None:
    token = confirmations.add()
    before = dt.datetime.now(dt.UTC)
    response = _post(client, token, _answers())
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Thank you, <bdi>Dana Buyer</bdi></h1>" in html
    assert (
        "Yes, this is right</span>" in html
        and 'Not quite</span> <bdi class="multiline">Only after legal&#39;s review.</bdi>' in html
    )
    reply = confirmations.replies[token_hash(token)]
    assert reply.buyer_name == "Dana Buyer"
    assert before <= reply.answered_at <= dt.datetime.now(dt.UTC) and reply.answered_at.tzinfo is dt.UTC
    assert reply.answers == (
        StatementAnswer(FIRST, True, None),
        StatementAnswer(SECOND, False, "Only after legal's review."),
    )
    assert confirmations.requests[token_hash(token)].state is RequestState.DECLINED
    answers = reply.buyer_answers("dana@fabrikam.example")
    assert (answers[FIRST].agreed, answers[FIRST].email, answers[FIRST].date) == (
        True,
        "dana@fabrikam.example",
        reply.answered_at.date(),
    )
    assert (answers[SECOND].agreed, answers[SECOND].comment) == (False, "Only after legal's review.")


def test_all_yes_confirms_the_request(client: FlaskClient, confirmations: MemoryConfirmations) -> None:
    token = confirmations.add()
    assert _post(client, token, _answers(**{f"answer-{SECOND}": "yes"})).status_code == 200
    assert confirmations.requests[token_hash(token)].state is RequestState.CONFIRMED


def test_a_used_link_is_gone_without_deal_data(client: FlaskClient, confirmations: MemoryConfirmations) -> None:
    token = confirmations.add()
    key = _key(client, token)
    assert client.post(f"/confirm/{token}", data={"form_key": key, **_answers()}).status_code == 200
    again = client.post(f"/confirm/{token}", data={"form_key": key, **_answers(buyer_name="Someone Else")})
    for response in (client.get(f"/confirm/{token}"), again):
        html = response.get_data(as_text=True)
        assert response.status_code == 410
        # The first answers were recorded: a repeat (a reload of the thank-you page, another tab) says so.
        assert (
            "This link has been answered: thank you" in html
            and "The answers sent first through this link are recorded" in html
        )
        assert "not recorded</h1>" not in html and "Your answers were not recorded" not in html
        assert "Fabrikam" not in html and "proposal" not in html
        assert "Contoso" in html
    assert "ask the person who sent you the link for a new one" in client.get(f"/confirm/{token}").get_data(
        as_text=True
    )
    # Other answers sent after (another tab) are not recorded, and it says so, with what was typed to copy.
    sent = unescape(again.get_data(as_text=True))
    assert "If this form held other answers (sent from another tab or window), those were not recorded" in sent
    assert "Statement 2 of 2: Not quite\n  Only after legal's review.\n— Someone Else</textarea>" in sent
    assert confirmations.replies[token_hash(token)].buyer_name == "Dana Buyer"


@pytest.mark.parametrize(
    ("add", "reason"),
    [
        pytest.param({"expires_in": dt.timedelta(seconds=-1)}, "It has expired.", id="expired"),
        pytest.param({"state": RequestState.REVOKED}, "The sender has withdrawn it.", id="revoked"),
        pytest.param(
            {"state": RequestState.CONFIRMED}, "The answers sent first through this link are recorded", id="confirmed"
        ),
    ],
)
def test_an_expired_revoked_or_answered_link_is_410(
    client: FlaskClient, confirmations: MemoryConfirmations, add: dict[str, Any], reason: str
) -> None:
    token = confirmations.add(**add)
    answered = add.get("state") is RequestState.CONFIRMED
    for response, title in (
        (
            client.get(f"/confirm/{token}"),
            "This link has been answered: thank you" if answered else "This link can no longer be used",
        ),
        (
            client.post(f"/confirm/{token}", data=_answers()),
            "This link has been answered: thank you" if answered else "Your answers were not recorded",
        ),
    ):
        html = response.get_data(as_text=True)
        assert response.status_code == 410
        assert reason in html and "Fabrikam" not in html and f"<title>{title} · Contoso" in html
    assert confirmations.replies == {}


def _tampered(token: str) -> str:
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(_tampered, id="one-character-changed"),
        pytest.param(lambda token: token[:-1], id="one-character-short"),
        pytest.param(lambda token: token + "x", id="one-character-long"),
        pytest.param(lambda token: token_hash(token), id="the-stored-hash"),
        pytest.param(lambda token: "A" * 43, id="well-formed-unknown"),
        pytest.param(lambda token: "not-a-token!", id="garbage"),
    ],
)
def test_an_unknown_or_tampered_token_gets_one_plain_branded_page(
    client: FlaskClient, confirmations: MemoryConfirmations, make: Any
) -> None:
    token = confirmations.add()
    unknown = client.get("/confirm/" + "B" * 43)
    page = unknown.get_data(as_text=True)
    assert unknown.status_code == 404 and "Contoso" in page
    assert "ask the person who sent you this link for a new one" in page
    assert "app-header__nav" not in page and "Editing process.yaml" not in page and '<a href="/' not in page
    for response in (client.get(f"/confirm/{make(token)}"), client.post(f"/confirm/{make(token)}", data=_answers())):
        assert response.status_code == 404
        assert response.get_data() == unknown.get_data()
    # Cut before its token, or with more after it: the same page, never the playbook's (its menu is internal).
    for path in ("/confirm/", f"/confirm/{token}/more"):
        response = client.get(path)
        assert (response.status_code, response.get_data()) == (404, unknown.get_data()), path
    assert confirmations.replies == {}


def test_without_a_store_every_link_is_unknown(tmp_path: Any) -> None:
    from tests.conftest import DEFAULT_PROCESS

    app = create_app(
        {"TESTING": True, "PROCESS_PATH": str(DEFAULT_PROCESS), "SITE_DIR": str(tmp_path), "SECRET_KEY": "t"}
    )
    assert app.test_client().get("/confirm/" + "A" * 43).status_code == 404


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        pytest.param(
            _answers(**{f"answer-{FIRST}": ""}),
            ["Statement 1: choose “Yes, this is right” or “Not quite”."],
            id="one-unanswered",
        ),
        pytest.param(
            _answers(**{f"answer-{FIRST}": "maybe"}),
            ["Statement 1: choose “Yes, this is right” or “Not quite”."],
            id="tampered-answer",
        ),
        pytest.param(_answers(buyer_name="  \t "), ["Type your name, so that we know who answered."], id="blank-name"),
        pytest.param(_answers(buyer_name="D" * 201), ["Please keep your name under 200 characters."], id="long-name"),
        pytest.param(
            _answers(**{f"comment-{SECOND}": "x" * 2001}),
            ["Statement 2: please keep the comment under 2000 characters (it has 2001)."],
            id="long-comment",
        ),
        pytest.param(
            {"buyer_name": ""},
            [f"Statement {n}: choose “Yes, this is right” or “Not quite”." for n in (1, 2)]
            + ["Type your name, so that we know who answered."],
            id="empty",
        ),
    ],
)
def test_a_missing_answer_gives_the_form_back_with_everything_kept(
    client: FlaskClient, confirmations: MemoryConfirmations, data: dict[str, str], errors: list[str]
) -> None:
    token = confirmations.add()
    response = _post(client, token, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = html[html.index('id="error-summary-title"') : html.index("</ul>")]
    assert re.findall(r'<a href="#[^"]+">([^<]+)</a>', summary) == errors
    if data.get(f"answer-{SECOND}") == "no":
        assert re.search(rf'name="answer-{SECOND}" value="no"\s+checked', html)
        assert "Only after legal&#39;s review." in html or "x" * 2001 in html
    assert confirmations.replies == {}


@pytest.mark.parametrize(
    ("field", "typed", "said"),
    [
        ("buyer_name", "Dana Buyer\u202e", "contains a text-direction control (right-to-left override) (U+202E)"),
        ("buyer_name", "Dana\nBuyer", "contains a line break (U+000A) at character 5; keep it on one line"),
        (f"comment-{SECOND}", "line one\r\nline two\x07", "contains a control character (U+0007)"),
        (f"comment-{SECOND}", "ok \x93quoted\x94", "contains a control character (U+0093)"),
    ],
)
def test_control_and_direction_characters_are_refused_at_their_field(
    client: FlaskClient, confirmations: MemoryConfirmations, field: str, typed: str, said: str
) -> None:
    token = confirmations.add()
    response = _post(client, token, _answers(**{field: typed}))
    assert response.status_code == 422
    assert said in response.get_data(as_text=True)
    assert confirmations.replies == {}


def test_a_nul_character_is_refused_naming_the_field(client: FlaskClient, confirmations: MemoryConfirmations) -> None:
    token = confirmations.add()
    response = _post(client, token, _answers(buyer_name="Dana\x00 Buyer"))
    assert response.status_code == 400
    assert "buyer_name" in response.get_data(as_text=True)
    assert confirmations.replies == {}


def test_line_breaks_in_a_comment_are_kept(client: FlaskClient, confirmations: MemoryConfirmations) -> None:
    token = confirmations.add()
    assert _post(client, token, _answers(**{f"comment-{SECOND}": " line one\r\nline two "})).status_code == 200
    reply = confirmations.replies[token_hash(token)]
    assert reply.answers[1].comment == "line one\nline two"


def test_a_form_without_its_key_is_refused_and_given_back(
    client: FlaskClient, confirmations: MemoryConfirmations
) -> None:
    token = confirmations.add()
    response = client.post(f"/confirm/{token}", data=_answers())
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Your answers were not sent" in html and "the form came without its key" in html
    assert 'value="Dana Buyer"' in html and "Only after legal&#39;s review." in html
    assert confirmations.replies == {}


def test_a_key_from_another_link_is_refused(client: FlaskClient, confirmations: MemoryConfirmations) -> None:
    mine, other = confirmations.add(), confirmations.add()
    response = client.post(f"/confirm/{mine}", data={"form_key": _key(client, other), **_answers()})
    assert response.status_code == 400
    assert "the form was not sent from this page" in response.get_data(as_text=True)
    assert confirmations.replies == {}


def test_a_key_older_than_a_day_is_refused(
    client: FlaskClient, confirmations: MemoryConfirmations, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = confirmations.add()
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) - 24 * 3600 - 1)
    old_key = _key(client, token)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    response = client.post(f"/confirm/{token}", data={"form_key": old_key, **_answers()})
    assert response.status_code == 400
    assert "the page was open for more than a day" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Sec-Fetch-Site": "cross-site"}, id="fetch-metadata-cross-site"),
        pytest.param({"Sec-Fetch-Site": "same-site"}, id="fetch-metadata-same-site"),
        pytest.param({"Origin": "https://attacker.example"}, id="foreign-origin"),
    ],
)
def test_a_form_sent_from_another_site_is_refused(
    client: FlaskClient, confirmations: MemoryConfirmations, headers: dict[str, str]
) -> None:
    token = confirmations.add()
    assert _post(client, token, _answers(), **headers).status_code == 403
    assert confirmations.replies == {}


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"Origin": "null", "Sec-Fetch-Site": "same-origin"}, id="no-referrer-makes-origin-null"),
        pytest.param({"Origin": "http://localhost"}, id="own-origin"),
        pytest.param({}, id="no-headers"),
    ],
)
def test_a_form_from_the_page_itself_is_accepted(
    client: FlaskClient, confirmations: MemoryConfirmations, headers: dict[str, str]
) -> None:
    token = confirmations.add()
    assert _post(client, token, _answers(), **headers).status_code == 200


def test_a_reply_that_loses_the_race_is_gone(
    client: FlaskClient, confirmations: MemoryConfirmations, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = confirmations.add()
    key = _key(client, token)
    monkeypatch.setattr(confirmations, "record", lambda token_hash, reply: False)  # another tab answered first
    response = client.post(f"/confirm/{token}", data={"form_key": key, **_answers()})
    assert response.status_code == 410


def _limited(app: Flask, limit: int) -> list[dt.datetime]:
    clock = [dt.datetime(2027, 3, 1, tzinfo=dt.UTC)]
    app.extensions[CONFIRM_LIMITER_KEY] = DatabaseLimiter(
        app.extensions["deal_records"].sessions, "confirm", limit, 600, clock=lambda: clock[0]
    )
    return clock


def test_too_many_requests_from_one_address_are_refused(
    app: Flask, client: FlaskClient, confirmations: MemoryConfirmations
) -> None:
    clock = _limited(app, 3)
    token = confirmations.add()
    statuses = [client.get(f"/confirm/{token if n % 2 else 'A' * 43}").status_code for n in range(3)]
    refused = client.get(f"/confirm/{token}")
    assert statuses == [404, 200, 404]
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "600"
    assert "Fabrikam" not in refused.get_data(as_text=True)
    other = client.get(f"/confirm/{token}", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200
    clock[0] += dt.timedelta(seconds=601)
    assert client.get(f"/confirm/{token}").status_code == 200


def test_the_rest_of_the_app_is_not_limited(app: Flask, client: FlaskClient) -> None:
    _limited(app, 1)
    assert [client.get("/check").status_code for _ in range(3)] == [200, 200, 200]


def test_one_statement_needs_no_number(client: FlaskClient, confirmations: MemoryConfirmations) -> None:
    token = confirmations.add(statements=STATEMENTS[:1])
    html = _post(client, token, {"buyer_name": "Dana"}).get_data(as_text=True)
    assert ">Choose “Yes, this is right” or “Not quite”.</a>" in html
    assert "Please read the statement" in html
