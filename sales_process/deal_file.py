"""Read a deal from a JSON or YAML file, reporting problems at their lines."""

from __future__ import annotations

import json
import re
import shlex

from sales_process.deal import Deal, parse_deal
from sales_process.loader import decode_text
from sales_process.model import Process
from sales_process.problems import Diagnostic, InvalidFile, InvalidInput
from sales_process.rules import numbers_as_written
from sales_process.yaml_source import LocatedData, read_located_yaml, refuse_oversized

_NOT_JSON = object()


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return _NOT_JSON


def _json_syntax_error(text: str, filename: str) -> InvalidFile | None:
    """For a file meant as JSON, JSON's own message and position beat YAML's."""
    if not text.strip() or not (filename.lower().endswith(".json") or text.lstrip().startswith(("{", "["))):
        return None
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return InvalidFile([Diagnostic(filename, error.lineno, error.colno, "error", f"invalid JSON: {error.msg}")])
    except (ValueError, RecursionError):
        return None
    return None


def _read(text: str, filename: str) -> LocatedData:
    try:
        located = read_located_yaml(
            text, filename, empty_hint='; a deal is an object such as {"milestones": {}}', what="deal"
        )
    except InvalidFile as yaml_error:
        # Valid JSON that YAML cannot read (tabs used as indentation): take it, without positions.
        data = _json(text)
        if data is _NOT_JSON:
            raise _json_syntax_error(text, filename) or yaml_error from None
        return LocatedData(data)
    # YAML 1.1 reads JSON's 1.2e5 as text and "\ud83d\ude00" as two halves: read JSON as JSON, keep YAML's positions.
    data = _json(text) if located.data is not None else _NOT_JSON
    if data is not _NOT_JSON:
        located.data = data
    return located


# A table's first line: three or more headers between one delimiter (a CRM export), and no YAML key (`deal: A, B, C`).
_HEADERS = re.compile(r"^(?![{\[#-])(?!.*:(\s|$))[^,;\t]+(?P<delimiter>[,;\t])[^,;\t]+(?P=delimiter)[^,;\t]+")
_TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".xls")


def refuse_a_table(raw: bytes, filename: str) -> None:
    """A CRM export given as a deal file (a .csv name, or a first line of headers): say which command reads it.
    `raw` is the file, or its first kB."""
    if filename.lower().endswith(_TABLE_SUFFIXES):
        what = f"this is {'a spreadsheet' if filename.lower().endswith(('.xlsx', '.xls')) else 'a CSV export'}, a table of deals"
    else:
        first = next((line.strip() for line in raw[:4096].decode("utf-8", "replace").splitlines() if line.strip()), "")
        if not _HEADERS.match(first):
            return
        what = "this looks like a CSV export, a table of deals (its first line is a row of headers)"
    audit = f"playbook audit {shlex.quote(filename)}" if filename != "<stdin>" else "playbook audit FILE"
    raise InvalidFile(
        [
            Diagnostic(
                filename,
                1,
                1,
                "error",
                f"{what}; `playbook assess` reads one deal, as JSON or YAML "
                f"(see `playbook assess --help`); to audit an export, run `{audit}`",
            )
        ]
    )


def parse_deal_file(raw: bytes, filename: str, process: Process) -> Deal:
    """Parse and validate a deal file's bytes; raise InvalidFile with every problem."""
    refuse_a_table(raw, filename)
    refuse_oversized(len(raw), filename, "deal")
    located = _read(decode_text(raw, filename), filename)
    if located.data is None and located.errors:
        raise InvalidFile(located.errors)
    # 0250000 (octal: 86016) or 250.000 (250) taken as YAML reads it would assess another deal: refused as
    # process.yaml refuses such numbers, and what the deal's checks say of the number they became is left out.
    misread = numbers_as_written(located.number_text)
    problems = located.locate(misread, filename)
    located.unreadable.update(problem.loc for problem in misread)
    try:
        deal = parse_deal(located.data, process)
    except InvalidInput as invalid:
        problems += located.locate(invalid.problems, filename)
    if located.errors or problems:
        raise InvalidFile(sorted(located.errors + problems, key=lambda d: (d.line or 0, d.column or 0)))
    return deal
