"""Security headers on every response, and the configuration the app starts with."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from assess_app import create_app
from assess_app.client import PROXY_FIX_ORIGINAL, canonical_address, client_address
from assess_app.store import ProcessStore
from sales_process.loader import load_process
from tests.conftest import DEFAULT_PROCESS


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/"),
        ("get", "/stages/discovery/"),
        ("get", "/check"),
        ("post", "/check"),
        ("get", "/api/process"),
        ("post", "/api/assess"),
        ("get", "/nowhere"),
        ("get", "/check/static/check.css"),
    ],
)
def test_every_response_carries_the_security_headers(client: FlaskClient, method: str, path: str) -> None:
    headers = getattr(client, method)(path).headers
    policy = headers["Content-Security-Policy"]
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    assert "unsafe-inline" not in script_src
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [("get", "/check?deal=Contoso", None), ("post", "/check", {"deal": "Contoso"}), ("post", "/api/assess", None)],
)
def test_answers_that_hold_deal_data_are_never_stored_by_a_cache(
    client: FlaskClient, method: str, path: str, data: object
) -> None:
    kwargs = {"json": {"deal": "Contoso"}} if path.startswith("/api/") else {"data": data}
    assert getattr(client, method)(path, **kwargs).headers["Cache-Control"] == "no-store"


def test_the_form_pages_allow_no_inline_style_either(client: FlaskClient) -> None:
    assert "style-src 'self';" in client.get("/check").headers["Content-Security-Policy"]


def test_configuration_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PLAYBOOK_PROCESS", str(DEFAULT_PROCESS))
    monkeypatch.setenv("PLAYBOOK_SITE_DIR", str(tmp_path))
    monkeypatch.setenv("PLAYBOOK_SECRET_KEY", "from-the-environment")
    app = create_app()
    assert (app.config["SITE_DIR"], app.config["SECRET_KEY"]) == (str(tmp_path), "from-the-environment")
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024


def test_without_a_secret_key_each_app_gets_a_fresh_random_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLAYBOOK_SECRET_KEY", raising=False)
    keys = {create_app({"PROCESS_PATH": str(DEFAULT_PROCESS)}).config["SECRET_KEY"] for _ in range(2)}
    assert len(keys) == 2 and all(len(key) == 64 for key in keys)


def test_an_invalid_process_at_start_is_a_clean_error(
    write_file: object, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "process.yaml"
    path.write_text("name: X\nstages:\n  - id: Bad Id\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        create_app({"PROCESS_PATH": str(path)})
    assert exit_.value.code == 3, "gunicorn's code for a worker that cannot boot"
    err = capsys.readouterr().err
    assert f"{path}:3:" in err and "is not a valid process" in err


def test_requests_use_the_process_in_the_store(tmp_path: Path) -> None:
    store = ProcessStore(load_process(DEFAULT_PROCESS))
    client = create_app({"TESTING": True, "SITE_DIR": str(tmp_path)}, store=store).test_client()
    changed = tmp_path / "process.yaml"
    changed.write_text(
        DEFAULT_PROCESS.read_text(encoding="utf-8").replace("name: B2B New Business", "name: Renewals"),
        encoding="utf-8",
    )
    store.replace(load_process(changed))
    assert client.get("/api/process").get_json()["name"] == "Renewals"
    assert b"Renewals" in client.get("/check").data


def test_a_header_a_view_set_is_replaced_not_repeated() -> None:
    from flask import Response

    from assess_app.security import add_security_headers

    response = add_security_headers(Response("x", headers={"X-Frame-Options": "SAMEORIGIN"}))
    assert response.headers.getlist("X-Frame-Options") == ["DENY"]
    assert len(response.headers.getlist("Permissions-Policy")) == 1


LONG_LABEL_HOST = "x" * 64  # a host name's label holds at most 63 characters: Werkzeug cannot bind the URL map


@pytest.mark.parametrize("path", ["/healthz", "/", "/check", "/deals", "/sign-in", "/nowhere", "/api/", "/api/deals"])
def test_an_unreadable_host_header_is_a_plain_400_on_every_path(
    client: FlaskClient, caplog: pytest.LogCaptureFixture, path: str
) -> None:
    response = client.get(path, headers={"Host": LONG_LABEL_HOST})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "the Host header is not a host name this server can read" in text
    if path.startswith("/api/"):
        assert response.get_json()["errors"][0]["loc"] == "Host"
    else:
        assert response.mimetype == "text/plain"
    assert "Traceback" not in caplog.text and not [r for r in caplog.records if r.exc_info]


ADDRESSES = [
    ("20.0.0.1", "20.0.0.1"),
    (" 20.0.0.1 ", "20.0.0.1"),
    ("::ffff:20.0.0.1", "20.0.0.1"),
    ("[::ffff:20.0.0.1]", "20.0.0.1"),
    ("20.0.0.1:1234", "20.0.0.1"),
    ("[2001:DB8:0::1]:443", "2001:db8::1"),
    ("fe80::1%eth0", "fe80::1"),
    ("020.0.0.1", None),
    ("garbage<script>", None),
    ("20.0.0.1:x", None),
    ("20.0.0.1:", None),
    ("[::1]x", None),
    ("", None),
]


@pytest.mark.parametrize(("forwarded", "address"), ADDRESSES, ids=[text or "empty" for text, _ in ADDRESSES])
def test_a_forwarded_address_is_written_one_way_or_is_none(forwarded: str, address: str | None) -> None:
    assert canonical_address(forwarded) == address


def test_a_forwarded_value_that_is_no_address_falls_back_to_the_proxys_own() -> None:
    environ = {"REMOTE_ADDR": "garbage<script>", PROXY_FIX_ORIGINAL: {"REMOTE_ADDR": "10.0.0.2"}}
    assert client_address(environ) == "10.0.0.2"
    assert client_address({"REMOTE_ADDR": "garbage"}) == "unknown"
