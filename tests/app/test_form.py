"""GET /check: the form generated from the process, pre-filled from links, protected by a token."""

from __future__ import annotations

from html import unescape
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from assess_app import create_app
from sales_process.loader import LoadedProcess
from tests.app.conftest import post_form
from tests.app.html_parts import Page
from tests.foundation.processes import BUYER_CONFIRMS_OR_NO_EVIDENCE, VALID


def test_the_form_asks_every_question_of_the_process(client: FlaskClient, default_process: LoadedProcess) -> None:
    page = Page(client.get("/check").get_data(as_text=True))
    for _, milestone in default_process.process.milestones():
        met = page.controls[f"{milestone.id}.met"]
        assert (met["type"], met["value"]) == ("checkbox", "yes")
        assert page.labels[str(met["id"])].strip() == milestone.question
        for key in ("evidence", "date"):
            control = page.controls[f"{milestone.id}.{key}"]
            assert page.labels[str(control["id"])], f"{milestone.id}.{key} has no label"
        hint = page.ids[f"{milestone.id}.evidence-hint"]
        assert hint is not None and f"{milestone.id}.evidence-hint" in str(
            page.controls[f"{milestone.id}.evidence"]["aria-describedby"]
        )
    assert {"deal", "amount", "claimed_stage", "csrf_token"} <= set(page.controls)
    assert page.labels["claimed_stage"] == "Stage in the CRM today"


def test_each_stage_is_a_fieldset_with_its_name_and_probability(
    client: FlaskClient, default_process: LoadedProcess
) -> None:
    html = client.get("/check").get_data(as_text=True)
    for stage in default_process.process.stages:
        if stage.milestones:
            assert (
                f'<legend><bdi>{stage.name}</bdi> <span class="probability">{stage.probability}%</span></legend>'
                in html
            )


def test_dates_of_milestones_that_expire_are_marked_required(
    client: FlaskClient, default_process: LoadedProcess
) -> None:
    html = client.get("/check").get_data(as_text=True)
    for _, milestone in default_process.process.milestones():
        if milestone.max_age_days:
            assert f"Required: it counts for {milestone.max_age_days} days" in html


def test_a_link_opens_the_form_filled_in(client: FlaskClient) -> None:
    query = "claimed_stage=negotiating&pricing-discussed.met=yes&pricing-discussed.evidence=CFO+call+notes&pricing-discussed.date=2027-02-03&deal=Contoso"
    page = Page(client.get(f"/check?{query}").get_data(as_text=True))
    assert page.selected["claimed_stage"] == "negotiating"
    assert "checked" in page.controls["pricing-discussed.met"]
    assert "checked" not in page.controls["pricing-agreeable.met"]
    assert page.controls["pricing-discussed.evidence"]["value"] == "CFO call notes"
    assert page.controls["pricing-discussed.date"]["value"] == "2027-02-03"
    assert page.controls["deal"]["value"] == "Contoso"


def test_a_link_with_mistakes_shows_them_and_keeps_the_values(client: FlaskClient) -> None:
    html = client.get("/check?claimed_stage=negociating&demo-attended.date=2027-02-30&no-such.met=yes").get_data(
        as_text=True
    )
    page = Page(html)
    assert "did you mean &#39;negotiating&#39;?" in html  # typed like an id: answered with ids
    assert page.selected["claimed_stage"] == "negociating"
    assert page.controls["demo-attended.date"]["value"] == "2027-02-30"
    assert page.controls["demo-attended.date"]["aria-invalid"] == "true"
    assert "left out: no-such.met" in html


@pytest.mark.parametrize("value", ["yes", "on", "true", "1"])
def test_a_link_may_say_yes_in_several_ways(client: FlaskClient, value: str) -> None:
    page = Page(client.get(f"/check?demo-attended.met={value}").get_data(as_text=True))
    assert "checked" in page.controls["demo-attended.met"]


def test_what_a_link_carries_is_escaped(client: FlaskClient) -> None:
    html = client.get(
        '/check?deal=<script>alert(1)</script>&demo-attended.evidence="><img src=x onerror=alert(1)>'
    ).get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "token",
    [None, "", "not-a-token"],
    ids=["missing", "empty", "forged"],
)
def test_a_post_without_a_valid_token_is_refused_and_keeps_the_answers(client: FlaskClient, token: str | None) -> None:
    data = {"deal": "Contoso", "demo-attended.met": "yes", "demo-attended.evidence": "Attendee list"}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/check", data=data)
    assert response.status_code == 400
    page = Page(response.get_data(as_text=True))
    assert "The answers were not checked" in response.get_data(as_text=True)
    assert page.controls["deal"]["value"] == "Contoso"
    assert "checked" in page.controls["demo-attended.met"]
    assert page.controls["demo-attended.evidence"]["value"] == "Attendee list"
    assert page.controls["csrf_token"]["value"], "a fresh token to send the answers again"


INVALID_ANSWERS = [
    ("amount", {"amount": "-5"}, "'-5' is negative; an amount must be zero or more"),
    ("amount", {"amount": "12k"}, "'12k' is not an amount"),
    ("segment", {"segment": "x" * 101}, "Segment is 101 characters long; at most 100"),
    ("claimed_stage", {"claimed_stage": "Negotiatin"}, "did you mean 'Negotiating'?"),
    (
        "demo-attended.date",
        {"demo-attended.met": "yes", "demo-attended.date": "2027-02-30"},
        "is not a real calendar date",
    ),
    ("demo-attended.date", {"demo-attended.date": "03/01/2027"}, "write it as YYYY-MM-DD"),
    (
        "demo-attended.evidence",
        {"demo-attended.evidence": "x" * 2001},
        "Evidence is 2001 characters long; at most 2000",  # said once, not also in WTForms' words
    ),
    ("deal", {"deal": "x" * 201}, "Field cannot be longer than 200 characters"),
    ("demo-attended.met", {"demo-attended.met": "maybe"}, "is not yes or no; tick the box or leave it empty"),
]


@pytest.mark.parametrize(
    ("field", "answers", "message"), INVALID_ANSWERS, ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(INVALID_ANSWERS)]
)
def test_an_invalid_answer_comes_back_at_its_field_with_everything_kept(
    client: FlaskClient, field: str, answers: dict[str, str], message: str
) -> None:
    typed = {
        "deal": "Contoso",
        "pain-confirmed.met": "yes",
        "pain-confirmed.evidence": "Reply to the recap",
        "pain-confirmed.date": "2027-01-05",
    }
    response = post_form(client, {**typed, **answers})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    page = Page(html)
    control = page.controls[field]
    assert control["aria-invalid"] == "true"
    assert f"{field}-error" in str(control["aria-describedby"])
    told = unescape(html.split(f'id="{field}-error"')[1].split("</p>")[0])
    assert message in told
    assert f"'{field.rsplit('.', 1)[-1]}'" not in told, "the field is named by the page, not by its key"
    assert field == "deal" or "Field cannot be longer" not in told
    assert f'href="#{field}"' in html, "the error summary links to the field"
    for name, value in {**typed, **answers}.items():
        if name.endswith(".met"):
            assert "checked" in page.controls[name]
        elif name == "claimed_stage":
            assert page.selected[name] == value
        elif name != "deal" or field != "deal":
            assert page.controls[name]["value"] == value


def test_date_inputs_carry_no_placeholder_which_html_does_not_allow_on_them(
    client: FlaskClient, default_process: LoadedProcess
) -> None:
    page = Page(client.get("/check").get_data(as_text=True))
    for _, milestone in default_process.process.milestones():
        control = page.controls[f"{milestone.id}.date"]
        assert control["type"] == "date" and "placeholder" not in control


def test_a_date_given_back_as_text_shows_its_format(client: FlaskClient) -> None:
    page = Page(client.get("/check?pain-confirmed.met=yes&pain-confirmed.date=yesterday").get_data(as_text=True))
    control = page.controls["pain-confirmed.date"]
    assert (control["type"], control["placeholder"]) == ("text", "YYYY-MM-DD")


@pytest.mark.parametrize("method", ["get", "put"])  # the form, and an error page (405)
def test_the_form_pages_have_a_favicon_and_a_description(client: FlaskClient, method: str) -> None:
    html = getattr(client, method)("/check").get_data(as_text=True)
    assert '<meta name="description" content="Check a deal against the customer verifiable outcomes of' in html
    icon = html.split('<link rel="icon" href="', 1)[1].split('"', 1)[0]
    response = client.get(icon)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"


def test_a_right_to_left_stage_name_is_isolated_in_the_form(tmp_path: Path) -> None:
    """The stage choices are <option>s, which hold no <bdi>: the name is isolated by FSI and PDI; a legend by <bdi>."""
    process = tmp_path / "process.yaml"
    process.write_text(VALID.replace("name: Talking", "name: مفاوضات"), encoding="utf-8")
    app = create_app({"TESTING": True, "PROCESS_PATH": str(process), "SITE_DIR": str(tmp_path / "site")})
    page = app.test_client().get("/check").get_data(as_text=True)
    assert '<option value="talking">\u2068مفاوضات\u2069 (60%)</option>' in page
    assert '<legend><bdi>مفاوضات</bdi> <span class="probability">60%</span></legend>' in page


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ({"pain-confirmed.evidence": "Reply from Dana"}, "You typed evidence for"),
        ({"pain-confirmed.date": "2026-11-20"}, "You typed a date for"),
        (
            {"pain-confirmed.evidence": "Reply from Dana", "pain-confirmed.date": "2026-11-20"},
            "You typed evidence and a date for",
        ),
    ],
)
def test_evidence_typed_for_a_milestone_left_unticked_is_refused_at_its_box_and_kept(
    client: FlaskClient, typed: dict[str, str], words: str
) -> None:
    # Read as "not done yet", what was typed would count for nothing without a word (the form's box left unticked
    # with JavaScript off, or ticked, typed and unticked with it on).
    response = post_form(client, {"deal": "Back Test", "amount": "75000", **typed})
    html = unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    page = Page(response.get_data(as_text=True))
    assert page.controls["pain-confirmed.met"]["aria-invalid"] == "true"
    told = html.split('id="pain-confirmed.met-error"')[1].split("</p>")[0]
    assert words in told and "but did not tick it: tick it if the customer did it, or clear" in told
    assert "Has the prospect confirmed, in writing, the business problem they want to solve?" in told
    assert 'href="#pain-confirmed.met"' in html, "the error summary links to the box"
    for name, value in typed.items():
        assert page.controls[name]["value"] == value
    assert page.controls["deal"]["value"] == "Back Test"


def test_a_ticked_milestone_with_evidence_and_an_unticked_one_left_empty_are_accepted(client: FlaskClient) -> None:
    answers = {"pain-confirmed.met": "yes", "pain-confirmed.evidence": "Reply", "pain-confirmed.date": "2026-11-20"}
    assert post_form(client, {"deal": "X", **answers, "next-meeting-accepted.evidence": "  "}).status_code == 200


def test_the_form_says_the_buyer_confirms_through_a_link_from_the_saved_deal_and_which_needs_no_evidence(
    tmp_path: Path,
) -> None:
    # Signed out, a rep got "Awaiting the buyer … through a confirmation link" with no link and no way to get one.
    process = tmp_path / "process.yaml"
    process.write_text(BUYER_CONFIRMS_OR_NO_EVIDENCE, encoding="utf-8")
    app = create_app({"TESTING": True, "PROCESS_PATH": str(process), "SITE_DIR": str(tmp_path / "site")})
    client = app.test_client()
    form = Page(client.get("/check").get_data(as_text=True))
    question = form.ids["pain-confirmed.met-label"]
    assert question is not None
    text = unescape(client.get("/check").get_data(as_text=True))
    assert (
        "(buyer must confirm: the outcome counts only once the buyer has confirmed it through a confirmation link, "
        "sent from the saved deal)" in text
    )
    assert "(no evidence required: a \u201cyes\u201d counts without evidence named)" in text
    assert 'href="/login?next=/deals/new">Sign in to save the deal and send the buyer the link</a>' in text
    token = text.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    answers = {"pain-confirmed.met": "yes", "pain-confirmed.evidence": "Reply of 2 March", "csrf_token": token}
    result = unescape(client.post("/check", data=answers).get_data(as_text=True))
    assert "Awaiting the buyer" in result
    next_section = result.split('id="next-title"', 1)[1].split("</section>", 1)[0]
    assert "The buyer confirms through a link sent from the saved deal" in next_section
    assert 'href="/login?next=/deals/new">Sign in to save the deal and send the buyer the link</a>' in next_section


@pytest.mark.parametrize(
    ("language", "path", "lang"),
    [
        pytest.param("de", "/check", "de", id="the-form-in-the-process-language"),
        pytest.param(None, "/check", "en", id="english-by-default"),
        pytest.param("de", "/login", "en", id="sign-in-shows-no-process-text"),
    ],
)
def test_a_page_showing_the_process_text_has_its_language(
    language: str | None, path: str, lang: str, tmp_path: Path
) -> None:
    process = tmp_path / "process.yaml"
    process.write_text(VALID + (f"language: {language}\n" if language else ""), encoding="utf-8")
    app = create_app({"TESTING": True, "PROCESS_PATH": str(process), "SITE_DIR": str(tmp_path / "site")})
    page = app.test_client().get(path).get_data(as_text=True)
    assert page.startswith(f'<!doctype html>\n<html lang="{lang}">'), page[:60]
