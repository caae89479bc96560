"""The audit's totals as text for standard output; money formatted once for people."""

from __future__ import annotations

from pipeline_audit.audit import AuditResult
from sales_process.loader import LoadedProcess
from sales_process.vocabulary import money_cents as money
from sales_process.vocabulary import plural

__all__ = ["buyer_confirmed_text", "missing_text", "money", "process_line", "share", "summary_text"]

LISTED_ON_SCREEN = 20  # more rows not assessed are listed in audit.csv and the report


def share(part: int, whole: int) -> str:
    """`part` as a percentage of `whole`, one decimal ("-" when whole is 0)."""
    return f"{100 * part / whole:.1f}%" if whole else "-"


def process_line(loaded: LoadedProcess) -> str:
    """Process name, version and sha256: which rules produced the audit."""
    version = f" {loaded.process.version}" if loaded.process.version else ""
    return f"{loaded.process.name}{version} (sha256 {loaded.sha256})"


def missing_text(result: AuditResult) -> str | None:
    """Which milestones the export has no column for (they count as unanswered), or None."""
    if not result.missing_milestones:
        return None
    return (f"{plural(len(result.missing_milestones), 'milestone')} missing from the export, counted as unanswered "
            f"on every deal: {', '.join(result.missing_milestones)}")


def buyer_confirmed_text(result: AuditResult) -> str | None:
    """How much of the verified weighted pipeline the buyers confirmed, in words. None when the process has no
    buyer_statement (no buyer can confirm anything) or the export has no buyer column (it cannot tell):
    the line would only be noise."""
    totals = result.totals
    if not totals.buyers_can_confirm or not result.buyer_columns:
        return None
    deals = totals.buyer_confirmed
    whose = "whose buyer" if deals == 1 else "whose buyers"
    return (f"Confirmed by buyers: {share(totals.buyer_confirmed_cents, totals.verified_cents)} of the verified weighted pipeline "
            f"({money(totals.buyer_confirmed_cents)} of {money(totals.verified_cents)}), {plural(deals, 'deal')} {whose} confirmed "
            f"every outcome that put {'it' if deals == 1 else 'them'} at {'its' if deals == 1 else 'their'} verified stage")


def summary_text(result: AuditResult, loaded: LoadedProcess) -> str:
    """The summary printed after an audit."""
    totals = result.totals
    crm = f" ({result.crm_name} export)" if result.crm_name else ""
    lines = [
        f"Pipeline audit of {result.source}{crm} as of {result.as_of.isoformat()}",
        f"Process: {process_line(loaded)}",
    ]
    missing = missing_text(result)
    if missing:
        lines.append(f"Warning: {missing}")
    lines += [
        f"Deals read: {totals.rows}",
        f"Deals assessed: {totals.assessed}",
        f"Deals not assessed: {totals.not_assessed}",
    ]
    lines += [f"  line {p.line}: {p.reason}" for p in totals.problems[:LISTED_ON_SCREEN]]
    if totals.not_assessed > LISTED_ON_SCREEN:
        lines.append(f"  ... and {totals.not_assessed - LISTED_ON_SCREEN} more: see the not_assessed column of audit.csv")
    lines += [
        f"Deals ahead of their evidence: {totals.ahead} ({share(totals.ahead, totals.assessed)} of the deals assessed)",
        f"Weighted pipeline{f' ({result.currency})' if result.currency else ''} of the {plural(totals.compared, 'deal')} with an amount and a claimed stage:",
        f"  claimed:    {money(totals.claimed_cents)}",
        f"  verified:   {money(totals.verified_cents)}",
        f"  difference: {money(totals.inflation_cents)} ({share(totals.inflation_cents, totals.claimed_cents)} of the claim)",
    ]
    confirmed = buyer_confirmed_text(result)
    if confirmed:
        lines.append(confirmed)
    if totals.without_amount or totals.without_claim:
        lines.append(f"Not in the weighted totals: {plural(totals.without_amount, 'deal')} without an amount, "
                     f"{totals.without_claim} without a claimed stage.")
    if result.blank_rows:
        lines.append(f"Blank rows skipped: {result.blank_rows}")
    if result.footer_lines:
        lines.append(f"Footer lines after the data skipped (one cell each, after a blank row): {result.footer_lines}")
    return "\n".join(lines)
