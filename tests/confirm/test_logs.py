"""Request logs never hold a confirmation token, a credential or an email: werkzeug's lines and gunicorn's access lines."""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
from types import SimpleNamespace

import pytest
from flask import Flask
from gunicorn.config import Config
from gunicorn.glogging import Logger as GunicornLogger
from werkzeug.serving import make_server

from assess_app.confirm.logs import redact
from sales_process.confirmation import new_token
from tests.confirm.conftest import MemoryConfirmations

TOKEN = new_token()[0]
# Names clients give a credential that no list of secret names had: every value but a harmless parameter's is hidden.
CREDENTIAL_NAMES = (
    "bearer",
    "authorization",
    "jwt",
    "credentials",
    "code",
    "t",
    "access_token[]",
    "access_token%00",
    "pwd",
)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f'"GET /confirm/{TOKEN} HTTP/1.1" 200 -', '"GET /confirm/… HTTP/1.1" 200 -'),
        (f'"POST /confirm/{TOKEN}?x=1 HTTP/1.1" 410', '"POST /confirm/…?x=… HTTP/1.1" 410'),
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
        # Paths that open the confirmation page too: the token is found in the path as decoded.
        (f'"GET /confirm%2F{TOKEN} HTTP/1.1" 200', '"GET /confirm/… HTTP/1.1" 200'),
        (f'"GET /confirm%2f{TOKEN} HTTP/1.1" 200', '"GET /confirm/… HTTP/1.1" 200'),
        (f'"GET /confirm%252F{TOKEN} HTTP/1.1" 404', '"GET /confirm/… HTTP/1.1" 404'),
        (f'"GET /confirm/./{TOKEN} HTTP/1.1" 200', '"GET /confirm/… HTTP/1.1" 200'),
        (f'"GET /confirm//{TOKEN} HTTP/1.1" 200', '"GET /confirm/… HTTP/1.1" 200'),
        (f'"GET /Confirm%5C{TOKEN} HTTP/1.1" 404', '"GET /Confirm/… HTTP/1.1" 404'),
        (f'"GET http://evil.example/confirm/{TOKEN} HTTP/1.1" 200', '"GET http://evil.example/confirm/… HTTP/1.1" 200'),
        (f'"GET /x%0a%22/confirm/{TOKEN} HTTP/1.1" 404', '"GET /x%0A%22/confirm/… HTTP/1.1" 404'),
        ('"GET /confirm/ HTTP/1.1" 200', '"GET /confirm/ HTTP/1.1" 200'),
        ('"GET /api/deals%3Faccess_token=S1 HTTP/1.1" 404', '"GET /api/deals?… HTTP/1.1" 404'),
        # Credentials under any name: every value but the app's own harmless parameters' is hidden.
        *(
            (f'"GET /api/deals?{name}=S1&page=2 HTTP/1.1" 401', f'"GET /api/deals?{name}=…&page=2 HTTP/1.1" 401')
            for name in CREDENTIAL_NAMES
        ),
        ('"GET /api/deals?S1 HTTP/1.1" 401', '"GET /api/deals?… HTTP/1.1" 401'),
        ('"GET /api/deals?ana%40example.com=1 HTTP/1.1" 401', '"GET /api/deals?… HTTP/1.1" 401'),
        (
            '"GET /api/deals?page=2&per_page=50&stage=Closed+Won&closed=true&as_of=2027-01-01 HTTP/1.1" 200',
            '"GET /api/deals?page=2&per_page=50&stage=Closed+Won&closed=true&as_of=2027-01-01 HTTP/1.1" 200',
        ),
        ('"GET /pipeline?as_of=ana@example.com HTTP/1.1" 400', '"GET /pipeline?as_of=… HTTP/1.1" 400'),
        ('"GET /login?next=/confirm/S1 HTTP/1.1" 200', '"GET /login?next=… HTTP/1.1" 200'),
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
        "encoded-slash",
        "encoded-slash-lower-case",
        "encoded-slash-twice",
        "dot-segment",
        "double-slash",
        "backslash-any-case",
        "absolute-request-line",
        "encoded-line-break-stays-encoded",
        "confirm-without-token",
        "encoded-question-mark",
        *CREDENTIAL_NAMES,
        "name-alone",
        "email-as-name",
        "harmless-parameters",
        "email-in-a-harmless-parameter",
        "next",
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


def test_a_served_confirmation_page_logs_no_token_however_its_path_is_written(
    app: Flask, confirmations: MemoryConfirmations, caplog: pytest.LogCaptureFixture
) -> None:
    """Through werkzeug's own server and request handler, as `flask run` and `playbook serve` log."""
    token = confirmations.add()
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    caplog.set_level(logging.INFO, "werkzeug")
    try:
        for target in (f"/confirm%2F{token}", f"/confirm/./{token}", f"/confirm/{token}?jwt={token}"):
            with socket.create_connection(("127.0.0.1", server.port)) as connection:
                connection.sendall(f"GET {target} HTTP/1.0\r\nHost: localhost\r\n\r\n".encode())
                status_line = connection.makefile("rb").readline().decode()
            # An encoded slash still opens the page (the server decodes the path before the app routes it).
            assert status_line.split()[1] == ("404" if "/./" in target else "200"), status_line
    finally:
        server.shutdown()
        thread.join()
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert len(lines) == 3 and all("GET /confirm/… HTTP/1.0" in line for line in lines[:2]), lines
    assert "GET /confirm/…?jwt=… HTTP/1.0" in lines[2]
    assert token not in caplog.text


def test_gunicorns_own_access_line_holds_no_token_nor_credential(
    app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    """gunicorn's logger, with its default format (the request line as sent, the Referer and the user agent), to the
    standard output as `--access-logfile -` writes it."""
    config = Config()
    config.set("accesslog", "-")
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/confirm%2F{TOKEN}?bearer=S1&page=2",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_REFERER": f"https://playbook.example.com/confirm/{TOKEN}",
        "HTTP_USER_AGENT": "curl/8.5.0",
    }
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    GunicornLogger(config).access(response, SimpleNamespace(headers=[]), environ, dt.timedelta(milliseconds=3))
    logged = capsys.readouterr().out
    assert '"GET /confirm/…?bearer=…&page=2 HTTP/1.1" 200 512 "https://playbook.example.com/confirm/…"' in logged
    assert TOKEN not in logged and "S1" not in logged
