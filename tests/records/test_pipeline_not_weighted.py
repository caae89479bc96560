"""/pipeline names each open deal it cannot weigh (no amount, no claimed stage), with a link and what to fill in."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask.testing import FlaskClient

from tests.records.conftest import api_deal, new_deal


def _text(html: str) -> str:
    """A page's words, tags dropped and spaces joined."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_pipeline_names_each_open_deal_it_cannot_weigh(
    signed_in: Callable[[str], FlaskClient], token_for: Callable[[str], dict[str, str]]
) -> None:
    rep = signed_in("ana@example.com")
    new_deal(rep, "Weighed")
    no_amount = new_deal(rep, "No amount yet", amount="")
    no_stage = new_deal(rep, "No stage yet", claimed_stage="")
    neither = api_deal(rep, token_for("ana@example.com"), "Neither yet")  # the API asks for neither

    page = signed_in("manager@example.com").get("/pipeline")

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    text = _text(html)
    # Counted as the audit's report counts them, in its words ...
    assert "not included: 2 deals without an amount, 2 without a claimed stage" in text
    # ... and each named, with a link to its page and what it lacks: nothing weighted is shown as a zero.
    listed = re.search(r'<ul id="not-weighted">(.*?)</ul>', html, re.S)
    assert listed, "no list of the deals not weighted"
    items = [
        " ".join(re.sub(r"<[^>]+>", "", item).split()) for item in re.findall(r"<li>(.*?)</li>", listed.group(1), re.S)
    ]
    assert items == [
        "No amount yet: without an amount",
        "No stage yet: without a claimed stage",
        "Neither yet: without an amount, without a claimed stage",
    ]
    for deal_id in (no_amount, no_stage, neither):
        assert f'<a href="/deals/{deal_id}">' in listed.group(1)
    assert "Weighed" not in listed.group(1)
    note = _text(html[html.index('id="not-weighted-note"') : listed.start()])
    assert "record a new check with its amount and CRM stage" in note


def test_a_rep_with_no_deal_weighted_shows_no_weighted_zero(signed_in: Callable[[str], FlaskClient]) -> None:
    """By owner, a rep whose deals all lack an amount read "0.00 claimed, 0.00 verified, 0.00 inflation": as if
    weighed and found on the mark, where nothing could be weighed."""
    new_deal(signed_in("ana@example.com"), "Weighed")
    new_deal(signed_in("bo@example.com"), "No amount yet", amount="")

    html = signed_in("manager@example.com").get("/pipeline").get_data(as_text=True)

    owners = re.search(r'<table id="owners".*?</table>', html, re.S)
    assert owners
    rows = {_text(row).split(" ")[0]: _text(row) for row in re.findall(r"<tr><th.*?</tr>", owners.group(0), re.S)}
    assert rows["bo@example.com"] == "bo@example.com 1 1 not weighted not weighted not weighted"
    assert rows["ana@example.com"] == "ana@example.com 1 1 72,000.00 12,000.00 60,000.00"
