"""A real SMTP server (aiosmtpd) on 127.0.0.1, port 0, in a thread: what it receives is read back."""

from __future__ import annotations

import asyncio
import email
import email.policy
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


@dataclass(frozen=True)
class Received:
    """One message as the server got it: the envelope and the parsed message."""

    sender: str
    recipients: list[str]
    message: EmailMessage
    login: str | None


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        login = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), message, login))
        return "250 OK"


class MailServer:
    """An SMTP server with optional STARTTLS (required or offered) and optional AUTH."""

    def __init__(
        self, *, tls: ssl.SSLContext | None = None, require_starttls: bool = False, logins: dict[str, str] | None = None
    ) -> None:
        self.handler = _Handler()
        self._tls = tls
        self._require_starttls = require_starttls
        self._logins = logins
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self.port = 0

    @property
    def received(self) -> list[Received]:
        """Every message delivered so far."""
        return self.handler.received

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and self._logins is not None
            and self._logins.get(data.login.decode()) == data.password.decode()
        )
        return AuthResult(success=ok, handled=False, auth_data=data)

    def _protocol(self) -> SMTP:
        options: dict[str, Any] = {
            "hostname": "mail.test",
            "tls_context": self._tls,
            "require_starttls": self._require_starttls,
        }
        if self._logins is not None:
            # Plain AUTH is allowed only so that a loopback server without TLS can be tested.
            options |= {"authenticator": self._authenticate, "auth_require_tls": self._tls is not None}
        return SMTP(self.handler, loop=self._loop, **options)

    def start(self) -> MailServer:
        """Listen on 127.0.0.1 at a free port and serve in the background."""
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._loop.create_server(self._protocol, "127.0.0.1", 0), self._loop)
        self._server = future.result(timeout=10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        """Close the server, finish every session still running (so none is torn down with the loop), and the loop."""
        asyncio.run_coroutine_threadsafe(self._shut_down(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _shut_down(self) -> None:
        if self._server is not None:
            self._server.close()
        # A session whose client has just said QUIT may still be running: a task destroyed with the
        # loop would raise in the next test's garbage collection instead of here.
        sessions = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in sessions:
            task.cancel()
        await asyncio.gather(*sessions, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
        await self._loop.shutdown_asyncgens()


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key, made with the openssl command."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key
