"""The audit's totals as text for standard output; money formatted once for people."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from pipeline_report.result import AuditResult
from sales_process.loader import LoadedProcess
from sales_process.problems import also_on_lines
from sales_process.totals import WITHOUT_AMOUNT, WITHOUT_CLAIM, Listed, OutcomeTotals, Totals
from sales_process.vocabulary import Status, plural
from sales_process.vocabulary import money_cents as money

NOT_WEIGHTED = "not weighted"

__all__ = [
    "NO_EVIDENCE_TEXT",
    "awaiting_buyer_text",
    "buyer_confirmed_text",
    "columns_text",
    "held_by_age_text",
    "held_deals_text",
    "held_more_text",
    "line_named",
    "missing_text",
    "money",
    "no_evidence_text",
    "not_summed_lines",
    "open_deals_summed",
    "outcome_lines",
    "process_line",
    "share",
    "summary_text",
]

LISTED_ON_SCREEN = 20  # more rows not assessed are listed in audit.csv and the report
IGNORED_NAMED = 8  # the columns not read are counted, and the first few named
TOO_OLD_NAMED = 3  # the milestones to confirm again named in the line that counts the deals only they hold back
NO_EVIDENCE_TEXT = (
    "None of it is customer-verified, because the CRM records no customer evidence (the export has no milestone "
    "columns); create the CRM fields that hold it with `playbook crm-template`, then export again"
)


def no_evidence_text(result: AuditResult) -> str:
    """Why none of the pipeline is verified: the export has no milestone column, or --no-evidence left them unread."""
    if result.evidence_left_out:
        return f"None of it is customer-verified: {result.evidence_left_out}"
    return NO_EVIDENCE_TEXT


TWO_DIGIT_RULE = "by the spreadsheet rule: 00-29 as 2000-2029, 30-99 as 1930-1999"


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
    return (
        f"{plural(len(result.missing_milestones), 'milestone')} missing from the export, counted as unanswered "
        f"on every deal: {', '.join(result.missing_milestones)}"
    )


def buyer_confirmed_text(result: AuditResult) -> str | None:
    """How much of the verified weighted pipeline the buyers confirmed, in words. None when the process has no
    buyer_statement (no buyer can confirm anything) or the export has no buyer column (it cannot tell):
    the line would only be noise."""
    totals = result.totals
    if not totals.buyers_can_confirm or not result.buyer_columns:
        return None
    deals = totals.buyer_confirmed
    whose = "whose buyer" if deals == 1 else "whose buyers"
    # With nothing verified and weighted there is no share to give ("-"), only the deals.
    of_the_pipeline = (
        f"{share(totals.buyer_confirmed_cents, totals.verified_cents)} of the verified weighted pipeline "
        f"({money(totals.buyer_confirmed_cents)} of {money(totals.verified_cents)})"
        if totals.verified_cents
        else f"none of the verified weighted pipeline, which is {money(0)}"
    )
    text = (
        f"Confirmed by buyers: {of_the_pipeline}, {plural(deals, 'deal')} {whose} confirmed "
        f"every outcome that put {'it' if deals == 1 else 'them'} at {'its' if deals == 1 else 'their'} verified stage"
    )
    declined = totals.buyer_confirmed_declined
    if declined:  # the buyer's word counts both ways: a confirmed stage is never shown without a "Not quite"
        of = "that deal's buyer" if deals == 1 else f"the buyers of {declined} of them"
        text += f"; {of} also declined a later outcome (“Not quite”)"
    return text


AWAITING = Status.AWAITING_BUYER.value


def awaiting_buyer_text(result: AuditResult) -> str | None:
    """How many deals each milestone only the buyer's word verifies (`confirmation: required`) holds back awaiting
    the buyer, the figure report.html gives ("awaiting the buyer: 3", totals.most_blocking), and why when the export
    has no `.confirmed_by` column to read a buyer's confirmation from; None when no deal awaits the buyer."""
    held = [(key, counts[AWAITING]) for key, counts in result.totals.most_blocking() if counts[AWAITING]]
    if not held:
        return None
    if len(held) == 1:
        key, deals = held[0]
        text = f"Awaiting the buyer: {plural(deals, 'deal')} held back at {key}, which only the buyer's confirmation verifies"
    else:
        named = ", ".join(f"{key} ({deals})" for key, deals in held[:-1]) + f" and {held[-1][0]} ({held[-1][1]})"
        text = f"Awaiting the buyer: deals held back at {named}, which only the buyer's confirmation verifies"
    if not result.buyer_columns:
        text += (
            "; the export has no .confirmed_by column, so no buyer's confirmation is read: add one per such milestone "
            "(`playbook crm-template` lists them)"
        )
    return text


def held_by_age_text(result: AuditResult) -> str | None:
    """How many open deals only evidence too old holds back (totals.held_by_age), and the milestones to confirm again
    on them, with how many of those deals each holds back (totals.most_often_too_old: never a deal that also misses
    another milestone); None when none: a deal a month past its meeting fell back to Discovery, and nothing said that
    age was why."""
    totals = result.totals
    held = totals.held_by_age
    if not held:
        return None
    too_old = totals.most_often_too_old()
    more = f" and {plural(len(too_old) - TOO_OLD_NAMED, 'other milestone')}" if len(too_old) > TOO_OLD_NAMED else ""
    if held == 1:
        milestones = f"To confirm again on this deal: {', '.join(key for key, _ in too_old[:TOO_OLD_NAMED])}{more}"
    else:
        named = ", ".join(f"{milestone_id} ({deals})" for milestone_id, deals in too_old[:TOO_OLD_NAMED])
        milestones = (
            f"Milestones to confirm again on these deals, with how many of the {held} each holds back: {named}{more}"
        )
        if sum(deals for _, deals in too_old) > held:
            milestones += " (a deal held back by several counts under each)"
    return (
        f"Deals held back only by evidence too old: {held} ({share(held, totals.assessed)} "
        "of the deals assessed): every milestone keeping each from its next stage is answered yes, but dated longer ago "
        "than its max_age_days; confirmed again by the customer, with a new date, each deal moves up at least a stage. "
        + milestones
    )


def held_deals_text(totals: Totals) -> str:
    """The deals held_by_age_text counts, named by line (Totals.held_named): report.html names a saved deal by its
    page instead, in the same words."""
    named = ", ".join(line_named(line, deal) for line, deal in totals.held_named())
    return f"{'The deal' if totals.held_by_age == 1 else 'The deals'}: {named}{held_more_text(totals)}"


def held_more_text(totals: Totals) -> str:
    """ " and 3 more" after the deals held back only by age that are named, when not all are."""
    more = totals.held_by_age - len(totals.held_named())
    return f" and {more} more" if more else ""


def columns_text(result: AuditResult) -> list[str]:
    """How the columns were read: once per column read by a CRM's own name, and the columns not read, counted."""
    lines = [f"Columns: {note}" for note in result.read_as]
    ignored = result.ignored_columns
    if ignored:
        named = ", ".join(repr(name) for name in ignored[:IGNORED_NAMED])
        more = f" and {len(ignored) - IGNORED_NAMED} more" if len(ignored) > IGNORED_NAMED else ""
        lines.append(
            f"Columns not read: {len(ignored)} ({named}{more}); --strict-columns makes each an error, "
            "--ignore-column silences one"
        )
    return lines


def outcome_lines(result: AuditResult) -> list[str]:
    """One line per kind of closed deal (won, lost, disqualified): the count and the amount; none when none closed."""
    totals = result.totals
    if not totals.closed:
        return []
    period = result.period
    within = ""
    if period.given:
        start = period.start.isoformat() if period.start else "the start"
        end = period.end.isoformat() if period.end else "today"
        within = f", closed from {start} to {end}"
    currency = f" ({result.currency})" if result.currency else ""
    lines = [f"Closed deals (outcomes, not pipeline: never assessed nor weighted){within}{currency}:"]
    outside = 0
    for outcome, kind in totals.outcomes.items():
        outside += kind.outside_period
        if kind.deals or kind.outside_period:
            left_out = [
                *([f"{kind.without_amount} without an amount"] if kind.without_amount else []),
                *([f"{kind.not_summed} with an amount not summed"] if kind.not_summed else []),
            ]
            without = f" ({', '.join(left_out)})" if left_out else ""
            lines.append(f"  {outcome.value + ':':<14}{plural(kind.deals, 'deal'):>12}, {money(kind.cents)}{without}")
            lines += [f"    {line}" for line in not_summed_lines(kind)]
    if outside:
        lines.append(f"  not counted: {plural(outside, 'closed deal')} closed outside the period (or undated)")
    after = sum(kind.after_as_of for kind in totals.outcomes.values())
    if after:
        lines.append(
            f"  note: {plural(after, 'deal')} closed after {result.as_of.isoformat()}, the date the audit is as of, "
            f"{'is' if after == 1 else 'are'} counted closed as the export says (it was made later)"
        )
    return lines


def open_pipeline_text(result: AuditResult) -> str:
    """The open pipeline's total, unweighted: the amounts of the open deals assessed, how many have one and lack one.
    A row not assessed (its stage unknown, a cell refused) is in no total."""
    currency = f" ({result.currency})" if result.currency else ""
    return f"Open pipeline{currency}, unweighted: {money(result.totals.open_cents)}, {open_deals_summed(result.totals)}"


def open_deals_summed(totals: Totals, in_currency: str = "", item: str = "deal") -> str:
    """Which deals the open pipeline adds, true of none, one or many, with or without deals lacking an amount (the
    summary's and report.html's words): "the amounts of 11 open deals; 1 more open deal has no amount; the deal not
    assessed is not counted". `in_currency`: " in EUR" beside other currencies; `item`: what a row not assessed is."""
    with_amount, without = totals.with_amount, totals.without_amount
    if with_amount > 1:
        text = f"the amounts of {with_amount} open deals{in_currency}"
    elif with_amount == 1:
        text = f"the amount of 1 open deal{in_currency}"
    elif without > 1:
        text = f"none of the {without} open deals has an amount"
    else:
        text = "the 1 open deal has no amount" if without else "no deal is open"
    if with_amount and without:
        text += f"; {plural(without, 'more open deal')} {'has' if without == 1 else 'have'} no amount"
    if totals.not_assessed:
        unread = (
            f"the {item} not assessed is"
            if totals.not_assessed == 1
            else f"the {totals.not_assessed} {item}s not assessed are"
        )
        text += f"; {unread} not counted"
    return text


def weighted_money(cents: int, deals: int, weighted: int) -> str:
    """A weighted sum over `deals`, `weighted` of which had an amount and a claimed stage to weigh: "not weighted"
    when none had, never a 0.00 that reads as weighed and found nothing (over no deal at all, 0.00 is what there is)."""
    return money(cents) if weighted or not deals else NOT_WEIGHTED


def _no_evidence_lines(result: AuditResult) -> list[str]:
    """The open pipeline as the CRM claims it, by stage, and why none of it is verified (--no-evidence)."""
    totals = result.totals
    currency = f" ({result.currency})" if result.currency else ""
    lines = [f"Open pipeline as the CRM claims it{currency}, weighted by each stage's probability:"]
    for stage, sums in zip(totals.process.stages, totals.stages, strict=True):
        if sums.claimed_deals:
            weighted = weighted_money(sums.claimed_cents, sums.claimed_deals, sums.claimed_weighted)
            lines.append(f"  {stage.name}: {plural(sums.claimed_deals, 'deal')}, {weighted}")
    claimed = totals.assessed - totals.without_claim
    lines.append(
        f"  total: {plural(claimed, 'deal')}, {weighted_money(totals.claimed_cents, claimed, totals.compared)}"
    )
    lines += _not_weighted_lines(totals)
    lines.append(no_evidence_text(result) + ".")
    return lines


def _not_weighted_lines(totals: Totals) -> list[str]:
    """The assessed deals left out of the weighted amounts, and why (none: no line)."""
    if not (totals.without_amount or totals.without_claim):
        return []
    return [
        f"Not in the weighted totals: {plural(totals.without_amount, 'deal')} {WITHOUT_AMOUNT}, "
        f"{totals.without_claim} {WITHOUT_CLAIM}."
    ]


def _read_as(totals: Totals) -> str:
    """How the rows read split, e.g. "4 closed, 2 open, 1 not assessed": a row not assessed (a cell the audit
    refuses, another currency) is neither (its stage may say won)."""
    unread = f", {totals.not_assessed} not assessed" if totals.not_assessed else ""
    return f"{totals.closed} closed, {totals.rows - totals.closed - totals.not_assessed} open{unread}"


UNKNOWN_STAGES_LISTED = 20


def unknown_stage_lines(result: AuditResult, loaded: LoadedProcess) -> list[str]:
    """The CRM stage names of deals the process does not know, as the crm.stage_names block that reads them,
    each with a placeholder where the stage id goes: a mapping is the editor's choice, never guessed."""
    if not result.unknown_stages:
        return []
    deals = sum(rows for _, rows in result.unknown_stages) + result.other_unknown_stages
    closed = result.closed_unknown_stages
    # A deal its flags say is closed (archived, IsClosed) is no open deal: the count says so.
    on = plural(deals, "closed deal" if closed == deals else "open deal")
    if 0 < closed < deals:
        on = f"{plural(deals, 'deal')} ({deals - closed} open, {closed} closed)"
    lines = [
        f"Stage names the process does not know, on {on}: to read them, give each its stage "
        'in process.yaml (or pass --stage-name "NAME=stage-id" for one run):',
        "  crm:",
        "    stage_names:",
    ]
    listed = result.unknown_stages[:UNKNOWN_STAGES_LISTED]
    lines += [
        f"      {json.dumps(name, ensure_ascii=False)}: STAGE-ID  # {plural(rows, 'deal')}" for name, rows in listed
    ]
    unlisted = sum(rows for _, rows in result.unknown_stages[len(listed) :]) + result.other_unknown_stages
    if unlisted:
        lines.append(f"      # ... and more names, on {plural(unlisted, 'deal')} (see audit.csv)")
    lines.append(f"  stage ids: {', '.join(stage.id for stage in loaded.process.stages)}")
    if result.unknown_stage_pipelines:
        lines.append(
            f"  their pipelines: {names_counted(result.unknown_stage_pipelines)}"
            + (
                "; map only this process's stages: read only its pipeline with --pipeline NAME or crm.pipelines, "
                "and audit another pipeline's deals with its own process"
                if result.one_pipeline_advised
                else ""
            )
        )
    return lines


PIPELINES_LISTED = 5


def names_counted(counts: Iterable[tuple[str, int]]) -> str:
    """CRM names with their rows, quoted as YAML reads them: '"Renewals" (2), "Sales Pipeline" (1)'."""
    return ", ".join(f"{json.dumps(name, ensure_ascii=False)} ({rows})" for name, rows in counts)


def other_pipelines_text(pipelines: Sequence[tuple[str, int]], rows: int) -> str | None:
    """The `rows` left out for being in `pipelines` not read (crm.pipelines, --pipeline; the rows of each, most
    first), e.g. '8 deals in other pipelines were left out: "Renewals" (6), "Partners" (2)'; None for none."""
    if not rows:
        return None
    listed = pipelines[:PIPELINES_LISTED]
    names = names_counted(listed)
    more = len(pipelines) - len(listed)
    names += f" and {plural(more, 'other')}" if more else ""
    return f"{plural(rows, 'deal')} in other pipelines {'was' if rows == 1 else 'were'} left out: {names}"


def several_pipelines_text(result: AuditResult) -> str | None:
    """The warning for an export of several pipelines read whole (none chosen with crm.pipelines or --pipeline): each
    pipeline with its deals, most first, and how to read one; None otherwise. Another pipeline's won deals would be
    counted as this process's wins."""
    if not result.one_pipeline_advised:
        return None
    listed = result.pipelines[:PIPELINES_LISTED]
    more = len(result.pipelines) - len(listed)
    names = names_counted(listed) + (f" and {plural(more, 'other')}" if more else "")
    return (
        f"the export holds the deals of {len(result.pipelines)} pipelines, read and counted together (won and lost "
        f"deals too): {names}; read only this process's pipeline with --pipeline NAME, or list it under "
        "crm.pipelines in process.yaml"
    )


DATE_COLUMNS_LISTED = 3


def date_order_text(result: AuditResult) -> str | None:
    """The one fix for the date cells refused when most of them read in one order (month first, day first) or
    either (03/04/2027 alone), said before the rows it reads (each still listed with its own); None otherwise."""
    fix = result.refused_dates.fix()
    if fix is None:
        return None
    count = sum(cells for _, cells in fix.columns)
    listed = fix.columns[:DATE_COLUMNS_LISTED]
    if len(fix.columns) == 1:
        where = f"column {fix.columns[0][0]!r}"
    else:
        where = "columns " + ", ".join(f"{name!r} ({cells})" for name, cells in listed)
        more = len(fix.columns) - len(listed)
        where += f" and {plural(more, 'other')}" if more else ""
    dates = plural(count, "date")
    if fix.order is None:
        return (
            f"{dates} in {where} could be month first or day first (e.g. {fix.example}): run with --month-first or "
            "--day-first, as the CRM writes them (crm.dates)"
        )
    order = fix.order.value
    return f"{dates} in {where} read as {order} (e.g. {fix.example}): run with --{order} or set crm.dates: {order}"


def summary_text(result: AuditResult, loaded: LoadedProcess) -> str:
    """The summary printed after an audit."""
    totals = result.totals
    crm = f" ({result.crm_name} export)" if result.crm_name else ""
    lines = [
        f"Pipeline audit of {result.source_text}{crm} as of {result.as_of.isoformat()}",
        f"Process: {process_line(loaded)}",
    ]
    lines += columns_text(result)
    lines += [f"Warning: {warning}" for warning in result.unevidenced]
    missing = missing_text(result) if result.evidence else None
    if missing:
        lines.append(f"Warning: {missing}")
    if result.repeated_ids:
        lines.append(f"Warning: {result.repeated_ids}")
    several = several_pipelines_text(result)
    if several:
        lines.append(f"Warning: {several}")
    # The deals left out, before the deals read: not between "Deals not assessed" and the reasons listed under it.
    other_pipelines = other_pipelines_text(result.other_pipelines, result.other_pipeline_rows)
    if other_pipelines:
        lines.append(other_pipelines)
    lines += [
        f"Deals read: {totals.rows}" + (f" ({_read_as(totals)})" if totals.closed else ""),
        f"Deals assessed: {totals.assessed}",
        f"Deals not assessed: {totals.not_assessed}",
    ]
    dates = date_order_text(result)
    if dates:
        lines.append(f"  {dates}")
    lines += not_assessed_lines(totals)
    lines += unknown_stage_lines(result, loaded)
    lines += outcome_lines(result)
    lines.append(open_pipeline_text(result))
    if not result.evidence:
        lines += _no_evidence_lines(result)
        return "\n".join(lines + _unnamed_currency_lines(result) + _skipped_lines(result))
    lines += [
        f"Deals ahead of their evidence: {totals.ahead} ({share(totals.ahead, totals.assessed)} of the deals assessed)",
        f"Weighted pipeline{f' ({result.currency})' if result.currency else ''} of the {plural(totals.compared, 'open deal' if totals.closed else 'deal')} with an amount and a claimed stage:",
        f"  claimed:    {money(totals.claimed_cents)}",
        f"  verified:   {money(totals.verified_cents)}",
        f"  difference: {money(totals.inflation_cents)} ({share(totals.inflation_cents, totals.claimed_cents)} of the claim)",
    ]
    held = held_by_age_text(result)
    lines += [
        text
        for text in (
            buyer_confirmed_text(result),
            awaiting_buyer_text(result),
            held and f"{held}. {held_deals_text(totals)}",
        )
        if text
    ]
    lines += _not_weighted_lines(totals)
    return "\n".join(lines + _unnamed_currency_lines(result) + _skipped_lines(result))


def not_assessed_lines(totals: Totals) -> list[str]:
    """The rows not assessed, one line per reason (LISTED_ON_SCREEN at most), at its first row and naming the others:
    a reason repeated on many rows (a currency column's word) is said once, not once per row."""
    return [f"  {line}" for line in reason_lines(totals.unassessed, totals.not_assessed, "not assessed")]


def not_summed_lines(kind: OutcomeTotals) -> list[str]:
    """The closed deals of one outcome whose amount is not summed though their cell holds one (it cannot be read, or
    is in another currency than the file's), as not_assessed_lines words the rows not assessed; the summary and
    report.html both say them."""
    return reason_lines(kind.not_summed_rows, kind.not_summed, "with an amount not summed")


def line_named(line: int, deal: str) -> str:
    """A CSV row named where the audit lists it: by its line, where the file and audit.csv are looked up, and its
    deal (a saved deal is named by its page instead: report_body.html's `named`)."""
    return f"line {line} ({deal})" if deal else f"line {line}"


def reason_lines(listed: Listed, rows: int, what: str) -> list[str]:
    """`rows` rows left out (`what` they are), one line per reason (LISTED_ON_SCREEN at most), at its first row and
    naming the others (`also_on_lines`), and how many more there are for other reasons (all are in audit.csv)."""
    by_reason: dict[str, list[int]] = {}
    for problem in listed.rows:
        by_reason.setdefault(problem.reason, []).append(problem.line)
    shown = list(by_reason.items())[:LISTED_ON_SCREEN]
    alike = listed.unlisted_alike
    lines = [
        f"line {first}: {reason}{also_on_lines(others, unlisted=alike[reason])}" for reason, (first, *others) in shown
    ]
    left = rows - sum(len(numbers) + alike[reason] for reason, numbers in shown)
    if left:
        lines.append(
            f"... and {plural(left, 'more deal')} {what} for other reasons: see the not_assessed column of audit.csv"
        )
    return lines


def file_currency_text(result: AuditResult) -> str:
    """Where an export's currency comes from: "EUR, the currency of the file's first amount that names one (line
    2)" (the currency of most deals, for saved deals: no line)."""
    if result.currency_line is None:
        return f"{result.currency}, the currency of most deals"
    return f"{result.currency}, the currency of the file's first amount that names one (line {result.currency_line})"


def other_currencies_text(result: AuditResult) -> str | None:
    """Why an export's totals leave out amounts in other currencies, and how to choose the one summed: the amounts
    naming each currency; None when they all name the file's. The file's currency is its first amount's, so one
    stray amount in EUR first sets a file of dollars in EUR (an audit found): said, with the fix."""
    named = result.named_currencies
    others = [(code, count) for code, count in named.items() if code != result.currency]
    if not result.currency or not others:
        return None
    left_out = sum(count for _, count in others)
    counts = ", ".join(f"{code}: {count}" for code, count in others)
    summed = named.get(result.currency, 0)
    text = (
        f"the totals are in {file_currency_text(result)}; {plural(summed, 'amount')} "
        f"{'names' if summed == 1 else 'name'} {result.currency}, and {left_out} "
        f"{'names' if left_out == 1 else 'name'} another currency ({counts}), not summed: "
        f"{'its' if left_out == 1 else 'their'} open deals are not assessed, closed ones count without an amount. "
        "An audit sums one currency, the first an amount names (there is no setting for it): "
    )
    most, most_count = others[0]
    if most_count > summed:
        return text + (
            f"to sum the file in {most}, convert the {plural(summed, 'amount')} in {result.currency} (the first on "
            f"line {result.currency_line}) to {most}; or audit each currency separately (filter the export on its "
            "currency, one file each)"
        )
    return text + (
        f"convert the amounts in other currencies to {result.currency}, or audit each currency separately (filter "
        "the export on its currency, one file each)"
    )


def _unnamed_currency_lines(result: AuditResult) -> list[str]:
    """A warning when amounts naming no currency were summed in the currency the file's first amount names (report.html
    says it too): one EUR 5000 among bare numbers labels them all EUR (a RevOps review); and when amounts in other
    currencies were left out of the totals (other_currencies_text)."""
    lines = []
    others = other_currencies_text(result)
    if others:
        lines.append(f"Warning: {others}")
    if result.currency and result.unnamed_currency:
        lines.append(
            f"Warning: {plural(result.unnamed_currency, 'amount')} {'names' if result.unnamed_currency == 1 else 'name'} "
            f"no currency and {'is' if result.unnamed_currency == 1 else 'are'} summed as {file_currency_text(result)}; "
            f"if {'it is' if result.unnamed_currency == 1 else 'they are'} in another, write the currency with every "
            "amount, or map the column that gives it (--column NAME=currency)"
        )
    return lines


def _skipped_lines(result: AuditResult) -> list[str]:
    """Rows skipped, and dates read by a rule worth knowing."""
    lines = []
    if result.title_lines:
        lines.append(
            f"Title lines skipped above the header (the report's name, filters and blank lines): {result.title_lines}"
        )
    if result.groups > 1:
        lines.append(
            f"Groups read: {result.groups}, one after another (a board exported group by group): each group's title "
            "line and the header repeated under it skipped"
        )
    if result.summary_rows:
        lines.append(
            "Group summary rows skipped (each group's sums under its rows: no deals, their amounts not counted): "
            f"{result.summary_rows}"
        )
    if result.blank_rows:
        lines.append(f"Blank rows skipped: {result.blank_rows}")
    if result.footer_lines:
        lines.append(
            f'Footer lines skipped at the end of the file (the report\'s totals, notices and "Generated By"): {result.footer_lines}'
        )
    if result.two_digit_years:
        # "Dates with a two-digit year: 26" read as the year '26: the count is said as a count.
        dates = plural(result.two_digit_years, "date")
        lines.append(f"Dates with a two-digit year: {dates}, read {TWO_DIGIT_RULE}")
    return lines
