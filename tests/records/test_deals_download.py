"""The saved deals downloaded as CSV from /deals: a manager's holds every deal, byte for byte what
`playbook deals export` writes; a rep's only their own; formulas inert; the audit reads it back.
(Signed out, it sends to sign-in and is never cached: test_pages and test_hardening.)"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from playbook_cli.main import main
from tests.conftest import DEFAULT_PROCESS
from tests.records.conftest import Run, new_deal
from tests.records.test_pages import FIRST, check

EXPORT = "/deals/export.csv"
FORMULA = '=HYPERLINK("x")'


def _rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def _team(signed_in: Callable[[str], FlaskClient]) -> tuple[FlaskClient, FlaskClient]:
    """Ana's two deals (one checked, one named as a formula) and Bo's one; Ana's client and a manager's."""
    ana = signed_in("ana@example.com")
    check(ana, new_deal(ana, "Contoso renewal"), FIRST)
    new_deal(ana, FORMULA)
    new_deal(signed_in("bo@example.com"), "Bo's Fabrikam")
    return ana, signed_in("manager@example.com")


def test_a_managers_download_is_every_deal_as_the_command_line_writes_it(
    signed_in: Callable[[str], FlaskClient], run: Run, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _, manager = _team(signed_in)
    with caplog.at_level(logging.INFO, "assess_app"):
        response = manager.get(EXPORT)
    # The log says how many and who: never a deal's name or amount, which the file alone carries.
    (logged,) = [record.getMessage() for record in caplog.records if "exported" in record.getMessage()]
    assert re.fullmatch(r"3 deals exported as CSV by user \d+", logged), logged
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="deals-{dt.date.today().isoformat()}.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    exported = tmp_path / "export.csv"
    assert run("deals", "export", "--process", str(DEFAULT_PROCESS), "--output", str(exported))[0] == 0
    assert response.data == exported.read_bytes()
    rows = _rows(response.data)
    assert [(row["deal"], row["owner"]) for row in rows] == [
        ("Contoso renewal", "ana@example.com"),
        ("'" + FORMULA, "ana@example.com"),  # inert in a spreadsheet, read back as typed
        ("Bo's Fabrikam", "bo@example.com"),
    ]
    assert rows[0]["pain-confirmed.evidence"] == FIRST["pain-confirmed.evidence"]


def test_a_reps_download_holds_their_own_deals_only(signed_in: Callable[[str], FlaskClient]) -> None:
    ana, _ = _team(signed_in)
    rows = _rows(ana.get(EXPORT).data)
    assert [row["deal"] for row in rows] == ["Contoso renewal", "'" + FORMULA]
    assert {row["owner"] for row in rows} == {"ana@example.com"}
    assert b"Fabrikam" not in signed_in("carla@example.com").get(EXPORT).data  # a rep with no deals: the header alone


def test_the_audit_reads_the_download_without_errors(
    signed_in: Callable[[str], FlaskClient], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, manager = _team(signed_in)
    downloaded = tmp_path / "deals.csv"
    downloaded.write_bytes(manager.get(EXPORT).data)
    capsys.readouterr()
    status = main(["audit", str(downloaded), "--process", str(DEFAULT_PROCESS), "--out", str(tmp_path / "audit")])
    out, err = capsys.readouterr()
    assert (status, err) == (0, ""), out
    with (tmp_path / "audit" / "audit.csv").open(encoding="utf-8", newline="") as handle:
        assert [row["deal"] for row in csv.DictReader(handle)] == ["Contoso renewal", "'" + FORMULA, "Bo's Fabrikam"]


def test_the_download_and_the_export_start_with_the_byte_order_mark_excel_needs(
    signed_in: Callable[[str], FlaskClient], run: Run, tmp_path: Path
) -> None:
    # Excel on Windows reads a double-clicked CSV as UTF-8 only after the mark: else "Bø Ærenlund" shows garbled.
    ana = signed_in("ana@example.com")
    check(ana, new_deal(ana, "Bø Ærenlund — Zürich"), FIRST)
    downloaded = signed_in("manager@example.com").get(EXPORT).data
    assert downloaded.startswith(b"\xef\xbb\xbfdeal,stage,")
    assert downloaded.count(b"\xef\xbb\xbf") == 1
    exported = tmp_path / "export.csv"
    assert run("deals", "export", "--process", str(DEFAULT_PROCESS), "--output", str(exported))[0] == 0
    assert exported.read_bytes() == downloaded
    status, out, _ = run("deals", "export", "--process", str(DEFAULT_PROCESS))
    assert (status, out) == (0, downloaded.decode("utf-8"))
    assert [row["deal"] for row in _rows(downloaded)] == ["Bø Ærenlund — Zürich"]
    # The import reads the mark off: the header's first column is `deal`, and the deal comes back as named.
    imported = run("import", str(exported), "--process", str(DEFAULT_PROCESS), "--new-deals")
    assert imported[0] == 0, imported


def test_the_deals_page_links_to_the_download(signed_in: Callable[[str], FlaskClient]) -> None:
    for email, whose in (("ana@example.com", "all my"), ("manager@example.com", "all the team's")):
        client = signed_in(email)
        for path in ("/deals", "/deals?closed=1"):
            page = client.get(path).get_data(as_text=True)
            assert f'<a href="{EXPORT}" id="export-deals">Download {whose} deals as CSV</a>' in page, path
