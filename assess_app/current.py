"""The process the current request is served from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app, request

from assess_app.store import ProcessStore
from sales_process.confirmation import ConfirmationStore
from sales_process.loader import LoadedProcess
from sales_process.model import DEFAULT_LANGUAGE

if TYPE_CHECKING:  # the confirm package imports this module
    from assess_app.confirm.limits import RateLimiter

STORE_KEY = "playbook_store"


def current_store() -> ProcessStore:
    """The store of the app handling this request."""
    store: ProcessStore = current_app.extensions[STORE_KEY]
    return store


def current_process() -> LoadedProcess:
    """The process being served now (one read per request keeps a request consistent)."""
    return current_store().current


# The blueprints whose pages show the process's own text (questions, stages, buyer statements): those pages are in
# the process's language; the others (signing in, errors) hold only the app's words, which are English.
PROCESS_TEXT_BLUEPRINTS = frozenset({"check", "deals", "pipeline", "confirm"})


def page_language() -> str:
    """The `lang` of this request's page: the process's `language` on a page that shows its text, else English."""
    if request.blueprint in PROCESS_TEXT_BLUEPRINTS:
        return current_process().process.language
    return DEFAULT_LANGUAGE


CONFIRMATIONS_KEY = "playbook_confirmations"
CONFIRM_LIMITER_KEY = "playbook_confirm_limiter"


def current_confirmations() -> ConfirmationStore | None:
    """Where buyer confirmation requests are stored (None: no link is known)."""
    confirmations: ConfirmationStore | None = current_app.extensions.get(CONFIRMATIONS_KEY)
    return confirmations


def confirm_limiter() -> RateLimiter:
    """The rate limit on /confirm/ per client address."""
    limiter: RateLimiter = current_app.extensions[CONFIRM_LIMITER_KEY]
    return limiter
