"""Which input column holds what: the audit's own column names, or the CRM's names mapped under `crm:`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sales_process.crm import CONFIRMED_BY, MET, CrmMapping, Target, resolve_mapping
from sales_process.model import Process


@dataclass(frozen=True)
class MilestoneColumns:
    """The columns of one milestone's answer, evidence, date and buyer (None: the relation has no such column)."""

    answer: str | None
    evidence: str | None = None
    date: str | None = None
    confirmed_by: str | None = None  # `Name <email>` of the buyer who answered through a confirmation link


@dataclass(frozen=True)
class InputColumns:
    """Column names of the input relation, by the audit field or milestone part they hold."""

    deal: str | None  # None: the deal is named by its CRM id alone
    stage: str | None = None
    amount: str | None = None
    milestones: Mapping[str, MilestoneColumns] = field(default_factory=dict)
    segment: str | None = None  # the deal's segment, read where a milestone is required of some segments only
    # Read when the table has them (mapped under crm:, or found in its header), as the audit reads them.
    crm_id: str | None = None
    currency: str | None = None
    status: str | None = None
    close_date: str | None = None
    lost_date: str | None = None  # read where the close date's cell is blank (Close's date_lost)
    is_closed: str | None = None
    is_won: str | None = None
    is_active: str | None = None  # Odoo's Active: no says the deal is archived, so closed (OutcomeRule.outcome)
    is_deleted: str | None = None  # Salesforce's IsDeleted: yes says the deal is disqualified
    # Whether the amount is per period (Close's value_period, Insightly's Bid Type): one not one-off is refused.
    period: str | None = None
    # The deal's pipeline: read only when pipelines are listed (crm.pipelines, --pipeline); other rows are left out.
    pipeline: str | None = None
    # Every column of the table, in its order, when an export's header gives them (--columns-from, a seed, the DuckDB
    # engine): a blank row has none of them filled, and a report's footer writes its words in the first.
    table: tuple[str, ...] = ()

    @property
    def close_dated(self) -> bool:
        """Whether a close date is read: from the close date column, or the lost date column where it is blank."""
        return self.close_date is not None or self.lost_date is not None

    def read(self, segments: bool) -> list[str]:
        """The columns the statement reads, each once, in a fixed order: the deal's fields, then the milestones'.
        The segment's is read only with `segments` (a milestone required of some segments only)."""
        fields = [
            self.deal,
            self.crm_id,
            self.stage,
            self.amount,
            self.currency,
            self.status,
            self.close_date,
            self.lost_date,
            self.is_closed,
            self.is_won,
            self.is_active,
            self.is_deleted,
            self.period,
            self.pipeline,
            self.segment if segments else None,
        ]
        for found in self.milestones.values():
            fields += [found.answer, found.evidence, found.date, found.confirmed_by]
        return list(dict.fromkeys(name for name in fields if name is not None))

    def record_cells(self) -> list[str]:
        """The columns only a deal fills, which a footer's total leaves empty (pipeline_audit.data_rows.RowShape):
        its stage, and each milestone's answer, evidence and date."""
        parts = [self.stage]
        for found in self.milestones.values():
            parts += [found.answer, found.evidence, found.date]
        return list(dict.fromkeys(name for name in parts if name is not None))


def audit_columns(process: Process, mapping: CrmMapping | None = None, *, buyers: bool = False) -> InputColumns:
    """The columns `playbook audit` reads, by the names the mapping gives them (default: the process's crm: block).

    A deal field the mapping leaves alone keeps the audit's own name (deal, stage, amount). So do the
    milestones, <id>, <id>.evidence and <id>.date, unless the mapping names milestone columns:
    then it describes the CRM's table, and a milestone or part it does not name has no column
    (unanswered, as the audit counts a milestone missing from an export).

    A CRM's table rarely holds the buyers: <id>.confirmed_by (for a milestone with a buyer_statement,
    as `playbook deals export` writes it) is read only with `buyers`, or when the mapping names it.
    """
    mapping = mapping or resolve_mapping(process)

    mapped = {mapping.columns[key] for key in mapping.mapped}

    def name(target: Target) -> str | None:
        # A standard name left out (crm.ignore_columns) is not read, as the audit does not read it (plan_columns).
        column = mapping.column_name(target)
        return None if mapping.is_ignored(column) and target not in mapped else column

    crm_milestones = any(target.milestone_id is not None for target in mapped)

    def column(target: Target) -> str | None:
        return name(target) if target in mapped or not crm_milestones else None

    def if_mapped(field_name: str) -> str | None:
        # The optional fields have no column unless the crm: block names one: most tables have none.
        target = Target(field_name)
        return name(target) if target in mapped else None

    return InputColumns(
        deal=name(Target("deal")),
        stage=name(Target("stage")),
        amount=name(Target("amount")),
        segment=name(Target("segment")),
        crm_id=if_mapped("crm_id"),
        currency=if_mapped("currency"),
        status=if_mapped("status"),
        close_date=if_mapped("close_date"),
        lost_date=if_mapped("lost_date"),
        is_closed=if_mapped("is_closed"),
        is_won=if_mapped("is_won"),
        is_active=if_mapped("is_active"),
        is_deleted=if_mapped("is_deleted"),
        # Read only when pipelines are listed: its standard name unless crm.columns.pipeline names it.
        pipeline=name(Target("pipeline")) if mapping.pipelines else None,
        milestones={
            milestone.id: MilestoneColumns(
                column(Target(milestone.id, MET)),
                column(Target(milestone.id, "evidence")),
                column(Target(milestone.id, "date")),
                _buyer_column(milestone.id, milestone.buyer_statement, buyers, mapped, column),
            )
            for _, milestone in process.milestones()
        },
    )


def _buyer_column(
    milestone_id: str, statement: str | None, buyers: bool, mapped: set[Target], column: Callable[[Target], str | None]
) -> str | None:
    target = Target(milestone_id, CONFIRMED_BY)
    return column(target) if statement and (buyers or target in mapped) else None


def buyer_columns_left_out(process: Process, columns: InputColumns) -> list[str]:
    """The milestones a buyer can confirm whose buyer has no column: every answer to them is the rep's."""
    return [
        milestone.id
        for _, milestone in process.milestones()
        if milestone.buyer_statement
        and columns.milestones.get(milestone.id, MilestoneColumns(None)).confirmed_by is None
    ]


def missing_milestones(process: Process, columns: InputColumns) -> list[str]:
    """The milestones with no yes/no column: unanswered on every row."""
    return [
        milestone.id
        for _, milestone in process.milestones()
        if columns.milestones.get(milestone.id, MilestoneColumns(None)).answer is None
    ]
