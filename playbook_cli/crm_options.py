"""The options that say how to read a CRM export, shared by `playbook audit` and `playbook import`."""

from __future__ import annotations

import argparse
import codecs

from pipeline_audit.columns import check_ignored
from playbook_cli.common import EXIT_USAGE, UserError
from sales_process.crm import AUDIT_FIELDS, CrmMapping, Target, parse_target, resolve_mapping, split_assignment
from sales_process.loader import LoadedProcess
from sales_process.vocabulary import DateOrder, name_key, stage_name_taken


def add_mapping_options(parser: argparse.ArgumentParser) -> None:
    """Add --column, --stage-name, --ignore-column, --pipeline, --decimal-comma and --day-first/--month-first."""
    parser.add_argument(
        "--column",
        metavar="'CRM NAME=FIELD'",
        action="append",
        default=[],
        help=f"read a CRM column as an audit field ({', '.join(AUDIT_FIELDS)}) "
        "or a milestone (<id>, <id>.evidence, <id>.date); overrides crm: in process.yaml (repeatable)",
    )
    parser.add_argument(
        "--stage-name",
        metavar="'CRM STAGE=STAGE'",
        action="append",
        default=[],
        help="read a CRM stage name as a stage (id or name); overrides crm.stage_names (repeatable)",
    )
    parser.add_argument(
        "--ignore-column",
        metavar="NAME",
        action="append",
        default=[],
        help="a CRM column to leave out of the audit (repeatable)",
    )
    parser.add_argument(
        "--pipeline",
        dest="pipelines",
        metavar="NAME",
        type=_pipeline,
        action="append",
        default=[],
        help="read only the deals of this CRM pipeline, as the export's Pipeline column names it (repeatable); "
        "the others are left out and counted apart; overrides crm.pipelines",
    )
    parser.add_argument(
        "--decimal-comma",
        action="store_true",
        default=None,
        help="amounts are written with a decimal comma: 74.000,00 or 74 000,00",
    )
    parser.add_argument(
        "--encoding",
        metavar="NAME",
        type=_encoding,
        help="read a CSV saved in this encoding, e.g. cp1251 or windows-1252 (UTF-8 and UTF-16 with a BOM are "
        "detected); overrides crm.encoding",
    )
    parser.add_argument(
        "--sheet", metavar="NAME", help="the sheet of an .xlsx workbook to read (default: the first visible one)"
    )
    parser.add_argument(
        "--strict-columns",
        action="store_true",
        help="make every column the audit does not read an error, instead of ignoring it and listing it once",
    )
    order = parser.add_mutually_exclusive_group()
    order.add_argument(
        "--day-first",
        dest="date_order",
        action="store_const",
        const=DateOrder.DAY_FIRST,
        help="read dates such as 03/04/2027 day first (3 April)",
    )
    order.add_argument(
        "--month-first",
        dest="date_order",
        action="store_const",
        const=DateOrder.MONTH_FIRST,
        help="read dates such as 03/04/2027 month first (March 4), as Salesforce writes them in the US",
    )


def mapping_from_options(args: argparse.Namespace, loaded: LoadedProcess) -> CrmMapping:
    """The process's crm block with --column, --stage-name and the other options applied; UserError when one is wrong."""
    problems: list[str] = []
    columns: list[tuple[str, Target]] = []
    for text in args.column:
        try:
            name, field = split_assignment(text, "Opportunity Name=deal")
            columns.append((name, parse_target(field, loaded.process)))
        except ValueError as error:
            problems.append(f"--column {text!r}: {error}")
    problems += _repeated(columns)
    stages: list[tuple[str, str]] = []
    lookup = loaded.process.stage_lookup
    for text in args.stage_name:
        try:
            name, stage = split_assignment(text, "Proposal/Price Quote=proposing")
            stage_id = lookup.find(stage)
            assert stage_id is not None  # split_assignment refuses a blank stage
            taken = stage_name_taken(name, stage_id, [(own.id, own.name) for own in loaded.process.stages])
            if taken:
                raise ValueError(taken)
            stages.append((name, stage_id))
        except ValueError as error:
            problems.append(f"--stage-name {text!r}: {error}")
    if problems:
        raise UserError(*problems, status=EXIT_USAGE)
    mapping = resolve_mapping(
        loaded.process,
        columns,
        stages,
        args.ignore_column,
        args.decimal_comma,
        args.date_order,
        encoding=args.encoding,
        sheet=args.sheet,
        strict_columns=args.strict_columns,
        pipelines=args.pipelines,
    )
    misuse = check_ignored(mapping)
    if misuse:
        raise UserError(*misuse, status=EXIT_USAGE)
    return mapping


def mapping_arguments(args: argparse.Namespace) -> list[str]:
    """The mapping options given, as a command line would repeat them (for the header of a generated file)."""
    given: list[str] = []
    for option, values in (
        ("--column", args.column),
        ("--stage-name", args.stage_name),
        ("--ignore-column", args.ignore_column),
        ("--pipeline", args.pipelines),
    ):
        for value in values:
            given += [option, value]
    flags = {"--decimal-comma": args.decimal_comma, "--strict-columns": args.strict_columns}
    given += [flag for flag, on in flags.items() if on]
    if args.date_order is not None:
        given.append("--day-first" if args.date_order is DateOrder.DAY_FIRST else "--month-first")
    for option, value in (("--encoding", args.encoding), ("--sheet", args.sheet)):
        if value is not None:
            given += [option, value]
    return given


def export_option_problems(args: argparse.Namespace, seeded: bool | None = None) -> list[str]:
    """The options reading an export given without one: --sheet and --encoding read --columns-from's file (or
    --seed's), --ignore-column and --strict-columns its header or a seed's (`seeded`: whether --seed was given;
    None: the command has no --seed)."""
    problems = []
    files = "--columns-from's" if seeded is None else "--columns-from's or --seed's"
    if args.sheet is not None and args.columns_from is None and not seeded:
        problems.append(
            f"--sheet reads a sheet of {files} .xlsx workbook: give --columns-from EXPORT.xlsx too"
            if seeded is None
            else f"--sheet reads a sheet of {files} .xlsx workbook: give --seed EXPORT.xlsx (or --columns-from) too"
        )
    if args.encoding is not None and args.columns_from is None and not seeded:
        problems.append(
            f"--encoding reads {files} CSV file: give --columns-from EXPORT.csv too, or drop --encoding"
            if seeded is None
            else f"--encoding reads {files} CSV file: give --seed EXPORT.csv (or --columns-from) too, or drop "
            "--encoding"
        )
    exports = "--columns-from" if seeded is None else "--columns-from or --seed"
    header_options = (
        ("--ignore-column", bool(args.ignore_column)),
        ("--strict-columns", args.strict_columns),
        ("--no-evidence", args.no_evidence),
    )
    for option, used in header_options:
        if used and args.columns_from is None and not seeded:
            problems.append(f"{option} reads the header of the export that {exports} names: give one, or drop {option}")
    return problems


def _encoding(text: str) -> str:
    """argparse type for --encoding: a name Python can decode with, or a usage error."""
    try:
        codecs.lookup(text)
    except (LookupError, ValueError):  # ValueError: a name with a NUL character
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an encoding; use one such as cp1251, windows-1252, latin-1 or utf-16"
        ) from None
    return text


def _pipeline(text: str) -> str:
    """argparse type for --pipeline: a pipeline's name, not blank."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "a blank name reads no pipeline; write the name the export's Pipeline column holds"
        )
    return text


def _repeated(columns: list[tuple[str, Target]]) -> list[str]:
    """A field given two columns, or a column given two fields, on one command line: say so, keep neither guessed."""
    problems: list[str] = []
    by_target: dict[Target, str] = {}
    by_name: dict[str, Target] = {}
    for name, target in columns:
        if target in by_target:
            problems.append(f"--column: {target} is mapped to both {by_target[target]!r} and {name!r}; keep one")
        if name_key(name) in by_name and by_name[name_key(name)] != target:
            problems.append(
                f"--column: {name!r} is mapped to both {by_name[name_key(name)]} and {target}; a column holds one field"
            )
        by_target.setdefault(target, name)
        by_name.setdefault(name_key(name), target)
    return problems
