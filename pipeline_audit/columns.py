"""The header of a pipeline CSV, turned once into a plan of which column holds what.

Column names are matched case-insensitively. A column the audit does not know is an
error (a misspelt milestone column would otherwise count as unanswered on every
row) unless the user names it with --ignore-column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sales_process.crm_words import AMOUNT as AMOUNT
from sales_process.crm_words import DATE_SUFFIX as DATE_SUFFIX
from sales_process.crm_words import DEAL as DEAL
from sales_process.crm_words import EVIDENCE_SUFFIX as EVIDENCE_SUFFIX
from sales_process.crm_words import OWNER as OWNER
from sales_process.crm_words import STAGE as STAGE
from sales_process.model import Process
from sales_process.suggest import did_you_mean

DEAL_COLUMNS = (DEAL, STAGE, AMOUNT, OWNER)


class ColumnError(Exception):
    """The header cannot be audited; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class MilestoneColumns:
    """Where one milestone's answer, evidence and date are (None when absent)."""

    milestone_id: str
    answer: int
    evidence: int | None
    date: int | None


@dataclass(frozen=True)
class ColumnPlan:
    """Column positions for the deal fields and each milestone found in the header."""

    width: int
    deal: int
    stage: int | None
    amount: int | None
    owner: int | None
    milestones: tuple[MilestoneColumns, ...]
    unnamed: tuple[int, ...] = ()
    warnings: list[str] = field(default_factory=list)


def valid_columns(process: Process) -> list[str]:
    """Every column name the audit reads, in a helpful order."""
    names = list(DEAL_COLUMNS)
    for _, milestone in process.milestones():
        names += [milestone.id, milestone.id + EVIDENCE_SUFFIX, milestone.id + DATE_SUFFIX]
    return names


def check_ignored(ignored: Iterable[str], process: Process) -> list[str]:
    """Problems with --ignore-column values: an audited column cannot be ignored."""
    valid = {name.lower() for name in valid_columns(process)}
    return [
        f"--ignore-column {name!r} names a column the audit reads; remove the option"
        for name in ignored
        if name.strip().lower() in valid
    ]


def plan_columns(header: Sequence[str], process: Process, ignored: Iterable[str] = ()) -> ColumnPlan:
    """Map the header to a ColumnPlan; raise ColumnError listing every bad column."""
    valid = valid_columns(process)
    valid_set = set(valid)
    ignore = {name.strip().lower() for name in ignored}
    positions: dict[str, int] = {}
    problems: list[str] = []
    unnamed: list[int] = []
    for index, raw in enumerate(header):
        name = raw.strip().lower()
        where = f"column {index + 1}"
        if not name:
            unnamed.append(index)
        elif name in positions:
            problems.append(f"{where} {raw.strip()!r} repeats column {positions[name] + 1}; keep one of them")
        elif name in valid_set:
            positions[name] = index
        elif name not in ignore:
            problems.append(
                f"{where}: unknown column {raw.strip()!r}{did_you_mean(name, valid)}; "
                f"rename it, or pass --ignore-column {_shell_word(raw.strip())} to keep it out of the audit"
            )
        else:
            positions[name] = index
    milestones = _milestone_columns(process, positions, problems)
    if DEAL not in positions:
        problems.insert(0, f"the header has no {DEAL!r} column; add one naming each deal (columns: {', '.join(DEAL_COLUMNS)} and one per milestone)")
    if problems:
        raise ColumnError(problems)
    found = {name.strip().lower() for name in header}
    warnings = [f"--ignore-column {name!r}: no such column in the file" for name in sorted(ignore - found)]
    return ColumnPlan(
        width=len(header),
        deal=positions[DEAL],
        stage=positions.get(STAGE),
        amount=positions.get(AMOUNT),
        owner=positions.get(OWNER),
        milestones=milestones,
        unnamed=tuple(unnamed),
        warnings=warnings,
    )


def _milestone_columns(process: Process, positions: dict[str, int], problems: list[str]) -> tuple[MilestoneColumns, ...]:
    plans: list[MilestoneColumns] = []
    for _, milestone in process.milestones():
        key = milestone.id
        evidence = positions.get(key + EVIDENCE_SUFFIX)
        date = positions.get(key + DATE_SUFFIX)
        answer = positions.get(key)
        if answer is None:
            for extra, position in ((EVIDENCE_SUFFIX, evidence), (DATE_SUFFIX, date)):
                if position is not None:
                    problems.append(
                        f"column {position + 1} {key + extra!r} has no answer column {key!r}; "
                        f"add a {key!r} column with yes or no"
                    )
            continue
        plans.append(MilestoneColumns(key, answer, evidence, date))
    return tuple(plans)


def _shell_word(name: str) -> str:
    return name if name.replace("-", "").replace("_", "").replace(".", "").isalnum() else repr(name)
