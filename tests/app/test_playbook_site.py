"""The built playbook at /: safe paths, directory URLs, MIME types, caching, and its CSP."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from assess_app import create_app
from sales_process.loader import LoadedProcess
from tests.conftest import DEFAULT_PROCESS


def test_the_home_page_and_every_stage_page_are_served(client: FlaskClient, default_process: LoadedProcess) -> None:
    assert client.get("/").status_code == 200
    for stage in default_process.process.stages:
        response = client.get(f"/stages/{stage.id}/")
        assert response.status_code == 200, stage.id
        assert response.content_type == "text/html; charset=utf-8"
        for milestone in stage.milestones:
            assert f'id="{milestone.id}"' in response.get_data(as_text=True)


def test_a_directory_without_its_slash_is_redirected(client: FlaskClient) -> None:
    response = client.get("/stages/discovery?from=crm")
    assert response.status_code == 308
    assert response.headers["Location"] == "/stages/discovery/?from=crm"


@pytest.mark.parametrize(
    "path",
    [
        "/../process.yaml",
        "/stages/../../process.yaml",
        "/%2e%2e/process.yaml",
        "/stages/%2e%2e/%2e%2e/process.yaml",
        "/..%2fprocess.yaml",
        "/stages%2f..%2f..%2fprocess.yaml",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/stages/..%5c..%5cprocess.yaml",
    ],
)
def test_no_path_leaves_the_site_folder(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (404, 308)
    assert b"B2B New Business" not in response.data or b"stages:" not in response.data
    assert b"root:" not in response.data


def test_a_missing_page_gets_404(client: FlaskClient) -> None:
    response = client.get("/stages/no-such-stage/")
    assert response.status_code == 404
    assert response.content_type.startswith("text/html")


@pytest.mark.parametrize("path", ["/deals/abc", "/deals/1/checks/-1", "/pipeline/x", "/check/extra"])
def test_an_app_address_that_does_not_exist_gets_the_apps_404_not_the_playbooks(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and "There is no page at this address." in page
    assert "Pipeline Overview" not in page  # the playbook's 404 carries its navigation


@pytest.mark.parametrize(
    ("suffix", "mime"),
    [(".css", "text/css"), (".js", "text/javascript"), (".json", "application/json"), (".png", "image/png")],
)
def test_files_carry_their_mime_type(client: FlaskClient, site_dir: Path, suffix: str, mime: str) -> None:
    path = next(p for p in site_dir.rglob(f"*{suffix}") if p.is_file())
    response = client.get("/" + path.relative_to(site_dir).as_posix())
    assert response.status_code == 200
    assert response.mimetype == mime


def test_an_unchanged_page_is_not_sent_again(client: FlaskClient) -> None:
    first = client.get("/stages/discovery/")
    assert first.headers["Cache-Control"] == "no-cache"
    again = client.get("/stages/discovery/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def _inline_script_hashes(html: str) -> set[str]:
    bodies = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.+?)</script>", html, re.DOTALL)
    return {f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'" for b in bodies}


def test_a_page_allows_exactly_its_own_inline_scripts(client: FlaskClient) -> None:
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    expected = _inline_script_hashes(response.get_data(as_text=True))
    assert expected, "the theme's inline scripts"
    assert set(script_src.split()[2:]) == expected
    assert "unsafe-inline" not in script_src and "frame-ancestors 'none'" in policy


def test_without_a_built_site_the_form_still_works(tmp_path: Path) -> None:
    client = create_app(
        {"TESTING": True, "PROCESS_PATH": str(DEFAULT_PROCESS), "SITE_DIR": str(tmp_path / "none")}
    ).test_client()
    home = client.get("/")
    assert home.status_code == 404
    assert b"The playbook is not built yet" in home.data
    assert client.get("/check").status_code == 200
    # Any other address may be a typo (the sign-in page is /login): it is not found, the missing playbook a maybe.
    typo = client.get("/sign-in")
    assert typo.status_code == 404
    assert b"<h1>Page not found</h1>" in typo.data
    assert b"If it is a page of the playbook: the playbook is not built yet" in typo.data
