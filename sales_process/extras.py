"""Optional dependencies: which extra of cvo-playbook installs what, and the message when one is missing.

SQLite and the Python audit engine need nothing more; PostgreSQL needs psycopg
(the `postgres` extra), the DuckDB audit engine needs duckdb (the `duckdb` extra).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, requires
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


def requirement(extra: Extra) -> str:
    """What pip installs for the extra, as the installed package's metadata declares it ("psycopg[binary]>=3.2").

    cvo-playbook is installed from a wheel or a checkout, not from PyPI, so `pip install 'cvo-playbook[postgres]'`
    would find nothing (or someone else's package): the message names the extra's own requirements instead."""
    try:
        declared = requires("cvo-playbook") or []
    except PackageNotFoundError:  # run from a checkout that was never installed
        declared = []
    marker = f'extra == "{extra.extra}"'
    wanted = [line.split(";", 1)[0].strip() for line in declared if line.replace("'", '"').endswith(marker)]
    return " ".join(f"'{line}'" for line in wanted) or extra.module


def install_hint(extra: Extra) -> str:
    """The pip command installing the extra into the environment cvo-playbook runs from."""
    return f"pip install {requirement(extra)} (cvo-playbook's [{extra.extra}] extra)"


def require(extra: Extra) -> None:
    """Raise MissingExtra, naming the pip command, unless the extra's package is installed."""
    if not installed(extra):
        raise MissingExtra(
            f"{extra.feature} needs the {extra.module} package, which is not installed; "
            f"install it with: {install_hint(extra)}"
        )
