"""Cells a spreadsheet would run as formulas, made inert in every CSV written, and restored on reading.

The OWASP rule for CSV injection: a cell that starts with =, +, -, @, a tab or a carriage return is
prefixed with a single quote, which spreadsheets show as text. Numbers (-5, +3.2) are left as they
are: they start with a sign but cannot run anything, and must stay numbers for the reader.

`restore_cell` is the exact inverse of `neutralise_cell`: a cell that already starts with quotes
before such a character gets one more, so reading what was written gives back what was typed,
byte for byte (`playbook deals export` then `playbook import` round-trips).

Every CSV the project writes (audit.csv, `playbook deals export` and the app's download of the
deals, the rejects of an import, the forecast) goes through `safe_writer`. Those written for people to open in
Excel (the deals' export, an import's rejects) start with UTF-8's byte order mark (`for_excel`): Excel on Windows,
opening a CSV by double-click, reads it as UTF-8 only then, and shows Zürich, not ZÃ¼rich. Every reader of the
project's CSVs takes the mark off (`pipeline_audit.pipeline_csv`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# Characters a spreadsheet may pass over before a formula (a byte order mark, zero-width spaces and joiners): a cell
# they start is made inert by what follows them, so "\ufeff=2+2" gets its quote as "=2+2" does.
INVISIBLE_LEADS = "\ufeff\u200b\u200c\u200d\u2060"
BOM = "\ufeff"  # UTF-8's byte order mark, written as the first character of a CSV for Excel
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)(?:[eE][+-]?\d+)?")
# The first characters of a cell neutralise_cell may change: every other cell is written as it is.
_MAY_RUN = frozenset((*FORMULA_STARTS, QUOTE, *INVISIBLE_LEADS))


def _runs_as_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text)


def _quoted(text: str) -> bool:
    """Whether neutralise_cell adds a quote to `text`: it would run, or it is quotes (and invisible leads) before
    what would."""
    stripped = text.lstrip(QUOTE + INVISIBLE_LEADS)
    return _runs_as_formula(stripped)


def neutralise_cell(text: str) -> str:
    """The cell as a spreadsheet shows it without running it: `=1+2` -> `'=1+2`; anything else unchanged."""
    if text[:1] not in _MAY_RUN:  # most cells, written once per cell of every CSV: no call, no regex
        return text
    return QUOTE + text if _quoted(text) else text


def restore_cell(text: str) -> str:
    """The cell as it was typed before neutralise_cell: `'=1+2` -> `=1+2`; anything else unchanged."""
    if text.startswith(QUOTE) and _quoted(text[1:]):
        return text[1:]
    return text


class SafeWriter:
    """A csv writer that quotes every cell a spreadsheet would run as a formula (the OWASP rule)."""

    def __init__(self, out: TextIO, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[object]) -> None:
        """Write one row, each text cell made inert."""
        self._writer.writerow([neutralise_cell(cell) if isinstance(cell, str) else cell for cell in row])


def safe_writer(out: TextIO, *, for_excel: bool = False, **options: Any) -> SafeWriter:
    """The writer for every CSV the project writes: audit.csv, the deals' export, an import's rejects, the forecast.

    `for_excel` first writes the byte order mark, for a file people open in Excel (`out` must be at its start).
    """
    if for_excel:
        out.write(BOM)
    return SafeWriter(out, **options)
