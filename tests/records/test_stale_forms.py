"""A form sent from a page opened before another save must not undo that save.

A rep with two tabs on one deal saved a budget in one, then a timeline in the other: the second check,
filled from the page as it was, quietly took the budget back. The check form says which check it was
filled from; a save after another check is refused (409) with what was sent kept to copy.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from deal_records.models import Check
from tests.records.conftest import new_deal, page_token

_BASED_ON = re.compile(r'name="based_on" value="(\d*)"')
BUDGET = {
    "budget-confirmed.met": "yes",
    "budget-confirmed.evidence": "CFO email: budget approved",
    "budget-confirmed.date": "2026-12-01",
}
TIMELINE = {
    "timeline-agreed.met": "yes",
    "timeline-agreed.evidence": "Go-live plan signed by the COO",
    "timeline-agreed.date": "2026-12-02",
}


def _opened(client: FlaskClient, deal_id: int) -> dict[str, str]:
    """What a page of the deal, opened now, sends with its check form: its CSRF token and the check it shows."""
    page = client.get(f"/deals/{deal_id}").get_data(as_text=True)
    match = _BASED_ON.search(page)
    assert match, "the check form carries no based_on"
    token = page_token(client, f"/deals/{deal_id}")
    return {"csrf_token": token, "based_on": match.group(1), "claimed_stage": "proposing", "amount": "120000"}


def _checks(sessions: sessionmaker[Session]) -> int:
    with sessions() as db:
        return db.scalar(select(func.count(Check.id))) or 0


def test_a_check_from_a_page_opened_before_another_check_is_refused_and_kept(
    signed_in: Callable[[str], FlaskClient], sessions: sessionmaker[Session]
) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    tab_a, tab_b = _opened(rep, deal_id), _opened(rep, deal_id)
    assert tab_a["based_on"] == ""  # no check yet
    assert rep.post(f"/deals/{deal_id}/checks", data={**tab_a, **BUDGET}).status_code == 303
    checks = _checks(sessions)
    refused = rep.post(f"/deals/{deal_id}/checks", data={**tab_b, **TIMELINE})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "The check was not saved: the deal was checked again after you opened this page, by " in page
    assert "Saved, this form would have undone it." in page
    assert _checks(sessions) == checks  # the budget stands
    # What tab B sent is kept to copy; the form now holds the budget, and is based on the check that has it.
    assert "What the form held" in page and "Go-live plan signed by the COO" in page
    assert 'value="CFO email: budget approved"' in page or "CFO email: budget approved</textarea>" in page
    based_on = _BASED_ON.search(page)
    assert based_on and based_on.group(1) != ""
    again = {**tab_b, "based_on": based_on.group(1), **BUDGET, **TIMELINE}
    assert rep.post(f"/deals/{deal_id}/checks", data=again).status_code == 303
    assert _checks(sessions) == checks + 1


def test_a_form_sent_back_to_correct_keeps_the_check_it_was_filled_from(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    tab_a, tab_b = _opened(rep, deal_id), _opened(rep, deal_id)
    wrong = rep.post(f"/deals/{deal_id}/checks", data={**tab_b, **TIMELINE, "timeline-agreed.date": "2026-02-30"})
    assert wrong.status_code == 422
    assert rep.post(f"/deals/{deal_id}/checks", data={**tab_a, **BUDGET}).status_code == 303
    # The corrected form still says it was filled before the budget's check: sent, it is refused, not saved over it.
    kept = _BASED_ON.search(wrong.get_data(as_text=True))
    assert kept and kept.group(1) == ""
    corrected = rep.post(f"/deals/{deal_id}/checks", data={**tab_b, "based_on": kept.group(1), **TIMELINE})
    assert corrected.status_code == 409


def test_a_form_that_does_not_say_what_it_was_filled_from_is_saved(
    signed_in: Callable[[str], FlaskClient], sessions: sessionmaker[Session]
) -> None:
    """A page opened before this rule (no based_on field) saves as it did, and the field is never a question."""
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    form = _opened(rep, deal_id)
    del form["based_on"]
    checks = _checks(sessions)
    saved = rep.post(f"/deals/{deal_id}/checks", data={**form, **BUDGET})
    assert saved.status_code == 303 and _checks(sessions) == checks + 1
    page = rep.get(saved.headers["Location"]).get_data(as_text=True)
    assert "not questions of this process" not in page


def test_a_refused_stale_form_marks_as_typed_only_what_differs_from_the_page_it_was_sent_from(
    signed_in: Callable[[str], FlaskClient],
) -> None:
    """Tab A changes the budget's evidence and saves; tab B changes only the amount. The 409 page marked tab B's
    old budget evidence '(typed or changed)' (it differs from the newest check) and listed it first: copied back,
    it would undo tab A's answer. Only what differs from the check tab B's form was filled from is marked."""
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    assert rep.post(f"/deals/{deal_id}/checks", data={**_opened(rep, deal_id), **BUDGET}).status_code == 303
    tab_a, tab_b = _opened(rep, deal_id), _opened(rep, deal_id)
    changed_evidence = {
        **BUDGET,
        "budget-confirmed.evidence": "Signed budget memo",
        "budget-confirmed.date": "2026-12-03",
    }
    assert rep.post(f"/deals/{deal_id}/checks", data={**tab_a, **changed_evidence}).status_code == 303
    refused = rep.post(f"/deals/{deal_id}/checks", data={**tab_b, **BUDGET, "amount": "110000"})
    assert refused.status_code == 409
    held = re.sub(r"\s+", " ", refused.get_data(as_text=True))
    held = held[held.index('id="form-held-title"') :]
    terms = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", held)
    marked = [value for term, value in terms if "(typed or changed)" in term]
    assert marked == ["110000"]
    assert terms[0][1] == "110000"  # what the rep changed comes first
    assert "CFO email: budget approved" in [value for _, value in terms]  # still shown, unmarked
