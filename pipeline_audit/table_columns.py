"""The columns the SQL verdict reads from a table shaped like a CRM export: its header, read as the audit reads it.

`playbook sql --columns-from` and `playbook dbt --seed` / `--columns-from` use it, so that a table
holding what the export holds is read through the same column plan as the audit (the crm: block,
the CRM's standard names such as Salesforce's `StageName` or `IsClosed`); a field or milestone part
the export lacks has no column and is read as blank, never a missing-column error in the warehouse.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipeline_audit.audit import audit_plan
from pipeline_audit.columns import sql_columns
from pipeline_audit.pipeline_csv import open_export
from sales_process.crm import CrmMapping
from sales_process.loader import LoadedProcess
from verdict_sql.columns import InputColumns


def export_columns(
    path: Path, loaded: LoadedProcess, mapping: CrmMapping, no_evidence: bool = False
) -> tuple[InputColumns, tuple[str, ...]]:
    """The columns of the export at `path` (CSV or .xlsx), by its header's names, and the warnings the audit gives
    its header (no stage column, an --ignore-column naming none) for the command to print; InvalidFile when the
    header cannot be read or the audit would refuse it (every problem listed). `no_evidence` reads no milestone
    column (a header may have none), as `playbook audit --no-evidence` does."""
    with open_export(path, mapping.encoding, mapping.sheet) as export:
        header, line, note = list(export.header), export.header_line, export.sheet_note
    plan = audit_plan(header, loaded, mapping, path, no_evidence, line=line, note=note)
    columns = sql_columns(plan, header.__getitem__)
    # The pipeline column is read only when pipelines are listed (plan_header refuses an export without one then).
    if mapping.pipelines and plan.pipeline is not None:
        columns = replace(columns, pipeline=header[plan.pipeline])
    left_out = (plan.evidence_left_out,) if plan.evidence_left_out else ()
    return columns, (*plan.warnings, *left_out)
