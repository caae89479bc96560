"""Conditional requests on a deal: GET gives a strong ETag of what it shows (304 for If-None-Match naming it), and
PATCH with If-Match changes the deal only as it was read (412 otherwise), so two clients never overwrite each
other's change unseen."""

from __future__ import annotations

import gzip
import hashlib

import pytest
from flask import Flask

from tests.records.conftest import api_deal

PAIN = {"pain-confirmed": {"met": True, "evidence": "Reply email from the CFO", "date": "2026-01-05"}}


def test_a_deal_has_a_strong_etag_of_what_it_shows_and_if_none_match_is_304(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    client = records_app.test_client()
    deal_id = api_deal(client, tokens["ana"])
    read = client.get(f"/api/deals/{deal_id}", headers=tokens["ana"])
    tag = read.headers["ETag"]
    assert tag == f'"{hashlib.sha256(read.get_data()).hexdigest()[:32]}"'
    for sent in (tag, f"W/{tag}", f'"other", {tag}', "*"):
        again = client.get(f"/api/deals/{deal_id}", headers={**tokens["ana"], "If-None-Match": sent})
        assert (again.status_code, again.get_data(), again.headers["ETag"]) == (304, b"", tag)
    assert (
        client.post(f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json={"milestones": PAIN}).status_code == 201
    )
    changed = client.get(f"/api/deals/{deal_id}", headers={**tokens["ana"], "If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag


@pytest.mark.parametrize("if_match", ["{tag}", "*", '"other", {tag}', None])
def test_a_patch_whose_if_match_names_the_deal_as_it_is_changes_it(
    records_app: Flask, tokens: dict[str, dict[str, str]], if_match: str | None
) -> None:
    client = records_app.test_client()
    deal_id = api_deal(client, tokens["ana"])
    tag = client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).headers["ETag"]
    headers = tokens["ana"] if if_match is None else {**tokens["ana"], "If-Match": if_match.format(tag=tag)}
    changed = client.patch(f"/api/deals/{deal_id}", headers=headers, json={"name": "Northwind — 40 seats"})
    assert changed.status_code == 200 and changed.get_json()["name"] == "Northwind — 40 seats"


@pytest.mark.parametrize("if_match", ['"bogus"', "W/{tag}", "{stale}", '"x", W/"y"', ""])
def test_a_patch_whose_if_match_names_no_tag_of_the_deal_now_is_412_and_changes_nothing(
    records_app: Flask, tokens: dict[str, dict[str, str]], if_match: str
) -> None:
    client = records_app.test_client()
    deal_id = api_deal(client, tokens["ana"])
    stale = client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).headers["ETag"]
    client.patch(f"/api/deals/{deal_id}", headers=tokens["lee"], json={"crm_id": "0061"})  # another client's change
    tag = client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).headers["ETag"]
    sent = {**tokens["ana"], "If-Match": if_match.format(tag=tag, stale=stale)}
    refused = client.patch(f"/api/deals/{deal_id}", headers=sent, json={"name": "Renamed"})
    assert refused.status_code == 412
    [error] = refused.get_json()["errors"]
    assert error["loc"] == "If-Match"
    assert error["message"].startswith(f"the deal changed since you read it (If-Match names none of its ETag {tag})")
    assert error["message"].endswith(
        f"GET /api/deals/{deal_id} again, make your change to what it shows, and send its ETag in If-Match"
    )
    assert client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()["name"] == "Northwind"


@pytest.mark.parametrize(
    "if_match", ["garbage", "bogus", '"unterminated', '"a" "b"', "W/bogus", '*, "a"', '"a"b', "'a'"]
)
def test_an_if_match_that_is_no_list_of_entity_tags_is_400_saying_so_and_changes_nothing(
    records_app: Flask, tokens: dict[str, dict[str, str]], if_match: str
) -> None:
    """Not a tag the deal changed from: a client's mistake (RFC 9110: "*" or quoted tags, W/ for a weak one)."""
    client = records_app.test_client()
    deal_id = api_deal(client, tokens["ana"])
    sent = {**tokens["ana"], "If-Match": if_match}
    refused = client.patch(f"/api/deals/{deal_id}", headers=sent, json={"name": "Renamed"})
    assert refused.status_code == 400
    [error] = refused.get_json()["errors"]
    assert error["loc"] == "If-Match"
    assert error["message"].startswith(f"If-Match {if_match!r} is not a list of entity tags"), error
    assert client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()["name"] == "Northwind"


@pytest.mark.parametrize("accept", [None, "gzip"])
def test_a_patch_answers_the_etag_a_get_gives_so_a_second_patch_needs_no_get(
    records_app: Flask, tokens: dict[str, dict[str, str]], accept: str | None
) -> None:
    client = records_app.test_client()
    deal_id = api_deal(client, tokens["ana"])
    client.post(f"/api/deals/{deal_id}/checks", headers=tokens["ana"], json={"milestones": PAIN})
    headers = tokens["ana"] if accept is None else {**tokens["ana"], "Accept-Encoding": accept}
    tag = client.get(f"/api/deals/{deal_id}", headers=headers).headers["ETag"]
    for number, name in enumerate(("Renamed " * 24 + "!", "Renamed again " * 14 + "!")):
        change = {"name": name, "crm_id": f"{number}-{'0' * 60}"}  # long: the second answer is gzipped (over 1 KB)
        changed = client.patch(f"/api/deals/{deal_id}", headers={**headers, "If-Match": tag}, json=change)
        assert changed.status_code == 200, changed.get_json()
        assert number == 0 or not accept or changed.headers["Content-Encoding"] == "gzip"
        tag = changed.headers["ETag"]
        plain = client.get(f"/api/deals/{deal_id}", headers=tokens["ana"])
        read = client.get(f"/api/deals/{deal_id}", headers=headers)  # compressed when gzip is accepted
        # The tag of the answer's own coding (a short answer goes plain), as GET gives that one.
        assert tag in (plain.headers["ETag"], read.headers["ETag"]) and plain.get_json()["name"] == name
        if accept:
            assert gzip.decompress(read.get_data()) == plain.get_data()  # no other body kept under a deal's tag


@pytest.mark.parametrize("accept", ["gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8, *;q=0.1"])
def test_the_etag_a_gzip_accepting_client_receives_is_strong_and_names_the_deal_in_if_match_and_if_none_match(
    records_app: Flask, tokens: dict[str, dict[str, str]], accept: str
) -> None:
    client = records_app.test_client()
    deal_id = api_deal(client, tokens["ana"])
    headers = {**tokens["ana"], "Accept-Encoding": accept}
    plain = client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).headers["ETag"]
    read = client.get(f"/api/deals/{deal_id}", headers=headers)
    tag = read.headers["ETag"]
    assert read.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(read.get_data()) == client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_data()
    assert not tag.startswith("W/") and tag != plain  # strong, and another representation's than the plain one's
    again = client.get(f"/api/deals/{deal_id}", headers={**headers, "If-None-Match": tag})
    assert (again.status_code, again.get_data(), again.headers["ETag"]) == (304, b"", tag)
    changed = client.patch(f"/api/deals/{deal_id}", headers={**headers, "If-Match": tag}, json={"name": "Renamed"})
    assert changed.status_code == 200
    stale = client.patch(f"/api/deals/{deal_id}", headers={**headers, "If-Match": tag}, json={"name": "Again"})
    assert stale.status_code == 412
    assert client.get(f"/api/deals/{deal_id}", headers=tokens["ana"]).get_json()["name"] == "Renamed"
