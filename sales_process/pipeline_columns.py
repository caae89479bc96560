"""The columns of a pipeline CSV: the standard names the audit and the import read without a mapping, and the
header `playbook deals export` and the app's download of the deals write for a process."""

from __future__ import annotations

from dataclasses import dataclass

from sales_process.crm import CONFIRMED_BY
from sales_process.model import Process

DEAL, STAGE, AMOUNT, CURRENCY, OWNER, CRM_ID, STATUS, CLOSE_DATE = (
    "deal",
    "stage",
    "amount",
    "currency",
    "owner",
    "crm_id",
    "status",
    "close_date",
)
LOST_DATE = "lost_date"  # a lost deal's close date, where the CRM keeps it apart (Close's date_lost)


@dataclass(frozen=True)
class PipelineColumns:
    """The header of a pipeline CSV for a process: the deal fields present, then each milestone's columns."""

    header: tuple[str, ...]
    milestones: tuple[tuple[str, bool], ...]  # (milestone id, with a .confirmed_by column)
    deal_fields: tuple[str, ...]  # the header's start, before the milestones' columns


def pipeline_columns(
    process: Process,
    *,
    with_currency: bool,
    with_crm_id: bool,
    with_outcomes: bool = False,
    with_segment: bool = False,
) -> PipelineColumns:
    """The standard header: deal, stage, amount, [currency], [segment], owner, [crm_id], [status, close_date], milestones."""
    fields = (
        DEAL,
        STAGE,
        AMOUNT,
        *([CURRENCY] if with_currency else []),
        *(["segment"] if with_segment else []),
        OWNER,
        *([CRM_ID] if with_crm_id else []),
        *([STATUS, CLOSE_DATE] if with_outcomes else []),
    )
    header = list(fields)
    milestones = tuple((milestone.id, bool(milestone.buyer_statement)) for _, milestone in process.milestones())
    for milestone_id, buyer in milestones:
        header += [
            milestone_id,
            f"{milestone_id}.evidence",
            f"{milestone_id}.date",
            *([f"{milestone_id}.{CONFIRMED_BY}"] if buyer else []),
        ]
    return PipelineColumns(tuple(header), milestones, fields)
