"""Optional dependencies: which extra of cvo-playbook installs what, and the message when one is missing.

SQLite and the Python audit engine need nothing more; PostgreSQL needs psycopg
(`cvo-playbook[postgres]`), the DuckDB audit engine needs duckdb (`cvo-playbook[duckdb]`).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.util import find_spec


@dataclass(frozen=True)
class Extra:
    """An optional feature: the module it imports and the extra that installs it."""

    module: str
    extra: str
    feature: str


POSTGRES = Extra("psycopg", "postgres", "a PostgreSQL database")
DUCKDB = Extra("duckdb", "duckdb", "the DuckDB audit engine")


class MissingExtra(Exception):
    """An optional feature was asked for and its package is not installed; the message says what to install."""


def installed(extra: Extra) -> bool:
    """Whether the extra's package can be imported here."""
    return find_spec(extra.module) is not None


def require(extra: Extra) -> None:
    """Raise MissingExtra, naming the pip command, unless the extra's package is installed."""
    if not installed(extra):
        raise MissingExtra(
            f"{extra.feature} needs the {extra.module} package, which is not installed; "
            f"install it with: pip install 'cvo-playbook[{extra.extra}]'"
        )
