"""A manager's review of a deal: every answer on the deal page, one check and what it changed, and who may read them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from tests.records.conftest import new_deal, page_token

TODAY = dt.date.today()
DAY = (TODAY - dt.timedelta(days=3)).isoformat()
LATER = (TODAY - dt.timedelta(days=1)).isoformat()
FUTURE = (TODAY + dt.timedelta(days=10)).isoformat()
OLD = (TODAY - dt.timedelta(days=100)).isoformat()
PAIN = "Has the prospect confirmed, in writing, the business problem they want to solve?"
MEETING = "Has the prospect accepted a calendar invitation for a second, deeper meeting?"


def _check(client: FlaskClient, deal_id: int, answers: dict[str, str]) -> str:
    """Save a check through the deal page's form; return where the answer sends the browser."""
    data = {"csrf_token": page_token(client, f"/deals/{deal_id}"), "claimed_stage": "proposing", **answers}
    response = client.post(f"/deals/{deal_id}/checks", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    return response.headers["Location"]


def _answer(milestone: str, evidence: str, date: str) -> dict[str, str]:
    return {f"{milestone}.met": "yes", f"{milestone}.evidence": evidence, f"{milestone}.date": date}


def _text(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _answer_block(page: str, milestone: str) -> str:
    match = re.search(rf'<li class="answer" id="answer-{milestone}">(.*?)</li>', page)
    assert match, milestone
    return match.group(1)


def test_the_deal_page_shows_every_answer_with_its_evidence_status_and_author(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    _check(rep, deal_id, _answer("pain-confirmed", "Reply email from the CFO", DAY))
    manager = signed_in("manager@example.com")
    page = _text(manager, f"/deals/{deal_id}")
    pain = _answer_block(page, "pain-confirmed")
    assert PAIN in pain
    assert "Reply email from the CFO" in pain and DAY in pain and "ana@example.com" in pain
    assert "Verified by: Reply email from the CFO" in pain
    assert "Answer: not met, recorded by <bdi>ana@example.com</bdi>" in _answer_block(page, "budget-confirmed")
    # in stage order: discovery's questions before qualifying's
    assert page.index('id="answer-pain-confirmed"') < page.index('id="answer-budget-confirmed"')


def test_an_address_in_the_evidence_is_a_link_the_manager_can_follow(signed_in: Callable[[str], FlaskClient]) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    evidence = 'CFO reply: https://crm.example.com/006ABC/notes/42. <b>"x"</b> javascript:alert(1)'
    _check(rep, deal_id, _answer("pain-confirmed", evidence, DAY))
    pain = _answer_block(_text(signed_in("manager@example.com"), f"/deals/{deal_id}"), "pain-confirmed")
    link = '<a href="https://crm.example.com/006ABC/notes/42" rel="noopener noreferrer nofollow" target="_blank">'
    assert f"CFO reply: {link}https://crm.example.com/006ABC/notes/42</a>. &lt;b&gt;" in pain
    assert pain.count("<a ") == 1  # the rest stays text: no markup, no other scheme


@pytest.mark.parametrize(
    ("evidence", "date", "words"),
    [
        ("tbd", DAY, "is not evidence"),
        ("folgt", DAY, "is not evidence"),  # German and French placeholders too
        ("À venir", DAY, "is not evidence"),
        ("Reply email from the CFO", FUTURE, "an outcome must already have happened"),
        (
            "Reply email from the CFO",
            OLD,
            "counted until " + (dt.date.fromisoformat(OLD) + dt.timedelta(days=90)).isoformat(),
        ),
    ],
)
def test_problems_of_the_check_just_saved_are_at_the_top(
    signed_in: Callable[[str], FlaskClient], evidence: str, date: str, words: str
) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    location = _check(rep, deal_id, _answer("pain-confirmed", evidence, date))
    assert location.endswith("#problems")
    page = _text(rep, location)
    problems = page[page.index('id="problems"') : page.index("</div>", page.index('id="problems"'))]
    assert "Check saved, but 1 answer does not count" in problems
    assert PAIN in problems and words in problems
    assert page.index('id="problems"') < page.index('id="check-title"')


def test_a_problems_reason_is_said_once_at_the_top_of_the_deal_page(signed_in: Callable[[str], FlaskClient]) -> None:
    """Evidence dated 1990-01-01 said "Dated 1990-01-01, 13489 days ago; …" in the problems at the top, under
    "Next" and in "Every answer", and "has gone stale" a fourth time: the reason is said at the top, where the
    page opens and which links to the answer; the others show its status only."""
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    page = _text(rep, _check(rep, deal_id, _answer("pain-confirmed", "Reply email from the CFO", "1990-01-01")))
    problems = page[page.index('id="problems"') : page.index("</div>", page.index('id="problems"'))]
    assert page.count("Dated 1990-01-01, ") == 1 and "Dated 1990-01-01, " in problems
    assert "has gone stale" not in page
    next_steps = page[page.index('id="next-title"') : page.index("</section>", page.index('id="next-title"'))]
    assert "Too old (" in next_steps and "Counted until 1990-04-01." in _answer_block(page, "pain-confirmed")
    # An answer that counts still says why, and a step that is no problem what is missing.
    assert "The customer has not done this yet." in next_steps


def test_a_check_page_shows_the_answers_then_and_what_changed_in_questions(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    _check(rep, deal_id, _answer("pain-confirmed", "Reply email from the CFO", DAY))
    _check(
        rep,
        deal_id,
        {
            **_answer("pain-confirmed", "Signed letter from the CFO", LATER),
            **_answer("next-meeting-accepted", "Invite", DAY),
            "amount": "15000 USD",
        },
    )
    _check(rep, deal_id, _answer("pain-confirmed", "Signed letter from the CFO", LATER))
    manager = signed_in("manager@example.com")
    second = _text(manager, f"/deals/{deal_id}/checks/2")
    changed = second[second.index('id="changes-title"') : second.index('id="answers-title"')]
    assert f"Newly met: <q>{MEETING}</q>" in changed
    # What each answer was and became, for the manager to compare without opening the check before.
    assert (
        f'Evidence changed: <ul> <li><q>{PAIN}</q>: <span class="was multiline">Reply email from the CFO</span> → '
        '<span class="now multiline">Signed letter from the CFO</span></li> </ul>'
    ) in changed
    assert (
        f'Date changed: <ul> <li><q>{PAIN}</q>: <span class="was multiline">{DAY}</span> → <span class="now multiline">{LATER}</span>'
        in changed
    )
    assert "Amount: 120,000 → USD 15,000" in changed
    assert "Signed letter from the CFO" in _answer_block(second, "pain-confirmed")
    assert "Process" in second and "verified stage then" in second
    third = _text(manager, f"/deals/{deal_id}/checks/3")
    assert f"No longer met: <q>{MEETING}</q>" in third
    first = _text(manager, f"/deals/{deal_id}/checks/1")
    assert "The first check of this deal." in first and "Reply email from the CFO" in first
    deal_page = _text(manager, f"/deals/{deal_id}")
    assert f'href="/deals/{deal_id}/checks/3"' in deal_page and f"<q>{MEETING}</q>" in deal_page
    # the answer kept through check 3 was recorded by check 2
    assert _answer_block(deal_page, "pain-confirmed").count(" UTC") == 1


@pytest.mark.parametrize("path", ["/deals/{id}/checks/2", "/deals/{id}/checks/0", "/deals/{id}/checks/99999999999"])
def test_a_check_that_does_not_exist_is_404(signed_in: Callable[[str], FlaskClient], path: str) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    _check(rep, deal_id, _answer("pain-confirmed", "Reply email from the CFO", DAY))
    assert rep.get(path.format(id=deal_id)).status_code == 404


def test_another_reps_check_is_404(signed_in: Callable[[str], FlaskClient]) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    _check(rep, deal_id, _answer("pain-confirmed", "Reply email from the CFO", DAY))
    other = signed_in("bo@example.com")
    assert other.get(f"/deals/{deal_id}/checks/1").status_code == 404
    assert other.get(f"/deals/{deal_id}").status_code == 404
    assert signed_in("manager@example.com").get(f"/deals/{deal_id}/checks/1").status_code == 200


def test_a_check_without_the_csrf_token_is_refused(signed_in: Callable[[str], FlaskClient]) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    response = rep.post(f"/deals/{deal_id}/checks", data=_answer("pain-confirmed", "Reply email", DAY))
    assert response.status_code == 400
    assert rep.get(f"/deals/{deal_id}/checks/1").status_code == 404


def test_on_a_deal_never_checked_the_check_form_comes_before_asking_the_buyer(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    page = _text(rep, f"/deals/{deal_id}")
    assert page.index('id="check-title"') < page.index('id="confirmations-title"')
    _check(rep, deal_id, _answer("pain-confirmed", "Reply email from the CFO", DAY))
    page = _text(rep, f"/deals/{deal_id}")
    assert page.index('id="confirmations-title"') < page.index('id="check-title"')


def test_the_pipeline_has_the_apps_navigation_names_and_deal_wording(signed_in: Callable[[str], FlaskClient]) -> None:
    rep = signed_in("ana@example.com")
    new_deal(rep)
    page = _text(signed_in("manager@example.com"), "/pipeline")
    assert '<nav class="app-header__nav" aria-label="Site">' in page
    assert 'href="/deals"' in page and 'href="/pipeline" aria-current="page"' in page
    assert '<meta name="description"' in page and 'rel="icon"' in page
    assert "<dt>Saved deals</dt>" in page and "Deals not assessed</h2>" in page and "Every deal was assessed." in page
    assert "Rows not assessed" not in page and "Deals read" not in page
