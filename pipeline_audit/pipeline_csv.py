"""The pipeline CSV format read in one place: opening an export to read, and restoring the cells written inert.

Reading: a CSV file in UTF-8 (with or without BOM) or UTF-16 with a BOM, detected; another
encoding when told (--encoding, crm.encoding); comma, semicolon or tab detected from the header; or an
.xlsx workbook (its first visible sheet unless --sheet), read streaming, its dates and numbers taken from the
cells' types. A formatted report's title lines above the header (its name, filters, blank lines)
are skipped. Every export opens as an `Export`: its header and its rows as lists of text.

Writing is sales_process's: every CSV the project writes goes through `sales_process.spreadsheet.safe_writer`,
which makes cells a spreadsheet would run as formulas inert; every reader restores them (`restored`), so what
is exported imports back byte for byte. The standard column names are in `sales_process.pipeline_columns`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import decimal
import functools
import io
import itertools
import os
import re
import shlex
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol, TextIO

from sales_process.loader import decode_text
from sales_process.problems import Diagnostic, InvalidFile
from sales_process.spreadsheet import QUOTE, restore_cell
from sales_process.vocabulary import (
    CURRENCY_NAMES,
    CURRENCY_SYMBOLS,
    ONE_GROUP_DOT,
    SIGNS,
    currency_code,
    name_key,
)
from sales_process.wording import path_problem

if TYPE_CHECKING:
    from _csv import Reader

XLSX_SUFFIXES = (".xlsx", ".xlsm")
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # the old binary .xls
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# CRMs and spreadsheets often default to a Western encoding; name the setting that fixes it.
EXPORT_AS_UTF8 = " (in Salesforce's export, Encoding: Unicode (UTF-8); in Excel, CSV UTF-8)"


def with_note(problems: Sequence[str], note: str | None) -> list[str]:
    """A header's problems, the first followed by `note` (Export.sheet_note) when there is one."""
    noted = list(problems)
    if note is not None and noted:
        noted[0] = f"{noted[0]} {note}"
    return noted


def file_error(path: Path, message: str, line: int | None = None) -> InvalidFile:
    """An InvalidFile with one located error."""
    return InvalidFile([Diagnostic(str(path), line, None, "error", message)])


def detect_delimiter(header_line: str) -> str:
    """Tab when the header has one (Excel's "Unicode Text", a spreadsheet's copy), else the one of comma, semicolon
    (European Excel) and vertical bar (database and mainframe exports) the header has most of, comma on a tie."""
    if "\t" in header_line:
        return "\t"
    return max(",;|", key=header_line.count)


# The longest cell an export may hold, in characters: Python's csv reader is bound to it while an export is read
# (reading_exports), and DuckDB's read_csv to lines of as many bytes (a longer line: the Python engine reads the
# file), so that both engines read the same files. DuckDB's own default; Python's (131,072) refused a long
# pasted email thread that DuckDB read, and a cell of megabytes is a broken quote or a file that is no export.
LONGEST_CELL = 2_097_152
DEALS_HEADER = "deal, stage, amount, owner, milestones"  # what an export's first row names, for the empty file's error
MAX_TITLE_LINES = 20  # a report's name, filters and "as of" lines above its table: a handful


def title_lines(first_rows: Sequence[Sequence[str]]) -> int:
    """How many of the first rows are a report's title above its header, as a formatted report writes
    them ("Opportunity Pipeline", "Filtered By: …", blank lines): rows of at most one cell before the
    first row of two cells or more. 0 when there is no such row (a file of one column)."""
    for index, cells in enumerate(first_rows[: MAX_TITLE_LINES + 1]):
        if sum(1 for cell in cells if cell.strip()) >= 2:
            return index
    return 0


def _line_cells(line: str) -> list[str]:
    """The cells of one line of CSV text, read alone (for telling title lines from the header)."""
    try:
        return next(csv.reader([line], delimiter=detect_delimiter(line)), [])
    except csv.Error:
        return [line]


@contextmanager
def reading_exports() -> Iterator[None]:
    """Bind Python's csv reader to LONGEST_CELL while an export is read, and restore its bound after: the bound
    is the process's, and other code may count on its own."""
    before = csv.field_size_limit(LONGEST_CELL)
    try:
        yield
    finally:
        csv.field_size_limit(before)


class Rows(Protocol):
    """The rows after the header, as lists of text; `line_num` is the line (or sheet row) last read."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...

    def __next__(self) -> list[str]: ...


@dataclass
class Export:
    """An export opened for reading: its header, its rows, and how it was read."""

    path: Path
    header: list[str]
    rows: Rows
    encoding: str  # "xlsx" for a workbook
    delimiter: str  # "" for a workbook
    _position: IO[bytes] | None = None
    size: int = 0
    title_lines: int = 0  # a report's title lines above the header (see title_lines)
    other_sheets: tuple[str, ...] = ()  # a workbook's other sheets, when its first was read for want of --sheet
    hidden_before: tuple[str, ...] = ()  # the hidden sheets before the first visible one, read for want of --sheet

    @property
    def sheet_note(self) -> str | None:
        """Said with the header's problems when the first of several sheets was read by default: how to read another."""
        if not self.other_sheets:
            return None
        others = ", ".join(repr(name) for name in self.other_sheets)
        hidden = ", ".join(repr(name) for name in self.hidden_before)
        first = f"first visible sheet, after the hidden {hidden}" if hidden else "first sheet"
        return (
            f"(this is the workbook's {first}; its other sheets: {others}: "
            f"read one with --sheet NAME, e.g. --sheet {shlex.quote(self.other_sheets[0])})"
        )

    @property
    def header_line(self) -> int:
        """The line (or sheet row) the header is on."""
        return self.title_lines + 1

    @property
    def is_workbook(self) -> bool:
        """Whether the export is an .xlsx workbook."""
        return self.encoding == "xlsx"

    def progress(self) -> tuple[int, int]:
        """Bytes read so far and the file's size (for a progress bar; a workbook reports its end only)."""
        if self._position is None:
            return self.size, self.size
        return self._position.tell(), self.size


def unreadable_csv(path: Path, error: csv.Error, export: Export | None, line: int | None = None) -> InvalidFile:
    """The error of an export the csv reader stopped at (at `line`, else the line its rows were read to, else 1):
    a cell longer than LONGEST_CELL (located at the start of its row, in its column, when the `export` being read
    is given), or quotes that do not pair."""
    if line is None:
        line = export.rows.line_num if export is not None else 1
    if not str(error).startswith("field larger than field limit"):
        return file_error(path, f"not a readable CSV file ({error}); check the quotes near this line", line)
    where = _long_cell(export) if export is not None else None
    line, column = where or (line, None)
    cell = "a cell" if column is None else f"a cell in column {column!r}"
    return file_error(
        path,
        f"{cell} is longer than {LONGEST_CELL:,} characters, the most the audit reads; shorten or remove that cell, "
        "or, if a quote in this row was opened and never closed (which makes the lines after it one cell), close it",
        line,
    )


def _long_cell(export: Export) -> tuple[int, str | None] | None:
    """The line the row of a cell longer than LONGEST_CELL starts on, and that cell's column (None past the
    header's), the CSV read again from its start; None when it cannot be told."""
    with export.path.open(encoding=export.encoding, newline="") as text, reading_exports():
        reader = csv.reader(text, delimiter=export.delimiter, strict=True)
        before = 0  # the line the last whole row ended on
        try:
            for _ in reader:
                before = reader.line_num
        except csv.Error:
            pass
        text.seek(0)
        for _ in range(before):
            text.readline()
        index = _long_cell_index(text, export.delimiter)
    if index is None:
        return None
    return before + 1, export.header[index] if index < len(export.header) else None


_SCAN_CHUNK = 1 << 20


def _long_cell_index(text: TextIO, delimiter: str) -> int | None:
    """The index of the first cell longer than LONGEST_CELL in the row `text` is at the start of (counted as
    written, with its quotes); None when the row ends first."""
    special = re.compile(f'["\r\n{re.escape(delimiter)}]')
    index, length, quoted = 0, 0, False
    while chunk := text.read(_SCAN_CHUNK):
        at = 0
        for match in special.finditer(chunk):
            length += match.end() - at
            at = match.end()
            if length > LONGEST_CELL:
                return index
            if match.group() == '"':
                quoted = not quoted
            elif quoted:
                continue
            elif match.group() == delimiter:
                index, length = index + 1, 0
            else:
                return None  # the row ended
        length += len(chunk) - at
        if length > LONGEST_CELL:
            return index
    return None


def restored(cells: list[str]) -> list[str]:
    """The cells as typed before `safe_writer` quoted the ones a spreadsheet would run (the same list when none was)."""
    if QUOTE not in "".join(cells):  # most rows: one search in C instead of a call per cell
        return cells
    for cell in cells:
        if cell.startswith(QUOTE):
            return [restore_cell(cell) for cell in cells]
    return cells


def encoding_of(head: bytes, told: str | None) -> str:
    """The encoding to read a CSV with: its BOM's (UTF-8, UTF-16), else the one told, else UTF-8."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return told or "utf-8"


def is_plain_utf8_csv(path: Path, told: str | None) -> bool:
    """Whether the file is a CSV read as UTF-8 (what DuckDB's CSV reader reads itself)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError:
        return True  # the reader words the error
    if head.startswith((_ZIP, _OLE)) or path.suffix.lower() in XLSX_SUFFIXES:
        return False
    return codecs.lookup(encoding_of(head, told)).name in ("utf-8", "utf-8-sig")


@contextmanager
def open_export(
    path: Path,
    encoding: str | None = None,
    sheet: str | None = None,
    expected: str = DEALS_HEADER,
    decimal_comma: bool = False,
) -> Iterator[Export]:
    """Open a CSV file or an .xlsx workbook for reading; raise InvalidFile when it cannot be read.

    `encoding` reads a CSV without a BOM in that encoding (default UTF-8); `sheet` picks a workbook's sheet;
    `expected` says what the first row must name, for the error on an empty file; `decimal_comma` writes a
    workbook's number cells with a decimal comma (number_text), as the export's text is read.
    """
    try:
        handle = path.open("rb")
    except OSError as error:
        raise file_error(path, path_problem(error)) from None
    with handle, reading_exports():
        head = handle.read(4)
        handle.seek(0)
        if head.startswith(_OLE):
            raise file_error(
                path, "this is an old Excel .xls workbook; save it as .xlsx (Excel Workbook) or as CSV UTF-8"
            )
        if head.startswith(_ZIP) or path.suffix.lower() in XLSX_SUFFIXES:
            if sheet is None and not head.startswith(_ZIP):
                raise file_error(path, "the file is named .xlsx but is not a workbook; export it again")
            with _open_workbook(path, handle, sheet, decimal_comma) as export:
                yield export
            return
        if sheet is not None:
            raise file_error(path, f"--sheet {sheet!r} reads a sheet of an .xlsx workbook, and this is a CSV file")
        name = encoding_of(head, encoding)
        text = io.TextIOWrapper(handle, encoding=name, newline="")
        try:
            header, reader = read_header(text, path, name, expected)
        except UnicodeDecodeError:
            raise decoding_error(path, name) from None
        size = os.fstat(handle.fileno()).st_size
        yield Export(path, header, reader, name, reader.dialect.delimiter, handle, size, reader.line_num - 1)
        text.detach()


@contextmanager
def open_pipeline(path: Path) -> Iterator[TextIO]:
    """Open a UTF-8 CSV file as text (for DuckDB's engine, which reads only those); raise InvalidFile when it cannot."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise file_error(path, path_problem(error)) from None
    with handle, reading_exports():
        yield handle


def read_header(
    handle: TextIO, path: Path, encoding: str = "utf-8", expected: str = DEALS_HEADER
) -> tuple[list[str], Reader]:
    """Detect the delimiter and read the header row, after a report's title lines; return the reader
    positioned after it (its `line_num` is the header's line). `expected` says what the first row must name."""
    first_lines = [handle.readline() for _ in range(MAX_TITLE_LINES + 1)]
    if first_lines[0].startswith("\ufeff") and encoding == "utf-16":
        first_lines[0] = first_lines[0][1:]
    skip = title_lines([_line_cells(line) for line in first_lines if line])
    if not first_lines[skip].strip():
        raise file_error(
            path,
            f"the file is empty or starts with a blank line; the first row must be the header ({expected})",
            1,
        )
    handle.seek(0)
    reader = csv.reader(handle, delimiter=detect_delimiter(first_lines[skip]), strict=True)
    try:
        for _ in range(skip):
            next(reader)
        header = next(reader)
    except csv.Error as error:
        if str(error).startswith("field larger than field limit"):
            raise unreadable_csv(path, error, None, reader.line_num or 1) from None
        raise file_error(
            path, f"the header row is not readable CSV ({error}); check its quotes", reader.line_num or 1
        ) from None
    return header, reader


def decoding_error(path: Path, encoding: str = "utf-8") -> InvalidFile:
    """Say the file is not in `encoding` (locating the first bad byte for UTF-8) and name the option that reads it."""
    option = (
        " or pass --encoding NAME (crm.encoding in process.yaml), e.g. --encoding cp1251 or --encoding windows-1252"
    )
    if codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig"):
        return file_error(
            path,
            f"the file is not {encoding} text; pass the encoding it was saved in with --encoding NAME (crm.encoding)",
        )
    try:
        decode_text(path.read_bytes(), str(path))
    except InvalidFile as error:
        return InvalidFile([replace(d, message=d.message + EXPORT_AS_UTF8 + option) for d in error.diagnostics])
    return file_error(path, "the file is not UTF-8 text; save it as UTF-8" + EXPORT_AS_UTF8 + option)


@contextmanager
def export_into(
    source: Path, encoding: str | None, sheet: str | None, target: Path, decimal_comma: bool = False
) -> Iterator[tuple[Export, Path]]:
    """Open `source` as open_export does, to write `target` from it through a partial file (yielded beside the
    export): `target` is replaced only once all of `source` was read, and an export that turns out unreadable
    midway (bytes not in its encoding, a broken quote) is an InvalidFile at its line, with no partial file left."""
    partial = target.with_name(target.name + ".partial")
    told, opened = encoding or "utf-8", None
    try:
        with open_export(source, encoding, sheet, decimal_comma=decimal_comma) as export:
            told, opened = export.encoding, export
            yield export, partial
    except UnicodeDecodeError:
        partial.unlink(missing_ok=True)
        raise decoding_error(source, told) from None
    except csv.Error as error:
        partial.unlink(missing_ok=True)
        raise unreadable_csv(source, error, opened) from None
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(target)


# --- .xlsx workbooks --------------------------------------------------------------------------


def xlsx_cell(value: object, decimal_comma: bool = False) -> str:
    """A workbook cell as the text a CSV export would hold: dates ISO, numbers as number_text writes them (with a
    decimal comma when the export is read with one), booleans true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return number_text(value, decimal_comma)
    return str(value)


_ONE_GROUP = re.compile(ONE_GROUP_DOT)  # what the amount rule refuses as maybe thousands: 1.234 (or 1,234)


def number_text(number: float, decimal_comma: bool = False) -> str:
    """A workbook's number cell as text the amount rule reads as exactly that number, in the reading told (the
    decimal comma applies to text an export holds, and a number cell holds a number): no thousands separator,
    whole numbers without .0, never in exponent notation, and a number with three decimals after one to three
    digits (1.234) with a 0 after them, which the rule would otherwise refuse as maybe 1234."""
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    text = format(decimal.Decimal(repr(number)), "f")
    if _ONE_GROUP.match(text.removeprefix("-")):
        text += "0"
    return text.replace(".", ",") if decimal_comma else text


# Where an Excel number format writes a currency: in brackets with its locale ([$€-407], [$EUR], [$USD-409]), as
# quoted text ("$", "EUR "), escaped (\€) or as a sign written as it is ($#,##0).
_FORMAT_MARK = re.compile(rf'\[\$([^\]-]*)[^\]]*\]|"([^"]*)"|\\(.)|([{re.escape(SIGNS)}])')


@functools.cache
def format_currency(number_format: str | None) -> str | None:
    """The currency an Excel number format writes its numbers in, as an ISO code (the amount vocabulary decides what
    a sign stands for: $ is USD, € EUR); None when it writes none (General, 0.00, 0%, "pcs")."""
    for match in _FORMAT_MARK.finditer(number_format or ""):
        mark = next(group for group in match.groups() if group is not None).strip()
        # A code is written in capitals ([$EUR]): quoted text ("pcs", "Stk") is a unit, no currency.
        if mark in CURRENCY_SYMBOLS or name_key(mark) in CURRENCY_NAMES or _WRITTEN_CODE.fullmatch(mark):
            return currency_code(mark)
    return None


_WRITTEN_CODE = re.compile("[A-Z]{3}")


class SheetCell(Protocol):
    """What openpyxl's read-only cells (and its empty ones) give: the value and how the sheet formats it."""

    @property
    def value(self) -> object: ...


def sheet_cell(cell: SheetCell, decimal_comma: bool = False) -> str:
    """A workbook cell as text (xlsx_cell): a number formatted as money carries the format's currency, as a CSV
    export writes it (10600.50 shown as "10.600,50 €" is "10600.5 EUR", or "10600,5 EUR" read with a decimal comma),
    since the cell has none of its own."""
    value = cell.value
    text = xlsx_cell(value, decimal_comma)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        currency = format_currency(getattr(cell, "number_format", None))
        if currency is not None:
            return f"{text} {currency}"
    return text


class SheetRows:
    """A worksheet's rows after the header as text, `line_num` the sheet's row number (as a CSV's line)."""

    def __init__(
        self, rows: Iterator[Sequence[SheetCell]], width: int, header_line: int = 1, decimal_comma: bool = False
    ) -> None:
        self._rows = rows
        self._width = width
        self.line_num = header_line
        self._decimal_comma = decimal_comma

    def __iter__(self) -> Iterator[list[str]]:
        return self

    def __next__(self) -> list[str]:
        row = next(self._rows)
        self.line_num += 1
        cells = [sheet_cell(cell, self._decimal_comma) for cell in row]
        while len(cells) > self._width and not cells[-1]:
            cells.pop()  # a sheet's rows are as wide as its widest: trailing blanks are not cells
        return cells + [""] * (self._width - len(cells))


@contextmanager
def _open_workbook(path: Path, handle: IO[bytes], sheet: str | None, decimal_comma: bool) -> Iterator[Export]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
        raise file_error(
            path, f"not a readable .xlsx workbook ({error}); save it again as .xlsx or CSV UTF-8"
        ) from None
    try:
        names = workbook.sheetnames
        if sheet is not None and sheet not in names:
            raise file_error(path, f"the workbook has no sheet {sheet!r}; its sheets: {', '.join(names)}")
        # Without --sheet, the first sheet a user sees: Dynamics 365 writes a hidden 'hiddenDataSheet' first.
        sheets = workbook.worksheets
        first = next((index for index, each in enumerate(sheets) if each.sheet_state == "visible"), 0)
        worksheet = workbook[sheet] if sheet is not None else sheets[first]
        hidden = tuple(each.title for each in sheets[:first]) if sheet is None else ()
        rows = worksheet.iter_rows()  # the cells, not their values only: a number's format may name its currency
        first_cells = list(itertools.islice(rows, MAX_TITLE_LINES + 1))
        first_rows = [[sheet_cell(cell) for cell in row] for row in first_cells]
        skip = title_lines(first_rows)
        header = first_rows[skip] if first_rows else []
        while header and not header[-1].strip():
            header.pop()
        if not header:
            raise file_error(
                path,
                f"sheet {worksheet.title!r} is empty or starts with a blank row; the first row must be the header"
                + ("; pick another sheet with --sheet NAME" if len(names) > 1 else ""),
                1,
            )
        size = path.stat().st_size
        after = itertools.chain(first_cells[skip + 1 :], rows)
        others = tuple(name for name in names if name != worksheet.title) if sheet is None else ()
        yield Export(
            path,
            header,
            SheetRows(after, len(header), skip + 1, decimal_comma),
            "xlsx",
            "",
            None,
            size,
            skip,
            others,
            hidden,
        )
    finally:
        workbook.close()
