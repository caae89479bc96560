"""Which input column holds what: the audit's own column names, or any others (a CRM's) given in their place."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sales_process.crm_words import AMOUNT, DATE_SUFFIX, DEAL, EVIDENCE_SUFFIX, STAGE
from sales_process.model import Process


@dataclass(frozen=True)
class MilestoneColumns:
    """The columns of one milestone's answer, evidence and date (None: the relation has no such column)."""

    answer: str | None
    evidence: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class InputColumns:
    """Column names of the input relation, by the audit field or milestone part they hold."""

    deal: str
    stage: str | None = None
    amount: str | None = None
    milestones: Mapping[str, MilestoneColumns] = field(default_factory=dict)


def audit_columns(process: Process) -> InputColumns:
    """The columns `playbook audit` reads: deal, stage, amount, and <id>, <id>.evidence, <id>.date per milestone."""
    return InputColumns(
        deal=DEAL,
        stage=STAGE,
        amount=AMOUNT,
        milestones={
            milestone.id: MilestoneColumns(milestone.id, milestone.id + EVIDENCE_SUFFIX, milestone.id + DATE_SUFFIX)
            for _, milestone in process.milestones()
        },
    )
