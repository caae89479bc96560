"""The client's address behind trusted proxies: the one form of the address X-Forwarded-For names, which the rate
limits count (sign-in failures, tokens that open nothing, the confirmation page) and the logs show.

ProxyFix believes the entry a trusted proxy added, whatever it holds. Unchecked, `020.0.0.1`, `::ffff:20.0.0.1`,
`20.0.0.1:1234` and `garbage<script>` were four addresses, each with a fresh count. Here an address is written one
way (an IPv4-mapped IPv6 address as IPv4; a port and an IPv6 zone left out), and a value that is no address at all
falls back to the address the proxy itself connected from, as if no proxy had forwarded anything: a client whose
proxy sends garbage shares that one count with every other such client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import request

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

# Where ProxyFix keeps the values it replaced (werkzeug.middleware.proxy_fix).
PROXY_FIX_ORIGINAL = "werkzeug.proxy_fix.orig"
UNKNOWN = "unknown"


def _without_port(text: str) -> str | None:
    """`[2001:db8::1]:443` and `192.0.2.1:1234` without the port; other text as it is; None for a bad port."""
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        port = rest.removeprefix(":")
        return host if bracket and (not rest or (rest.startswith(":") and port.isascii() and port.isdigit())) else None
    if text.count(":") == 1:
        host, _, port = text.partition(":")
        return host if port.isascii() and port.isdigit() else None
    return text


def canonical_address(text: str) -> str | None:
    """`text` as an IP address written the one way Python writes it, or None when it is not an address (leading
    zeros, `020.0.0.1`, are refused: read as octal by some, as decimal by others)."""
    host = _without_port(text.strip())
    if host is None:
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Address(int(address)))  # without a zone (%eth0)
    return str(address)


def client_address(environ: WSGIEnvironment) -> str:
    """The forwarded address in its one form, else the proxy's own (the peer before ProxyFix), else 'unknown'."""
    forwarded = canonical_address(str(environ.get("REMOTE_ADDR") or ""))
    if forwarded is not None:
        return forwarded
    peer = str(environ.get(PROXY_FIX_ORIGINAL, {}).get("REMOTE_ADDR") or "")
    return canonical_address(peer) or peer or UNKNOWN


class ClientAddress:
    """WSGI middleware inside ProxyFix: REMOTE_ADDR as client_address() reads it, for every view and log."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Rewrite REMOTE_ADDR, then answer."""
        environ["REMOTE_ADDR"] = client_address(environ)
        return self.app(environ, start_response)


def request_address() -> str:
    """The address this request's rate limits count (the client's, behind trusted proxies), or 'unknown'."""
    return request.remote_addr or UNKNOWN
