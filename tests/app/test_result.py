"""POST /check: the assessment of the same engine as `playbook assess`, for a rep to read."""

from __future__ import annotations

import datetime as dt
from html import unescape
from urllib.parse import parse_qsl, quote_plus, urlsplit

import pytest
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from assess_app.check.result import quote_value
from tests.app.conftest import post_form
from tests.app.html_parts import Page

TODAY = dt.date.today()
RECENT = (TODAY - dt.timedelta(days=3)).isoformat()
DISCOVERY_DONE = {
    "pain-confirmed.met": "yes",
    "pain-confirmed.evidence": "Reply to the recap email of 3 March",
    "pain-confirmed.date": RECENT,
    "next-meeting-accepted.met": "yes",
    "next-meeting-accepted.evidence": "Accepted invitation: Ann, Bo",
    "next-meeting-accepted.date": RECENT,
}


def _result(client: FlaskClient, answers: dict[str, str]) -> str:
    response = post_form(client, answers)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return unescape(response.get_data(as_text=True))


def test_the_result_names_the_verified_and_claimed_stage_and_the_gap(client: FlaskClient) -> None:
    html = _result(client, {"deal": "Contoso", "claimed_stage": "proposing", "amount": "120,000", **DISCOVERY_DONE})
    assert '<span class="verdict__stage">Qualifying</span>' in html
    assert (
        "Your CRM says Proposing (60%); the evidence supports Qualifying (20%): 2 stages ahead of the evidence." in html
    )
    assert "<dd>24,000</dd>" in html and "<dd>72,000</dd>" in html
    assert "<dd>The CRM's stage weighs 48,000 more than the evidence</dd>" in html
    # An amount typed with its currency keeps it on the page, as a saved deal's does.
    html = _result(client, {"deal": "Contoso", "claimed_stage": "proposing", "amount": "120000 EUR", **DISCOVERY_DONE})
    assert "<dd>EUR 24,000</dd>" in html and "<dd>EUR 72,000</dd>" in html
    assert "<dd>The CRM's stage weighs EUR 48,000 more than the evidence</dd>" in html


@pytest.mark.parametrize(
    ("claimed", "page", "summary"),
    [
        (
            "discovery",
            "The CRM's stage weighs 6,000 less than the evidence",
            "Weighted amount: 12,000 verified, 6,000 claimed: the CRM's stage weighs 6,000 less than the evidence",
        ),
        (
            "qualifying",
            "The CRM's stage and the evidence weigh the same",
            "Weighted amount: 12,000 verified, 12,000 claimed: the CRM's stage and the evidence weigh the same",
        ),
    ],
)
def test_the_weighted_difference_says_which_side_weighs_more(
    client: FlaskClient, claimed: str, page: str, summary: str
) -> None:
    # "Difference -6,000" had no stated sign: evidence ahead of the CRM read as a loss.
    html = _result(client, {"deal": "Contoso", "claimed_stage": claimed, "amount": "60,000", **DISCOVERY_DONE})
    assert f"<dt>Difference</dt><dd>{page}</dd>" in html
    assert summary in html.split('<textarea id="summary" readonly rows="12">')[1].split("</textarea>")[0]


def test_next_links_to_the_playbook_section_of_each_missing_milestone(client: FlaskClient) -> None:
    page = Page(_result(client, DISCOVERY_DONE))
    for milestone in ("decision-maker-identified", "budget-confirmed", "timeline-agreed"):
        assert f"/stages/qualifying/#{milestone}" in page.links


def test_every_milestone_has_its_status_and_reason(client: FlaskClient) -> None:
    html = _result(client, {**DISCOVERY_DONE, "budget-confirmed.met": "yes", "budget-confirmed.evidence": "tbd"})
    assert "Verified by: Reply to the recap email of 3 March" in html
    assert "\u201ctbd\u201d is not evidence" in html
    assert html.count('class="status status--') >= 16


@pytest.mark.parametrize(
    ("evidence", "verified"),
    [
        pytest.param("\u201csee CRM\u201d", False, id="curly-quoted-see-crm"),
        pytest.param("\u201cTBD\u201d", False, id="curly-quoted-tbd"),
        pytest.param("\u00ab \u00e0 venir \u00bb", False, id="guillemets-a-venir"),
        pytest.param("\u201efolgt\u201c", False, id="german-quotes-folgt"),
        pytest.param("\u201cEmail from the CFO\u201d", True, id="real-evidence-in-curly-quotes"),
    ],
)
def test_pasted_placeholders_verify_nothing(client: FlaskClient, evidence: str, verified: bool) -> None:
    """What Word pastes: “see CRM” is a placeholder as "see CRM" is."""
    answers = {"budget-confirmed.met": "yes", "budget-confirmed.evidence": evidence, "budget-confirmed.date": RECENT}
    html = _result(client, {**DISCOVERY_DONE, **answers})
    assert html.count("Verified by: ") == 2 + verified  # Discovery's two outcomes, and this one only when it counts


@pytest.mark.parametrize(
    "evidence",
    [
        pytest.param("\u200b" * 5, id="zero-width-spaces"),
        pytest.param("\u00ad" * 4, id="soft-hyphens"),
        pytest.param("\ufeff" * 4, id="byte-order-marks"),
        pytest.param("\u200b\u200bTBD", id="zero-width-spaces-before-tbd"),
    ],
)
def test_invisible_evidence_is_refused_at_the_form_and_kept_as_typed(client: FlaskClient, evidence: str) -> None:
    """The text rule refuses what shows nothing (the audit's evidence rule reads such a cell as no evidence): the
    form answers with the problem at the evidence, and what was typed is kept."""
    answers = {"budget-confirmed.met": "yes", "budget-confirmed.evidence": evidence, "budget-confirmed.date": RECENT}
    response = post_form(client, {**DISCOVERY_DONE, **answers})
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert "Verified by: " not in html and 'href="#budget-confirmed.evidence"' in html
    assert "Reply to the recap email of 3 March" in html


def test_outcomes_verified_in_later_stages_are_listed(client: FlaskClient) -> None:
    html = _result(client, {"contract-signed.met": "yes", "contract-signed.evidence": "Signed order form in DocuSign"})
    assert "Already verified in later stages" in html
    assert 'href="/stages/negotiating/#contract-signed"' in html


def test_what_the_rep_typed_is_escaped(client: FlaskClient) -> None:
    response = post_form(
        client,
        {
            "deal": "<script>alert(1)</script>",
            "pain-confirmed.met": "yes",
            "pain-confirmed.evidence": "<img src=x onerror=alert(1)>",
        },
    )
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_summary_is_plain_text_for_the_crm(client: FlaskClient) -> None:
    html = _result(client, {"deal": "Contoso", "claimed_stage": "qualifying", **DISCOVERY_DONE})
    summary = html.split('<textarea id="summary" readonly rows="12">')[1].split("</textarea>")[0]
    assert summary.startswith(f"Deal: Contoso  (as of {TODAY.isoformat()})")
    assert "Verified stage: Qualifying (20%)" in summary
    # Words for reps, not status codes; the link to these answers is beside the summary, not in it.
    assert "Status: not done yet" in summary and "not_met" not in summary and "http" not in summary
    assert "data-edit-link" in html.split("</textarea>")[1]


def test_the_link_reproduces_the_form_as_submitted(client: FlaskClient) -> None:
    answers = {"deal": "Contoso & Co", "claimed_stage": "proposing", "amount": "120000", **DISCOVERY_DONE}
    page = Page(_result(client, answers))
    link = next(href for href in page.links if href.startswith("/check?"))
    assert dict(parse_qsl(urlsplit(link).query)) == answers
    form = Page(client.get(link).get_data(as_text=True))
    assert form.selected["claimed_stage"] == "proposing"
    assert "checked" in form.controls["pain-confirmed.met"]
    assert form.controls["deal"]["value"] == "Contoso & Co"


def test_the_form_and_the_api_agree(client: FlaskClient) -> None:
    html = _result(client, {"claimed_stage": "proposing", **DISCOVERY_DONE})
    deal = {
        "claimed_stage": "proposing",
        "milestones": {
            "pain-confirmed": {"met": True, "evidence": DISCOVERY_DONE["pain-confirmed.evidence"], "date": RECENT},
            "next-meeting-accepted": {
                "met": True,
                "evidence": DISCOVERY_DONE["next-meeting-accepted.evidence"],
                "date": RECENT,
            },
        },
    }
    verified = client.post("/api/assess", json=deal).get_json()["verified_stage"]["name"]
    assert f'<span class="verdict__stage">{verified}</span>' in html


def test_a_capitalised_no_from_a_link_or_a_crm_means_no(client: FlaskClient) -> None:
    html = _result(client, {**DISCOVERY_DONE, "pain-confirmed.met": " No ", "next-meeting-accepted.met": "YES"})
    assert '<span class="verdict__stage">Discovery</span>' in html
    link = next(href for href in Page(html).links if href.startswith("/check?"))
    assert ("pain-confirmed.met", "no") in parse_qsl(urlsplit(link).query)
    opened = client.get(link).get_data(as_text=True)
    assert "but did not tick it" not in opened, "the link opens the answers as sent, a written 'no' and its evidence"
    assert ("next-meeting-accepted.met", "yes") in parse_qsl(urlsplit(link).query)


def test_the_result_is_the_same_whatever_the_order_of_the_fields(client: FlaskClient) -> None:
    answers = {"deal": "Contoso", "claimed_stage": "proposing", "amount": "120000", **DISCOVERY_DONE}
    first = _result(client, answers)
    second = _result(client, dict(reversed(list(answers.items()))))
    assert first == second


@given(st.text(alphabet=st.characters(exclude_categories=["Cs"])))
def test_the_edit_links_quoting_is_exactly_quote_plus(value: str) -> None:
    assert quote_value(value) == quote_plus(value)
