"""The columns the SQL verdict reads from a table shaped like a CRM export: its header, read as the audit reads it.

`playbook sql --columns-from` and `playbook dbt --seed` / `--columns-from` use it, so that a table
holding what the export holds is read through the same column plan as the audit (the crm: block,
the CRM's standard names such as Salesforce's `StageName` or `IsClosed`); a field or milestone part
the export lacks has no column and is read as blank, never a missing-column error in the warehouse.
The export's rows give the currency the audit sums it in (export_currency), which a table has no order to find.
"""

from __future__ import annotations

import contextlib
import csv
from dataclasses import replace
from pathlib import Path

from pipeline_audit.audit import audit_plan
from pipeline_audit.columns import sql_columns
from pipeline_audit.data_rows import DataRows
from pipeline_audit.pipeline_csv import open_export
from pipeline_audit.rows import RowProblem, RowReader
from sales_process.crm import CrmMapping
from sales_process.loader import LoadedProcess
from sales_process.problems import InvalidFile
from verdict_sql.columns import InputColumns


def export_columns(
    path: Path, loaded: LoadedProcess, mapping: CrmMapping, no_evidence: bool = False
) -> tuple[InputColumns, tuple[str, ...]]:
    """The columns of the export at `path` (CSV or .xlsx), by its header's names, and the warnings the audit gives
    its header (no stage column, an --ignore-column naming none) for the command to print; InvalidFile when the
    header cannot be read or the audit would refuse it (every problem listed). `no_evidence` reads no milestone
    column (a header may have none), as `playbook audit --no-evidence` does."""
    with open_export(path, mapping.encoding, mapping.sheet, decimal_comma=mapping.decimal_comma) as export:
        header, line, note = list(export.header), export.header_line, export.sheet_note
    plan = audit_plan(header, loaded, mapping, path, no_evidence, line=line, note=note)
    columns = sql_columns(plan, header.__getitem__)
    # The pipeline column is read only when pipelines are listed (plan_header refuses an export without one then).
    if mapping.pipelines and plan.pipeline is not None:
        columns = replace(columns, pipeline=header[plan.pipeline])
    left_out = (plan.evidence_left_out,) if plan.evidence_left_out else ()
    return columns, (*plan.warnings, *left_out)


def export_currency(path: Path, loaded: LoadedProcess, mapping: CrmMapping, no_evidence: bool = False) -> str | None:
    """The currency the audit of the export at `path` sums: its first amount's, found by reading the rows in file
    order as the audit reads them (RowReader.currency), up to that amount. None when no amount names a currency,
    or when the audit would refuse the rows (then it sums none)."""
    try:
        with open_export(path, mapping.encoding, mapping.sheet, decimal_comma=mapping.decimal_comma) as export:
            header = list(export.header)
            plan = audit_plan(header, loaded, mapping, path, no_evidence, export.header_line, export.sheet_note)
            reader = RowReader(plan, loaded.process, mapping)
            for _, cells in DataRows(export.rows, plan, path, mapping):
                if reader.in_another_pipeline(cells):  # as the audit: a row left out never sets the currency
                    continue
                # A refused row's amount may still be the first read: RowReader keeps its currency.
                with contextlib.suppress(RowProblem):
                    reader.deal(cells, outcome_without_amount=True)
                if reader.currency is not None:
                    return reader.currency
    except (InvalidFile, UnicodeDecodeError, csv.Error):
        return None
    return None
