"""Security headers on every response, and the Content-Security-Policy they carry."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, Response, current_app, g, request

from assess_app.paths import is_api_path

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
# The playbook and the form use none of the browser's powerful features: switch them all off.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
    )
)


_FIXED_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Permissions-Policy", PERMISSIONS_POLICY),
)
_FIXED_NAMES = frozenset(name.lower() for name, _ in _FIXED_HEADERS)


def add_security_headers(response: Response) -> Response:
    """Set the headers every response carries (a view may set its own policy first)."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", DEFAULT_POLICY)
    if any(name.lower() in _FIXED_NAMES for name, _ in headers.items()):
        for name, value in _FIXED_HEADERS:
            if name == "Referrer-Policy":
                headers.setdefault(name, value)  # the buyer's page sets no-referrer
            else:
                headers[name] = value
    else:
        headers.extend(
            _FIXED_HEADERS
        )  # appending is cheaper than replacing one by one, and nothing is there to replace
    return response


# Two years, as browsers' preload lists ask; only sent when the app is served over HTTPS (secure cookies on).
HSTS = "max-age=63072000"


def depends_on_who_asks() -> bool:
    """Whether the answer may differ per user or carry deal data: a page that looked up who is
    signed in (every page with the header does), or anything under /api/."""
    return "signed_in" in g or is_api_path(request.path)


def add_cache_and_transport_headers(response: Response) -> Response:
    """`Cache-Control: no-store` on answers that depend on who asks; HSTS when served over HTTPS only."""
    if depends_on_who_asks():
        response.headers["Cache-Control"] = "no-store"
        response.vary.add("Cookie")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_security(app: Flask) -> None:
    """Register the headers on the app."""
    app.after_request(add_security_headers)
    app.after_request(add_cache_and_transport_headers)


def no_store(response: Response) -> Response:
    """Keep a response out of every cache: it holds a deal's answers."""
    response.headers["Cache-Control"] = "no-store"
    return response
