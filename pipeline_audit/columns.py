"""The header of a pipeline CSV, turned once into a plan of which column holds what.

Columns are read through a CrmMapping (the `crm:` block of process.yaml and the
command line's --column), which also understands the standard names (deal, stage,
amount, owner, <milestone-id>, <milestone-id>.evidence, <milestone-id>.date,
<milestone-id>.confirmed_by).
The CRMs' standard names for the audit's fields are read too (sales_process.crm_names).
A column the audit does not know is ignored and listed, unless it plausibly holds a
milestone or an audit field (a misspelt milestone column would otherwise count as
unanswered on every row): that is an error with a did-you-mean, as every unknown
column is with --strict-columns. An export with no milestone column at all is refused
unless --no-evidence says that is what it is.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from sales_process.crm import AUDIT_FIELDS, CONFIRMED_BY, MET, CrmMapping, Target, suggest_target
from sales_process.crm_names import (
    FIELD_WORDS,
    IS_ACTIVE,
    IS_CLOSED,
    IS_DELETED,
    IS_WON,
    OTHER_MEANINGS,
    PERIOD_COLUMNS,
    PIPELINE_NAMES,
    KnownColumn,
    known_column,
    recognised_crm,
    without_export_prefix,
    writer_of_all,
)
from sales_process.model import Process
from sales_process.pipeline_columns import AMOUNT, CLOSE_DATE, CRM_ID, DEAL, LOST_DATE, OWNER, STAGE, STATUS
from sales_process.suggest import did_you_mean
from sales_process.vocabulary import name_key
from verdict_sql import columns as verdict_columns

PIPELINE = Target("pipeline")

NO_MILESTONE_COLUMNS = (
    "this export has no milestone columns, so every deal would count as unverified; "
    "add the CRM fields from `playbook crm-template`, or map them under crm.milestones; "
    "to see the pipeline and its outcomes as the CRM has them, run it with --no-evidence"
)


class ColumnError(Exception):
    """The header cannot be audited; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class MilestoneColumns:
    """Where one milestone's answer, evidence, date and buyer (`.confirmed_by`) are (None when absent)."""

    milestone_id: str
    answer: int
    evidence: int | None
    date: int | None
    confirmed_by: int | None = None


@dataclass(frozen=True)
class ColumnPlan:
    """Column positions for the deal fields and each milestone found in the header."""

    width: int
    deal: int | None  # None: the export names deals by their CRM id
    stage: int | None
    amount: int | None
    owner: int | None
    milestones: tuple[MilestoneColumns, ...]
    unnamed: tuple[int, ...] = ()
    warnings: list[str] = field(default_factory=list)
    crm_id: int | None = None
    currency: int | None = None
    segment: int | None = None
    missing: tuple[str, ...] = ()  # milestone ids with no column: every deal counts them unanswered
    status: int | None = None
    close_date: int | None = None
    lost_date: int | None = None  # read where the close date's cell is blank
    is_closed: int | None = None
    is_won: int | None = None
    is_active: int | None = None
    is_deleted: int | None = None
    # "read 'StageName' as the stage (a name Salesforce uses)", once per column read by a CRM's name
    read_as: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()  # the columns the audit does not read, in header order
    # The column naming each deal's pipeline: crm.columns.pipeline, else one of crm_names.PIPELINE_NAMES.
    pipeline: int | None = None
    period: int | None = None  # the column saying the amount is per period (crm_names.PERIOD_COLUMNS)
    no_stage: str = ""  # the warning for an export with no stage column (among `warnings`), or ""
    header: tuple[str, ...] = ()  # the header's names as written: a row repeating them is no deal (data_rows)
    evidence_left_out: str = ""  # what --no-evidence left unread (without_evidence), or ""
    # One warning per milestone read from a yes/no column alone whose "yes" needs evidence (unevidenced).
    unevidenced: tuple[str, ...] = ()
    # Under --no-evidence, the columns not read that look like milestone columns (suggest_target), among `ignored`.
    milestone_like: tuple[int, ...] = ()

    @property
    def has_evidence(self) -> bool:
        """Whether the export has any milestone column (else nothing can be verified)."""
        return bool(self.milestones)


def without_evidence(plan: ColumnPlan, header: Sequence[str]) -> ColumnPlan:
    """The plan of `playbook audit --no-evidence` (and of the SQL it is asked for): no milestone column read, the
    pipeline as the CRM claims it, as the backtest's --no-evidence measures the CRM's stages alone. An export with
    milestone columns, or columns that look like them (ColumnPlan.milestone_like), has them left unread with a
    warning that names them, never in silence."""
    if not plan.milestones and not plan.milestone_like:
        return plan
    read = [
        index
        for columns in plan.milestones
        for index in (columns.answer, columns.evidence, columns.date, columns.confirmed_by)
        if index is not None
    ]
    names = [header[index].strip() for index in sorted([*read, *plan.milestone_like])]
    listed = ", ".join(repr(name) for name in names[:NO_EVIDENCE_NAMED])
    more = f" and {len(names) - NO_EVIDENCE_NAMED} more" if len(names) > NO_EVIDENCE_NAMED else ""
    left_out = (
        f"--no-evidence left the export's {len(names)} milestone column{'' if len(names) == 1 else 's'} "
        f"({listed}{more}) unread; drop it to verify the deals on them"
    )
    if plan.milestone_like:
        unmapped = len(plan.milestone_like)
        left_out += (
            f" ({unmapped} of them {'is' if unmapped == 1 else 'are'} read only once mapped: without --no-evidence, "
            "the audit says how)"
        )
    named = {header[index].strip() for index in plan.milestone_like}
    ignored = tuple(name for name in plan.ignored if name not in named)
    return replace(plan, milestones=(), missing=(), evidence_left_out=left_out, unevidenced=(), ignored=ignored)


NO_EVIDENCE_NAMED = 4  # milestone columns named in the --no-evidence warning


def check_ignored(mapping: CrmMapping) -> list[str]:
    """Problems with the columns left out (--ignore-column, crm.ignore_columns): one also mapped to a field
    (--column, crm.columns) is asked for both ways. One bearing a field's standard name is left out
    (plan_columns says so)."""
    return [
        f"{mapping.column_names[key]!r} is both mapped to {mapping.columns[key]} (--column or crm.columns) and left "
        "out (--ignore-column or crm.ignore_columns); remove one of them"
        for key in sorted(mapping.ignored & mapping.mapped)
    ]


def plan_columns(
    header: Sequence[str],
    process: Process,
    mapping: CrmMapping,
    *,
    no_evidence: bool = False,
    no_milestones: str = NO_MILESTONE_COLUMNS,
) -> ColumnPlan:
    """Map the header to a ColumnPlan; raise ColumnError listing every bad column.

    Columns are read by their mapped or standard names, then by the CRMs' standard names (crm_names);
    any other column is ignored and listed, unless it plausibly holds a milestone or an audit field
    (an error with a did-you-mean) or mapping.strict_columns makes every one an error.
    `no_evidence` allows an export without milestone columns (every deal is then unverified); without it,
    `no_milestones` is the problem such an export is, in the words of the command that reads it.
    """
    positions: dict[Target, int] = {}
    seen: dict[str, int] = {}
    problems: list[str] = []
    unnamed: list[int] = []
    unknown: list[tuple[int, str]] = []
    # Columns a mapped column holding the same field leaves unread, with --strict-columns' error for each.
    displaced: dict[int, str] = {}
    asked_out: list[str] = []  # columns of a field's standard name left out as asked
    for index, raw in enumerate(header):
        name, key = raw.strip(), name_key(raw)
        target = mapping.target(name)
        # A pipeline column left out is still read: it says where a deal of an unknown stage comes from.
        if target is not None and mapping.is_ignored(name) and target != PIPELINE:
            asked_out.append(_left_out(name, target))
            target = None
        if not key:
            unnamed.append(index)
        elif key in seen:
            problems.append(f"column {index + 1} {name!r} repeats column {seen[key] + 1}; keep one of them")
        elif target is not None and target in positions:
            other = positions[target]
            mapped, other_mapped = key in mapping.mapped, name_key(header[other]) in mapping.mapped
            if mapped != other_mapped:
                # A column the mapping names beats one that only bears the field's standard name (Salesforce's
                # `Amount` when `Amount (converted)` is mapped to amount): that one is a column not read.
                holder, left_out = (index, other) if mapped else (other, index)
                positions[target] = holder
                displaced[left_out] = (
                    f"column {left_out + 1} {header[left_out].strip()!r} is not read: column {holder + 1} "
                    f"{header[holder].strip()!r} holds {target}, as mapped; leave it out with --ignore-column "
                    f"{_shell(header[left_out].strip())} (crm.ignore_columns)"
                )
            else:
                problems.append(
                    f"column {index + 1} {name!r} and column {other + 1} {header[other].strip()!r} both hold "
                    f"{target}; keep one, or leave one out with --ignore-column {_shell(name)}"
                )
        elif target is not None:
            positions[target] = index
        elif not mapping.is_ignored(name):
            unknown.append((index, name))
        seen.setdefault(key, index)
    problems += _absent_mapped(header, mapping)
    unread_names: list[tuple[int, str]] = []
    status_by_name = _status_read(positions, header, mapping)
    read_as, unknown = _known_columns(unknown, positions, header, mapping, problems, unread_names)
    read_as += _amounts_currency(unknown, positions, header)
    read_as += [*status_by_name, *asked_out]
    ignored: list[str] = [header[index].strip() for index, _ in unread_names]
    period = next((index for index, name in unknown if name_key(name) in PERIOD_COLUMNS), None)
    if period is not None:
        unknown = [(index, name) for index, name in unknown if index != period]
        read_as.append(
            f"read {header[period].strip()!r} as the period of the amount (a deal whose value is per period, "
            "not its whole value, is not assessed)"
        )
    unread = _Unread(problems, ignored)
    for index, name in sorted([*unknown, *((index, header[index].strip()) for index in displaced)]):
        if index in displaced:
            if mapping.strict_columns:
                problems.append(displaced[index])
            else:
                ignored.append(name)
            continue
        unread.unknown(index, name, process, mapping, positions, no_evidence)
    ignored.sort(key={name.strip(): index for index, name in enumerate(header)}.__getitem__)
    milestones = _milestone_columns(process, positions, header, problems)
    deal_mapped = any(mapping.columns[key] == Target(DEAL) for key in mapping.mapped)
    if Target(DEAL) not in positions and Target(CRM_ID) not in positions and not deal_mapped:
        problems.insert(0, _no_deal_column())
    if not milestones and process.milestones() and not no_evidence:
        # After errors that each offer a column as a milestone's, "no milestone columns" would deny them.
        problems.append(_unmapped_milestones(unread.milestone_errors) if unread.milestone_errors else no_milestones)
    pipeline = positions.pop(PIPELINE, None)
    if pipeline is None:
        pipeline = _pipeline_column(header, set(positions.values()))
    if mapping.pipelines and pipeline is None:
        problems.append(_no_pipeline_column(mapping))
    elif pipeline is not None:
        ignored = [name for name in ignored if name != header[pipeline].strip()]
        read_as.append(
            f"read {header[pipeline].strip()!r} as the pipeline (only {pipeline_names(mapping)} read)"
            if mapping.pipelines
            else f"read {header[pipeline].strip()!r} as each deal's pipeline (to say where a stage the process "
            "does not know comes from)"
        )
    if problems:
        raise ColumnError(problems)
    found = {name_key(name) for name in header}
    warnings = [
        f"{where} {name!r}: no such column in the file; check its spelling against the header, or remove it"
        for name, where in mapping.ignored_as_written
        if name_key(name) not in found
    ]
    warnings += [why for _, why in unread_names]
    warnings += _currency_left_out(header, process, mapping, positions)
    # (A stage column mapped but absent is an error above.)
    no_stage = "" if Target(STAGE) in positions else _no_stage_column(header, set(positions.values()))
    if no_stage:
        warnings.append(no_stage)
    present = {columns.milestone_id for columns in milestones}
    return ColumnPlan(
        width=len(header),
        deal=positions.get(Target(DEAL)),
        stage=positions.get(Target(STAGE)),
        amount=positions.get(Target(AMOUNT)),
        owner=positions.get(Target(OWNER)),
        milestones=milestones,
        unnamed=tuple(unnamed),
        warnings=warnings,
        crm_id=positions.get(Target(CRM_ID)),
        currency=positions.get(Target("currency")),
        segment=positions.get(Target("segment")),
        missing=tuple(m.id for _, m in process.milestones() if m.id not in present),
        status=positions.get(Target(STATUS)),
        close_date=positions.get(Target(CLOSE_DATE)),
        lost_date=positions.get(Target(LOST_DATE)),
        is_closed=positions.get(Target(IS_CLOSED)),
        is_won=positions.get(Target(IS_WON)),
        is_active=positions.get(Target(IS_ACTIVE)),
        is_deleted=positions.get(Target(IS_DELETED)),
        read_as=tuple(read_as),
        ignored=tuple(ignored),
        pipeline=pipeline,
        period=period,
        no_stage=no_stage,
        header=tuple(header),
        unevidenced=unevidenced(milestones, process, header),
        milestone_like=tuple(unread.milestone_like),
    )


@dataclass
class _Unread:
    """What plan_columns makes of the columns it does not read: an error where one plausibly holds a field or a
    milestone (or every one is, --strict-columns), else a column listed as not read. Under --no-evidence, one that
    looks like a milestone's is not read, as the milestones are not, and is named with them (without_evidence)."""

    problems: list[str]
    ignored: list[str]
    milestone_like: list[int] = field(default_factory=list)
    milestone_errors: int = 0  # the errors offering a column as a milestone's
    offered: dict[Target, int] = field(default_factory=dict)  # what a column was offered as: each to one column

    def unknown(
        self,
        index: int,
        name: str,
        process: Process,
        mapping: CrmMapping,
        held: Mapping[Target, int],
        no_evidence: bool,
    ) -> None:
        """Say what is made of the column `name` at `index`, which nothing reads; `held`: what the columns read hold."""
        read = {target.field for target in held}
        plausible = suggest_target(name, process, read)
        if no_evidence and plausible is not None and plausible.milestone_id is not None:
            self.milestone_like.append(index)
            self.ignored.append(name)
            return
        if not mapping.strict_columns and plausible is None:
            self.ignored.append(name)
            return
        target = suggest_target(name, process, read, strict=True) if mapping.strict_columns else plausible
        # Offered again, or where a column is mapped to it, the mapping offered would map it twice ("keep one"); a
        # mapping beats a column of the standard name, so that one need not be left out first.
        mapped = target is not None and any(mapping.columns[key] == target for key in mapping.mapped)
        if target is not None and (target in self.offered or (mapped and target in held)):
            holder = held.get(target) if mapped else None
            self.problems.append(_taken(index, name, target, holder, self.offered.get(target)))
            return
        if target is not None:
            self.offered[target] = index
        self.problems.append(_unknown_column(index, name, target))
        self.milestone_errors += target is not None and target.milestone_id is not None


def _unmapped_milestones(count: int) -> str:
    """The error for an export whose only milestone columns are `count` columns not read until mapped."""
    these, them = (
        ("the column above looks like a milestone column", "it")
        if count == 1
        else (
            f"the {count} columns above look like milestone columns",
            "them",
        )
    )
    return (
        f"no column is read as a milestone yet, so every deal would count as unverified; {these}: map {them} as "
        f"said, or pass --no-evidence, which leaves {them} unread and verifies no deal"
    )


def unevidenced(milestones: Iterable[MilestoneColumns], process: Process, header: Sequence[str]) -> tuple[str, ...]:
    """A warning for each milestone read from its yes/no column alone when its "yes" counts only with evidence
    (evidence_required) and no buyer column can stand for it: no deal can ever meet it, which the verdicts alone
    never say."""
    required = {milestone.id for _, milestone in process.milestones() if milestone.evidence_required}
    return tuple(
        _unevidenced_text(columns.milestone_id, header[columns.answer].strip())
        for columns in milestones
        if columns.milestone_id in required and columns.evidence is None and columns.confirmed_by is None
    )


def _unevidenced_text(milestone_id: str, answer: str) -> str:
    """The warning for a milestone whose yes/no column `answer` has no evidence column beside it."""
    mapped = _shell(f"NAME={milestone_id}.evidence")
    return (
        f"{milestone_id} has a yes/no column ({answer!r}) but no evidence column: a yes without evidence cannot "
        f"count, so no deal can meet it; map its evidence column (crm: milestones: {milestone_id}: evidence: NAME, "
        f"or --column {mapped}), or add the CRM field `playbook crm-template` lists and export it again"
    )


def _pipeline_column(header: Sequence[str], read: set[int]) -> int | None:
    """The column not read that names each deal's pipeline, if the export has one (left out with
    --ignore-column or crm.ignore_columns too: it still says where a deal of an unknown stage comes from)."""
    pipelines = {name_key(name) for name in PIPELINE_NAMES}
    return next((index for index, name in enumerate(header) if index not in read and name_key(name) in pipelines), None)


def _amounts_currency(unknown: list[tuple[int, str]], positions: dict[Target, int], header: Sequence[str]) -> list[str]:
    """Read as the currency, when no column is, the one named the currency of the amount's column ('Deal - Currency
    of Value' beside 'Deal - Value'): its name says so, whatever CRM wrote it. Taken out of `unknown`; what the
    summary says of it."""
    amount = positions.get(Target(AMOUNT))
    if amount is None or CURRENCY_TARGET in positions:
        return []
    named = name_key(f"currency of {without_export_prefix(header[amount])}")
    found = next((item for item in unknown if name_key(without_export_prefix(item[1])) == named), None)
    if found is None:
        return []
    unknown.remove(found)
    positions[CURRENCY_TARGET] = found[0]
    return [
        f"read {found[1]!r} as {FIELD_WORDS['currency']} (its name says so of {header[amount].strip()!r}, the amount)"
    ]


def _status_read(positions: dict[Target, int], header: Sequence[str], mapping: CrmMapping) -> list[str]:
    """What the summary says of a status column read by its standard name in another spelling ('Status', as
    monday.com's board names its own) or as mapped (a CRM's name is said with the others): its values decide every
    deal's outcome, and an unknown one refuses the row, so it is never read unsaid."""
    index = positions.get(Target(STATUS))
    if index is None or header[index].strip() == STATUS:
        return []  # written as the audit's own exports write it (`playbook deals export`): meant for it
    name = header[index].strip()
    how = "as mapped" if name_key(name) in mapping.mapped else "its standard name"
    return [f"read {name!r} as {FIELD_WORDS[STATUS]} ({how}); --ignore-column {_shell(name)} leaves it out"]


def _left_out(name: str, target: Target) -> str:
    """What the summary says of a column bearing a field's standard name that is left out as asked."""
    what = FIELD_WORDS.get(target.field, str(target)) if target.milestone_id is None else str(target)
    return f"left out {name!r} as asked (--ignore-column or crm.ignore_columns): not read as {what}"


def pipeline_names(mapping: CrmMapping) -> str:
    """The pipelines read, for messages, quoted as the summary quotes a CRM's names: "Sales", "Renewals"."""
    return ", ".join(json.dumps(name, ensure_ascii=False) for name in mapping.pipelines)


def _no_pipeline_column(mapping: CrmMapping) -> str:
    """The error for pipelines listed (crm.pipelines, --pipeline) in an export with no pipeline column."""
    *others, last = (repr(name) for name in PIPELINE_NAMES)
    return (
        f"only the deals of {pipeline_names(mapping)} are to be read (crm.pipelines or --pipeline), but {mapping.source} "
        f"has no pipeline column ({', '.join(others)} or {last}); export it with the deals, or drop crm.pipelines "
        "and --pipeline"
    )


def _absent_mapped(header: Sequence[str], mapping: CrmMapping) -> list[str]:
    """An error for each deal field mapped (crm.columns, --column) to a column the export does not have, the deal's
    name as every other: a mapping is never dropped for a column read by its standard or a CRM's name instead. A
    column of the header not mapped to another field is offered when it is close (a misspelt mapping)."""
    found = {name_key(name) for name in header}
    offered = [name.strip() for name in header if name_key(name) and name_key(name) not in mapping.mapped]
    problems = []
    for key in sorted(mapping.mapped - found):
        target = mapping.columns[key]
        if target.part is None:
            name = mapping.column_names[key]
            hint = did_you_mean(name, offered).removeprefix(";")
            problems.append(
                f"{mapping.source} has no column {name!r}, mapped to {target.field} (crm.columns.{target.field} or --column);"
                f"{hint} map the column that holds {FIELD_WORDS.get(target.field, target.field)}, or remove the mapping"
            )
    return problems


def _known_columns(
    unknown: list[tuple[int, str]],
    positions: dict[Target, int],
    header: Sequence[str],
    mapping: CrmMapping,
    problems: list[str],
    unread: list[tuple[int, str]],
) -> tuple[list[str], list[tuple[int, str]]]:
    """Read the CRMs' standard names for fields no column holds yet; return what was said and the columns left.

    The best-ranked name present is read; two of the same rank are ambiguous (an error naming both). A name the
    export's CRM writes with another meaning (crm_names.OTHER_MEANINGS) is not read: its position and why are
    added to `unread`.
    """
    candidates: dict[str, list[tuple[int, int, str, KnownColumn]]] = {}
    left: list[tuple[int, str]] = []
    named = [(index, name, known_column(name)) for index, name in unknown]
    crm = recognised_crm([known for _, _, known in named if known is not None])
    for index, name, known in named:
        if known is None or Target(known.field) in positions:
            left.append((index, name))  # a CRM's name for a field another column holds is a column not read
        else:
            candidates.setdefault(known.field, []).append((known.rank, index, name, known))
    read: list[tuple[str, str, KnownColumn]] = []
    for field_name, found in candidates.items():
        best = min(rank for rank, _, _, _ in found)
        top = [(index, name, known) for rank, index, name, known in found if rank == best]
        if len(top) > 1:
            names = " and ".join(repr(name) for _, name, _ in top)
            problems.append(
                f"columns {names} could each hold {FIELD_WORDS[field_name]}; say which with "
                f'--column "{top[0][1]}={field_name}" (or crm.columns.{field_name}), and leave the other out with --ignore-column'
            )
            continue
        index, name, known = top[0]
        left += [(other, other_name) for _, other, other_name, _ in found if other != index]
        meaning = OTHER_MEANINGS.get(name_key(name))
        if meaning is not None and meaning[0] == crm:
            unread.append((index, f"did not read {name!r} as {FIELD_WORDS[field_name]}: {meaning[1]}"))
            continue
        positions[Target(field_name)] = index
        read.append((field_name, name, known))
    export_crm = writer_of_all([known for _, _, known in read])
    # "a name Pipedrive uses", never "(Pipedrive)", which would read as the CRM detected; and one CRM only when it
    # writes every name read (a SugarCRM export's "Expected Close Date" is a name Pipedrive, Bitrix24 and
    # Freshsales use, not proof of a Pipedrive export).
    said = [
        f"read {name!r} as {FIELD_WORDS[field_name]} ({known.attribution(export_crm, mapping.crm_name)})"
        for field_name, name, known in read
    ]
    return said, sorted(left)


def _no_deal_column() -> str:
    """The error for an export with no column naming its deals (one mapped but absent is _absent_mapped's)."""
    return (
        f"the header has no {DEAL!r} column, which names each deal (nor a {CRM_ID!r} column to name it by); map the export's column with "
        f'--column "NAME=deal" or crm.columns.deal in process.yaml (columns read: {", ".join(AUDIT_FIELDS)} and one per milestone)'
    )


# Words in the names of the columns that may hold the stage when none is known to (a CRM's own "Sales Phase",
# "Deal status", "Current Step"; Capsule calls its stages milestones), said in the warning.
_STAGE_WORDS = ("stage", "phase", "status", "step", "milestone")


def _no_stage_column(header: Sequence[str], read: set[int]) -> str:
    """The warning for an export with no stage column (every deal is then without a claimed stage, and the
    audit has nothing to compare), naming the columns not read that may hold it."""
    likely = [
        name.strip()
        for index, name in enumerate(header)
        if index not in read and any(word in name_key(name) for word in _STAGE_WORDS)
    ]
    example = _shell(f"{likely[0] if likely else 'NAME'}=stage")
    maybe = f" (perhaps {' or '.join(repr(name) for name in likely[:3])})" if likely else ""
    return (
        f"the export has no {STAGE!r} column, which holds the stage the CRM claims for each deal, so every deal is "
        f"without a claimed stage and none is compared with its verified stage; map the export's column{maybe} with "
        f"--column {example} or crm.columns.stage in process.yaml"
    )


def _unknown_column(index: int, name: str, target: Target | None) -> str:
    """Name the column, and the mapping that would read it as `target` (or how to leave it out)."""
    leave_out = f"or leave it out with --ignore-column {_shell(name)} (crm.ignore_columns)"
    if target is None:
        return (
            f"column {index + 1}: unknown column {name!r}; map it with --column {_shell(name + '=FIELD')} "
            f"(FIELD: {', '.join(AUDIT_FIELDS)} or a milestone id) or under crm: in process.yaml, {leave_out}"
        )
    where = "crm.columns" if target.milestone_id is None else f"crm.milestones.{target.field}"
    # Left out, a currency column has every amount summed as one currency: the fix is to map it, never to drop it.
    tail = f" (never leave it out: {SUMMED_AS_ONE})" if target == CURRENCY_TARGET else f", {leave_out}"
    return (
        f"column {index + 1}: unknown column {name!r}; did you mean {str(target)!r}? map it with "
        f"--column {_shell(f'{name}={target}')} or under {where} in process.yaml{tail}"
    )


def _taken(index: int, name: str, target: Target, holder: int | None, offered_to: int | None) -> str:
    """The error for a column that looks like `target`, which the column `holder` holds as mapped (or which was
    offered to the column `offered_to`): a field is read from one column, so offering it again would be advice that
    fails."""
    other = (
        f"column {holder + 1} holds it, as mapped"
        if holder is not None
        else f"it is offered for column {(offered_to or 0) + 1}"
    )
    return (
        f"column {index + 1}: unknown column {name!r}; it looks like {str(target)!r}, but {other}, and a field is "
        f"read from one column only: leave this one out with --ignore-column {_shell(name)} (crm.ignore_columns), "
        f"or map it with --column {_shell(name + '=FIELD')} to the field it holds"
    )


CURRENCY_TARGET = Target("currency")
# Why a currency column is to be read: without it, nothing tells a EUR deal from a USD one.
SUMMED_AS_ONE = (
    "it says each deal's currency, and without it every amount is read in the file's first currency, "
    "a EUR deal's amount summed as USD"
)


def _currency_left_out(
    header: Sequence[str], process: Process, mapping: CrmMapping, positions: dict[Target, int]
) -> list[str]:
    """A warning for each column left out (--ignore-column, crm.ignore_columns) that holds each deal's currency,
    when no other column says it: its name is the currency's, a CRM's, or has the currency's word."""
    if CURRENCY_TARGET in positions:
        return []
    read = {target.field for target in positions}
    return [
        f"{name.strip()!r} is left out (--ignore-column or crm.ignore_columns), but {SUMMED_AS_ONE}; map it with "
        f"--column {_shell(name.strip() + '=currency')} (crm.columns.currency) instead, unless every deal is in one "
        "currency"
        for name in header
        if mapping.is_ignored(name)
        and CURRENCY_TARGET in (mapping.target(name), _known_target(name), suggest_target(name, process, read))
    ]


def _known_target(name: str) -> Target | None:
    """The audit field a CRM's standard name holds (crm_names.known_column), as a Target."""
    known = known_column(name)
    return None if known is None else Target(known.field)


def _milestone_columns(
    process: Process, positions: dict[Target, int], header: Sequence[str], problems: list[str]
) -> tuple[MilestoneColumns, ...]:
    plans: list[MilestoneColumns] = []
    for _, milestone in process.milestones():
        key = milestone.id
        answer = positions.get(Target(key, MET))
        parts = {part: positions.get(Target(key, part)) for part in ("evidence", "date", CONFIRMED_BY)}
        buyer = parts[CONFIRMED_BY]
        if buyer is not None and not milestone.buyer_statement:
            problems.append(
                f"column {buyer + 1} {header[buyer].strip()!r} names the buyer who confirmed {key}, but {key} has no "
                f"buyer_statement, so no buyer can confirm it; remove the column, or give {key} a buyer_statement in process.yaml"
            )
        if answer is None:
            for part, position in parts.items():
                if position is not None:
                    problems.append(
                        f"column {position + 1} {header[position].strip()!r} holds {key}'s "
                        f"{'buyer' if part == CONFIRMED_BY else part} but no column holds its yes/no answer; "
                        f'add a {key!r} column with yes or no, or map the CRM\'s with --column "NAME={key}"'
                    )
            continue
        plans.append(MilestoneColumns(key, answer, parts["evidence"], parts["date"], buyer))
    return tuple(plans)


def _shell(text: str) -> str:
    """Quote for a shell command line, with double quotes as people type them."""
    if shlex.quote(text) == text:
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$").replace("`", "\\`") + '"'


def sql_columns(plan: ColumnPlan, name: Callable[[int], str]) -> verdict_columns.InputColumns:
    """Where the SQL verdict finds each field the plan found, by the column name `name` gives a position:
    the export's own header for `playbook sql --columns-from`, or the DuckDB engine's names for its columns.

    A field, milestone or part the export lacks has no column, and is read as the audit reads it: blank.
    """

    def at(index: int | None) -> str | None:
        return None if index is None else name(index)

    named = (name(index) for index in range(plan.width))
    return verdict_columns.InputColumns(
        deal=at(plan.deal),
        stage=at(plan.stage),
        amount=at(plan.amount),
        segment=at(plan.segment),
        crm_id=at(plan.crm_id),
        currency=at(plan.currency),
        period=at(plan.period),
        status=at(plan.status),
        close_date=at(plan.close_date),
        lost_date=at(plan.lost_date),
        is_closed=at(plan.is_closed),
        is_won=at(plan.is_won),
        is_active=at(plan.is_active),
        is_deleted=at(plan.is_deleted),
        milestones={
            m.milestone_id: verdict_columns.MilestoneColumns(
                name(m.answer), at(m.evidence), at(m.date), at(m.confirmed_by)
            )
            for m in plan.milestones
        },
        table=tuple(column for column in named if column.strip()),  # a column without a name is no table's
    )
