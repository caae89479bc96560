"""Security headers on every response, and the Content-Security-Policy they carry."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, Response

# Nothing is loaded from elsewhere: no CDN, no inline script or style in our own pages.
_BASE_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def content_security_policy(script_hashes: Iterable[str] = (), *, inline_styles: bool = False) -> str:
    """The policy text; `script_hashes` allow exactly those inline scripts ('sha256-...')."""
    policy = dict(_BASE_POLICY)
    hashes = sorted(set(script_hashes))
    if hashes:
        policy["script-src"] = " ".join(["'self'", *hashes])
    if inline_styles:
        # The playbook's theme sets style attributes; styles cannot run code.
        policy["style-src"] = "'self' 'unsafe-inline'"
    return "; ".join(f"{directive} {value}" for directive, value in policy.items())


DEFAULT_POLICY = content_security_policy()


def add_security_headers(response: Response) -> Response:
    """Set the headers every response carries (a view may set its own policy first)."""
    response.headers.setdefault("Content-Security-Policy", DEFAULT_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Referrer-Policy", "same-origin")  # the buyer's page sets no-referrer
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    return response


def init_security(app: Flask) -> None:
    """Register the headers on the app."""
    app.after_request(add_security_headers)
