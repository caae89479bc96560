"""CRM ids on more than one row of an export.

Each row of an export counts as a deal. A report that joins the deals with their products (or
contacts, or line items) repeats a deal on as many rows, so that deal counts more than once in
every total. The audit never drops a row to fix that: it says which ids repeat, on which lines,
and how to export one row per deal. Both engines find the same ids: the Python engine row by row
(RepeatedIds), the DuckDB engine by a GROUP BY over its table of the file's rows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sales_process.vocabulary import plural, shown

LISTED_IDS = 3  # the ids named in the warning, in file order
LISTED_LINES = 3  # the lines named per id
# A long number as a spreadsheet shows it when the column is "General": 1.23457E+11 (its other digits are lost).
_SCIENTIFIC = re.compile(r"[0-9](?:[.,][0-9]+)?E\+[0-9]+", re.IGNORECASE)


@dataclass(frozen=True)
class Repeated:
    """A CRM id on more than one row: how many, and its first lines."""

    crm_id: str
    rows: int
    lines: tuple[int, ...]  # the first LISTED_LINES lines it is on


@dataclass
class RepeatedIds:
    """The CRM ids seen so far, row by row (the Python engine)."""

    _first: dict[str, int] = field(default_factory=dict)  # id -> the line it is first on
    _lines: dict[str, list[int]] = field(default_factory=dict)  # a repeated id -> its first lines
    _rows: dict[str, int] = field(default_factory=dict)  # a repeated id -> its rows

    def add(self, crm_id: str, line: int) -> bool:
        """Count a row's CRM id (a blank one names no deal); whether an earlier row has it."""
        if not crm_id:
            return False
        first = self._first.setdefault(crm_id, line)
        if first == line:
            return False
        lines = self._lines.setdefault(crm_id, [first])
        if len(lines) < LISTED_LINES:
            lines.append(line)
        self._rows[crm_id] = self._rows.get(crm_id, 1) + 1
        return True

    def warning(self, first_rows_only: bool = False) -> str:
        """The warning for the ids found more than once ("" when none); `first_rows_only`: the reader kept each
        id's first row and left out the others (a backtest), rather than counting every row (the audit)."""
        repeated = sorted(self._lines, key=self._first.__getitem__)
        listed = [Repeated(crm_id, self._rows[crm_id], tuple(self._lines[crm_id])) for crm_id in repeated[:LISTED_IDS]]
        return repeated_ids_warning(listed, len(repeated), sum(self._rows.values()) - len(repeated), first_rows_only)


def repeated_ids_warning(listed: Sequence[Repeated], ids: int, extra_rows: int, first_rows_only: bool = False) -> str:
    """The warning for `ids` CRM ids on more than one row, `extra_rows` rows beyond each one's first, the first
    of them `listed` in file order ("" when there are none); `first_rows_only` as RepeatedIds.warning's."""
    if not ids:
        return ""
    named = "; ".join(
        f"{shown(found.crm_id)} on lines {_lines(found.lines)}" + (" …" if found.rows > len(found.lines) else "")
        for found in listed
    )
    more = f" and {plural(ids - len(listed), 'more id')}" if ids > len(listed) else ""
    counted = (
        f"each such deal is read once, from its first row ({plural(extra_rows, 'later row')} left out)"
        if first_rows_only
        else f"{plural(extra_rows, 'row')} count{'s' if extra_rows == 1 else ''} a deal again in every total"
    )
    said = f"{plural(ids, 'CRM id')} {'is' if ids == 1 else 'are'} on more than one row ({named}{more}), so {counted}; "
    if any(_SCIENTIFIC.fullmatch(found.crm_id) for found in listed):
        return said + (
            "the ids are numbers in a spreadsheet's scientific notation (1.23457E+11): the file was opened and "
            "saved in a spreadsheet, which dropped the ids' last digits; export it again from the CRM and audit "
            "it as it comes"
        )
    return said + (
        "a report that joins deals with their products or contacts repeats a deal on each line: export one row per deal"
    )


def _lines(lines: Sequence[int]) -> str:
    return ", ".join(map(str, lines[:-1])) + f" and {lines[-1]}" if len(lines) > 1 else str(lines[0])
