"""The host the app answers for: with PLAYBOOK_BASE_URL set, only its host; and redirects that name no host at all.

A request names its host (the Host header, or an absolute request line `GET http://evil.example/confirm`), and
Werkzeug built the absolute Location of its own redirects (`/confirm` to `/confirm/`, `/api` to `/api/`) from it:
`Location: http://evil.example/confirm/`, which a cache in front could keep and hand to others. Every redirect of
the app is relative now, whatever the setting. With the base URL set, a request for any other host is refused (400)
before it is routed, except the health addresses, which load balancers and Kubernetes probe by the server's address.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from assess_app.asking import BASE_URL_KEY
from assess_app.errors import host_refused
from deal_records.base_url import BASE_URL_ENV

HEALTH_PATHS = ("/healthz", "/readyz")


def host_name(netloc: str) -> str | None:
    """The host name of `host[:port]` (an IPv6 address without its brackets), in lower case without a final dot."""
    try:
        name = urlsplit(f"//{netloc}").hostname
    except ValueError:
        return None
    return name.rstrip(".") if name else None


def refuse_other_hosts() -> Response | None:
    """400 for a request naming a host other than PLAYBOOK_BASE_URL's (when it is set); health checks pass."""
    base: str | None = current_app.extensions.get(BASE_URL_KEY)
    if not base or request.path in HEALTH_PATHS:
        return None
    try:
        given = request.host
    except HTTPException:
        return None  # an unreadable Host header: errors.handle_http_error words it
    expected = host_name(urlsplit(base).netloc)
    if host_name(given) == expected:
        return None
    message = (
        f"Bad Request: this server answers for {expected} only ({BASE_URL_ENV} is {base}), and this request named "
        f"the host {given!r}; open {base}{request.path}, or, if {expected} is not the address people use, correct "
        f"{BASE_URL_ENV}."
    )
    response, status = host_refused(message)
    response.status_code = status
    return response


def relative_location(response: Response) -> Response:
    """A redirect to this app names no host: Werkzeug's own (a missing final slash) named the request's."""
    location = response.headers.get("Location")
    if not location or "//" not in location:
        return response
    parts = urlsplit(location)
    try:
        own = parts.netloc == request.host
    except HTTPException:
        own = False
    if own and parts.scheme in ("http", "https"):
        response.headers["Location"] = parts._replace(scheme="", netloc="").geturl() or "/"
    return response


def init_hosts(app: Flask) -> None:
    """Check the host before every request (after init_outbox, which reads the base URL); strip it from redirects."""
    app.before_request(refuse_other_hosts)
    app.after_request(relative_location)
