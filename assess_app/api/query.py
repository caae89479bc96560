"""The API's query parameters: each route names those it takes, and any other is refused, never ignored.

A typo (?asof= for ?as_of=) or a parameter the API does not have (?limit=, ?sort=) would
otherwise answer 200 as if it had been read. The check runs before every route of the API,
present and future; a route that needs a token first answers 401 to a caller without one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Response, current_app, request

from assess_app.errors import api_errors
from assess_app.signed_in import current_user
from sales_process.suggest import did_you_mean

F = TypeVar("F", bound=Callable[..., object])
_TAKES = "query_parameters"
_NEEDS_TOKEN = "needs_token"


def takes_query(*names: str) -> Callable[[F], F]:
    """Name the query parameters a route reads (a route without this takes none)."""

    def mark(view: F) -> F:
        setattr(view, _TAKES, names)
        return view

    return mark


def needs_token(view: F) -> F:
    """Mark a route that answers 401 without a token: a caller without one is told that first."""
    setattr(view, _NEEDS_TOKEN, True)
    return view


def taken_by(endpoint: str) -> tuple[str, ...]:
    """The query parameters the route behind `endpoint` reads."""
    names: tuple[str, ...] = getattr(current_app.view_functions[endpoint], _TAKES, ())
    return names


def _unknown(name: str, taken: tuple[str, ...]) -> dict[str, str]:
    accepted = f"this address takes {', '.join(taken)}" if taken else "this address takes no query parameters"
    return {
        "loc": name,
        "message": f"unknown query parameter '{name}'{did_you_mean(name, taken)} ({accepted}); leave it out",
    }


def refuse_unknown_query() -> tuple[Response, int] | None:
    """400 naming each query parameter the route does not read, with those it does."""
    if request.endpoint is None or request.endpoint not in current_app.view_functions or not request.args:
        return None  # no route here: the 404 or 405 says so
    view = current_app.view_functions[request.endpoint]
    if getattr(view, _NEEDS_TOKEN, False) and current_user() is None:
        return None  # the route's 401 comes first
    taken = taken_by(request.endpoint)
    unknown = [name for name in dict.fromkeys(request.args) if name not in taken]
    if not unknown:
        return None
    return api_errors(400, [_unknown(name, taken) for name in unknown])
