"""Open a pipeline CSV: UTF-8 with or without BOM, comma or semicolon detected from the header."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sales_process.loader import decode_text
from sales_process.problems import Diagnostic, InvalidFile

if TYPE_CHECKING:
    from _csv import Reader


def file_error(path: Path, message: str, line: int | None = None) -> InvalidFile:
    """An InvalidFile with one located error."""
    return InvalidFile([Diagnostic(str(path), line, None, "error", message)])


def detect_delimiter(header_line: str) -> str:
    """Semicolon when the header has more semicolons than commas, else comma."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


@contextmanager
def open_pipeline(path: Path) -> Iterator[TextIO]:
    """Open the file as text; raise InvalidFile when it cannot be read."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        reason = "no such file" if isinstance(error, FileNotFoundError) else f"cannot read the file: {error.strerror}"
        raise file_error(path, reason) from None
    with handle:
        yield handle


def read_header(handle: TextIO, path: Path) -> tuple[list[str], Reader]:
    """Detect the delimiter and read the header row; return the reader positioned after it."""
    first = handle.readline()
    if not first.strip():
        raise file_error(
            path,
            "the file is empty or starts with a blank line; the first row must be the header (deal, stage, amount, owner, milestones)",
            1,
        )
    handle.seek(0)
    reader = csv.reader(handle, delimiter=detect_delimiter(first), strict=True)
    try:
        header = next(reader)
    except csv.Error as error:
        raise file_error(path, f"the header row is not readable CSV ({error}); check its quotes", 1) from None
    return header, reader


def decoding_error(path: Path) -> InvalidFile:
    """Locate the first byte that is not UTF-8 (read again only in this error case)."""
    try:
        decode_text(path.read_bytes(), str(path))
    except InvalidFile as error:
        return InvalidFile([replace(d, message=d.message + EXPORT_AS_UTF8) for d in error.diagnostics])
    return file_error(path, "the file is not UTF-8 text; save it as UTF-8" + EXPORT_AS_UTF8)


# CRMs and spreadsheets often default to a Western encoding; name the setting that fixes it.
EXPORT_AS_UTF8 = " (in Salesforce's export, Encoding: Unicode (UTF-8); in Excel, CSV UTF-8)"
