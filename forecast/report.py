"""The backtest written out: a terminal summary, backtest.csv (one row per deal-snapshot) and backtest.html."""

from __future__ import annotations

from pathlib import Path

import jinja2
from markupsafe import Markup

from forecast.backtest import TOO_FEW, Backtest, Basis, StageRate
from forecast.charts import calibration_svg, forecast_svg
from sales_process.spreadsheet import safe_writer
from sales_process.vocabulary import money_cents, plain_cents, plural, to_cents

TOO_FEW_TEXT = "too few deals to tell"
# deal: the deal's name (its CRM id when it has none), as the audit's audit.csv names it; crm_id: the CRM's id.
CSV_COLUMNS = ("snapshot", "deal", "crm_id", "claimed_stage", "verified_stage", "outcome", "amount")

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("forecast", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def rate_text(rate: StageRate) -> str:
    """A stage's win rate with its interval, or that there are too few deals to tell."""
    if rate.too_few:
        return f"{TOO_FEW_TEXT} (n={rate.n})"
    low, high = rate.interval
    return f"{rate.win_rate:.0%} ({low:.0%}–{high:.0%}, n={rate.n})"


OUTSIDE_MARK = "*"
OUTSIDE_TEXT = "probability outside the interval"


def flagged_rate_text(rate: StageRate) -> str:
    """A stage's win rate for the terminal's table, marked where process.yaml's probability lies outside its
    interval (on either basis: the page flags both columns alike)."""
    return f"{rate_text(rate)} {OUTSIDE_MARK}" if rate.probability_outside else rate_text(rate)


def brier_text(basis: Basis) -> str:
    """A basis's Brier score for reading (lower is better), with the caveat beside it when every stage has too few
    deals for its win rate to tell (TOO_FEW): the score of so few deals tells as little."""
    if basis.brier is None:
        return "—"
    caveat = f" ({TOO_FEW_TEXT}: every stage has fewer than {TOO_FEW})" if all(r.too_few for r in basis.stages) else ""
    return f"{basis.brier:.3f}{caveat}"


def brier_verdict(result: Backtest) -> str:
    """Which stage predicted the outcomes better, and by how much, in words ("" without both scores to compare)."""
    claimed, verified = (
        (result.bases[which].brier for which in ("claimed", "verified")) if result.evidence else (None, None)
    )
    if claimed is None or verified is None:
        return ""
    if round(claimed, 3) == round(verified, 3):
        return (
            f"The claimed and the verified stage predicted the outcomes equally well (Brier score {claimed:.3f} each)."
        )
    better, worse = ("claimed", "verified") if claimed < verified else ("verified", "claimed")
    # The gap and its share follow from the scores as shown, so that the sentence's own figures add up.
    low, high = sorted((round(claimed, 3), round(verified, 3)))
    said = (
        f"The {better} stage predicted the outcomes better than the {worse} stage: its Brier score, {low:.3f}, is "
        f"{high - low:.3f} lower than {high:.3f} ({(high - low) / high:.0%} less error)."
    )
    if any(all(rate.too_few for rate in result.bases[which].stages) for which in ("claimed", "verified")):
        said += f" With fewer than {TOO_FEW} deals at every stage of one of them, that tells little yet."
    return said


NO_EVIDENCE = (
    "With --no-evidence only the stages the CRM claimed are measured, and no evidence is read. To measure the "
    "verified stage next to them, export the milestone fields (see playbook crm-template) and run without it."
)


NOT_OPEN_YET = (
    "No closed deal was open at a snapshot date yet, so there is nothing to measure: a deal counts once it was open "
    "at a snapshot date, with a claimed stage, and closed after it. The win rates, the charts and the suggested "
    "probabilities appear then."
)
MEASURE_FROM_THE_CRM = (
    "A deal counts here once it was checked while open and closed later. To measure deals from your CRM now, run "
    "playbook backtest EXPORT --history HISTORY with the CRM's stage history (see Backtest in the RevOps manual)."
)
NO_CHECK_WHILE_OPEN = (
    "Nothing to measure yet: the closed deals open at these snapshot dates have no check recorded while they were "
    "open (or none naming a CRM stage), so nothing says what stage they were claimed at. " + MEASURE_FROM_THE_CRM
)
HISTORY_NAMES_NONE = (
    "Nothing to measure: the history names no stage of the closed deals open at these snapshot dates, so nothing "
    "says what stage they were claimed at. The history's deal column must hold the export's CRM ids (or its deal "
    "names when it has no id column); crm.history in process.yaml names the history's columns."
)


def nothing_measured(result: Backtest) -> str:
    """Why no deal-snapshot was counted: those open at a snapshot date had no claimed stage (no check while open, for
    the deal records; no history row, for an export), the records knew the closed deals only after the last snapshot
    date or only closed (an import), or no closed deal was open at a snapshot date; and what gives one."""
    if result.left_out.no_claimed_stage:
        return NO_CHECK_WHILE_OPEN if result.saved else HISTORY_NAMES_NONE
    reasons = [
        reason for reason in (_saved_after_text(result, said=True), _saved_closed_text(result, said=True)) if reason
    ]
    if reasons:
        return f"Nothing to measure yet: {'; '.join(reasons)}. " + MEASURE_FROM_THE_CRM
    return NOT_OPEN_YET


def _saved_after_text(result: Backtest, *, said: bool) -> str:
    """The closed deals saved after the last snapshot date, as a clause (`said`: a sentence's, with its verb)."""
    count = result.left_out.saved_after
    if not count:
        return ""
    last = result.snapshots[-1].isoformat()
    if not said:
        return f"{plural(count, 'closed deal')} saved after the last snapshot date ({last})"
    were, them = ("was", "it") if count == 1 else ("were", "them")
    return f"{plural(count, 'closed deal')} {were} saved after the last snapshot date ({last}), so no snapshot saw {them} open"


def _saved_closed_text(result: Backtest, *, said: bool) -> str:
    """The closed deals saved already closed, as a clause (`said`: a sentence's, with its verb)."""
    count = result.left_out.saved_closed
    if not count:
        return ""
    if not said:
        return f"{plural(count, 'closed deal')} saved already closed (by an import)"
    were = "was" if count == 1 else "were"
    return (
        f"{plural(count, 'closed deal')} {were} saved already closed (as playbook import saves an export's closed "
        "rows), so the records hold nothing of their time open"
    )


def no_claimed_stage_text(result: Backtest) -> str:
    """The deal-snapshots left out for want of a claimed stage, and what that means for this source; then the closed
    deals no snapshot could count, and why."""
    unnamed = result.left_out.no_stage_named
    unknown = result.left_out.no_claimed_stage - unnamed
    never = "history names no stage {} at, only {} closing or nothing"
    before = "already created, at no stage in the history then: before a first change without a From Stage"
    why = (
        "a closed deal with no check while open, or checked without a CRM stage"
        if result.saved
        else "a deal whose " + never.format("it was", "its")
        if not unknown
        else f"a deal {before}"
        if not unnamed
        else f"{unnamed} of deals whose {never.format('they were', 'their')}; {unknown} of deals {before}"
    )
    told = f"{plural(result.left_out.no_claimed_stage, 'deal-snapshot')} with no claimed stage ({why})"
    return ", ".join(
        [told, *filter(None, (_saved_after_text(result, said=False), _saved_closed_text(result, said=False)))]
    )


def currency_text(result: Backtest) -> str:
    """The currency of the amounts, and the closed deals whose amount another currency kept out of the sums (as the
    audit keeps them out: an audit sums one currency), per currency; "" when no amount names a currency."""
    if result.currency is None:
        return ""
    other = result.left_out.other_currency
    if not other:
        return f"Amounts are in {result.currency}."
    counted = ", ".join(f"in {currency} of {plural(count, 'closed deal')}" for currency, count in sorted(other.items()))
    those = "that deal still counts" if sum(other.values()) == 1 else "those deals still count"
    return (
        f"Amounts are in {result.currency}: the forecast and the won amounts leave out the amounts {counted} (an "
        f"audit sums one currency); {those} in the win rates and the Brier scores."
    )


def held_by_age_text(result: Backtest) -> str:
    """The deal-snapshots only evidence too old held back, in the words of the audit's count of such deals
    (pipeline_report.summary.held_by_age_text); "" when none."""
    held = len(result.held_by_age_rows)
    if not held:
        return ""
    it = "it" if held == 1 else "each"
    return (
        f"{plural(held, 'deal-snapshot')} held back only by evidence too old: every milestone keeping {it} from its "
        "next stage was answered yes, but dated longer ago than its max_age_days as of the snapshot; confirmed again "
        f"by the customer, {'it' if held == 1 else 'each'} would have moved up."
    )


FILE_ORDER_SHOWN = 3  # the deals named in the file-order note; the rest are counted


def file_order_text(result: Backtest) -> str:
    """The deal-snapshots whose claimed stage only the history file's order chose, with the first deals and days,
    the direction the file was read in, and the fix; "" when there are none."""
    rows = result.file_order_rows
    if not rows:
        return ""
    tied = [row.file_order_day for row in rows if row.file_order_day is not None]
    ties = sorted(dict.fromkeys((row.file_order_day.day, row.name or row.deal) for row in rows if row.file_order_day))
    named = "; ".join(f"{day.isoformat()}, {deal}" for day, deal in ties[:FILE_ORDER_SHOWN])
    more = f"; and {len(ties) - FILE_ORDER_SHOWN} more" if len(ties) > FILE_ORDER_SHOWN else ""
    its = "its" if len(rows) == 1 else "their"
    timed = {day.timed for day in tied}
    when = (
        "at the same time"
        if timed == {True}
        else "on one day the history gives without a time"
        if timed == {False}
        else "at the same time, or on one day the history gives without a time,"
    )
    direction = (
        "newest first, as most deals' rows with different times are"
        if any(day.newest_first for day in tied)
        else "oldest first"
    )
    fix = (
        "export the history with its From Stage column (a field-history report's Old Value)"
        if timed == {True}
        else "export the history with each change's date and time, or with its From Stage column"
    )
    return (
        f"{plural(len(rows), 'deal-snapshot')} took {its} claimed stage from the history's file order ({direction}): "
        f"the deal changed stage more than once {when} and no From Stage orders the changes ({named}{more}); {fix}"
    )


def suggestions(result: Backtest) -> list[str]:
    """Per stage: the verified win rate (the claimed one, without evidence) next to process.yaml's probability,
    flagged where it lies outside the interval."""
    lines = []
    for rate in result.bases[result.judged].stages:
        if rate.too_few:
            continue
        low, high = rate.interval
        said = (
            f"{rate.name}: process.yaml says {rate.probability}%, {result.judged} deals won {rate.win_rate:.0%} "
            f"({low:.0%}–{high:.0%})"
        )
        if rate.probability_outside:
            said += f" — outside the interval: consider {round(rate.win_rate * 100)}%"
        lines.append(said)
    return lines


def summary(result: Backtest) -> str:
    """The terminal summary."""
    span = (
        f"{result.snapshots[0].isoformat()} to {result.snapshots[-1].isoformat()}" if result.snapshots else "no dates"
    )
    bases = list(result.bases)
    lines = [
        f"backtest: {plural(result.closed_deals, 'closed deal')}, {result.deals_in_snapshots} of them in one or more of "
        f"{plural(len(result.snapshots), 'snapshot')} ({span}): {plural(len(result.rows), 'deal-snapshot')}",
        *([] if result.evidence else [NO_EVIDENCE]),
        *([] if result.rows else [nothing_measured(result)]),
        *filter(None, [currency_text(result), held_by_age_text(result), file_order_text(result)]),
        "",
        f"{'stage':<22} {'prob':>4}  " + " ".join(f"{which + ' stage: win rate':<30}" for which in bases),
    ]
    for index, stage in enumerate(result.bases["claimed"].stages):
        rates = " ".join(f"{flagged_rate_text(result.bases[which].stages[index]):<30}" for which in bases)
        lines.append(f"{stage.name[:22]:<22} {stage.probability:>3}%  {rates.rstrip()}")
    if any(rate.probability_outside for which in bases for rate in result.bases[which].stages):
        lines.append(f"{OUTSIDE_MARK} {OUTSIDE_TEXT}")
    briers = ", ".join(f"{which} {brier_text(result.bases[which])}" for which in bases)
    lines += ["", f"Brier score (lower is better): {briers}", *filter(None, [brier_verdict(result)])]
    suggested = suggestions(result)
    lines += ["", "Suggested probabilities (process.yaml is not changed):"]
    lines += [f"  {line}" for line in suggested] or [
        f"  none: every stage has fewer than {TOO_FEW} {result.judged} deals"
    ]
    left = result.left_out
    lines += [
        "",
        "left out: "
        + (
            f"{plural(left.undated_answers, 'undated answer')} (never counted in a backtest), "
            if result.evidence
            else ""
        )
        + no_claimed_stage_text(result),
    ]
    return "\n".join(lines) + "\n"


def write_csv(result: Backtest, path: Path) -> None:
    """backtest.csv: one row per deal-snapshot, written by the project's one CSV writer (formulas made inert)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = safe_writer(out)
        writer.writerow(CSV_COLUMNS)
        for row in result.rows:
            cells = (
                row.snapshot.isoformat(),
                row.name or row.deal,
                row.crm_id,
                row.claimed_stage,
                row.verified_stage if result.evidence else "",
                row.outcome.value,
                "" if row.amount is None else plain_cents(to_cents(row.amount)),  # to the cent, as audit.csv
            )
            writer.writerow(cells)


def render_html(result: Backtest, heading: str = "Forecast accuracy", generator: str = "playbook backtest") -> str:
    """backtest.html: one self-contained page, its charts inline SVG, no scripts."""
    return _ENVIRONMENT.get_template("backtest.html").render(
        heading=heading, generator=generator, **section_context(result)
    )


def section_context(result: Backtest, prefix: str = "backtest", level: int = 2) -> dict[str, object]:
    """What the forecast-accuracy section shows (the report and /pipeline both render it); `level`: its headings' level."""
    return {
        "level": level,
        "result": result,
        "bases": list(result.bases),
        "no_evidence": NO_EVIDENCE,
        "nothing_measured": "" if result.rows else nothing_measured(result),
        "calibration": {
            which: calibration_svg(result.bases[which], which, f"{prefix}-{which}") for which in result.bases
        },
        "forecast_chart": forecast_svg(result.forecasts, f"{prefix}-forecast", list(result.bases)),
        "rate_text": rate_text,
        "brier_text": brier_text,
        "outside_text": OUTSIDE_TEXT,
        "brier_verdict": brier_verdict(result),
        "no_claimed_stage_text": no_claimed_stage_text(result),
        "file_order_text": file_order_text(result),
        "currency_text": currency_text(result),
        "held_by_age_text": held_by_age_text(result),
        "in_currency": f" ({result.currency})" if result.currency else "",
        "suggestions": suggestions(result),
        "cents": lambda amount: money_cents(to_cents(amount)),
        "deals": result.closed_deals,
        "too_few": TOO_FEW,
    }


def render_section(result: Backtest, prefix: str = "accuracy", level: int = 3) -> Markup:
    """The forecast-accuracy section's HTML, for a page that has its own headings (the team pipeline)."""
    return Markup(_ENVIRONMENT.get_template("_section.html").render(**section_context(result, prefix, level)))


NO_OUTCOMES = (
    "No saved deal is closed yet. Close deals won or lost on their page (or with POST /api/deals/ID/outcome): "
    "each closed deal shows how well its claimed and its verified stage predicted the outcome."
)


def accuracy_section(result: Backtest | None) -> Markup:
    """The team pipeline's forecast-accuracy section: the backtest of the saved deals, or how to get one."""
    if result is None:
        return Markup("<p>{}</p>").format(NO_OUTCOMES)
    return render_section(result)


def write_outputs(result: Backtest, directory: Path) -> list[Path]:
    """Write backtest.csv and backtest.html into the directory (made when missing)."""
    directory.mkdir(parents=True, exist_ok=True)
    csv_path, html_path = directory / "backtest.csv", directory / "backtest.html"
    write_csv(result, csv_path)
    html_path.write_text(render_html(result), encoding="utf-8")
    return [csv_path, html_path]
