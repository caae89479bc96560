"""The audit's totals as text for standard output; money formatted once for people."""

from __future__ import annotations

from pipeline_audit.audit import AuditResult
from sales_process.loader import LoadedProcess

LISTED_ON_SCREEN = 20  # more rows not assessed are listed in audit.csv and the report


def money(cents: int) -> str:
    """Cents as 1,234,567.89 (with a minus sign when negative)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole:,}.{part:02d}"


def share(part: int, whole: int) -> str:
    """`part` as a percentage of `whole`, one decimal ("-" when whole is 0)."""
    return f"{100 * part / whole:.1f}%" if whole else "-"


def process_line(loaded: LoadedProcess) -> str:
    """Process name, version and sha256: which rules produced the audit."""
    version = f" {loaded.process.version}" if loaded.process.version else ""
    return f"{loaded.process.name}{version} (sha256 {loaded.sha256})"


def summary_text(result: AuditResult, loaded: LoadedProcess) -> str:
    """The summary printed after an audit."""
    totals = result.totals
    lines = [
        f"Pipeline audit of {result.source} as of {result.as_of.isoformat()}",
        f"Process: {process_line(loaded)}",
        f"Deals read: {totals.rows}",
        f"Deals assessed: {totals.assessed}",
        f"Deals not assessed: {totals.not_assessed}",
    ]
    lines += [f"  line {p.line}: {p.reason}" for p in totals.problems[:LISTED_ON_SCREEN]]
    if totals.not_assessed > LISTED_ON_SCREEN:
        lines.append(f"  ... and {totals.not_assessed - LISTED_ON_SCREEN} more: see the not_assessed column of audit.csv")
    lines += [
        f"Deals ahead of their evidence: {totals.ahead} ({share(totals.ahead, totals.assessed)} of the deals assessed)",
        f"Weighted pipeline of the {totals.compared} deals with an amount and a claimed stage:",
        f"  claimed:    {money(totals.claimed_cents)}",
        f"  verified:   {money(totals.verified_cents)}",
        f"  difference: {money(totals.inflation_cents)} ({share(totals.inflation_cents, totals.claimed_cents)} of the claim)",
    ]
    if totals.without_amount or totals.without_claim:
        lines.append(f"Not in the weighted totals: {totals.without_amount} deals without an amount, "
                     f"{totals.without_claim} without a claimed stage.")
    if result.blank_rows:
        lines.append(f"Blank rows skipped: {result.blank_rows}")
    return "\n".join(lines)
