"""report.html: one self-contained page (inline CSS and SVG, no requests) a leader can email."""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from pipeline_audit.audit import AuditResult
from pipeline_audit.chart import stage_chart
from pipeline_audit.summary import buyer_confirmed_text, missing_text, money, process_line, share
from pipeline_audit.totals import TOP_AHEAD
from sales_process.loader import LoadedProcess
from sales_process.vocabulary import STATUS_LABELS, plural

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("pipeline_audit", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENVIRONMENT.filters["money"] = money
_ENVIRONMENT.filters["plural"] = plural


def render_report(
    result: AuditResult,
    loaded: LoadedProcess,
    *,
    heading: str = "Pipeline audit",
    line_label: str = "Line",
    generator: str = "playbook audit",
    forecast_accuracy: Markup | None = None,
) -> str:
    """The report's HTML; the keywords retitle it for totals that did not come from a CSV file.

    `forecast_accuracy` is the forecast-accuracy section's HTML (forecast.report.accuracy_section), for /pipeline.
    """
    totals = result.totals
    questions = {milestone.id: milestone.question for _, milestone in loaded.process.milestones()}
    return _ENVIRONMENT.get_template("report.html").render(
        result=result,
        totals=totals,
        heading=heading,
        line_label=line_label,
        generator=generator,
        process=loaded.process,
        process_line=process_line(loaded),
        sha256=loaded.sha256,
        source=result.source.name,
        chart=stage_chart(totals),
        stages=list(zip(loaded.process.stages, totals.stages, strict=True)),
        ahead=totals.top_ahead(),
        top_ahead=TOP_AHEAD,
        owners=totals.owners_by_inflation(),
        blocking=totals.most_blocking(),
        questions=questions,
        share=share,
        status_labels=STATUS_LABELS,
        missing=missing_text(result),
        buyer_confirmed=buyer_confirmed_text(result),
        actions={milestone.id: milestone.customer_action for _, milestone in loaded.process.milestones()},
        forecast_accuracy=forecast_accuracy,
    )


def write_report(result: AuditResult, loaded: LoadedProcess, path: Path) -> None:
    """Write report.html."""
    path.write_text(render_report(result, loaded), encoding="utf-8")
