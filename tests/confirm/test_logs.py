"""Request logs never hold a confirmation token, a credential or an email: werkzeug's lines and gunicorn's access lines."""

from __future__ import annotations

import logging

import pytest
from flask import Flask

from assess_app.confirm.logs import redact
from sales_process.confirmation import new_token

TOKEN = new_token()[0]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f'"GET /confirm/{TOKEN} HTTP/1.1" 200 -', '"GET /confirm/… HTTP/1.1" 200 -'),
        (f'"POST /confirm/{TOKEN}?x=1 HTTP/1.1" 410', '"POST /confirm/…?x=1 HTTP/1.1" 410'),
        ('"GET /confirm/tampered.token HTTP/1.1" 404', '"GET /confirm/… HTTP/1.1" 404'),
        ('"GET /confirm-static/confirm.css HTTP/1.1" 200', '"GET /confirm-static/confirm.css HTTP/1.1" 200'),
        ('"GET /check HTTP/1.1" 200', '"GET /check HTTP/1.1" 200'),
        (
            f'"GET /api/deals?page=2&access_token={TOKEN} HTTP/1.1" 401',
            '"GET /api/deals?page=2&access_token=… HTTP/1.1" 401',
        ),
        (f'"GET /api/deals?Token={TOKEN}&page=2 HTTP/1.1" 401', '"GET /api/deals?Token=…&page=2 HTTP/1.1" 401'),
        ('"GET /deals?stage=qualifying&page=2 HTTP/1.1" 200', '"GET /deals?stage=qualifying&page=2 HTTP/1.1" 200'),
        ('"GET /api/?access%5Ftoken=SEKRET3 HTTP/1.1" 401', '"GET /api/?access%5Ftoken=… HTTP/1.1" 401'),
        ('"GET /api/?access%255Ftoken=SEKRET3 HTTP/1.1" 401', '"GET /api/?access%255Ftoken=… HTTP/1.1" 401'),
        ('"GET /api/?%61pi_key=SEKRET3&pass=S2 HTTP/1.1" 401', '"GET /api/?%61pi_key=…&pass=… HTTP/1.1" 401'),
        (
            '"GET /?session=S1&refresh_token=S2&client-secret=S3 HTTP/1.1"',
            '"GET /?session=…&refresh_token=…&client-secret=… HTTP/1.1"',
        ),
        (
            '"GET /api/deals?owner=bob@example.com&page=2 HTTP/1.1" 200',
            '"GET /api/deals?owner=…&page=2 HTTP/1.1" 200',
        ),
        ('"GET /api/deals?owner=bob%40example.com HTTP/1.1" 200', '"GET /api/deals?owner=… HTTP/1.1" 200'),
        ('"GET /api/deals?Owner=bob HTTP/1.1" 200', '"GET /api/deals?Owner=… HTTP/1.1" 200'),
        ('"GET /deals?q=ana%2540example.com&stage=x HTTP/1.1"', '"GET /deals?q=…&stage=x HTTP/1.1"'),
    ],
    # The token is random: named ids keep the test ids the same in every pytest-xdist worker.
    ids=[
        "token",
        "token-with-query",
        "tampered-token",
        "confirm-static",
        "other-path",
        "query-token",
        "query-Token",
        "query",
        "percent-encoded-name",
        "twice-encoded-name",
        "encoded-letter-and-pass",
        "session-and-endings",
        "owner-email",
        "owner-email-encoded",
        "owner-any-case",
        "email-in-another-parameter",
    ],
)
def test_redact(line: str, expected: str) -> None:
    assert redact(line) == expected


def test_gunicorns_access_line_is_redacted(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "gunicorn.access")
    # gunicorn logs its access format with a dict of "atoms" as the arguments.
    logging.getLogger("gunicorn.access").info(
        '%(h)s "%(r)s" %(s)s', {"h": "192.0.2.1", "r": f"GET /confirm/{TOKEN} HTTP/1.1", "s": "200"}
    )
    assert caplog.messages == ['192.0.2.1 "GET /confirm/… HTTP/1.1" 200']
    assert TOKEN not in caplog.text


def test_werkzeugs_request_line_is_redacted(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "werkzeug")
    logging.getLogger("werkzeug").info('%s - - "%s" %s -', "127.0.0.1", f"GET /confirm/{TOKEN} HTTP/1.1", "200")
    logging.getLogger("werkzeug").info(
        '%s - - "%s" %s -', "127.0.0.1", "GET /api/deals?owner=bob@example.com HTTP/1.1", "200"
    )
    assert caplog.messages == [
        '127.0.0.1 - - "GET /confirm/… HTTP/1.1" 200 -',
        '127.0.0.1 - - "GET /api/deals?owner=… HTTP/1.1" 200 -',
    ]
    assert "bob@example.com" not in caplog.text
