"""The process the current request is served from."""

from __future__ import annotations

from flask import current_app

from assess_app.store import ProcessStore
from sales_process.loader import LoadedProcess

STORE_KEY = "playbook_store"


def current_store() -> ProcessStore:
    """The store of the app handling this request."""
    store: ProcessStore = current_app.extensions[STORE_KEY]
    return store


def current_process() -> LoadedProcess:
    """The process being served now (one read per request keeps a request consistent)."""
    return current_store().current
