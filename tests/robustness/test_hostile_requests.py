"""A corpus of hostile requests against the running app: each gets a clean 4xx or a correct page,
and after each the server still answers GET /check."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assess_app import create_app
from sales_process.loader import LoadedProcess
from tests.browser import live_wsgi
from tests.conftest import DEFAULT_PROCESS
from tests.robustness.raw_http import Reply, exchange, post_form, request

LIMIT = 1024 * 1024
PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "</textarea><svg onload=alert(1)>")


@pytest.fixture(scope="module")
def port(site_dir: Path) -> Iterator[int]:
    """The app on a live threaded werkzeug server (the default process and its playbook)."""
    app = create_app({"PROCESS_PATH": str(DEFAULT_PROCESS), "SITE_DIR": str(site_dir), "SECRET_KEY": "hostile"})
    with live_wsgi(app) as base:
        yield int(base.rsplit(":", 1)[1])


@pytest.fixture(autouse=True)
def still_answering(port: int) -> Iterator[None]:
    """After every hostile request the form is still served."""
    yield
    assert exchange(port, request("GET", "/check")).status == 200


def _clean_error(reply: Reply, *statuses: int) -> None:
    assert reply.status in statuses, (reply.status, reply.text[:300])
    assert b"Traceback" not in reply.body and b"root:x:" not in reply.body


TRAVERSALS = [
    "/../../etc/passwd",
    "/..%2f..%2f..%2f..%2fetc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/..%252f..%252f..%252fetc%252fpasswd",
    "/%252e%252e/%252e%252e/etc/passwd",
    "/stages/..%2f..%2f..%2f..%2f..%2fetc/passwd",
    "/assets/..%5c..%5c..%5cetc%5cpasswd",
    "/..%c0%af..%c0%afetc/passwd",
    "//etc/passwd",
    "/etc/passwd%00.html",
    "/check/static/..%2f..%2f..%2f..%2fetc/passwd",
    "/check/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
]


def test_the_playbook_is_served(port: int) -> None:
    reply = exchange(port, request("GET", "/stages/discovery/"))
    assert reply.status == 200 and "Discovery" in reply.text


@pytest.mark.parametrize("target", TRAVERSALS)
def test_path_traversal_never_leaves_the_site(port: int, target: str) -> None:
    _clean_error(exchange(port, request("GET", target)), 400, 404)


def test_an_oversized_api_body_is_refused_with_413(port: int) -> None:
    reply = exchange(port, request("POST", "/api/assess", b" " * (2 * LIMIT), {"Content-Type": "application/json"}))
    _clean_error(reply, 413)
    assert json.loads(reply.body)["errors"][0]["message"]


def test_an_oversized_form_is_refused_with_413(port: int) -> None:
    reply = post_form(port, [("deal", "x" * (2 * LIMIT))])
    _clean_error(reply, 413)


@pytest.mark.parametrize(
    ("raw", "statuses"),
    [
        (b"GET /check HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 70_000 + b"\r\nConnection: close\r\n\r\n", (431,)),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", (414,)),
        (b"GET /check HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(200)) + b"\r\n", (431,)),
        # An unreadable length counts as no body: the form, as for any GET.
        (b"GET /check HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\nConnection: close\r\n\r\n", (200, 400)),
    ],
    ids=["header-line-70k", "request-line-70k", "200-headers", "bad-content-length"],
)
def test_oversized_or_malformed_heads_are_refused(port: int, raw: bytes, statuses: tuple[int, ...]) -> None:
    _clean_error(exchange(port, raw), *statuses)


@pytest.mark.parametrize(
    ("method", "target"),
    [
        ("DELETE", "/check"),
        ("PUT", "/"),
        ("POST", "/stages/discovery/"),
        ("GET", "/api/assess"),
        ("PATCH", "/api/process"),
    ],
)
def test_wrong_methods_get_405_with_allow(port: int, method: str, target: str) -> None:
    reply = exchange(port, request(method, target))
    _clean_error(reply, 405)
    assert reply.headers.get("allow")
    if target.startswith("/api/"):
        assert json.loads(reply.body)["errors"][0]["message"]


def test_a_form_with_no_answers_is_assessed_as_all_no(port: int) -> None:
    reply = post_form(port, [])
    assert reply.status == 200 and "Discovery" in reply.text


def test_extra_fields_are_named_not_dropped(port: int) -> None:
    reply = post_form(port, [("claimed_stage", "discovery"), ("budget-aproved.met", "y")])
    assert reply.status in (200, 422) and "budget-aproved.met" in reply.text


def test_a_field_sent_twice_is_an_error_not_a_silent_choice(port: int) -> None:
    reply = post_form(port, [("deal", "First name"), ("deal", "Second name"), ("claimed_stage", "discovery")])
    assert reply.status == 422
    assert "First name" in reply.text and "Second name" in reply.text and "sent 2 times" in reply.text


def test_a_form_post_without_its_token_is_refused_and_kept(port: int) -> None:
    body = b"deal=Kept+deal&claimed_stage=discovery"
    reply = exchange(port, request("POST", "/check", body, {"Content-Type": "application/x-www-form-urlencoded"}))
    assert reply.status == 400 and "Kept deal" in reply.text


def _every_text_field(default_process: LoadedProcess, payload: str) -> list[tuple[str, str]]:
    fields = [("deal", payload), ("amount", payload), ("claimed_stage", payload)]
    for _, milestone in default_process.process.milestones():
        fields += [
            (f"{milestone.id}.met", "y"),
            (f"{milestone.id}.evidence", payload),
            (f"{milestone.id}.date", payload),
        ]
    return fields


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_in_every_form_field_is_shown_as_text(port: int, default_process: LoadedProcess, payload: str) -> None:
    for fields in (_every_text_field(default_process, payload), [("deal", payload), ("claimed_stage", "discovery")]):
        reply = post_form(port, fields)
        assert reply.status in (200, 422), reply.status
        assert payload not in reply.text, "user text reached the page unescaped"
        assert "alert(1)" in reply.text, "what was typed is given back (escaped), not lost"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_in_every_api_field_comes_back_as_json(port: int, default_process: LoadedProcess, payload: str) -> None:
    milestones = {
        m.id: {"met": True, "evidence": payload, "date": "2027-01-01"} for _, m in default_process.process.milestones()
    }
    body = json.dumps({"deal": payload, "claimed_stage": "proposing", "milestones": milestones, "as_of": "2027-02-01"})
    reply = exchange(port, request("POST", "/api/assess", body.encode(), {"Content-Type": "application/json"}))
    assert reply.status == 200 and reply.headers["content-type"] == "application/json"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert json.loads(reply.body)["deal"] == payload


def test_a_deal_name_of_100000_characters_on_the_form(port: int) -> None:
    reply = post_form(port, [("deal", "N" * 100_000), ("claimed_stage", "discovery")])
    assert reply.status == 422 and "200 characters" in reply.text


def test_a_deal_name_of_100000_characters_in_the_api(port: int) -> None:
    body = json.dumps({"deal": "N" * 100_000, "claimed_stage": "discovery"}).encode()
    reply = exchange(port, request("POST", "/api/assess", body, {"Content-Type": "application/json"}))
    assert reply.status in (200, 400), reply.status
    if reply.status == 400:
        assert json.loads(reply.body)["errors"][0]["loc"] == "deal"


@pytest.mark.parametrize("target", ["/healthz", "/check", "/", "/api/"])
def test_a_host_label_over_63_characters_is_a_clean_400(port: int, target: str) -> None:
    raw = f"GET {target} HTTP/1.1\r\nHost: {'x' * 64}\r\nConnection: close\r\n\r\n".encode()
    reply = exchange(port, raw)
    _clean_error(reply, 400)
    assert b"the Host header is not a host name this server can read" in reply.body
