"""The verdict of the assessment engine as one SQL statement: one row out per deal in.

The statement is built from the process model and the engine's own rule data
(placeholders, minimum evidence length, white space, answer words), so a change to
the process or to a rule changes the SQL with it. It reads in steps, one CTE each:
`rules` (the assessment date), `cells` (each cell trimmed), `parts` and `values` (amounts,
currencies and dates as the audit's parsers read them, verdict_sql.cells), `readings` (answers as
booleans, evidence normalised, whether a buyer answered), `statuses` (each milestone's status, the
claimed stage and the outcome) and `stages` (the verified stage and the cells the audit refuses);
the final SELECT names the output columns. No value makes it fail: a cell the audit refuses is
named in `not_assessed`, and such a row has no verdict (a closed deal whose amount alone is refused keeps its
outcome: it does not depend on the amount). A row the audit skips, a blank row or a report's footer line
(`Total`, `Grand Totals (24 records)`), is no deal: it is left out (cells.skipped_item).

A milestone's `.confirmed_by` cell (`Name <email>`, as `playbook deals export` writes it) makes
its answer the buyer's, as the audit reads it: the buyer's "yes" is its own evidence and passes
`confirmation: required`; a cell that is not `Name <email>`, or has no date, is refused as the
audit refuses it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence

from sales_process.crm import CONFIRMED_BY_PATTERN, CrmMapping, resolve_mapping
from sales_process.engine import Status
from sales_process.evidence import EVIDENCE_SURROUNDING, INVISIBLE, WHITESPACE
from sales_process.loader import LoadedProcess
from sales_process.model import Milestone, Process, RequiredWhen, Stage
from sales_process.outcome import (
    DISQUALIFIED_WORDS,
    WON_WORDS,
    Outcome,
    OutcomeRule,
    outcome_rule,
    stage_looks_disqualified,
)
from sales_process.requirement import Requirement, applies_to, process_segments, stage_requirements
from sales_process.vocabulary import LOST_WORDS, NUMBERED_STAGE, WEEKDAY_LIST, label_key
from verdict_sql.cells import (
    AMOUNT_CENTS,
    AMOUNT_CURRENCY,
    AMOUNT_DIGITS,
    AS_STATUS,
    CLOSE_DATE,
    CRM_ID,
    DATE_SUFFIX,
    FLAG,
    FLAGS,
    MONTH_LIST,
    MONTHS,
    OUTCOME_REFUSED,
    SKIPPED,
    WEEKDAYS,
    Cells,
    amount_cents_item,
    amount_currency_item,
    amount_items,
    cell_items,
    comment,
    dated_items,
    dated_milestones,
    is_closed,
    kind_items,
    labels_of,
    milestone_comment,
    milestone_dates,
    number_items,
    outcome_refusals,
    part_items,
    pipeline_filter,
    problem_list,
    reading_items,
    skipped_item,
    two_digit_years,
    unread_flag,
    unread_status,
    value_items,
)
from verdict_sql.columns import InputColumns, buyer_columns_left_out, missing_milestones
from verdict_sql.dialects import Dialect
from verdict_sql.status_case import status_cases
from verdict_sql.writer import Writer

TWO_DIGIT_YEARS = "two_digit_years"
CLOSED_ON = "close_date"  # a closed deal's close date (DATE; NULL for an open deal), as audit.csv gives it
OUTPUT_COLUMNS = (
    "deal",
    "claimed_stage_id",
    "verified_stage_id",
    "verified_stage",
    "stages_ahead",
    "amount",
    "claimed_weighted",
    "verified_weighted",
    "next_milestones",
    "buyer_confirmed_milestones",
    "verified_stage_confirmed_by_buyer",
    "outcome",
    "close_date",
    "not_assessed",
    "currency",
)
STATUS_SUFFIX = "__status"
STALE_SINCE_SUFFIX = "__stale_since"
PLAIN_EVIDENCE = "^[A-Za-z0-9][ -~]*[A-Za-z0-9]$"
INDENT = "    "


def status_column(milestone_id: str) -> str:
    """The output column holding a milestone's status."""
    return milestone_id + STATUS_SUFFIX


def verdict_sql(
    process: Process,
    dialect: Dialect,
    relation: str,
    columns: InputColumns,
    as_of: dt.date | None,
    *,
    view: str | None = None,
    header: Sequence[str] = (),
    keep: Sequence[str] = (),
    mapping: CrmMapping | None = None,
    row_order: str | None = None,
    currency: str | None = None,
    for_the_audit: bool = False,
) -> str:
    """The statement: a SELECT of OUTPUT_COLUMNS and one status column per milestone, one row per input row but
    the rows the audit skips (a blank row, a report's footer line: cells.skipped_item).

    When the table has a CRM id column (`columns.crm_id`), CRM_ID follows `deal`: the key that joins a verdict
    back to the CRM's row, since deal names repeat.
    `as_of` None assesses on the warehouse's CURRENT_DATE; `view` wraps it in CREATE OR REPLACE VIEW;
    `header` lines are written first as SQL comments; `keep` names input columns passed through, last.
    `mapping` (default: the process's crm: block) gives the CRM's stage names and whether amounts
    have a decimal comma. `row_order` names an input column of whole numbers giving the rows' order in
    the export (passed through, last): the first amount by it sets the file's currency, and an amount in
    another is refused, as the audit refuses it; without it, `currency` (an ISO code: the one the audit sums the
    table's export in, pipeline_audit.table_columns.export_currency) is the file's, whatever the rows' order; without
    either every amount keeps its own currency.
    `for_the_audit` adds, before the kept columns, what the audit engine on DuckDB reads besides the verdict:
    TWO_DIGIT_YEARS, how many of the dates the audit reads (a closed deal's close date, an open deal's milestone
    dates) are written with a two-digit year, which its summary counts; and SKIPPED, 'blank' on a blank row. The
    statement then reads every row: without it, the rows the audit skips (blank rows, a report's footer:
    cells.skipped_item) are left out, as audit.csv has no line for them.
    """
    w = Writer(dialect)
    mapping = mapping or resolve_mapping(process)
    if row_order is not None and row_order not in keep:
        keep = [*keep, row_order]
    milestones = process.milestones()
    buyers = _buyers(process, columns)
    segments = segments_read(process)
    dates = milestone_dates(process, columns)
    rule = mapping.outcomes or outcome_rule(process.stages[-1].id)
    file_currency = _file_currency(w, row_order, currency)
    # The DuckDB engine reads every row: Python decides, spelling by spelling, which pipelines are read (RowReader),
    # and counts the blank rows; it leaves a file ending with a footer to the Python engine.
    pipelines = "" if for_the_audit else pipeline_filter(w, columns, mapping.pipelines)
    read_rows = " AND ".join(
        condition
        for condition in ("" if for_the_audit else f"{w.q(SKIPPED)} = ''", f"({pipelines})" if pipelines else "")
        if condition
    )
    steps = [
        (
            "rules",
            "The assessment date, the white space the engine reads as one space, and the month words with their "
            "numbers.",
            _rules(w, as_of),
        ),
        (
            "cells",
            "Step 1: each cell as the engine reads it: text without surrounding white space.",
            _select(
                [
                    *cell_items(w, process, columns, segments),
                    skipped_item(w, columns, segments, footer=not for_the_audit),
                    *_kept(w, keep),
                ],
                f"FROM {w.q(relation)} AS {w.q('d')} CROSS JOIN {w.q('rules')} AS {w.q('r')}",
            ),
        ),
        (
            "kinds",
            "Step 2: the currency before the amount; whether each date is ISO, and its text with every white space "
            "a space"
            + ("" if for_the_audit else "; only the rows the audit reads: no blank row, no report footer")
            + ("; only the rows of the pipelines read." if pipelines else "."),
            _select(
                kind_items(w, dates),
                f"FROM {w.q('cells')}" + (f"\n{INDENT}WHERE {read_rows}" if read_rows else ""),
                star=True,
            ),
        ),
        (
            "dated",
            "Step 2b: each date's text without a leading weekday, and whether it is written in numbers alone (not "
            "ISO).",
            _select(dated_items(w, dates), f"FROM {w.q('kinds')}", star=True),
        ),
        (
            "numbers",
            "Step 3: the amount without the currency before it; the numbers of each date written in numbers "
            "alone (NULL: not such a date); whether it is year first without being ISO; the text of a date with its "
            "month as a word, folded (NULL: not such a date).",
            _select(number_items(w, dates, mapping.date_order), f"FROM {w.q('dated')}", star=True),
        ),
        (
            "parts",
            "Step 4: the currency after the amount; each date's year, month and day as the audit reads them "
            "(NULL: not a date).",
            _select(part_items(w, dates, mapping.date_order), f"FROM {w.q('numbers')}", star=True),
        ),
        (
            "values",
            "Step 5: the amount's number and currency, the currency column's ISO code, dates as DATE "
            "(NULL: not a calendar date).",
            _select(value_items(w, dates), f"FROM {w.q('parts')}", star=True),
        ),
        (
            "readings",
            "Step 6: answers as true/false (blank: unanswered; other words: refused); evidence as the "
            "engine compares it: white space runs as one space, lower case, surrounding punctuation stripped; "
            "the claimed stage's label as the engine looks it up.",
            _readings(
                w,
                milestones,
                buyers,
                [
                    *reading_items(w, columns, mapping.decimal_comma, _status_values(rule)),
                    _stage_label(w, _stage_labels(process, mapping)),
                ],
            ),
        ),
        (
            "statuses",
            "Step 7: each milestone's status, the first that applies wins, in the engine's order; the amount; "
            "the claimed stage by position; the outcome.",
            _statuses(w, process, mapping, buyers, rule),
        ),
        *_currency_steps(w, row_order, currency, columns),
        (
            "stages",
            f"Step {8 if file_currency is None else 9}: the verified stage is the first with a milestone not "
            "verified; the amount in whole cents; the cells the audit refuses.",
            _select(
                [
                    _verified_index(w, process),
                    amount_cents_item(w),
                    problem_list(w, process, columns, buyers, segments, file_currency),
                    outcome_refusals(w, process, columns, buyers, segments),
                ],
                f"FROM {w.q('statuses' if file_currency is None else 'currencies')}",
                star=True,
            ),
        ),
    ]
    parts = [
        *(comment(line) for line in header),
        "WITH",
        ",\n".join(_cte(w, name, text, body) for name, text, body in steps),
        _final(w, process, keep, buyers, _audit_items(w, process, columns) if for_the_audit else [], columns),
    ]
    statement = "\n".join(parts)
    if view is not None:
        statement = f"CREATE OR REPLACE VIEW {w.q(view)} AS\n{statement}"
    return statement + ";\n"


def statement_header(
    loaded: LoadedProcess,
    relation: str,
    command: str,
    columns: InputColumns,
    as_of: dt.date | None,
    from_export: bool = False,
    row_order: str | None = None,
    pipelines: Sequence[str] = (),
    currency: str | None = None,
) -> list[str]:
    """The lines a generated statement starts with: what it computes, from which file, as of when, how it
    reads currencies, the pipelines it reads (CrmMapping.pipelines), and the milestones it cannot read (no column,
    or no buyer column). `from_export`: the columns were found in an export's header (--columns-from, a dbt seed),
    so a missing one is the export's to add; `row_order` and `currency` as verdict_sql's."""
    process = loaded.process
    version = f" {process.version}" if process.version else ""
    when = as_of.isoformat() if as_of else "the day it runs (CURRENT_DATE)"
    header = [
        f"The verified stage of every deal in {relation}, by the rules of {process.name}{version}.",
        f"Generated by `{command}` from {loaded.path} (sha256 {loaded.sha256}).",
        f"Assessed as of {when}. Regenerate it whenever the process file changes.",
        _currency_line(row_order, currency),
    ]
    if pipelines and columns.pipeline is not None:
        listed = ", ".join(json.dumps(name, ensure_ascii=False) for name in pipelines)
        header.append(
            f"Only the deals whose {columns.pipeline} is {listed} (or blank) are read: the others are left out."
        )
    missing = missing_milestones(process, columns)
    if missing:
        where = "in the export's header" if from_export else "under crm.milestones"
        header.append(f"No column {where}, so unanswered on every row: {', '.join(missing)}.")
    no_buyer = [m for m in buyer_columns_left_out(process, columns) if m not in missing]
    if no_buyer:
        if from_export:
            how = "add <id>.confirmed_by to the export"
        elif process.crm and process.crm.milestones:
            how = "map crm.milestones.<id>.confirmed_by"
        else:
            how = "pass --buyer-columns"
        header.append(f"No buyer column ({how} to read them), so every answer is the rep's: {', '.join(no_buyer)}.")
    return header


def _currency_line(row_order: str | None, currency: str | None) -> str:
    """How the statement's header says it reads currencies (verdict_sql's `row_order` and `currency`)."""
    if row_order is not None:
        return (
            f"Amounts in one currency, as the audit sums them: the first by {row_order} sets it, and a row in "
            "another is not assessed."
        )
    if currency is not None:
        return (
            f"Amounts in one currency, as the audit sums the export: {currency}, its first amount's, and a row in "
            "another is not assessed, whatever the table's order."
        )
    return (
        "Each amount keeps its own currency: group sums by currency (--row-order COLUMN refuses a second "
        "currency, as the audit does)."
    )


def _cte(w: Writer, name: str, text: str, body: str) -> str:
    return f"{w.q(name)} AS {w.dialect.materialized}(\n{INDENT}{comment(text)}\n{body}\n)"


def _select(items: Sequence[str], tail: str, star: bool = False) -> str:
    lines = [f"{INDENT}SELECT"]
    entries = (["*"] if star else []) + list(items)
    for index, item in enumerate(entries):
        comma = "," if index < len(entries) - 1 else ""
        # A comment line belongs to the item after it; the comma goes on the item's last line.
        *comments, last = item.split("\n")
        lines += [f"{INDENT * 2}{line}" for line in comments] + [f"{INDENT * 2}{last}{comma}"]
    if tail:
        lines.append(f"{INDENT}{tail}")
    return "\n".join(lines)


def _rules(w: Writer, as_of: dt.date | None) -> str:
    spaces = " " * len(WHITESPACE)
    return _select(
        [
            f"{w.dialect.date(as_of)} AS {w.q('as_of')}",
            f"{w.dialect.characters(ord(character) for character in WHITESPACE)} AS {w.q('white_space')}",
            f"{w.s(spaces)} AS {w.q('spaces')}",
            f"{w.dialect.characters(ord(character) for character in INVISIBLE)} AS {w.q('invisible')}",
            f"{w.chars(MONTH_LIST)} AS {w.q(MONTHS)}",
            f"{w.chars(WEEKDAY_LIST)} AS {w.q(WEEKDAYS)}",
        ],
        "",
    )


def _currency_steps(
    w: Writer, row_order: str | None, currency: str | None, columns: InputColumns
) -> list[tuple[str, str, str]]:
    """With a row order or the file's currency, the step giving each amount's currency as the audit reads it; none
    without."""
    if row_order is None and currency is None:
        return []
    text = "Step 8: the currency of each amount the audit reads, for the file's currency: " + (
        "the first by row order." if row_order is not None else f"{currency}, the export's first."
    )
    return [("currencies", text, _select([amount_currency_item(w, columns)], f"FROM {w.q('statuses')}", star=True))]


def _file_currency(w: Writer, row_order: str | None, currency: str | None) -> str | None:
    """The file's currency as SQL: the first amount's by row order, else `currency` (None without either)."""
    if row_order is None:
        return None if currency is None else w.s(currency)
    currency = w.q(AMOUNT_CURRENCY)
    order = f"CAST({w.dialect.identifier(row_order)} AS {w.dialect.int_type})"
    return f"(SELECT {currency} FROM {w.q('currencies')} WHERE {currency} IS NOT NULL ORDER BY {order} LIMIT 1)"


def _kept(w: Writer, keep: Sequence[str]) -> list[str]:
    """The rules' row carried along, and the input columns passed through to the output."""
    carried = [
        f"{w.q('r')}.{w.q(name)} AS {w.q(name)}"
        for name in ("as_of", "white_space", "spaces", "invisible", MONTHS, WEEKDAYS)
    ]
    return carried + [f"{w.q('d')}.{w.dialect.identifier(name)} AS {w.dialect.identifier(name)}" for name in keep]


def _status_values(rule: OutcomeRule) -> dict[str, str]:
    """The status column's values by the label the SQL compares (lower case, spaces collapsed), as outcomes."""
    values: dict[str, str] = {}
    for value, outcome in rule.status_values.items():
        values[label_key(value)] = outcome.value
    return values


def _buyers(process: Process, columns: InputColumns) -> frozenset[str]:
    """The milestones whose buyer (`.confirmed_by`) has a column."""
    return frozenset(
        milestone_id for milestone_id, found in columns.milestones.items() if found.confirmed_by is not None
    )


def _readings(
    w: Writer, milestones: Sequence[tuple[Stage, Milestone]], buyers: frozenset[str], deal_items: list[str]
) -> str:
    items, cells = list(deal_items), Cells(w)
    for stage, milestone in milestones:
        if milestone.id in buyers:
            buyer, date = w.q(milestone.id + "__buyer"), w.q(milestone.id + DATE_SUFFIX)
            readable = w.dialect.matches.format(
                f"{w.dialect.trim_function}({w.spaced(buyer)}, ' ')", w.s(CONFIRMED_BY_PATTERN)
            )
            items.append(
                f"-- {milestone.id}: true when a buyer answered (Name <email>, and dated), false when the cell cannot be read\n"
                f"CASE WHEN {buyer} IS NULL THEN NULL WHEN {readable} AND {date} IS NOT NULL THEN TRUE ELSE FALSE END "
                f"AS {w.q(milestone.id + '__by_buyer')}"
            )
        answer = w.q(milestone.id + "__answer")
        items.append(f"{milestone_comment(stage, milestone)}\n{cells.answer(answer)} AS {w.q(milestone.id + '__met')}")
        evidence = w.q(milestone.id + "__evidence")
        # As evidence.normalise_evidence: without the characters that show nothing (TRANSLATE to nothing drops them).
        visible = f"TRANSLATE({evidence}, {w.q('invisible')}, '')"
        collapsed = w.dialect.collapse_spaces.format(w.spaced(visible))
        normalised = f"{w.dialect.trim_function}({w.lower(collapsed)}, {w.chars(EVIDENCE_SURROUNDING)})"
        # Printable ASCII between a letter or digit at each end, no double space: only LOWER changes it.
        plain = f"{evidence} NOT LIKE '%  %' AND {w.dialect.matches.format(evidence, w.s(PLAIN_EVIDENCE))}"
        items.append(
            f"CASE WHEN {plain} THEN LOWER({evidence}) ELSE {normalised} END AS {w.q(milestone.id + '__normalised')}"
        )
    return _select(items, f"FROM {w.q('values')}", star=True)


def _status(w: Writer, milestone: Milestone, buyers: frozenset[str]) -> str:
    body = "\n".join(f"{INDENT}{case}" for case in status_cases(w, milestone, milestone.id in buyers))
    return f"CASE\n{body}\nEND AS {w.q(status_column(milestone.id))}"


def _statuses(w: Writer, process: Process, mapping: CrmMapping, buyers: frozenset[str], rule: OutcomeRule) -> str:
    items = [
        f"{milestone_comment(stage, milestone)}\n{_status(w, milestone, buyers)}"
        for stage, milestone in process.milestones()
    ]
    positions = {stage.id: index for index, stage in enumerate(process.stages)}
    labels = _stage_labels(process, mapping)
    claims = "\n".join(
        f"{INDENT}WHEN {w.chars(label)} THEN {positions[stage_id]}" for label, stage_id in labels.items()
    )
    stage = w.q("stage_label")
    items += [
        *amount_items(w),
        f"-- the claimed stage, by id, name or CRM stage name, in any case, with or without the CRM's number\n"
        f"CASE {stage}\n{claims}\nEND AS {w.q('claimed_index')}",
        "-- closed deals are outcomes, not pipeline: by IsDeleted, the status, IsClosed (or Active)/IsWon, else the CRM stage, as "
        "sales_process.outcome reads it\n" + _outcome(w, process, labels, rule, stage),
    ]
    return _select(items, f"FROM {w.q('readings')}", star=True)


def _stage_label(w: Writer, labels: dict[str, str]) -> str:
    """`stage_label`: the claimed stage's label as StageLookup.find reads it: the whole label when it names a
    stage, else the name after a CRM's stage number ('1-discovery') when that does (vocabulary.NUMBERED_STAGE)."""
    label, pattern = w.q("claimed_label"), w.s(NUMBERED_STAGE)
    after = w.dialect.extract.format(label, pattern)
    return (
        "-- the claimed stage's label, or the name after the CRM's stage number ('1-Discovery')\n"
        f"CASE\n{INDENT}WHEN {w.one_of(label, labels)} THEN {label}\n"
        f"{INDENT}WHEN {w.dialect.matches.format(label, pattern)} AND {w.one_of(after, labels)} THEN {after}\n"
        f"{INDENT}ELSE {label}\nEND AS {w.q('stage_label')}"
    )


def _stage_labels(process: Process, mapping: CrmMapping) -> dict[str, str]:
    """Stage ids by the trimmed, lower-cased text that names them, as the vocabulary's StageLookup finds them.

    The SQL lower-cases (Python's lower) and collapses white space where the lookup case-folds and
    normalises: both spellings are listed.
    """
    lookup = mapping.stage_lookup(process)
    labels = lookup.labels(label_key)
    for label, stage_id in lookup.labels().items():
        labels.setdefault(label, stage_id)
    return labels


def segments_read(process: Process) -> bool:
    """Whether some milestone is required of some segments only: the statement then reads the segment."""
    return bool(process_segments(process.milestones()))


def _required(w: Writer, requirement: Requirement) -> str | None:
    """When the requirement gates a deal, as SQL on `amount` and `segment` (sales_process.requirement's rule:
    an unknown amount or segment meets the condition; any one of a list of conditions is enough); None when it
    gates every deal."""
    conditions = requirement.gating.required_when
    if conditions is None:
        return None
    alternatives = [_condition_holds(w, condition) for condition in conditions]
    # In parentheses, as callers join it with AND.
    return alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(f"({one})" for one in alternatives) + ")"


def _condition_holds(w: Writer, condition: RequiredWhen) -> str:
    """When one condition holds for a deal, as SQL on `amount` and `segment` (all of its keys must hold)."""
    amount, segment = w.q("amount"), w.q("segment")
    parts = []
    if condition.amount_at_least is not None:
        parts.append(f"({amount} IS NULL OR {amount} >= {float(condition.amount_at_least)!r})")
    if condition.amount_below is not None:
        parts.append(f"({amount} IS NULL OR {amount} < {float(condition.amount_below)!r})")
    if condition.segment:
        parts.append(f"({segment} IS NULL OR {w.one_of(segment, condition.segment_keys)})")
    return " AND ".join(parts)


def stage_gate(w: Writer, stage: Stage) -> str:
    """The condition under which a deal leaves the stage: per requirement, "verified OR not required for this
    deal", with OR between the alternatives of a group; a milestone with `required: false` never gates."""
    verified = w.s(Status.VERIFIED)
    parts = []
    for requirement in stage_requirements(stage):
        if not requirement.gating.required:
            continue
        met = " OR ".join(f"{w.q(status_column(m.id))} = {verified}" for m in requirement.milestones)
        required = _required(w, requirement)
        if required is None and len(requirement.milestones) == 1:
            parts.append(met)
        elif required is None:
            parts.append(f"({met})")
        else:
            parts.append(f"({met} OR NOT ({required}))")
    return " AND ".join(parts) or "TRUE"


def _gate_comment(stage: Stage) -> str:
    """The stage's gate in words, for the statement's reader."""
    if stage.all_required:
        return f"{stage.name}: left only when all of {', '.join(m.id for m in stage.milestones)} are verified"
    words = []
    for requirement in stage_requirements(stage):
        milestone = requirement.gating
        if not milestone.required:
            continue
        text = " or ".join(m.id for m in requirement.milestones)
        if milestone.required_when is not None:
            text += f" (for {applies_to(milestone.required_when)})"
        words.append(text)
    return (
        f"{stage.name}: left when each of {', '.join(words)} is verified"
        if words
        else f"{stage.name}: never holds a deal"
    )


def _verified_index(w: Writer, process: Process) -> str:
    gates = []
    for index, stage in enumerate(process.stages[:-1]):
        gates.append(f"{INDENT}{comment(_gate_comment(stage))}\n{INDENT}WHEN NOT ({stage_gate(w, stage)}) THEN {index}")
    return "CASE\n" + "\n".join(gates) + f"\n{INDENT}ELSE {len(process.stages) - 1}\nEND AS {w.q('verified_index')}"


def _outcome(w: Writer, process: Process, labels: dict[str, str], rule: OutcomeRule, stage: str) -> str:
    """The deal's outcome by OutcomeRule.outcome: IsDeleted, the status column, else IsClosed (or Active saying no)/IsWon, else the CRM stage
    (lost: crm.lost_stages or a lost word; won: the last stage or a won word; disqualified: a disqualification
    word); open otherwise. NULL when the status or a flag cannot be read (the row is not assessed).
    Words are read in the label as typed; the last stage is found by `stage`, the label as the lookup reads it."""
    q, label = w.q, w.q("claimed_label")

    def has_word(words: Iterable[str]) -> str:
        nw = w.dialect.non_word
        pattern = f"^(.*{nw})?({'|'.join(sorted(words))})({nw}.*)?$"
        return w.dialect.matches.format(label, w.s(pattern))

    # crm.lost_stages: a name with a disqualification word is disqualified, any other lost.
    disqualified_labels = labels_of(name for name in rule.lost_stages if stage_looks_disqualified(name))
    lost_labels = labels_of(name for name in rule.lost_stages if not stage_looks_disqualified(name))
    won_labels = sorted(text for text, stage_id in labels.items() if stage_id == process.stages[-1].id)
    listed_disqualified = (
        f"{INDENT}WHEN {w.one_of(label, disqualified_labels)} THEN {w.s(Outcome.DISQUALIFIED)}\n"
        if disqualified_labels
        else ""
    )
    lost = (f"{w.one_of(label, lost_labels)} OR " if lost_labels else "") + has_word(LOST_WORDS)
    unread_cells = " OR ".join(f"({unread})" for unread in (*(unread_flag(w, f) for f in FLAGS), unread_status(w)))
    won = q("is_won" + FLAG)
    # IsClosed, else Active saying no (sales_process.outcome.closed_flag); NULL when neither tells.
    closed = f"COALESCE({q('is_closed' + FLAG)}, CASE WHEN NOT {q('is_active' + FLAG)} THEN TRUE END)"
    # The status first, then a flag holding a status rather than yes or no (OutcomeRule.outcome)
    by_status = f"{INDENT}WHEN {q('status_outcome')} IS NOT NULL THEN {q('status_outcome')}\n" + "".join(
        f"{INDENT}WHEN {q(flag + FLAG)} IS NULL AND {q(flag + AS_STATUS)} IS NOT NULL THEN {q(flag + AS_STATUS)}\n"
        for flag in FLAGS
    )
    return (
        f"CASE\n{INDENT}WHEN {unread_cells} THEN NULL\n"
        # a deleted deal (Salesforce's recycle bin) is out of the pipeline, whatever else the row says
        f"{INDENT}WHEN {q('is_deleted' + FLAG)} THEN {w.s(Outcome.DISQUALIFIED)}\n"
        f"{by_status}"
        f"{INDENT}WHEN NOT {closed} THEN {w.s(Outcome.OPEN)}\n"
        f"{INDENT}WHEN {won} THEN {w.s(Outcome.WON)}\n"
        f"{INDENT}WHEN {closed} AND NOT {won} THEN {w.s(Outcome.LOST)}\n"
        f"{listed_disqualified}{INDENT}WHEN {lost} THEN {w.s(Outcome.LOST)}\n"
        f"{INDENT}WHEN {w.one_of(stage, won_labels)} OR {has_word(WON_WORDS)} THEN {w.s(Outcome.WON)}\n"
        f"{INDENT}WHEN {has_word(DISQUALIFIED_WORDS)} THEN {w.s(Outcome.DISQUALIFIED)}\n"
        # closed (IsClosed without IsWon) at one of the process's stages, which says neither won nor lost
        f"{INDENT}WHEN {closed} AND {w.one_of(stage, labels)} THEN {w.s(Outcome.LOST)}\n"
        f"{INDENT}ELSE {w.s(Outcome.OPEN)}\nEND AS {q('outcome')}"
    )


def _by_stage(w: Writer, index_column: str, values: Sequence[str]) -> str:
    cases = " ".join(f"WHEN {index} THEN {value}" for index, value in enumerate(values))
    return f"CASE {w.q(index_column)} {cases} END"


def _holds_back(w: Writer, requirement: Requirement, milestone: Milestone) -> str:
    """When the milestone holds a deal in its stage (engine.MilestoneResult.holds_back): not verified, the deal
    needs it, and no other alternative of its group is verified."""
    verified = w.s(Status.VERIFIED)
    condition = " AND ".join(f"{w.q(status_column(m.id))} <> {verified}" for m in requirement.milestones)
    required = _required(w, requirement)
    return condition if required is None else f"{condition} AND {required}"


def _next_milestones(w: Writer, process: Process) -> str:
    cases = []
    for index, stage in enumerate(process.stages):
        if not stage.milestones:
            continue
        of = {m.id: requirement for requirement in stage_requirements(stage) for m in requirement.milestones}
        pieces = (
            " || ".join(
                f"CASE WHEN {_holds_back(w, of[m.id], m)} THEN {w.s(m.id + ',')} ELSE '' END"
                for m in stage.milestones  # in file order, as the engine lists them
                if m.required
            )
            or "''"
        )
        cases.append(f"{INDENT}WHEN {index} THEN RTRIM({pieces}, ',')")
    return f"CASE {w.q('verified_index')}\n" + "\n".join(cases) + f"\n{INDENT}ELSE ''\nEND"


def _buyer_confirmed(w: Writer, milestone_id: str, buyers: frozenset[str]) -> str:
    """True when the buyer said "yes" to the milestone (never NULL)."""
    if milestone_id not in buyers:
        return "FALSE"
    return f"COALESCE({w.q(milestone_id + '__by_buyer')} AND {w.q(milestone_id + '__met')}, FALSE)"


def _buyer_columns(w: Writer, process: Process, buyers: frozenset[str]) -> list[tuple[str, str, str]]:
    """The milestones the buyer said "yes" to, and whether they are the gate the deal last passed
    (sales_process.confirmation.gate_confirmed_by_buyer, spelled in SQL)."""
    ids = [milestone.id for _, milestone in process.milestones() if milestone.id in buyers]
    pieces = " || ".join(f"CASE WHEN {_buyer_confirmed(w, m, buyers)} THEN {w.s(m + ',')} ELSE '' END" for m in ids)
    confirmed = f"RTRIM({pieces}, ',')" if ids else "''"
    gates = []
    for index, left in enumerate(process.stages[:-1]):
        gate = [m.id for m in left.milestones if m.buyer_statement and m.required]  # as gate_confirmed_by_buyer
        if gate and all(m in buyers for m in gate):  # a buyer without a column never confirmed: the ELSE
            gates.append(f"{INDENT}WHEN {index + 1} THEN " + " AND ".join(_buyer_confirmed(w, m, buyers) for m in gate))
    gate_sql = (
        (f"CASE {w.q('verified_index')}\n" + "\n".join(gates) + f"\n{INDENT}ELSE FALSE\nEND") if gates else "FALSE"
    )
    return [
        (
            'the milestones the buyer confirmed ("Yes, this is right") through a confirmation link',
            confirmed,
            "buyer_confirmed_milestones",
        ),
        (
            "whether the buyer confirmed every outcome with a buyer statement that put the deal at its verified stage",
            gate_sql,
            "verified_stage_confirmed_by_buyer",
        ),
    ]


def _audit_items(w: Writer, process: Process, columns: InputColumns) -> list[str]:
    """TWO_DIGIT_YEARS (verdict_sql's `for_the_audit`): the audit reads a closed deal's close date and an open
    deal's milestone dates, never the other way round; the amount in whole cents, which audit.csv gives, and its
    digits as written; then each milestone's date when it is too old (stale_since_columns), which the report names."""
    closed = is_closed(w)
    milestones = two_digit_years(w, dated_milestones(process, columns))
    of_closed = two_digit_years(w, [CLOSE_DATE]) if columns.close_dated else "0"
    return [
        f"CASE WHEN {closed} THEN {of_closed} ELSE {milestones} END AS {w.q(TWO_DIGIT_YEARS)}",
        f"-- a blank row, which the audit skips and counts\n{w.q(SKIPPED)}",
        f"CASE WHEN {w.q('not_assessed')} = '' THEN {w.q(AMOUNT_CENTS)} END AS {w.q(AMOUNT_CENTS)}",
        f"-- the amount's digits as written, with a decimal point\n{w.q(AMOUNT_DIGITS)}",
        *(
            f"CASE WHEN {w.q(status_column(milestone_id))} = {w.s(Status.STALE)} THEN {w.q(milestone_id + DATE_SUFFIX)} "
            f"END AS {w.q(column)}"
            for milestone_id, column in stale_since_columns(process, columns)
        ),
    ]


def stale_since_columns(process: Process, columns: InputColumns) -> list[tuple[str, str]]:
    """The milestones that can be too old (a max_age_days, and a date column) and the column of the statement
    `for_the_audit` that holds the date of each when it is (NULL when it is not)."""
    dated = set(dated_milestones(process, columns))
    return [
        (milestone.id, milestone.id + STALE_SINCE_SUFFIX)
        for _, milestone in process.milestones()
        if milestone.max_age_days is not None and milestone.id in dated
    ]


def _close_date(w: Writer, columns: InputColumns, read: str) -> str:
    """A closed deal's close date, as audit.csv gives it: NULL for an open deal, a row not assessed (`read`
    false), or a table without a close date column."""
    if not columns.close_dated:
        return "CAST(NULL AS DATE)"
    return f"CASE WHEN {read} AND {is_closed(w)} THEN {w.q(CLOSE_DATE + DATE_SUFFIX)} END"


def _final(
    w: Writer,
    process: Process,
    keep: Sequence[str],
    buyers: frozenset[str],
    extra: Sequence[str],
    columns_read: InputColumns,
) -> str:
    ids = [w.s(stage.id) for stage in process.stages]
    names = [w.chars(stage.name) for stage in process.stages]
    read = f"{w.q('not_assessed')} = ''"
    # A closed deal whose amount alone is refused still has its outcome (cells.outcome_refusals).
    outcome_read = f"({read} OR {w.q(OUTCOME_REFUSED)} = '')"

    def weighted(index_column: str) -> str:
        # A closed deal is an outcome: it weighs nothing in the pipeline. An open one is weighted by the audit's
        # arithmetic (vocabulary.weighted_cents: its cents times the probability, to the cent half to even,
        # exactly), so that SUM() over the rows is the audit's total.
        probabilities = " ".join(f"WHEN {i} THEN {stage.probability}" for i, stage in enumerate(process.stages))
        weighted = Cells(w).weighted_cents(w.q(AMOUNT_CENTS), f"CASE {w.q(index_column)} {probabilities} END")
        return f"CASE WHEN {w.q('outcome')} = {w.s(Outcome.OPEN)} THEN {weighted} END"

    # (comment, expression, output column): NULL on a row the audit does not assess.
    read_as_written = [
        ("", _by_stage(w, "claimed_index", ids), "claimed_stage_id"),
        ("", w.q("amount"), "amount"),
        (
            "the amount's cents times the claimed stage's probability, to the cent half to even",
            weighted("claimed_index"),
            "claimed_weighted",
        ),
        ("the same by the verified stage's probability", weighted("verified_index"), "verified_weighted"),
        ("", w.q("outcome"), "outcome"),
    ]
    # A verdict, so NULL on a closed deal too: it is an outcome, and audit.csv gives it no verified stage.
    verdict = [
        ("", _by_stage(w, "verified_index", ids), "verified_stage_id"),
        ("", _by_stage(w, "verified_index", names), "verified_stage"),
        ("", f"{w.q('claimed_index')} - {w.q('verified_index')}", "stages_ahead"),
        (
            "the verified stage's milestones not verified yet, in file order",
            _next_milestones(w, process),
            "next_milestones",
        ),
        *_buyer_columns(w, process, buyers),
    ]
    assessed = f"{read} AND {w.q('outcome')} = {w.s(Outcome.OPEN)}"
    columns = {output: (text, expression, read) for text, expression, output in read_as_written}
    for output in ("claimed_stage_id", "outcome"):
        text, expression, _ = columns[output]
        columns[output] = (text, expression, outcome_read)
    columns |= {output: (text, expression, assessed) for text, expression, output in verdict}
    items = [f"{w.q('deal')}"]
    if columns_read.crm_id is not None:
        items.append(f"-- the deal's id in the CRM, as text: the key to its CRM row\n{w.q(CRM_ID)}")
    for output in OUTPUT_COLUMNS[1 : OUTPUT_COLUMNS.index("outcome") + 1]:
        text, expression, condition = columns[output]
        note = f"{comment(text)}\n" if text else ""
        items.append(f"{note}CASE WHEN {condition} THEN {expression} END AS {w.q(output)}")
    items += [
        f"-- a closed deal's close date, as audit.csv gives it\n{_close_date(w, columns_read, outcome_read)} AS {w.q(CLOSED_ON)}",
        "-- the cells the audit refuses, as its reasons name them ('' when it reads every one)\n" + w.q("not_assessed"),
        f"-- the amount's currency (an ISO code), written with it or in the currency column\n"
        f"CASE WHEN {read} AND {w.q('amount')} IS NOT NULL "
        f"THEN COALESCE({w.q('currency_code')}, {w.q('amount_written_currency')}) END AS {w.q('currency')}",
    ]
    items += [
        f"CASE WHEN {assessed} THEN {w.q(status_column(m.id))} END AS {w.q(status_column(m.id))}"
        for _, m in process.milestones()
    ]
    items += [*extra, *(w.dialect.identifier(name) for name in keep)]
    body = _select(items, f"FROM {w.q('stages')}")
    return "\n".join(line[len(INDENT) :] for line in body.split("\n"))
