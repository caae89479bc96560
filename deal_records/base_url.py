"""The app's public address (PLAYBOOK_BASE_URL): the start of every link the app and the digest put in an email.

A link built from the request's Host header would point wherever the request said: a
request with `Host: evil.example` made the app email a link to evil.example. With mail
set up the base URL is required; without it, the link shown to the rep (who sends the
email themselves) is built from the address the rep's own browser used.
"""

from __future__ import annotations

from urllib.parse import urlsplit

BASE_URL_ENV = "PLAYBOOK_BASE_URL"
_HELP = f"write it as the address people open the app at, e.g. {BASE_URL_ENV}=https://playbook.example.com"


class BaseUrlError(ValueError):
    """PLAYBOOK_BASE_URL cannot be used; the message says how to write it."""


def parse_base_url(text: str) -> str:
    """The base URL without a trailing slash; raise BaseUrlError for anything but http(s)://host[:port][/path]."""
    url = text.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (reading the port validates it)
    except ValueError:
        raise BaseUrlError(f"{BASE_URL_ENV} {url!r} has a bad host or port; {_HELP}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BaseUrlError(f"{BASE_URL_ENV} {url!r} must start with https:// (or http://) and name a host; {_HELP}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise BaseUrlError(f"{BASE_URL_ENV} {url!r} must not hold a user, a query or a fragment; {_HELP}")
    return url.rstrip("/")


def require_base_url(text: str, *, mail_configured: bool) -> str | None:
    """The checked base URL, or None when unset and not needed; BaseUrlError when mail is set up without one."""
    if not text.strip():
        if mail_configured:
            raise BaseUrlError(
                f"{BASE_URL_ENV} must be set when PLAYBOOK_SMTP_URL is: links in emails are built from it, "
                f"never from the request; {_HELP}"
            )
        return None
    return parse_base_url(text)
