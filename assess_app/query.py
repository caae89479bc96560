"""Query parameters of the API and of the signed-in pages: each route names those it takes, and any other is
refused, never ignored; the API also refuses one of them given twice or blank.

A typo (?asof= for ?as_of=) or a parameter the route does not have (?limit=, ?sort=) would
otherwise answer 200 as if it had been read: the API answers 400 with its errors body, a page
the 400 error page, each naming the parameter, what it may have meant and what the address takes.
The check runs before every route of the API and of the deal and pipeline pages, present and
future; a caller not signed in is first told that (the API's 401, a page's sign-in).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Response, current_app, render_template, request

from assess_app.errors import api_errors
from assess_app.signed_in import current_user
from sales_process.suggest import did_you_mean
from sales_process.wording import quoted

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
        "message": f"unknown query parameter {quoted(name, 80)}{did_you_mean(name, taken)} ({accepted}); leave it out",
    }


def _unknown_query() -> list[dict[str, str]]:
    """Each query parameter the request's route does not read, as an error naming it and those the route does."""
    if request.endpoint is None or request.endpoint not in current_app.view_functions or not request.args:
        return []  # no route here: the 404 or 405 says so
    taken = taken_by(request.endpoint)
    return [_unknown(name, taken) for name in dict.fromkeys(request.args) if name not in taken]


def _misgiven_query() -> list[dict[str, str]]:
    """Each query parameter the request's route reads that is given more than once (which one was meant is unknown)
    or blank (a client's empty variable: no filter and no default is what it meant), as an error naming it."""
    if request.endpoint is None or request.endpoint not in current_app.view_functions or not request.args:
        return []
    taken = taken_by(request.endpoint)
    errors = []
    for name in dict.fromkeys(request.args):
        values = request.args.getlist(name)
        if name in taken and len(values) > 1:
            errors.append({"loc": name, "message": f"{name} is given {len(values)} times; give {name} once"})
        elif name in taken and not values[0].strip():
            errors.append({"loc": name, "message": f"{name} is blank; give its value, or leave {name} out"})
    return errors


def refuse_unknown_query() -> tuple[Response, int] | None:
    """400 naming each query parameter the route does not read, with those it does, and each it reads that is given
    more than once or blank: one rule for every parameter of the API."""
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and getattr(view, _NEEDS_TOKEN, False) and current_user() is None:
        return None  # the route's 401 comes first
    refused = [*_unknown_query(), *_misgiven_query()]
    return api_errors(400, refused) if refused else None


def refuse_unknown_page_query() -> tuple[str, int] | None:
    """The 400 page naming each query parameter the page does not read, with those it does; a visitor not signed in
    is sent to sign in first, by the page."""
    if current_user() is None:
        return None
    unknown = _unknown_query()
    if not unknown:
        return None
    message = " ".join(f"{error['message']}." for error in unknown)
    return render_template("error.html", code=400, title="Bad Request", message=message), 400
