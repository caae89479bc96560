"""Read a deal from a JSON or YAML file, reporting problems at their lines."""

from __future__ import annotations

import json

from sales_process.deal import Deal, parse_deal
from sales_process.loader import decode_text
from sales_process.model import Process
from sales_process.problems import Diagnostic, InvalidFile, InvalidInput
from sales_process.yaml_source import LocatedData, read_located_yaml


def _read(text: str, filename: str) -> LocatedData:
    try:
        return read_located_yaml(text, filename, empty_hint="; a deal is an object such as {\"milestones\": {}}")
    except InvalidFile:
        # Valid JSON that YAML cannot read (tabs used as indentation): take it, without positions.
        try:
            return LocatedData(json.loads(text))
        except ValueError:
            pass
        raise


def parse_deal_file(raw: bytes, filename: str, process: Process) -> Deal:
    """Parse and validate a deal file's bytes; raise InvalidFile with every problem."""
    located = _read(decode_text(raw, filename), filename)
    if located.errors:
        raise InvalidFile(located.errors)
    try:
        return parse_deal(located.data, process)
    except InvalidInput as invalid:
        diagnostics = located.locate(invalid.problems, filename)
        raise InvalidFile(
            [d if d.line is not None else Diagnostic(d.file, None, None, d.severity, d.message) for d in diagnostics]
        ) from None
