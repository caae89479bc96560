"""CRM ids on more than one row of an export, and the deal names of rows without one.

Each row of an export counts as a deal. A report that joins the deals with their products (or
contacts, or line items) repeats a deal on as many rows, so that deal counts more than once in
every total. A row is its CRM id's deal; a row without one (an export without the id column) is
its deal name's, as the backtest's history names it, compared as name_key compares names (as `playbook
import` matches a row without an id to a saved deal: "Acme" and "ACME " are one deal). The audit never drops a row to fix that: it
says which ids and names repeat, on which lines, and how to export one row per deal. Both engines
find the same ones: the Python engine row by row (RepeatedIds), the DuckDB engine by a GROUP BY
over its table of the file's rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sales_process.vocabulary import name_key, plural, shown

if TYPE_CHECKING:
    from pipeline_audit.rows import RowText

LISTED_IDS = 3  # the ids (or names) named in the warning, in file order
LISTED_LINES = 3  # the lines named per id
# A long number as a spreadsheet shows it when the column is "General": 1.23457E+11 (its other digits are lost).
_SCIENTIFIC = re.compile(r"[0-9](?:[.,][0-9]+)?E\+[0-9]+", re.IGNORECASE)
_JOINED_REPORT = "a report that joins deals with their products or contacts repeats a deal on each line"


@dataclass(frozen=True)
class Repeated:
    """A CRM id (or the deal name of rows without one) on more than one row: how many, and its first lines."""

    key: str
    rows: int
    lines: tuple[int, ...]  # the first LISTED_LINES lines it is on


@dataclass(frozen=True)
class Found:
    """The repeated ids (or names) of a file: the first LISTED_IDS of them in file order, how many there are, and
    their rows beyond each one's first."""

    listed: Sequence[Repeated] = ()
    keys: int = 0
    extra_rows: int = 0


@dataclass
class _Seen:
    """The keys of one kind (CRM ids, or names) seen so far, row by row."""

    _first: dict[str, int] = field(default_factory=dict)  # key -> the line it is first on
    _spelt: dict[str, str] = field(default_factory=dict)  # key -> as its first row writes it, where that differs
    _lines: dict[str, list[int]] = field(default_factory=dict)  # a repeated key -> its first lines
    _rows: dict[str, int] = field(default_factory=dict)  # a repeated key -> its rows

    def add(self, key: str, line: int, spelt: str = "") -> bool:
        """Count a row's key (`spelt`: as the row writes it, when not the key itself); whether an earlier row has it."""
        first = self._first.setdefault(key, line)
        if first == line:
            if spelt and spelt != key:
                self._spelt[key] = spelt
            return False
        lines = self._lines.setdefault(key, [first])
        if len(lines) < LISTED_LINES:
            lines.append(line)
        self._rows[key] = self._rows.get(key, 1) + 1
        return True

    def found(self) -> Found:
        """The keys on more than one row, as the warning names them."""
        repeated = sorted(self._lines, key=self._first.__getitem__)
        listed = [
            Repeated(self._spelt.get(key, key), self._rows[key], tuple(self._lines[key]))
            for key in repeated[:LISTED_IDS]
        ]
        return Found(listed, len(repeated), sum(self._rows.values()) - len(repeated))


@dataclass
class RepeatedIds:
    """The deals seen so far, row by row (the Python engine, the backtest): by CRM id, else by deal name."""

    _ids: _Seen = field(default_factory=_Seen)
    _names: _Seen = field(default_factory=_Seen)  # of the rows without a CRM id

    def add(self, text: RowText, line: int) -> bool:
        """Count a row's deal: its CRM id, else its name (a row with neither names no deal); whether an earlier row
        is that deal. A name is compared with those of the other rows without an id only: rows with two ids are two
        deals, whatever their names. Names are compared as name_key compares them, as `playbook import` matches a
        row without an id to a saved deal: "Acme" and "ACME " are one deal, said as the first row writes it."""
        if text.crm_id:
            return self._ids.add(text.crm_id, line)
        return _add_name(self._names, text.name, line)

    def warning(self, first_rows_only: bool = False) -> str:
        """The warning for the deals found more than once ("" when none); `first_rows_only`: the reader kept each
        deal's first row and left out the others (a backtest), rather than counting every row (the audit)."""
        return repeated_ids_warning(self._ids.found(), self._names.found(), first_rows_only)


def _add_name(seen: _Seen, name: str, line: int) -> bool:
    """Count the deal name of a row without a CRM id, keyed by name_key; whether an earlier such row has it."""
    key = name_key(name)
    return bool(key) and seen.add(key, line, name)


def repeated_names(rows: Iterable[tuple[int, str]]) -> Found:
    """The deal names on more than one of `rows` (line, name: the rows without a CRM id, in file order), keyed as
    RepeatedIds keys them: the DuckDB engine's, whose SQL has no function to fold case and Unicode form as name_key."""
    seen = _Seen()
    for line, name in rows:
        _add_name(seen, name, line)
    return seen.found()


def repeated_ids_warning(ids: Found, names: Found, first_rows_only: bool = False) -> str:
    """The warning for the CRM ids and the deal names of rows without one found on more than one row ("" when there
    are none); `first_rows_only` as RepeatedIds.warning's."""
    said = []
    if ids.keys:
        said.append(_said(ids, plural(ids.keys, "CRM id"), "id", first_rows_only) + _ids_fix(ids.listed))
    if names.keys:
        kind = f"{plural(names.keys, 'deal name')} of rows without a CRM id"
        said.append(
            _said(names, kind, "name", first_rows_only)
            + f"{_JOINED_REPORT}: export one row per deal, with the CRM's id column, which tells apart deals of one name"
        )
    return "; ".join(said)


def _said(found: Found, kind: str, noun: str, first_rows_only: bool) -> str:
    """What is on more than one row, where, and what the reader did with those rows."""
    named = "; ".join(
        f"{shown(repeated.key)} on lines {_lines(repeated.lines)}"
        + (" …" if repeated.rows > len(repeated.lines) else "")
        for repeated in found.listed
    )
    more = f" and {plural(found.keys - len(found.listed), f'more {noun}')}" if found.keys > len(found.listed) else ""
    extra = found.extra_rows
    counted = (
        f"each such deal is read once, from its first row ({plural(extra, 'later row')} left out)"
        if first_rows_only
        else f"{plural(extra, 'row')} count{'s' if extra == 1 else ''} a deal again in every total"
    )
    return f"{kind} {'is' if found.keys == 1 else 'are'} on more than one row ({named}{more}), so {counted}; "


def _ids_fix(listed: Sequence[Repeated]) -> str:
    """How to export the ids once each: a spreadsheet cut them short, or a report joined them with other rows."""
    if any(_SCIENTIFIC.fullmatch(repeated.key) for repeated in listed):
        return (
            "the ids are numbers in a spreadsheet's scientific notation (1.23457E+11): the file was opened and "
            "saved in a spreadsheet, which dropped the ids' last digits; export it again from the CRM and audit "
            "it as it comes"
        )
    return f"{_JOINED_REPORT}: export one row per deal"


def _lines(lines: Sequence[int]) -> str:
    return ", ".join(map(str, lines[:-1])) + f" and {lines[-1]}" if len(lines) > 1 else str(lines[0])
