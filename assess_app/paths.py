"""Which part of the app a request's path is for: the JSON API (by token) or the pages (by session)."""

from __future__ import annotations

API_PREFIX = "/api/"
# The pages behind sign-in: a form refused there while signed out says to sign in (errors._refused_form).
SIGNED_IN_PATHS = ("/deals", "/pipeline", "/logout")


def is_api_path(path: str) -> bool:
    """Whether a path is the JSON API's (answered in JSON, by token only) rather than a page's."""
    return path.startswith(API_PREFIX) or path == API_PREFIX.rstrip("/")
