"""A saved deal's details (name, CRM id, owner): changed on the deal page, through PATCH /api/deals/<id> and by an
import, each change kept and shown; refused with the field at fault, never for another rep's deal."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from deal_records.models import Deal, DealChange
from playbook_cli.main import main
from tests.conftest import DEFAULT_PROCESS
from tests.records.conftest import Run, new_deal, page_token


def _details(client: FlaskClient, deal_id: int, **fields: str) -> Any:
    data = {"csrf_token": page_token(client, f"/deals/{deal_id}"), **fields}
    return client.post(f"/deals/{deal_id}/details", data=data)


def _changes(sessions: sessionmaker[Session]) -> list[tuple[str, str | None, str | None, str]]:
    with sessions() as db:
        rows = db.scalars(select(DealChange).order_by(DealChange.id))
        return [(row.field, row.before, row.after, row.source) for row in rows]


def test_a_rep_renames_a_deal_and_sets_its_crm_id_on_its_page_with_each_change_shown(
    signed_in: Callable[[str], FlaskClient], sessions: sessionmaker[Session]
) -> None:
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep, "Nortwind")
    saved = _details(rep, deal_id, name="Northwind — 40 seats", crm_id="SF-0042")
    assert saved.status_code == 303 and saved.headers["Location"] == f"/deals/{deal_id}?details=saved#details"
    page = rep.get(saved.headers["Location"]).get_data(as_text=True)
    assert "The deal's details were saved." in page
    assert "renamed it from <q><bdi>Nortwind</bdi></q> to <q><bdi>Northwind — 40 seats</bdi></q>" in page
    assert "set its CRM id to <bdi>SF-0042</bdi>" in page
    assert "<bdi>Northwind — 40 seats</bdi>: verified stage today" in page
    cleared = _details(rep, deal_id, name="Northwind — 40 seats", crm_id="")
    assert cleared.headers["Location"].endswith("?details=saved#details")
    assert _changes(sessions) == [
        ("name", "Nortwind", "Northwind — 40 seats", "form"),
        ("crm_id", None, "SF-0042", "form"),
        ("crm_id", "SF-0042", None, "form"),
    ]
    same = _details(rep, deal_id, name="Northwind — 40 seats", crm_id="")
    assert same.headers["Location"].endswith("?details=unchanged#details")
    assert "Nothing changed: the values were the deal's already." in rep.get(same.headers["Location"]).get_data(
        as_text=True
    )
    assert len(_changes(sessions)) == 3


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "  ", "crm_id": ""}, "name", "Deal name is required: name the deal"),
        ({"name": "A\u202eB", "crm_id": ""}, "name", "Deal name"),
        ({"name": "x" * 201, "crm_id": ""}, "name", "201 characters long; at most 200"),
        ({"name": "Northwind", "crm_id": "C-1"}, "crm_id", "a deal with crm_id &#39;C-1&#39; exists already"),
        (
            {"name": "Northwind", "crm_id": "", "owner": "bo@example.com"},
            "owner",
            "only a manager moves a deal to another owner; ask yours",
        ),
    ],
)
def test_a_refused_change_comes_back_with_the_form_as_typed_and_nothing_saved(
    signed_in: Callable[[str], FlaskClient],
    sessions: sessionmaker[Session],
    add_person: Callable[..., str],
    fields: dict[str, str],
    field: str,
    message: str,
) -> None:
    add_person("bo@example.com")
    rep = signed_in("ana@example.com")
    deal_id = new_deal(rep)
    new_deal(rep, "Contoso", crm_id="C-1")
    refused = _details(rep, deal_id, **fields)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "The details were not saved: please correct 1 thing" in page
    assert message in page
    if field == "owner":  # a rep's form has no owner field: the summary points at the form's first field
        assert '<a href="#details-name">' in page and 'id="details-owner"' not in page
    else:  # told beside the field too, and read out with it
        assert f'<a href="#details-{field}">' in page and f'id="details-{field}"' in page
        assert f'aria-invalid="true" aria-describedby="details-{field}-error"' in page
        assert f'<p class="field-error" id="details-{field}-error">' in page
    if field != "owner":
        assert f'value="{fields[field].strip()}"' in page or "\u202e" in fields[field]  # as typed
    assert _changes(sessions) == []


def test_a_manager_moves_a_deal_to_another_rep_who_then_owns_it(
    signed_in: Callable[[str], FlaskClient], sessions: sessionmaker[Session]
) -> None:
    ana, bo, manager = signed_in("ana@example.com"), signed_in("bo@example.com"), signed_in("manager@example.com")
    deal_id = new_deal(ana)
    page = manager.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert '<select id="details-owner" name="owner">' in page
    moved = _details(manager, deal_id, name="Northwind", crm_id="", owner="bo@example.com")
    assert moved.status_code == 303
    assert bo.get(f"/deals/{deal_id}").status_code == 200 and ana.get(f"/deals/{deal_id}").status_code == 404
    # Its former owner is told why, and nothing of where it went; anyone else meets the plain 404.
    told = ana.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert "This deal is no longer yours: it was moved to another owner on " in told and "bo@example.com" not in told
    other = signed_in("cy@example.com").get(f"/deals/{deal_id}").get_data(as_text=True)
    assert "There is no page at this address." in other and "no longer yours" not in other
    assert _changes(sessions) == [("owner", "ana@example.com", "bo@example.com", "form")]
    shown = manager.get(f"/deals/{deal_id}").get_data(as_text=True)
    assert "moved it from <bdi>ana@example.com</bdi> to <bdi>bo@example.com</bdi>" in shown
    nobody = _details(manager, deal_id, name="Northwind", crm_id="", owner="gone@example.com")
    assert nobody.status_code == 422
    assert "no active user &#39;gone@example.com&#39;" in nobody.get_data(as_text=True)


def test_another_reps_deal_is_not_found_and_the_form_needs_its_csrf_token(
    signed_in: Callable[[str], FlaskClient], sessions: sessionmaker[Session]
) -> None:
    ana, bo = signed_in("ana@example.com"), signed_in("bo@example.com")
    deal_id = new_deal(ana)
    token = page_token(bo, "/deals")
    assert bo.post(f"/deals/{deal_id}/details", data={"csrf_token": token, "name": "Mine"}).status_code == 404
    assert ana.post(f"/deals/{deal_id}/details", data={"name": "No token"}).status_code == 400
    assert _changes(sessions) == []


def test_the_api_renames_moves_and_refuses_as_the_page_does(
    records_app: Flask, tokens: dict[str, dict[str, str]]
) -> None:
    client = records_app.test_client()
    deal_id = client.post("/api/deals", headers=tokens["ana"], json={"name": "Nortwind"}).get_json()["id"]
    client.post("/api/deals", headers=tokens["ana"], json={"name": "Contoso", "crm_id": "C-1"})

    def patch(who: str, body: object) -> tuple[int, Any]:
        answer = client.patch(f"/api/deals/{deal_id}", headers=tokens[who], json=body)
        return answer.status_code, answer.get_json()

    status, body = patch("ana", {"name": "Northwind", "crm_id": "SF-1"})
    assert status == 200 and (body["name"], body["crm_id"], body["owner"]) == ("Northwind", "SF-1", "ana@example.com")
    assert [(c["field"], c["before"], c["after"], c["source"], c["changed_by"]) for c in body["changes"]] == [
        ("name", "Nortwind", "Northwind", "api", "ana@example.com"),
        ("crm_id", None, "SF-1", "api", "ana@example.com"),
    ]
    assert patch("ana", {"name": "Northwind"}) == (200, {**body, "changes": []})
    refusals = [
        ("ana", {}, 400, "", "nothing to change: give one or more of name, crm_id, owner"),
        ("ana", {"amount": 5}, 400, "amount", "unknown key 'amount'; it changes with the deal's next check"),
        ("ana", {"name": None}, 400, "name", "'name' is required: name the deal"),
        ("ana", {"owner": ""}, 400, "owner", "'owner' is required: give the email of the user who owns the deal"),
        ("ana", {"crm_id": "C-1"}, 409, "crm_id", "a deal with crm_id 'C-1' exists already"),
        ("ana", {"owner": "bo@example.com"}, 403, "owner", "only a manager moves a deal to another owner"),
        ("lee", {"owner": "nobody@example.com"}, 404, "owner", "no active user 'nobody@example.com'"),
        ("bo", {"name": "Mine"}, 404, "", "Not Found: there is no deal with this id that you may see."),
    ]
    for who, sent, code, loc, message in refusals:
        status, answer = patch(who, sent)
        assert status == code, (sent, answer)
        assert answer["errors"][0]["loc"] == loc and answer["errors"][0]["message"].startswith(message), answer
    assert client.patch(f"/api/deals/{deal_id}", json={"name": "x"}).status_code == 401
    status, moved = patch("lee", {"owner": "bo@example.com", "crm_id": None})
    assert status == 200 and moved["owner"] == "bo@example.com" and moved["crm_id"] is None
    shown = client.get(f"/api/deals/{deal_id}", headers=tokens["bo"]).get_json()["changes"]
    assert [(c["field"], c["after"], c["changed_by"]) for c in shown] == [
        ("name", "Northwind", "ana@example.com"),
        ("crm_id", "SF-1", "ana@example.com"),
        ("crm_id", None, "lee@example.com"),
        ("owner", "bo@example.com", "lee@example.com"),
    ]


def test_an_import_that_renames_or_moves_a_saved_deal_keeps_the_change(
    run: Run, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    for email in ("ana@example.com", "bob@example.com"):
        assert run("users", "add", email, "--role", "rep", stdin="rep-password-1\n")[0] == 0
    first = tmp_path / "first.csv"
    first.write_text("deal,crm_id,stage,amount,owner\nGlobex,B-0,Discovery,1000,bob@example.com\n", encoding="utf-8")
    assert run("import", str(first))[0] == 0
    again = tmp_path / "again.csv"
    again.write_text(
        "deal,crm_id,stage,amount,owner\nGlobex Inc,B-0,Qualifying,1000,ana@example.com\n", encoding="utf-8"
    )
    status, out, _ = run("import", str(again))
    assert status == 0 and "line 2, 'Globex Inc' from bob@example.com to ana@example.com" in out
    assert _changes(sessions) == [
        ("name", "Globex", "Globex Inc", "import"),
        ("owner", "bob@example.com", "ana@example.com", "import"),
    ]
    with sessions() as db:
        deal = db.scalars(select(Deal)).one()
        assert (deal.name, deal.owner.email) == ("Globex Inc", "ana@example.com")


def test_a_manager_creating_a_deal_chooses_its_owner(signed_in: Callable[[str], FlaskClient]) -> None:
    """The owner select starts on no one: a deal silently the manager's would be missing from the rep's pipeline."""
    signed_in("ana@example.com")
    manager = signed_in("manager@example.com")
    form = manager.get("/deals/new").get_data(as_text=True)
    assert '<option value="" selected>Choose the owner</option>' in form
    token = page_token(manager, "/deals/new")
    unchosen = manager.post("/deals/new", data={"csrf_token": token, "name": "Northwind", "crm_id": "N-1"})
    assert unchosen.status_code == 422
    page = unchosen.get_data(as_text=True)
    assert "Choose who owns the deal: the rep who works it, or yourself" in page and 'value="N-1"' in page
    assert 'aria-describedby="owner-hint owner-error"' in page
    chosen = manager.post("/deals/new", data={"csrf_token": token, "name": "Northwind", "owner": "ana@example.com"})
    assert chosen.status_code == 303
    assert "owner <bdi>ana@example.com</bdi>" in manager.get(chosen.headers["Location"]).get_data(as_text=True)


def _opened_details(client: FlaskClient, deal_id: int) -> dict[str, str]:
    """The details form of a page of the deal opened now, as it would be sent unchanged."""
    page = client.get(f"/deals/{deal_id}").get_data(as_text=True)
    fields = dict(re.findall(r'<input type="hidden" name="(shown_\w+)" value="([^"]*)"', page))
    assert "shown_name" in fields, "the details form says nothing of what it was filled from"
    sent = {key.removeprefix("shown_"): html.unescape(value) for key, value in fields.items()}
    return {"csrf_token": page_token(client, f"/deals/{deal_id}"), **fields, **sent}


def test_a_form_opened_before_a_rename_moves_the_deal_without_renaming_it_back(
    signed_in: Callable[[str], FlaskClient], sessions: sessionmaker[Session]
) -> None:
    ana, manager = signed_in("ana@example.com"), signed_in("manager@example.com")
    signed_in("bo@example.com")
    deal_id = new_deal(ana)
    managers_page = _opened_details(manager, deal_id)
    assert _details(ana, deal_id, name="Northwind — 40 seats", crm_id="").status_code == 303
    moved = manager.post(f"/deals/{deal_id}/details", data={**managers_page, "owner": "bo@example.com"})
    assert moved.status_code == 303
    with sessions() as db:
        deal = db.get(Deal, deal_id)
        assert deal is not None and deal.name == "Northwind — 40 seats" and deal.owner.email == "bo@example.com"
    assert [row[0] for row in _changes(sessions)] == ["name", "owner"]


def test_a_field_changed_in_two_pages_is_refused_until_sent_again(
    signed_in: Callable[[str], FlaskClient], sessions: sessionmaker[Session]
) -> None:
    ana = signed_in("ana@example.com")
    deal_id = new_deal(ana)
    tab_a, tab_b = _opened_details(ana, deal_id), _opened_details(ana, deal_id)
    assert ana.post(f"/deals/{deal_id}/details", data={**tab_a, "name": "Northwind EU"}).status_code == 303
    refused = ana.post(f"/deals/{deal_id}/details", data={**tab_b, "name": "Northwind US"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "changed to &#39;Northwind EU&#39; since you opened this page; save again to replace it with yours" in page
    assert 'value="Northwind US"' in page  # what was typed stays in the field
    again = dict(re.findall(r'<input type="hidden" name="(shown_\w+)" value="([^"]*)"', page))
    assert again["shown_name"] == "Northwind EU"  # filled from the deal as it is now: sent again, it replaces it
    resent = ana.post(f"/deals/{deal_id}/details", data={**tab_b, **again, "name": "Northwind US"})
    assert resent.status_code == 303
    assert [row[2] for row in _changes(sessions)] == ["Northwind EU", "Northwind US"]


def _report_tables(text: str) -> dict[str, str]:
    """The pipeline report's tables (by owner, deals ahead …) by id, spaces made one and without the column of the
    deal's line (the audit's) or id (the page's) nor the page's links to the deals: what the page and the audit of
    the export must show alike."""
    text = re.sub(r'<a href="/deals/\d+">([^<]*)</a>', r"\1", " ".join(html.unescape(text).split()))
    text = re.sub(
        r'<t([hd]) (scope="col" )?class="num"( data-label="(Line|Deal id)")?>(Line|Deal id|\d+)</t\1>', "", text
    )
    return dict(re.findall(r'<table id="([a-z-]+)"[^>]*>(.*?)</table>', text))


DAY = (dt.date.today() - dt.timedelta(days=3)).isoformat()


@pytest.mark.parametrize(
    ("door", "change"),
    [
        ("patch", {"owner": "bo@example.com"}),
        ("form", {"owner": "bo@example.com"}),
        ("patch", {"name": "Northwind — 40 seats"}),
        ("form", {"name": "Northwind — 40 seats"}),
        ("checks", {"milestones": {}, "amount": 90000, "claimed_stage": "negotiating"}),
        ("outcome", {"outcome": "won", "date": DAY, "amount": 110000}),
    ],
)
def test_the_pipeline_after_a_deal_changes_is_the_audit_of_the_export(
    signed_in: Callable[[str], FlaskClient],
    token_for: Callable[[str], dict[str, str]],
    run: Run,
    tmp_path: Path,
    door: str,
    change: dict[str, Any],
) -> None:
    """A manager moved a deal to another owner and /pipeline's "By owner" still counted it under the old one: the
    page's totals were remembered until a deal, check or outcome was added, and a move adds none of them."""
    ana, manager = signed_in("ana@example.com"), signed_in("manager@example.com")
    signed_in("bo@example.com")
    deal_id = new_deal(ana, "Northwind")
    new_deal(ana, "Contoso", claimed_stage="negotiating")
    assert "ana@example.com" in _report_tables(manager.get("/pipeline").get_data(as_text=True))["owners"]
    headers = token_for("manager@example.com" if door in ("form", "patch") else "ana@example.com")
    if door == "form":
        fields = {"name": "Northwind", "crm_id": "", "owner": "ana@example.com", **change}
        assert _details(manager, deal_id, **fields).status_code == 303
    elif door == "patch":
        moved = manager.patch(f"/api/deals/{deal_id}", headers=headers, json=change)
        assert moved.status_code == 200, moved.get_json()
    else:
        recorded = ana.post(f"/api/deals/{deal_id}/{door}", headers=headers, json=change)
        assert recorded.status_code == 201, recorded.get_json()
    page = _report_tables(manager.get("/pipeline").get_data(as_text=True))
    exported = tmp_path / "export.csv"
    assert run("deals", "export", "--process", str(DEFAULT_PROCESS), "--output", str(exported))[0] == 0
    assert main(["audit", str(exported), "--process", str(DEFAULT_PROCESS), "--out", str(tmp_path / "audit")]) == 0
    audit = _report_tables((tmp_path / "audit" / "report.html").read_text(encoding="utf-8"))
    if door in ("form", "patch"):
        assert next(iter(change.values())) in page["owners"] + page["ahead"]
    if door == "outcome":
        assert 'data-outcome="won">1<' in page["outcomes"]
    for table in ("owners", "ahead", "stages", "outcomes"):
        assert page.get(table, "").split("<tr>") == audit.get(table, "").split("<tr>"), table
