"""audit.csv's lines as DuckDB's SQL writes them: the bytes `AuditCsv.assessed` and `safe_writer` write.

A row the DuckDB engine assesses in SQL is written by DuckDB itself (COPY, quoting off), so each
line is spelled here cell by cell: the deal, CRM id and owner as `RowReader.text` reads them (the
quote `safe_writer` adds taken off, then Python's `strip`), each text cell made inert as
`neutralise_cell` makes it and quoted as Python's csv writer quotes (QUOTE_MINIMAL: a cell with a
comma, a double quote or a line break, its quotes doubled), and the line ended with "\\r\\n".
The stage names and ids come from the process: Python's own writer spells them once per statement.
"""

from __future__ import annotations

import io
import re
import sys
from array import array
from collections.abc import Callable, Iterator, Sequence
from functools import cache

from pipeline_audit.audit import AUDIT_COLUMNS, NEXT_SEPARATOR, AuditRow
from sales_process.deal_verdict import next_words
from sales_process.evidence import WHITESPACE
from sales_process.model import Process
from sales_process.outcome import Outcome
from sales_process.spreadsheet import FORMULA_STARTS, INVISIBLE_LEADS, QUOTE, safe_writer
from sales_process.vocabulary import Status
from verdict_sql.dialects import DIALECTS
from verdict_sql.writer import Writer, character_class

DUCKDB = DIALECTS["duckdb"]
_chars = Writer(DUCKDB).chars  # a text literal: printable ASCII quoted, other characters by code point
_one_of = Writer(DUCKDB).one_of  # true when a text is one of the words
LINE_END = "\r"  # DuckDB's COPY ends each line with "\n": csv's "\r\n" in all
QUOTED = '[,"\\r\\n]'  # what Python's csv writer quotes a cell for (QUOTE_MINIMAL, delimiter ",", "\r\n")


@cache
def _number_pattern() -> str:
    """sales_process.spreadsheet's _NUMBER for RE2: Python's \\d is every decimal digit of Unicode, RE2's only 0-9."""
    digit = character_class(_decimal_digits(), _code)
    return f"^[+-]?({digit}+([.,]{digit}+)*|[.,]{digit}+)([eE][+-]?{digit}+)?$"


def _decimal_digits() -> Iterator[int]:
    """The code points Python's \\d matches (str.isdecimal), found by the regex engine in one pass over
    all of Unicode: a loop asking each of its 1.1 million characters took half a second of every audit."""
    every_character = (
        array("I", range(sys.maxunicode + 1)).tobytes().decode(f"utf-32-{sys.byteorder[0]}e", "surrogatepass")
    )
    return (code for run in re.finditer(r"\d+", every_character) for code in range(*run.span()))


def _code(code: int) -> str:
    return chr(code) if chr(code).isascii() and chr(code).isalnum() else _re2(code)


def _re2(code: int) -> str:
    """A character in DuckDB's regular expressions, by its code point (the dialect's own spelling)."""
    assert DUCKDB.regex_character is not None
    return DUCKDB.regex_character(code)


def _runs_as_formula(text: str) -> str:
    """spreadsheet._runs_as_formula: starts with a formula's character and is not a number (the regex only then)."""
    return f"({_one_of(f'LEFT({text}, 1)', FORMULA_STARTS)} AND NOT REGEXP_FULL_MATCH({text}, {DUCKDB.string(_number_pattern())}))"


def _quoted(text: str) -> str:
    """spreadsheet._quoted: the text would run as a formula once its leading quotes (and invisible leads) are taken
    off."""
    return _runs_as_formula(f"LTRIM({text}, {_chars(QUOTE + INVISIBLE_LEADS)})")


def restored_text(cell: str) -> str:
    """A raw cell as `restore_cell` reads it ('' for NULL): the quote our own writer put before a formula taken off."""
    raw = f"COALESCE({cell}, '')"
    rest = f"SUBSTR({raw}, 2)"
    return f"CASE WHEN {raw} LIKE '''%' AND {_quoted(rest)} THEN {rest} ELSE {raw} END"


def stripped(text: str) -> str:
    """A text as Python's str.strip() leaves it. `text` is named three times: make it a column, not an expression."""
    # TRIM builds its set of 29 characters on every row: a pattern spares it for the cells it would not change.
    ends = character_class(map(ord, WHITESPACE), _re2, negated=True)
    plain = DUCKDB.string(f"(?s)^{ends}(.*{ends})?$")
    return f"CASE WHEN REGEXP_MATCHES({text}, {plain}) THEN {text} ELSE TRIM({text}, {_chars(WHITESPACE)}) END"


def typed_text(cell: str) -> str:
    """A raw cell as `RowReader.text` reads it: `restore_cell`, then Python's strip ('' for NULL).

    It spells `restored_text` three times: a statement over many rows makes that a column first (as the
    DuckDB engine does), then strips the column.
    """
    return stripped(restored_text(cell))


def inert(text: str) -> str:
    """A text made inert as `neutralise_cell` makes it: a quote before what a spreadsheet would run as a formula."""
    quote = DUCKDB.string(QUOTE)
    leads = (QUOTE, *FORMULA_STARTS, *INVISIBLE_LEADS)
    return f"CASE WHEN {_one_of(f'LEFT({text}, 1)', leads)} AND {_quoted(text)} THEN {quote} || {text} ELSE {text} END"


def csv_quoted(text: str) -> str:
    """A text quoted as Python's csv writer quotes a cell. `text` is named three times: make it a column."""
    return (
        f"CASE WHEN REGEXP_MATCHES({text}, {DUCKDB.string(QUOTED)}) "
        f"THEN '\"' || REPLACE({text}, '\"', '\"\"') || '\"' ELSE {text} END"
    )


def written(text: str) -> str:
    """A text cell as `safe_writer` writes it: made inert (`inert`), then quoted as csv quotes (`csv_quoted`).

    It spells `inert` three times: a statement over many rows makes that a column first, then quotes the column.
    """
    return csv_quoted(inert(text))


def written_constant(text: str) -> str:
    """A literal of a cell as `safe_writer` writes it (for the process's names: Python's own writer spells them)."""
    out = io.StringIO()
    safe_writer(out).writerow([text, ""])  # not alone: csv quotes a row of one empty cell
    return _chars(out.getvalue().removesuffix(",\r\n"))


def header_line() -> str:
    """audit.csv's header line, as `AuditCsv` writes it."""
    out = io.StringIO()
    safe_writer(out).writerow(AUDIT_COLUMNS)
    return out.getvalue()


def plain_cents(cents: str) -> str:
    """vocabulary.plain_cents of whole cents (a BIGINT), '' for NULL: 1234567.89."""
    whole = f"CAST(ABS({cents}) // 100 AS VARCHAR)"
    part = f"LPAD(CAST(ABS({cents}) % 100 AS VARCHAR), 2, '0')"
    return f"COALESCE(CASE WHEN {cents} < 0 THEN '-' ELSE '' END || {whole} || '.' || {part}, '')"


def by_stage(stage_id: str, values: Sequence[str], process: Process) -> str:
    """A CASE on a stage's id: `values` are SQL, one per stage; '' when the id is NULL."""
    cases = " ".join(
        f"WHEN {DUCKDB.string(stage.id)} THEN {value}" for stage, value in zip(process.stages, values, strict=True)
    )
    return f"COALESCE(CASE {stage_id} {cases} END, '')"


def next_actions(process: Process, next_milestones: str, status: Callable[[str], str]) -> str:
    """The words of the milestones in next_milestones (ids, comma between), as AuditCsv joins them (next_words);
    `status` gives the SQL of a milestone's status by its id.

    Written as a column of its own: `assessed_line` names it several times, inside CASEs, where DuckDB
    would compute it again each time.
    """
    held = f"STRING_SPLIT({next_milestones}, ',')"
    actions = ", ".join(
        f"CASE WHEN LIST_CONTAINS({held}, {DUCKDB.string(milestone.id)}) THEN "
        f"CASE WHEN {status(milestone.id)} = {DUCKDB.string(Status.NO_EVIDENCE)} "
        f"THEN {_chars(next_words(milestone, Status.NO_EVIDENCE))} ELSE {_chars(milestone.customer_action)} END END"
        for _, milestone in process.milestones()
    )
    return f"CONCAT_WS({DUCKDB.string(NEXT_SEPARATOR)}, {actions})"


def assessed_line(process: Process, cells: dict[str, str]) -> str:
    """The SQL of an assessed row's line without its line number (it starts with the comma after it).

    `cells` names the SQL of: deal, crm_id and owner (typed text made `inert`), claimed_stage_id and
    verified_stage_id, stages_ahead, amount, claimed_weighted and verified_weighted (whole cents),
    next_milestones (ids, comma between) and next_actions (`next_actions` of them, made `inert`). The
    inert texts are each named three times: columns, not expressions.
    """
    names = [written_constant(stage.name) for stage in process.stages]
    ids = [written_constant(stage.id) for stage in process.stages]
    claimed, verified = cells["claimed_stage_id"], cells["verified_stage_id"]
    row = AuditRow(
        line=0,  # written by the engine before this text
        deal=csv_quoted(cells["deal"]),
        crm_id=csv_quoted(cells["crm_id"]),
        owner=csv_quoted(cells["owner"]),
        claimed_stage=by_stage(claimed, names, process),
        verified_stage=by_stage(verified, names, process),
        stages_ahead=f"COALESCE(CAST({cells['stages_ahead']} AS VARCHAR), '')",
        amount=plain_cents(cells["amount"]),
        claimed_weighted=plain_cents(cells["claimed_weighted"]),
        verified_weighted=plain_cents(cells["verified_weighted"]),
        next_customer_actions=csv_quoted(cells["next_actions"]),
        not_assessed="''",
        claimed_stage_id=by_stage(claimed, ids, process),
        verified_stage_id=by_stage(verified, ids, process),
        # Milestone ids are slugs (process.schema.json): nothing to make inert or quote.
        next_milestone_ids=f"REPLACE({cells['next_milestones']}, ',', ' ')",
        verified_stage_confirmed_by_buyer="'no'",  # rows with a buyer's cell are Python's
        buyer_confirmed_milestone_ids="''",
        outcome=DUCKDB.string(Outcome.OPEN.value),
        close_date="''",
    )
    return _line(row)


def closed_line(process: Process, cells: dict[str, str]) -> str:
    """The SQL of a closed deal's line without its line number, as `AuditCsv.closed` writes it: the row as read,
    its outcome and close date, never a verdict nor a weighted amount.

    `cells` names the SQL of: deal, crm_id, owner and stage (typed text made `inert`, each a column),
    amount (whole cents), claimed_stage_id, outcome and closed_on (a DATE).
    """
    ids = [written_constant(stage.id) for stage in process.stages]
    names = [written_constant(stage.name) for stage in process.stages]
    empty = "''"
    row = AuditRow(
        line=0,  # written by the engine before this text
        deal=csv_quoted(cells["deal"]),
        crm_id=csv_quoted(cells["crm_id"]),
        owner=csv_quoted(cells["owner"]),
        # The process's name for a stage of the process, as an open deal's; else the stage as the export wrote it.
        claimed_stage=f"CASE WHEN {cells['claimed_stage_id']} IS NULL THEN {csv_quoted(cells['stage'])} "
        f"ELSE {by_stage(cells['claimed_stage_id'], names, process)} END",
        verified_stage=empty,
        stages_ahead=empty,
        amount=plain_cents(cells["amount"]),
        claimed_weighted=empty,
        verified_weighted=empty,
        next_customer_actions=empty,
        not_assessed=empty,
        claimed_stage_id=by_stage(cells["claimed_stage_id"], ids, process),
        verified_stage_id=empty,
        next_milestone_ids=empty,
        verified_stage_confirmed_by_buyer=empty,
        buyer_confirmed_milestone_ids=empty,
        outcome=cells["outcome"],  # won, lost or disqualified: nothing to make inert or quote
        close_date=f"COALESCE(STRFTIME({cells['closed_on']}, '%Y-%m-%d'), '')",
    )
    return _line(row)


def _line(row: AuditRow) -> str:
    """The SQL of a row's cells, comma between, from the comma after the line number to the line's end."""
    return " || ',' || ".join(["''", *(str(cell) for cell in row[1:])]) + f" || {_chars(LINE_END)}"
