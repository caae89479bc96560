"""report.html: one self-contained page (inline CSS and SVG, no requests) a leader can email."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from pipeline_report.chart import narrow_chart, stage_chart
from pipeline_report.result import AuditResult
from pipeline_report.summary import (
    buyer_confirmed_text,
    date_order_text,
    held_by_age_text,
    held_more_text,
    line_named,
    missing_text,
    money,
    no_evidence_text,
    not_summed_lines,
    open_deals_summed,
    other_currencies_text,
    other_pipelines_text,
    process_line,
    several_pipelines_text,
    share,
    weighted_money,
)
from sales_process.loader import LoadedProcess
from sales_process.totals import TOP_AHEAD
from sales_process.vocabulary import STATUS_LABELS, plural

_CSV_FIX = "correct the CRM export where the reason says and run the audit again"


@dataclass(frozen=True)
class ReportWords:
    """What the report calls the things it reads: CSV rows for the audit, saved deals for the app."""

    read: str = "Deals read"
    not_assessed: str = "Rows not assessed"
    item: str = "row"
    fix: str = _CSV_FIX
    deal_page: str | None = None  # where a deal's page is, by its line (the saved deal's id): "/deals/{}"
    not_summed: str = (
        "An amount not summed is in its cell but cannot be read as an amount, or is in another currency than the "
        f"file's; {_CSV_FIX}"
    )
    # How to bring an open deal into the weighted totals, for a report that names each one not weighted (None: audit.csv
    # lists every row, its amount and claimed stage, and the CRM is where they are filled in).
    not_weighted: str | None = None


CSV_WORDS = ReportWords()
SAVED_DEAL_WORDS = ReportWords(
    read="Saved deals",
    not_assessed="Deals not assessed",
    item="deal",
    fix="open each one and record a new check",
    deal_page="/deals/{}",
    not_summed="An amount not summed is in another currency than the pipeline's, which a total cannot add",
    not_weighted="open each one and record a new check with its amount and CRM stage",
)

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("pipeline_report", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENVIRONMENT.filters["money"] = money
_ENVIRONMENT.filters["plural"] = plural


def _skipped(count: int, what: str, where: str = "") -> str:
    """ "3 footer lines after the data were skipped." (None of them when `count` is 0: the caller leaves it out.)"""
    return f"{plural(count, what)}{where} {'was' if count == 1 else 'were'} skipped."


def reading_notes(result: AuditResult) -> list[str]:
    """The summary's notes on how the file was read, one sentence each: its currency, and what was skipped."""
    notes = []
    if result.currency:
        unnamed = result.unnamed_currency
        named_only = (
            f", where a deal names its currency: the amounts of {plural(unnamed, 'deal')} that "
            f"name{'s' if unnamed == 1 else ''} none are added to them as if in {result.currency}"
            if unnamed
            else ""
        )
        others = other_currencies_text(result)
        # Where the currency comes from, when it decides what is summed: amounts naming none, or another.
        first = (
            f", the currency of the file's first amount that names one (line {result.currency_line})"
            if result.currency_line and (unnamed or others)
            else ""
        )
        notes.append(f"Amounts are in {result.currency}{first}{named_only}.")
        if others:
            notes.append(f"Warning: {others}.")
    if result.title_lines:
        notes.append(_skipped(result.title_lines, "title line", " above the header"))
    if result.groups > 1:
        notes.append(
            f"{result.groups} groups were read, one after another: each group's title line and the header repeated "
            "under it were skipped."
        )
    if result.summary_rows:
        their = "its amount" if result.summary_rows == 1 else "their amounts"
        notes.append(
            f"{plural(result.summary_rows, 'group summary row')} (each group's sums under its rows) "
            f"{'was' if result.summary_rows == 1 else 'were'} skipped, {their} not counted."
        )
    if result.blank_rows:
        notes.append(_skipped(result.blank_rows, "blank row"))
    if result.footer_lines:
        notes.append(_skipped(result.footer_lines, "footer line", " after the data"))
    return notes


@dataclass(frozen=True)
class _Titles:
    """What render_report and report_parts are told: the report's title, words and extra section."""

    heading: str
    line_label: str
    generator: str
    forecast_accuracy: Markup | None
    words: ReportWords


def _context(result: AuditResult, loaded: LoadedProcess, titles: _Titles) -> dict[str, Any]:
    """What the report's templates read."""
    heading, line_label, generator = titles.heading, titles.line_label, titles.generator
    forecast_accuracy, words = titles.forecast_accuracy, titles.words
    totals = result.totals
    questions = loaded.process.questions
    return {
        "result": result,
        "totals": totals,
        "heading": heading,
        "line_label": line_label,
        "generator": generator,
        "process": loaded.process,
        "process_line": process_line(loaded),
        "sha256": loaded.sha256,
        "source": result.source_name,
        "chart": stage_chart(totals),
        "narrow": narrow_chart(totals),
        "stages": list(zip(loaded.process.stages, totals.stages, strict=True)),
        "ahead": totals.top_ahead(),
        "top_ahead": TOP_AHEAD,
        "owners": totals.owners_by_drift(),
        "blocking": totals.most_blocking(),
        "questions": questions,
        "share": share,
        "weighted": weighted_money,
        "status_labels": STATUS_LABELS,
        "missing": missing_text(result) if result.evidence else None,
        "no_evidence": no_evidence_text(result),
        "buyer_confirmed": buyer_confirmed_text(result),
        "reading_notes": reading_notes(result),
        "held_by_age": held_by_age_text(result),
        "held_more": held_more_text(totals),
        # The closed deals whose amount is not summed though their cell holds one, by outcome, as the summary says them.
        "not_summed": [(outcome, kind) for outcome, kind in totals.outcomes.items() if kind.not_summed],
        "not_summed_lines": not_summed_lines,
        "open_deals_summed": open_deals_summed,
        "line_named": line_named,
        "other_pipelines": other_pipelines_text(result.other_pipelines, result.other_pipeline_rows),
        "several_pipelines": several_pipelines_text(result),
        "date_order": date_order_text(result),
        "actions": {milestone.id: milestone.customer_action for _, milestone in loaded.process.milestones()},
        "forecast_accuracy": forecast_accuracy,
        "words": words,
    }


def render_report(
    result: AuditResult,
    loaded: LoadedProcess,
    *,
    heading: str = "Pipeline audit",
    line_label: str = "Line",
    generator: str = "playbook audit",
    forecast_accuracy: Markup | None = None,
    words: ReportWords = CSV_WORDS,
) -> str:
    """The report's page; the keywords retitle it for totals that did not come from a CSV file.

    `forecast_accuracy` is the forecast-accuracy section's HTML (forecast.report.accuracy_section), for /pipeline;
    `words` name what was read.
    """
    context = _context(result, loaded, _Titles(heading, line_label, generator, forecast_accuracy, words))
    return _ENVIRONMENT.get_template("report.html").render(context)


@dataclass(frozen=True)
class ReportParts:
    """The report's parts for a page of an app's own layout (its header, fonts and spacing): /pipeline."""

    title: str
    description: Markup
    styles: Markup  # the report's own styles (its tables, totals and charts), not a page's
    heading: Markup  # the h1 and the line under it
    body: Markup  # the sections
    generated: Markup  # what made it, from what


def report_parts(
    result: AuditResult,
    loaded: LoadedProcess,
    *,
    heading: str,
    line_label: str,
    generator: str,
    forecast_accuracy: Markup | None = None,
    words: ReportWords = CSV_WORDS,
) -> ReportParts:
    """The parts render_report puts on a page of their own, for an app to put in its layout."""
    context = _context(result, loaded, _Titles(heading, line_label, generator, forecast_accuracy, words))

    def part(name: str) -> Markup:
        return Markup(_ENVIRONMENT.get_template(name).render(context))

    return ReportParts(
        title=f"{heading} as of {result.as_of.isoformat()}",
        description=part("report_description.txt"),
        styles=part("report_parts.css"),
        heading=part("report_heading.html"),
        body=part("report_body.html"),
        generated=part("report_generated.html"),
    )


def write_report(result: AuditResult, loaded: LoadedProcess, path: Path) -> None:
    """Write report.html."""
    path.write_text(render_report(result, loaded), encoding="utf-8")
