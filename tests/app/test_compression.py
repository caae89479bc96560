"""Text answers travel gzip-compressed when the browser accepts it; images and small answers as they are."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from flask.testing import FlaskClient

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def _bundle(site_dir: Path) -> str:
    return next((site_dir / "assets" / "javascripts").glob("bundle.*.min.js")).relative_to(site_dir).as_posix()


@pytest.mark.parametrize(
    "path",
    ["bundle", "/", "/stages/discovery/", "/assets/stylesheets/playbook.css", "/search/search_index.json", "/check"],
)
def test_text_is_compressed_when_the_browser_accepts_gzip(client: FlaskClient, site_dir: Path, path: str) -> None:
    path = f"/{_bundle(site_dir)}" if path == "bundle" else path
    plain = client.get(path)
    packed = client.get(path, headers=GZIP)
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)
    if path != "/check":  # the form's CSRF token differs on every request
        assert gzip.decompress(packed.data) == plain.data


def test_a_compressed_file_has_its_own_strong_etag_and_is_still_revalidated_by_it(
    client: FlaskClient, site_dir: Path
) -> None:
    path = f"/{_bundle(site_dir)}"
    plain = client.get(path).headers["ETag"]
    etag = client.get(path, headers=GZIP).headers["ETag"]
    assert etag == f'{plain[:-1]}-gzip"'
    for sent in (etag, f"W/{etag}", plain):
        again = client.get(path, headers={**GZIP, "If-None-Match": sent})
        assert (again.status_code, again.get_data()) == (304, b"")
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 200  # the plain file is another


def test_images_and_small_answers_are_sent_as_they_are(client: FlaskClient, site_dir: Path) -> None:
    image = next((site_dir / "assets" / "images").glob("*.png")).relative_to(site_dir).as_posix()
    assert "Content-Encoding" not in client.get(f"/{image}", headers=GZIP).headers
    assert "Content-Encoding" not in client.get("/check/static/favicon.svg", headers=GZIP).headers
