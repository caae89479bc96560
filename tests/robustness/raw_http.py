"""Raw HTTP over a socket: requests no well-behaved client would send, read with http.client."""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import urllib.parse
from dataclasses import dataclass

TIMEOUT = 10
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class Reply:
    """A response: status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8", "replace")


def exchange(port: int, request: bytes) -> Reply:
    """Send the bytes as they are and read one response (by its length, not by the connection closing)."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as connection:
        # The server may answer and close before reading everything: then read that answer.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.sendall(request)
        response = http.client.HTTPResponse(connection)
        try:
            response.begin()
            body = response.read()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
        finally:
            response.close()


def request(method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    """An HTTP/1.1 request with exactly this target (no normalising, no encoding)."""
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", f"Content-Length: {len(body)}"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def form_session(port: int) -> tuple[str, str]:
    """GET /check as a browser: the session cookie to send back and the form's CSRF token."""
    reply = exchange(port, request("GET", "/check"))
    match = _TOKEN.search(reply.text)
    assert reply.status == 200 and match, reply.status
    cookie = reply.headers["set-cookie"].split(";", 1)[0]
    return cookie, match.group(1)


def post_form(port: int, fields: list[tuple[str, str]]) -> Reply:
    """POST the fields (repeats allowed) to /check with a valid session and token."""
    cookie, token = form_session(port)
    body = urllib.parse.urlencode([("csrf_token", token), *fields]).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    return exchange(port, request("POST", "/check", body, headers))
