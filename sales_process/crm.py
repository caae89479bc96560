"""A CRM export's names, resolved: which column holds which field, which CRM stage is which stage.

The `crm:` block of process.yaml (and the command line's --column and --stage-name,
which override it for one run) are resolved once into a CrmMapping. The audit reads
an export through it; anything else that reads or writes CRM data (an import, SQL)
can use the same object: `target(column)` says what a column holds,
`stage_names` maps the CRM's stage names to stage ids.

Every name is compared ignoring case, spacing and Unicode form (see vocabulary.name_key).
The standard names (deal, stage, amount, owner, <milestone-id>, <milestone-id>.evidence,
<milestone-id>.date, <milestone-id>.confirmed_by) are always understood, so a hand-made CSV
needs no mapping.

A `.confirmed_by` cell names the buyer who answered a milestone through a confirmation
link, as `Name <email>`: `playbook deals export` writes it (confirmed_by_cell) and the
audit reads it back (parse_confirmed_by); the SQL verdict matches CONFIRMED_BY_PATTERN.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from sales_process.crm_names import (
    FLAG_FIELDS,
    KnownColumn,
    column_spellings,
    column_words,
    export_spellings,
    is_system_field,
    without_export_prefix,
)
from sales_process.model import CrmColumns, CrmMilestone, Process
from sales_process.outcome import OutcomeRule, process_outcome_rule
from sales_process.suggest import closest, did_you_mean, is_typo_of
from sales_process.vocabulary import DateOrder, StageLookup, name_key
from sales_process.wording import quoted

AUDIT_FIELDS: tuple[str, ...] = tuple(CrmColumns.model_fields)  # deal, crm_id, stage, amount, … is_deleted
MILESTONE_PARTS: tuple[str, ...] = tuple(CrmMilestone.model_fields)  # met, evidence, date, confirmed_by
MET = "met"
CONFIRMED_BY = "confirmed_by"
CONFIRMED_BY_EXAMPLE = "Dana Buyer <dana@customer.example>"
# `Name <email>` once every white space character is a plain space and the ends are trimmed: a name
# without angle brackets, then the address in them (no space, one @ with text on both sides).
# Plain character classes only, so that every SQL dialect's regular expressions read it alike.
CONFIRMED_BY_PATTERN = "^([^<>]*[^<> ]) *<([^<>@ ]+@[^<>@ ]+)>$"
_CONFIRMED_BY = re.compile(CONFIRMED_BY_PATTERN)

# What CRMs call the audit's fields, for suggestions only (a mapping is never guessed).
_SYNONYMS = {
    "deal": ("deal", "deal name", "opportunity name", "opportunity", "name"),
    "crm_id": ("crm id", "opportunity id", "deal id", "record id", "id"),
    "stage": ("stage", "deal stage", "opportunity stage", "stage name", "sales stage", "pipeline stage"),
    "amount": (
        "amount",
        "deal amount",
        "opportunity amount",
        "value",
        "deal value",
        "total amount",
        "amount (converted)",
    ),
    "currency": ("currency", "opportunity currency", "deal currency", "currency code", "currency iso code"),
    "owner": ("owner", "deal owner", "opportunity owner", "account owner", "sales rep", "rep", "owner name"),
}
_PART_WORDS = {
    "evidence": "evidence",
    "proof": "evidence",
    "notes": "evidence",
    "date": "date",
    "on": "date",
    "when": "date",
    # The same last words in German, French, Spanish, Italian, Dutch and Portuguese (in plain letters:
    # column_words): 'Entscheider benannt Nachweis', 'Conditions acceptées Date', 'Precio aceptado Fecha'.
    **dict.fromkeys(("nachweis", "beleg", "belege", "notiz", "notizen", "preuve", "preuves"), "evidence"),
    **dict.fromkeys(("justificatif", "justificatifs", "evidencia", "prueba", "pruebas", "nota", "notas"), "evidence"),
    **dict.fromkeys(("prova", "prove", "evidenza", "bewijs", "notitie", "notities", "comprovante"), "evidence"),
    **dict.fromkeys(("datum", "am", "fecha", "data"), "date"),
}


@dataclass(frozen=True)
class Target:
    """What a CRM column holds: an audit field, or one part (met, evidence, date, confirmed_by) of a milestone."""

    field: str
    part: str | None = None

    @property
    def milestone_id(self) -> str | None:
        """The milestone this column belongs to (None for a deal field)."""
        return None if self.part is None else self.field

    def __str__(self) -> str:
        """As written on the command line: deal, pricing-agreeable, pricing-agreeable.evidence."""
        return self.field if self.part in (None, MET) else f"{self.field}.{self.part}"


IGNORED_IN_THE_FILE = "crm.ignore_columns"
IGNORED_ON_THE_COMMAND_LINE = "--ignore-column"


@dataclass(frozen=True)
class CrmMapping:
    """A CRM export's column and stage names resolved against one process."""

    crm_name: str | None
    columns: Mapping[str, Target]  # name_key(CRM column) -> what it holds (standard names included)
    column_names: Mapping[str, str]  # name_key(CRM column) -> the column's name as mapped, for messages
    stage_names: Mapping[str, str]  # the CRM's stage name as written -> stage id
    ignored: frozenset[str] = frozenset()  # name_key of each column left out of the audit
    decimal_comma: bool = False
    date_order: DateOrder = DateOrder.AUTO
    mapped: frozenset[str] = field(default_factory=frozenset)  # name_key of the columns mapped by the user
    encoding: str | None = None  # the export's encoding when it has no BOM and is not UTF-8 (crm.encoding, --encoding)
    sheet: str | None = None  # the workbook's sheet to read (--sheet); None: the first
    strict_columns: bool = False  # every column the audit does not read is an error (--strict-columns)
    outcomes: OutcomeRule | None = None  # how a row's outcome is read (crm.status_values, crm.lost_stages)
    # Where a known CRM column name was read as an audit field: name_key -> (field, CRM), see crm_names.
    known: Mapping[str, KnownColumn] = field(default_factory=dict)
    # The pipelines read, as listed (crm.pipelines, --pipeline); empty: every row, whatever its pipeline.
    pipelines: tuple[str, ...] = ()
    # Each column left out as written, with where it was written (crm.ignore_columns, --ignore-column): for messages.
    ignored_as_written: tuple[tuple[str, str], ...] = ()

    def in_another_pipeline(self, pipeline: str) -> bool:
        """Whether a row whose pipeline cell says `pipeline` is left out: pipelines are listed, and not this one
        (a blank cell is read: the row names no other pipeline)."""
        key = name_key(pipeline)
        return bool(self.pipelines and key and key not in self._pipeline_keys)

    @cached_property
    def _pipeline_keys(self) -> frozenset[str]:
        return frozenset(name_key(name) for name in self.pipelines)

    def stage_lookup(self, process: Process) -> StageLookup:
        """Find an export's stages by id, name, an id they were `renamed_from`, or the CRM's names for them."""
        return StageLookup(((stage.id, stage.name) for stage in process.stages), self.stage_names)

    def target(self, column: str) -> Target | None:
        """What the column holds, or None when the mapping does not know it."""
        return self.columns.get(name_key(column))

    def column_name(self, target: Target) -> str:
        """The column that holds `target`: the name mapped to it, else its standard name."""
        mapped = [self.column_names[key] for key in self.mapped if self.columns[key] == target]
        return mapped[0] if mapped else str(target)

    def is_ignored(self, column: str) -> bool:
        """Whether the column is to be left out of the audit."""
        return name_key(column) in self.ignored

    @property
    def source(self) -> str:
        """How messages name the export: 'the Salesforce export' or 'the export'."""
        return f"the {self.crm_name} export" if self.crm_name else "the export"


def standard_targets(process: Process) -> dict[str, Target]:
    """The column names understood without a mapping: the field names and the milestone ids (and the ids a
    milestone was `renamed_from`: an export made before the rename still has columns named by them), and the
    labels `playbook crm-template --crm …` gives a milestone's fields ('Pain Confirmed Evidence', field_label), as
    each CRM's export writes them ('Deal - Pain Confirmed Evidence', crm_names.export_spellings): an export of the
    fields it told a CRM admin to create is read as it comes, without a crm: block."""
    targets = {name: Target(name) for name in (*AUDIT_FIELDS, *FLAG_FIELDS)}
    labels: dict[str, Target | None] = {}
    for _, milestone in process.milestones():
        for named in (milestone.id, *milestone.renamed_from):
            targets[named] = Target(milestone.id, MET)
            targets[f"{named}.{MET}"] = Target(milestone.id, MET)
            targets[f"{named}.evidence"] = Target(milestone.id, "evidence")
            targets[f"{named}.date"] = Target(milestone.id, "date")
            targets[f"{named}.{CONFIRMED_BY}"] = Target(milestone.id, CONFIRMED_BY)
            for part in (*LABELLED_PARTS, BUYER_PART):
                target = Target(milestone.id, part)
                for spelling in export_spellings(field_label(named, part)):
                    key = name_key(spelling)
                    # Two milestones whose labels meet ('pain-confirmed' Evidence, 'pain-confirmed-evidence'): neither.
                    labels[key] = target if labels.get(key, target) == target else None
    targets.update({key: target for key, target in labels.items() if target is not None and key not in targets})
    return targets


LABELLED_PARTS = (MET, "evidence", "date")  # the fields crm-template asks a CRM admin to create per milestone
# And the buyer who confirmed it, for a milestone only the buyer's word verifies (`confirmation: required`).
BUYER_PART = CONFIRMED_BY


def field_label(milestone_id: str, part: str) -> str:
    """The CRM field label crm-template names a milestone's part by: 'Pricing Agreeable', 'Pricing Agreeable
    Evidence', 'Pricing Agreeable Date', 'Pricing Agreeable Confirmed By'."""
    words = milestone_id.replace("-", " ").title()
    return words if part == MET else f"{words} {part.replace('_', ' ').title()}"


def confirmed_by_cell(name: str, email: str) -> str:
    """The `.confirmed_by` cell of a buyer's answer: `Name <email>`."""
    return f"{name} <{email}>"


def parse_confirmed_by(text: str) -> tuple[str, str]:
    """The buyer's name and email from a `.confirmed_by` cell; raise ValueError saying what is wrong."""
    spaced = "".join(" " if character.isspace() else character for character in text).strip(" ")
    found = _CONFIRMED_BY.match(spaced)
    if found is None:
        raise ValueError(
            f'{quoted(text.strip())} is not a buyer written as "Name <email>", e.g. {CONFIRMED_BY_EXAMPLE!r}'
        )
    return found[1], found[2]


def parse_target(text: str, process: Process) -> Target:
    """Read the field part of --column NAME=FIELD; raise ValueError with a suggestion."""
    targets = standard_targets(process)
    target = targets.get(text.strip().lower())
    if target is None:
        raise ValueError(
            f"{quoted(text.strip())} is neither an audit field nor a milestone id{did_you_mean(text.strip(), list(targets))}; "
            f"use one of {', '.join(AUDIT_FIELDS)}, a milestone id (its yes/no column) or <milestone-id>.evidence / .date / .confirmed_by"
        )
    return target


def split_assignment(text: str, example: str) -> tuple[str, str]:
    """'CRM Name=value' -> ('CRM Name', 'value'); the last '=' separates, so names may hold one."""
    name, equals, value = text.rpartition("=")
    if not equals or not name.strip() or not value.strip():
        raise ValueError(f'write it as "CRM NAME=VALUE", e.g. "{example}"')
    return name.strip(), value.strip()


def _file_columns(process: Process) -> list[tuple[str, Target]]:
    crm = process.crm
    if crm is None:
        return []
    pairs = [(name, Target(key)) for key, name in crm.columns.model_dump().items() if name]
    for milestone_id, fields in crm.milestones.items():
        pairs += [(name, Target(milestone_id, part)) for part, name in fields.model_dump().items() if name]
    return pairs


def resolve_mapping(
    process: Process,
    columns: Sequence[tuple[str, Target]] = (),
    stage_names: Sequence[tuple[str, str]] = (),
    ignore: Iterable[str] = (),
    decimal_comma: bool | None = None,
    date_order: DateOrder | None = None,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    strict_columns: bool = False,
    pipelines: Sequence[str] = (),
) -> CrmMapping:
    """The process's crm block with the command line's overrides applied (they win for this run).

    `columns` are (CRM column, target) pairs; `stage_names` (CRM stage name, stage id) pairs,
    both already checked (see parse_target and StageLookup).
    """
    crm = process.crm
    by_target: dict[Target, str] = {}
    for name, target in [*_file_columns(process), *columns]:
        # A field is read from one column: a command-line mapping replaces the file's for it,
        # and a column mapped again on the command line holds only the new field.
        for old_target, old_name in list(by_target.items()):
            if name_key(old_name) == name_key(name):
                del by_target[old_target]
        by_target[target] = name
    mapped = {name_key(name): target for target, name in by_target.items()}
    resolved = {**standard_targets(process), **mapped}
    names = {name_key(name): name for name in by_target.values()}
    # An export may still say an id a stage was renamed from; the crm block and the command line win.
    stages = {old: stage.id for stage in process.stages for old in stage.renamed_from}
    stages.update(dict(crm.stage_names) if crm else {})
    stages.update(dict(stage_names))
    ignored_as_written = [
        *((name, IGNORED_IN_THE_FILE) for name in (crm.ignore_columns if crm else [])),
        *((name, IGNORED_ON_THE_COMMAND_LINE) for name in ignore),
    ]
    ignored = {name_key(name) for name, _ in ignored_as_written}
    order = date_order or (DateOrder(crm.dates) if crm and crm.dates else DateOrder.AUTO)
    comma = decimal_comma if decimal_comma is not None else bool(crm and crm.decimal_comma)
    return CrmMapping(
        crm.name if crm else None,
        resolved,
        names,
        stages,
        frozenset(ignored),
        comma,
        order,
        frozenset(mapped),
        encoding or (crm.encoding if crm else None),
        sheet,
        strict_columns,
        process_outcome_rule(process),
        pipelines=tuple(pipelines) or tuple(crm.pipelines if crm else ()),
        ignored_as_written=tuple(ignored_as_written),
    )


def _same_word(a: str, b: str) -> bool:
    """'agreed' and 'agreeable', 'confirmed' and 'confirmation': the same word for a suggestion."""
    return a == b or (len(a) >= 5 and len(b) >= 5 and a[:5] == b[:5])


def _milestone_by_words(words: list[str], milestone_ids: list[str]) -> str | None:
    """The one milestone whose id is made of these words (or they of its), else None."""

    def fits(milestone_id: str) -> bool:
        parts = milestone_id.split("-")
        inside = all(any(_same_word(w, p) for p in parts) for w in words)
        covers = all(any(_same_word(w, p) for w in words) for p in parts)
        return inside or covers

    matches = [m for m in milestone_ids if fits(m)]
    return matches[0] if len(matches) == 1 else None


def _part_of(words: list[str]) -> tuple[list[str], str]:
    """A column's words without the part word that ends them, and that part: ['pain', 'confirmed', 'notes'] ->
    (['pain', 'confirmed'], 'evidence'); the yes/no answer when no part word ends them."""
    if len(words) > 1 and words[-1] in _PART_WORDS:
        return words[:-1], _PART_WORDS[words[-1]]
    return words, MET


def _typed_part_of(words: list[str], milestone_ids: list[str]) -> tuple[list[str], str]:
    """_part_of, a part word mistyped read as that part too ('Pain Confirmed Evidense', 'Pain Confirmed Dat'), for a
    suggestion only (a column is read as it is named, never as a typo): the last word a letter or two off one part
    word of four letters or more ('on' is too short to tell from a typo), and no word of a milestone's id."""
    found = _part_of(words)
    if found[1] != MET or len(words) < 2:
        return found
    last = words[-1]
    if any(_same_word(last, word) for milestone_id in milestone_ids for word in milestone_id.split("-")):
        return found  # 'Roadmap Update' is a milestone's answer, not its date
    parts = {part for word, part in _PART_WORDS.items() if len(word) >= 4 and is_typo_of(last, word)}
    return (words[:-1], parts.pop()) if len(parts) == 1 else found


def milestone_named(column: str, process: Process) -> Target | None:
    """The milestone part a column's words name exactly, or None: the words of a milestone's id (or of one it was
    renamed from), alone or with a part word after them ('Proposal Agreed Next Step Notes'). Such a column is that
    milestone's whatever system words its label holds ('next step'), so it is never left out as a system field."""
    for words in column_spellings(without_export_prefix(column)):
        for candidate, part in ((words, MET), _part_of(words)):
            for _, milestone in process.milestones():
                if any(candidate == named.split("-") for named in (milestone.id, *milestone.renamed_from)):
                    return Target(milestone.id, part)
    return None


# The word that gives a column away as one of the audit's fields, when no column holds that field yet.
_FIELD_WORDS = {"stage": "stage", "amount": "amount", "owner": "owner", "currency": "currency", "rep": "owner"}


def suggest_target(column: str, process: Process, read: Collection[str] = (), *, strict: bool = False) -> Target | None:
    """The field a column plausibly holds (for the unknown-column error), or None: then the column is only ignored.

    A column written like a standard name (with - or .) close to a milestone's, or whose words are a
    milestone id's, plausibly holds that milestone; a CRM's name for an audit field, or a name with the
    field's word, plausibly holds that field when no column in `read` does. A CRM system field
    (created/modified/contacted dates, contact, price list, next step …) never holds a milestone, unless its
    words are a milestone's own (milestone_named). A CRM's export prefix ('Deal - ') is not a part of the name.
    `strict` (every unknown column is an error) also offers the closest name, for the did-you-mean.
    """
    column = without_export_prefix(column)  # 'Deal - Pain Confirmd' is Pipedrive's 'Pain Confirmd'
    named = milestone_named(column, process)
    if named is not None:
        return named
    key = name_key(column)
    for audit_field, synonyms in _SYNONYMS.items():
        if key in synonyms:
            return Target(audit_field) if strict or audit_field not in read else None
    words = column_words(column)
    for word in words:
        field_word = _FIELD_WORDS.get(word)
        if field_word is not None and field_word not in read and not is_system_field(column):
            return Target(field_word)
    if is_system_field(column):
        return None
    standard = standard_targets(process)
    # The ids' forms (pain-confirmed.date), which a typo written with '-' or '.' is of; not the labels, in words.
    milestone_names = [name for name, target in standard.items() if target.part is not None and " " not in name]
    if "-" in key or "." in key:  # written like a standard name: most likely a typo of one
        typed = closest(key, milestone_names)
        if typed is not None:
            return standard[typed]
    milestone_ids = [milestone.id for _, milestone in process.milestones()]
    for spelling in column_spellings(column):
        words, part = _typed_part_of(spelling, milestone_ids)
        match = _milestone_by_words(words, milestone_ids) if words else None
        if match is not None:
            return Target(match, part)
    if not strict:
        return None
    typed = closest(key, milestone_names)
    return standard[typed] if typed is not None else None
