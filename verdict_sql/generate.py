"""The verdict of the assessment engine as one SQL statement: one row out per deal in.

The statement is built from the process model and the engine's own rule data
(placeholders, minimum evidence length, white space, answer words), so a change to
the process or to a rule changes the SQL with it. It reads in steps, one CTE each:
`rules` (the assessment date), `cells` (each cell trimmed, dates as DATE),
`readings` (answers as booleans, evidence normalised, whether a buyer answered), `statuses` (each
milestone's status) and `stages` (verified and claimed stage); the final SELECT names the output columns.

A milestone's `.confirmed_by` cell (`Name <email>`, as `playbook deals export` writes it) makes
its answer the buyer's, as the audit reads it: the buyer's "yes" is its own evidence and passes
`confirmation: required`; a cell that is not `Name <email>`, or has no date, leaves the
milestone unanswered (the audit refuses such a row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sales_process.crm import CONFIRMED_BY_PATTERN, CrmMapping, resolve_mapping
from sales_process.engine import Status
from sales_process.evidence import LOWER_CASE_EXCEPTIONS, MIN_LENGTH, PLACEHOLDERS, SURROUNDING, WHITESPACE
from sales_process.loader import LoadedProcess
from sales_process.model import Milestone, Process, Stage
from sales_process.outcome import DISQUALIFIED_WORDS, WON_WORDS, Outcome, stage_looks_disqualified
from sales_process.requirement import Requirement, applies_to, stage_requirements
from sales_process.vocabulary import (
    ANSWERS_AS_TYPED,
    CURRENCY_SYMBOLS,
    LOST_WORDS,
    NO_WORDS,
    YES_WORDS,
    name_key,
    plural,
)
from verdict_sql.columns import InputColumns, MilestoneColumns, buyer_columns_left_out, missing_milestones
from verdict_sql.dialects import Dialect

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
)
STATUS_SUFFIX = "__status"
PLAIN_EVIDENCE = "^[A-Za-z0-9][ -~]*[A-Za-z0-9]$"
# Ten characters with the dashes of YYYY-MM-DD: trimming cannot turn anything else into a date the engine reads.
ISO_SHAPE = "{0} LIKE '____-__-__' OR {0} = ''"
INDENT = "    "
# The one-character currency symbols parse_money reads before or after an amount (codes such as EUR are not read here).
CURRENCY_CHARACTERS = "".join(symbol for symbol in CURRENCY_SYMBOLS if len(symbol) == 1)
THOUSANDS_DOTS = "^[0-9]{1,3}([.][0-9]{3})+$"
GROUP_SPACES = " \u00a0\u202f"  # the spaces parse_money reads as thousands separators


def status_column(milestone_id: str) -> str:
    """The output column holding a milestone's status."""
    return milestone_id + STATUS_SUFFIX


class _Writer:
    """Spells the expressions of one statement in one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.q = dialect.quote
        self.s = dialect.string

    def text(self, column: str | None, relation: str = "d") -> str:
        """A column as text (NULL when the relation has no such column)."""
        if column is None:
            return f"CAST(NULL AS {self.dialect.text_type})"
        return f"CAST({self.q(relation)}.{self.dialect.identifier(column)} AS {self.dialect.text_type})"

    def spaced(self, expression: str) -> str:
        """Every white space character of the engine as a plain space."""
        return f"TRANSLATE({expression}, {self.q('white_space')}, {self.q('spaces')})"

    def trimmed(self, column: str | None, *, plain: str | None = None) -> str:
        """A cell as the engine reads it: text without white space around it (inside, it stays as typed).

        `plain` is a condition on the text (as {}) under which trimming changes nothing: it spares
        the trim (the costly part on millions of rows) for the cells most exports hold.
        """
        text = self.text(column)
        trimmed = f"{self.dialect.trim_function}({text}, {self.q('r')}.{self.q('white_space')})"
        if plain is None or column is None:
            return trimmed
        return f"CASE WHEN {plain.format(text)} THEN {text} ELSE {trimmed} END"

    def lower(self, expression: str) -> str:
        """Python's lower(): first the characters whose lower case is not one character, then LOWER."""
        for character, lowered in sorted(LOWER_CASE_EXCEPTIONS.items()):
            expression = f"REPLACE({expression}, {self.chars(character)}, {self.chars(lowered)})"
        return f"LOWER({expression})"

    def chars(self, text: str) -> str:
        """A string literal, spelled by code point when it holds anything but printable ASCII."""
        if text.isascii() and text.isprintable():
            return self.s(text)
        return self.dialect.characters(ord(character) for character in text)

    def words(self, words: Iterable[str]) -> str:
        """A parenthesised, sorted list of string literals for IN."""
        return "(" + ", ".join(self.chars(word) for word in sorted(words)) + ")"


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
) -> str:
    """The statement: a SELECT of OUTPUT_COLUMNS and one status column per milestone, one row per input row.

    `as_of` None assesses on the warehouse's CURRENT_DATE; `view` wraps it in CREATE OR REPLACE VIEW;
    `header` lines are written first as SQL comments; `keep` names input columns passed through, last.
    `mapping` (default: the process's crm: block) gives the CRM's stage names and whether amounts
    have a decimal comma.
    """
    w = _Writer(dialect)
    mapping = mapping or resolve_mapping(process)
    milestones = process.milestones()
    buyers = _buyers(process, columns)
    parts = [
        *(comment(line) for line in header),
        "WITH",
        _cte(
            w,
            "rules",
            "The assessment date, the white space the engine reads as one space, and how amounts are written.",
            _rules(w, as_of, mapping.decimal_comma),
        )
        + ",",
        _cte(
            w,
            "cells",
            "Step 1: each cell as the engine reads it: text without surrounding white space, dates as DATE.",
            _cells(w, process, relation, columns, keep, mapping.decimal_comma),
        )
        + ",",
        _cte(
            w,
            "readings",
            "Step 2: answers as true/false (blank or other words: unanswered); evidence as the "
            "engine compares it: white space runs as one space, lower case, surrounding punctuation stripped.",
            _readings(w, milestones, buyers),
        )
        + ",",
        _cte(
            w,
            "statuses",
            "Step 3: each milestone's status; the first that applies wins, in the engine's order.",
            _statuses(w, milestones, buyers),
        )
        + ",",
        _cte(
            w,
            "stages",
            "Step 4: the verified stage is the first with a milestone not verified; the claimed stage by position.",
            _stages(w, process, mapping),
        ),
        _final(w, process, keep, buyers),
    ]
    statement = "\n".join(parts)
    if view is not None:
        statement = f"CREATE OR REPLACE VIEW {w.q(view)} AS\n{statement}"
    return statement + ";\n"


def statement_header(
    loaded: LoadedProcess, relation: str, command: str, columns: InputColumns, as_of: dt.date | None
) -> list[str]:
    """The lines a generated statement starts with: what it computes, from which file, as of when, and the
    milestones it cannot read (no column, or no buyer column)."""
    process = loaded.process
    version = f" {process.version}" if process.version else ""
    when = as_of.isoformat() if as_of else "the day it runs (CURRENT_DATE)"
    header = [
        f"The verified stage of every deal in {relation}, by the rules of {process.name}{version}.",
        f"Generated by `{command}` from {loaded.path} (sha256 {loaded.sha256}).",
        f"Assessed as of {when}. Regenerate it whenever the process file changes.",
    ]
    missing = missing_milestones(process, columns)
    if missing:
        header.append(f"No column under crm.milestones, so unanswered on every row: {', '.join(missing)}.")
    no_buyer = [m for m in buyer_columns_left_out(process, columns) if m not in missing]
    if no_buyer:
        how = (
            "map crm.milestones.<id>.confirmed_by" if process.crm and process.crm.milestones else "pass --buyer-columns"
        )
        header.append(f"No buyer column ({how} to read them), so every answer is the rep's: {', '.join(no_buyer)}.")
    return header


def comment(text: str) -> str:
    """A -- comment of one line: a line break in a name from process.yaml must not end it and turn text into SQL."""
    return "-- " + "".join(character if character.isprintable() else " " for character in text)


def _cte(w: _Writer, name: str, text: str, body: str) -> str:
    return f"{w.q(name)} AS (\n{INDENT}{comment(text)}\n{body}\n)"


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


def _rules(w: _Writer, as_of: dt.date | None, decimal_comma: bool) -> str:
    # Thousands separators are dropped; the decimal mark (listed first) becomes a dot.
    separators = ",." if decimal_comma else ".,"
    # With a decimal comma, a number without a comma is read as written (a NUMERIC column as text:
    # 1234.56), unless its dots group thousands (1.250.000).
    dotted = "."
    spaces = " " * len(WHITESPACE)
    return _select(
        [
            f"{w.dialect.date(as_of)} AS {w.q('as_of')}",
            f"{w.dialect.characters(ord(character) for character in WHITESPACE)} AS {w.q('white_space')}",
            f"{w.s(spaces)} AS {w.q('spaces')}",
            f"{w.chars(CURRENCY_CHARACTERS)} AS {w.q('currency_symbols')}",
            f"{w.chars(separators + GROUP_SPACES)} AS {w.q('amount_separators')}",
            *([f"{w.chars(dotted + GROUP_SPACES)} AS {w.q('separators_without_comma')}"] if decimal_comma else []),
        ],
        "",
    )


def _milestone_comment(stage: Stage, milestone: Milestone) -> str:
    rules = ["evidence required" if milestone.evidence_required else "evidence optional"]
    if milestone.max_age_days is not None:
        rules.append(f"counts for {plural(milestone.max_age_days, 'day')}")
    if milestone.buyer_confirms:
        rules.append("counts once the buyer confirms it")
    return comment(f"{stage.name} ({stage.id}): milestone {milestone.id} ({', '.join(rules)})")


def _amount(w: _Writer, column: str | None, decimal_comma: bool) -> str:
    """The amount as the audit reads it: a currency symbol before or after, thousands grouped by
    commas or spaces (dots or spaces with a decimal comma), which are dropped, and the decimal mark made a dot."""
    r = w.q("r")
    symbols = f"TRIM({w.trimmed(column)}, {r}.{w.q('currency_symbols')})"
    trimmed = f"{w.dialect.trim_function}({symbols}, {r}.{w.q('white_space')})"
    separators = f"{r}.{w.q('amount_separators')}"
    if decimal_comma:
        separators = (
            f"CASE WHEN {trimmed} LIKE '%,%' OR {w.dialect.matches.format(trimmed, w.s(THOUSANDS_DOTS))} "
            f"THEN {separators} ELSE {r}.{w.q('separators_without_comma')} END"
        )
    number = f"TRANSLATE({trimmed}, {separators}, '.')"
    return f"{w.dialect.cast}(NULLIF({number}, '') AS {w.dialect.double_type}) AS {w.q('amount')}"


def _buyers(process: Process, columns: InputColumns) -> frozenset[str]:
    """The milestones whose buyer (`.confirmed_by`) has a column."""
    return frozenset(
        milestone_id for milestone_id, found in columns.milestones.items() if found.confirmed_by is not None
    )


def _cells(
    w: _Writer, process: Process, relation: str, columns: InputColumns, keep: Sequence[str], decimal_comma: bool
) -> str:
    items = [
        f"{w.text(columns.deal)} AS {w.q('deal')}",
        f"{w.lower(w.trimmed(columns.stage))} AS {w.q('claimed_label')}",
        _amount(w, columns.amount, decimal_comma),
        *(f"{w.q('r')}.{w.q(name)} AS {w.q(name)}" for name in ("as_of", "white_space", "spaces")),
    ]
    if _segments_read(process):
        # As sales_process.model.segment_key compares it: trimmed, lower case; blank is no segment.
        items.append(f"NULLIF({w.lower(w.trimmed(columns.segment))}, '') AS {w.q('segment')}")
    # The answer words as exports write them (yes, Yes, YES): nothing to trim.
    answer_as_typed = "{0} IN " + w.words(ANSWERS_AS_TYPED)
    for stage, milestone in process.milestones():
        found = columns.milestones.get(milestone.id, MilestoneColumns(None))
        items += [
            f"{_milestone_comment(stage, milestone)}\nLOWER({w.trimmed(found.answer, plain=answer_as_typed)}) "
            f"AS {w.q(milestone.id + '__answer')}",
            f"{w.text(found.evidence)} AS {w.q(milestone.id + '__evidence')}",
            f"{w.dialect.cast}(NULLIF({w.trimmed(found.date, plain=ISO_SHAPE)}, '') AS DATE) AS {w.q(milestone.id + '__date')}",
        ]
        if found.confirmed_by is not None:
            items.append(f"NULLIF({w.trimmed(found.confirmed_by)}, '') AS {w.q(milestone.id + '__buyer')}")
    items += [f"{w.q('d')}.{w.dialect.identifier(name)} AS {w.dialect.identifier(name)}" for name in keep]
    return _select(items, f"FROM {w.q(relation)} AS {w.q('d')} CROSS JOIN {w.q('rules')} AS {w.q('r')}")


def _readings(w: _Writer, milestones: Sequence[tuple[Stage, Milestone]], buyers: frozenset[str]) -> str:
    items = []
    for stage, milestone in milestones:
        if milestone.id in buyers:
            buyer, date = w.q(milestone.id + "__buyer"), w.q(milestone.id + "__date")
            readable = w.dialect.matches.format(
                f"{w.dialect.trim_function}({w.spaced(buyer)}, ' ')", w.s(CONFIRMED_BY_PATTERN)
            )
            items.append(
                f"-- {milestone.id}: true when a buyer answered (Name <email>, and dated), false when the cell cannot be read\n"
                f"CASE WHEN {buyer} IS NULL THEN NULL WHEN {readable} AND {date} IS NOT NULL THEN TRUE ELSE FALSE END "
                f"AS {w.q(milestone.id + '__by_buyer')}"
            )
        answer = w.q(milestone.id + "__answer")
        items.append(
            f"{_milestone_comment(stage, milestone)}\n"
            f"CASE WHEN {answer} IN {w.words(YES_WORDS)} THEN TRUE "
            f"WHEN {answer} IN {w.words(NO_WORDS)} THEN FALSE END AS {w.q(milestone.id + '__met')}"
        )
        evidence = w.q(milestone.id + "__evidence")
        collapsed = w.dialect.collapse_spaces.format(w.spaced(evidence))
        normalised = f"{w.dialect.trim_function}({w.lower(collapsed)}, {w.s(SURROUNDING)})"
        # Printable ASCII between a letter or digit at each end, no double space: only LOWER changes it.
        plain = f"{evidence} NOT LIKE '%  %' AND {w.dialect.matches.format(evidence, w.s(PLAIN_EVIDENCE))}"
        items.append(
            f"CASE WHEN {plain} THEN LOWER({evidence}) ELSE {normalised} END AS {w.q(milestone.id + '__normalised')}"
        )
    return _select(items, f"FROM {w.q('cells')}", star=True)


def _status(w: _Writer, milestone: Milestone, buyers: frozenset[str]) -> str:
    met, date = w.q(milestone.id + "__met"), w.q(milestone.id + "__date")
    normalised, as_of = w.q(milestone.id + "__normalised"), w.q("as_of")
    by_buyer = w.q(milestone.id + "__by_buyer")
    with_buyer = milestone.id in buyers
    # The rep's answer needs evidence, and the buyer's word where confirmation is required; the buyer's "yes" is both.
    rep = f"{by_buyer} IS NULL AND " if with_buyer else ""
    cases = [
        f"WHEN {met} IS NULL{f' OR NOT {by_buyer}' if with_buyer else ''} THEN {w.s(Status.UNANSWERED)}",
        f"WHEN NOT {met} THEN {w.s(Status.NOT_MET)}",
    ]
    if milestone.evidence_required:
        lacking = (
            f"{normalised} IS NULL OR LENGTH({normalised}) < {MIN_LENGTH} OR {normalised} IN {w.words(PLACEHOLDERS)}"
        )
        cases.append(f"WHEN {f'{rep}({lacking})' if rep else lacking} THEN {w.s(Status.NO_EVIDENCE)}")
    if milestone.buyer_confirms:
        awaiting = f"{by_buyer} IS NULL" if with_buyer else "TRUE"  # without a buyer column, every "yes" is the rep's
        cases.append(f"WHEN {awaiting} THEN {w.s(Status.AWAITING_BUYER)}")
    cases.append(f"WHEN {date} > {as_of} THEN {w.s(Status.FUTURE_DATE)}")
    if milestone.max_age_days is not None:
        days = w.dialect.days_between.format(as_of, date)
        cases += [
            f"WHEN {date} IS NULL THEN {w.s(Status.UNDATED)}",
            f"WHEN {days} > {milestone.max_age_days} THEN {w.s(Status.STALE)}",
        ]
    body = "\n".join(f"{INDENT}{case}" for case in cases)
    return f"CASE\n{body}\n{INDENT}ELSE {w.s(Status.VERIFIED)}\nEND AS {w.q(status_column(milestone.id))}"


def _statuses(w: _Writer, milestones: Sequence[tuple[Stage, Milestone]], buyers: frozenset[str]) -> str:
    items = [
        f"{_milestone_comment(stage, milestone)}\n{_status(w, milestone, buyers)}" for stage, milestone in milestones
    ]
    return _select(items, f"FROM {w.q('readings')}", star=True)


def _stage_labels(process: Process, mapping: CrmMapping) -> dict[str, str]:
    """Stage ids by the trimmed, lower-cased text that names them, as the vocabulary's StageLookup finds them.

    The SQL lower-cases (Python's lower) where the lookup case-folds: both spellings are listed.
    """
    lookup = mapping.stage_lookup(process)
    labels = lookup.labels(lambda text: text.strip().lower())
    for label, stage_id in lookup.labels().items():
        labels.setdefault(label, stage_id)
    return labels


def _segments_read(process: Process) -> bool:
    """Whether some milestone is required of some segments only: the statement then reads the segment."""
    return any(m.required_when is not None and m.required_when.segment for _, m in process.milestones())


def _required(w: _Writer, requirement: Requirement) -> str | None:
    """When the requirement gates a deal, as SQL on `amount` and `segment` (sales_process.requirement's rule:
    an unknown amount or segment meets the condition); None when it gates every deal."""
    condition = requirement.gating.required_when
    if condition is None:
        return None
    amount, segment = w.q("amount"), w.q("segment")
    parts = []
    if condition.amount_at_least is not None:
        parts.append(f"({amount} IS NULL OR {amount} >= {float(condition.amount_at_least)!r})")
    if condition.amount_below is not None:
        parts.append(f"({amount} IS NULL OR {amount} < {float(condition.amount_below)!r})")
    if condition.segment:
        parts.append(f"({segment} IS NULL OR {segment} IN {w.words(condition.segment_keys)})")
    return " AND ".join(parts)


def stage_gate(w: _Writer, stage: Stage) -> str:
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


def _stages(w: _Writer, process: Process, mapping: CrmMapping) -> str:
    gates = []
    for index, stage in enumerate(process.stages[:-1]):
        gates.append(f"{INDENT}{comment(_gate_comment(stage))}\n{INDENT}WHEN NOT ({stage_gate(w, stage)}) THEN {index}")
    verified_index = (
        "CASE\n" + "\n".join(gates) + f"\n{INDENT}ELSE {len(process.stages) - 1}\nEND AS {w.q('verified_index')}"
    )
    positions = {stage.id: index for index, stage in enumerate(process.stages)}
    labels = _stage_labels(process, mapping)
    claims = "\n".join(
        f"{INDENT}WHEN {w.chars(label)} THEN {positions[stage_id]}" for label, stage_id in labels.items()
    )
    claimed_index = f"CASE {w.q('claimed_label')}\n{claims}\nEND AS {w.q('claimed_index')}"
    return _select(
        [
            verified_index,
            "-- the claimed stage, by id, name or CRM stage name, in any case\n" + claimed_index,
            "-- closed deals are outcomes, not pipeline: by the CRM stage, as sales_process.outcome reads it\n"
            + _outcome(w, process, mapping, labels),
        ],
        f"FROM {w.q('statuses')}",
        star=True,
    )


def _outcome(w: _Writer, process: Process, mapping: CrmMapping, labels: dict[str, str]) -> str:
    """The deal's outcome by its CRM stage (OutcomeRule.stage_outcome): lost (crm.lost_stages or a lost word),
    won (the last stage or a won word), disqualified (a disqualification word), else open."""
    label = w.q("claimed_label")

    def has_word(words: Iterable[str]) -> str:
        nw = w.dialect.non_word
        pattern = f"^(.*{nw})?({'|'.join(sorted(words))})({nw}.*)?$"
        return w.dialect.matches.format(label, w.s(pattern))

    listed = process.crm.lost_stages if process.crm else []

    def labels_of(names: Iterable[str]) -> list[str]:
        return sorted({text for name in names for text in (name.strip().lower(), name_key(name))})

    # crm.lost_stages: a name with a disqualification word is disqualified, any other lost.
    disqualified_labels = labels_of(name for name in listed if stage_looks_disqualified(name))
    lost_labels = labels_of(name for name in listed if not stage_looks_disqualified(name))
    won_labels = sorted(text for text, stage_id in labels.items() if stage_id == process.stages[-1].id)
    listed_disqualified = (
        f"{INDENT}WHEN {label} IN {w.words(disqualified_labels)} THEN {w.s(Outcome.DISQUALIFIED)}\n"
        if disqualified_labels
        else ""
    )
    lost = (f"{label} IN {w.words(lost_labels)} OR " if lost_labels else "") + has_word(LOST_WORDS)
    return (
        f"CASE\n{listed_disqualified}{INDENT}WHEN {lost} THEN {w.s(Outcome.LOST)}\n"
        f"{INDENT}WHEN {label} IN {w.words(won_labels)} OR {has_word(WON_WORDS)} THEN {w.s(Outcome.WON)}\n"
        f"{INDENT}WHEN {has_word(DISQUALIFIED_WORDS)} THEN {w.s(Outcome.DISQUALIFIED)}\n"
        f"{INDENT}ELSE {w.s(Outcome.OPEN)}\nEND AS {w.q('outcome')}"
    )


def _by_stage(w: _Writer, process: Process, index_column: str, values: Sequence[str], output: str) -> str:
    cases = " ".join(f"WHEN {index} THEN {value}" for index, value in enumerate(values))
    return f"CASE {w.q(index_column)} {cases} END AS {w.q(output)}"


def _holds_back(w: _Writer, requirement: Requirement, milestone: Milestone) -> str:
    """When the milestone holds a deal in its stage (engine.MilestoneResult.holds_back): not verified, the deal
    needs it, and no other alternative of its group is verified."""
    verified = w.s(Status.VERIFIED)
    condition = " AND ".join(f"{w.q(status_column(m.id))} <> {verified}" for m in requirement.milestones)
    required = _required(w, requirement)
    return condition if required is None else f"{condition} AND {required}"


def _next_milestones(w: _Writer, process: Process) -> str:
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
    return f"CASE {w.q('verified_index')}\n" + "\n".join(cases) + f"\n{INDENT}ELSE ''\nEND AS {w.q('next_milestones')}"


def _buyer_confirmed(w: _Writer, milestone_id: str, buyers: frozenset[str]) -> str:
    """True when the buyer said "yes" to the milestone (never NULL)."""
    if milestone_id not in buyers:
        return "FALSE"
    return f"COALESCE({w.q(milestone_id + '__by_buyer')} AND {w.q(milestone_id + '__met')}, FALSE)"


def _buyer_columns(w: _Writer, process: Process, buyers: frozenset[str]) -> list[str]:
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
        f'-- the milestones the buyer confirmed ("Yes, this is right") through a confirmation link\n{confirmed} '
        f"AS {w.q('buyer_confirmed_milestones')}",
        "-- whether the buyer confirmed every outcome with a buyer statement that put the deal at its verified stage\n"
        f"{gate_sql} AS {w.q('verified_stage_confirmed_by_buyer')}",
    ]


def _final(w: _Writer, process: Process, keep: Sequence[str], buyers: frozenset[str]) -> str:
    ids = [w.s(stage.id) for stage in process.stages]
    names = [w.chars(stage.name) for stage in process.stages]
    double = w.dialect.double_type

    def weighted(index_column: str, output: str) -> str:
        # A closed deal is an outcome: it weighs nothing in the pipeline. An open one is rounded to the
        # cent once, half to even, by the audit's arithmetic (amount * probability / 100, in cents), so
        # that SUM() over the rows is the audit's total.
        probabilities = " ".join(f"WHEN {i} THEN {stage.probability}" for i, stage in enumerate(process.stages))
        exact = f"{w.q('amount')} * CASE {w.q(index_column)} {probabilities} END / CAST(100 AS {double}) * 100"
        cents = w.dialect.round_cents.format(exact)
        money = w.dialect.money_type
        return (
            f"CASE WHEN {w.q('outcome')} = {w.s(Outcome.OPEN)} THEN CAST({cents} / 100 AS {money}) END AS {w.q(output)}"
        )

    items = [
        w.q("deal"),
        _by_stage(w, process, "claimed_index", ids, "claimed_stage_id"),
        _by_stage(w, process, "verified_index", ids, "verified_stage_id"),
        _by_stage(w, process, "verified_index", names, "verified_stage"),
        f"{w.q('claimed_index')} - {w.q('verified_index')} AS {w.q('stages_ahead')}",
        w.q("amount"),
        weighted("claimed_index", "claimed_weighted"),
        weighted("verified_index", "verified_weighted"),
        "-- the verified stage's milestones not verified yet, in file order\n" + _next_milestones(w, process),
        *_buyer_columns(w, process, buyers),
        w.q("outcome"),
    ]
    items += [w.q(status_column(milestone.id)) for _, milestone in process.milestones()]
    items += [w.dialect.identifier(name) for name in keep]
    body = _select(items, f"FROM {w.q('stages')}")
    return "\n".join(line[len(INDENT) :] for line in body.split("\n"))
