"""What a report says about a pipeline besides its totals: where the deals came from, as of when, in what currency."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sales_process.totals import Period, Totals
from sales_process.vocabulary import DateOrder, parse_date

SAVED_DEALS = "saved deals"


ORDERS = (DateOrder.MONTH_FIRST, DateOrder.DAY_FIRST)


@dataclass(frozen=True)
class DateOrderFix:
    """The order most refused dates read in (None: every one read either way, 03/04/2027), how many it reads per
    column (most first), and one of them, one only that order reads when there is one."""

    order: DateOrder | None
    columns: list[tuple[str, int]]
    example: str


@dataclass
class RefusedDates:
    """The date cells the audit refused, per column, and which of them each order (month first, day first) reads:
    when most read in one order, the file is written so, and one option reads them all."""

    cells: int = 0
    readable: dict[DateOrder, Counter[str]] = field(default_factory=lambda: {order: Counter() for order in ORDERS})
    # The first cell each set of orders reads: (MONTH_FIRST,) only month first, both (03/04/2027), () neither.
    examples: dict[tuple[DateOrder, ...], str] = field(default_factory=dict)

    def add(self, column: str, text: str) -> None:
        """Count a refused date cell of `column` (its name in the export's header)."""
        self.cells += 1
        reads = tuple(order for order in ORDERS if _reads(text, order))
        for order in reads:
            self.readable[order][column] += 1
        self.examples.setdefault(reads, text.strip())

    def fix(self) -> DateOrderFix | None:
        """The order most refused dates read in: the one that reads more of them, or None when each reads only those
        both read (03/04/2027); None when no order reads most of them."""
        if all((order,) not in self.examples for order in ORDERS):
            order, counts = None, self.readable[DateOrder.MONTH_FIRST]
        else:
            chosen = max(ORDERS, key=lambda order: sum(self.readable[order].values()))
            order, counts = chosen, self.readable[chosen]
        read = sum(counts.values())
        if read * 2 <= self.cells:
            return None
        # One only this order reads shows it is the file's; else one either reads (read > 0: there is one).
        only = self.examples.get((order,)) if order is not None else None
        example = only or self.examples[ORDERS]
        return DateOrderFix(order, sorted(counts.items(), key=lambda found: (-found[1], found[0])), example)


def _reads(text: str, order: DateOrder) -> bool:
    try:
        return parse_date(text, order) is not None
    except ValueError:
        return False


@dataclass
class AuditResult:
    """The totals of a pipeline's verdicts, with what the summary and the report say about their source."""

    totals: Totals
    source: Path | None  # the CRM export read; None for the saved deals
    as_of: dt.date
    blank_rows: int = 0
    footer_lines: int = 0  # the lines of a report's footer at the end of the file (pipeline_audit.data_rows)
    title_lines: int = 0  # a report's title lines above the header (pipeline_audit.pipeline_csv.title_lines)
    groups: int = 1  # a board's groups, each after its title and the header again (pipeline_audit.data_rows)
    summary_rows: int = 0  # the summary row (its sums) under each of a board's groups (pipeline_audit.data_rows)
    warnings: list[str] = field(default_factory=list)
    missing_milestones: tuple[str, ...] = ()  # milestone ids with no column in the export
    # A warning per milestone with a yes/no column but no evidence column (pipeline_audit.columns.unevidenced).
    unevidenced: tuple[str, ...] = ()
    currency: str | None = None  # the currency the amounts are in, when the export says
    # Saved deals in more than one currency: deals per currency (only `currency`'s amounts are summed).
    currencies: Mapping[str, int] = field(default_factory=dict)
    unnamed_currency: int = 0  # saved deals whose amount names no currency: summed with `currency`'s, and said so
    # An export's `currency` is its first amount's that names one: that amount's line, and the amounts naming each
    # currency (the file's, and others' not summed), most first.
    currency_line: int | None = None
    named_currencies: Mapping[str, int] = field(default_factory=dict)
    crm_name: str | None = None
    # False when the export has no `.confirmed_by` column: it cannot tell what the buyers confirmed.
    buyer_columns: bool = True
    read_as: tuple[str, ...] = ()  # "read 'StageName' as the stage (a name Salesforce uses)", once per column
    ignored_columns: tuple[str, ...] = ()  # columns the audit does not read
    two_digit_years: int = 0  # date cells with a two-digit year, read by the spreadsheet rule
    refused_dates: RefusedDates = field(default_factory=RefusedDates)  # the date cells refused (RowReader)
    # CRM stage names the process does not know, on deals not lost: (the name, deals), most deals first.
    unknown_stages: list[tuple[str, int]] = field(default_factory=list)
    other_unknown_stages: int = 0  # deals with yet more unknown names (pipeline_audit.rows.UNKNOWN_STAGES_KEPT)
    closed_unknown_stages: int = 0  # those deals (listed or not) that their flags say are closed
    # Those deals' pipelines, most deals first, when the export names each deal's pipeline (ColumnPlan.pipeline).
    unknown_stage_pipelines: list[tuple[str, int]] = field(default_factory=list)
    # The pipelines the export's pipeline column names (a blank names none): (pipeline, deals), most deals first.
    pipelines: list[tuple[str, int]] = field(default_factory=list)
    pipelines_read: tuple[str, ...] = ()  # the pipelines listed to be read (crm.pipelines, --pipeline); () for all
    # Rows left out for being in a pipeline not listed (crm.pipelines, --pipeline): (pipeline, rows), most first.
    other_pipelines: list[tuple[str, int]] = field(default_factory=list)
    other_pipeline_rows: int = 0
    evidence: bool = True  # False: the export has no milestone column (--no-evidence), nothing can be verified
    evidence_left_out: str = ""  # the milestone columns --no-evidence left unread (pipeline_audit.columns), or ""
    no_stage: str = ""  # the warning for an export with no stage column (pipeline_audit.columns), or ""
    # The export's other column warnings (a column not read, and why; an --ignore-column not in the file).
    column_warnings: tuple[str, ...] = ()
    repeated_ids: str = ""  # the warning for CRM ids on more than one row (pipeline_audit.repeated_ids), or ""
    period: Period = field(default_factory=Period)

    @property
    def several_pipelines(self) -> bool:
        """Whether the export's pipeline column names more than one pipeline."""
        return len(self.pipelines) > 1

    @property
    def one_pipeline_advised(self) -> bool:
        """Whether reading one pipeline is a way past unknown stage names: the export holds several and all were read
        (the deals of a pipeline listed to be read are this process's, whose stage names are to be mapped)."""
        return self.several_pipelines and not self.pipelines_read

    @property
    def mostly_unassessed(self) -> bool:
        """True when more than half of the rows could not be assessed: the audit proves little."""
        return self.totals.not_assessed * 2 > self.totals.rows

    @property
    def source_name(self) -> str:
        """The export's file name, or "saved deals"."""
        return SAVED_DEALS if self.source is None else self.source.name

    @property
    def source_text(self) -> str:
        """The export's path as given, or "saved deals"."""
        return SAVED_DEALS if self.source is None else str(self.source)
