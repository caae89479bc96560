"""A CRM export's own stage history: the date each deal entered each stage, one column per stage.

HubSpot keeps it on every deal as its "Date entered" properties, one per stage of each pipeline (labelled
`Date entered "Appointment Scheduled (Sales Pipeline)"`, named `hs_date_entered_<stage id>` in its API).
Exported with the deals, they are the history a backtest needs, without a history file. Each holds the
latest time the deal entered that stage: a deal that went back to a stage is read as entering it then. A closing's
column (won, lost) dates the deal's closing, as a history file's closing row does (StageHistory.closed_on).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from forecast.history import ClaimedSince, StageNames
from sales_process.crm import CrmMapping
from sales_process.model import Process
from sales_process.vocabulary import parse_date

# The column's name: the label (any quotes or colon after "Date entered") or the API name.
_ENTERED = re.compile(r"(?:hs_date_entered_|date entered\b)(?P<stage>.*)", re.IGNORECASE | re.DOTALL)
_QUOTES = " \t:\"'“”‘’«»"  # the quotes a label may put around the stage's name
_PIPELINE = re.compile(r"\s*\([^()]*\)$")  # HubSpot names the pipeline after the stage: "Won (Sales Pipeline)"


@dataclass(frozen=True)
class EnteredColumn:
    """A date-entered column: where it is, its name, and the stage it dates (None: a closing, won or lost, not a claim).

    `unknown` says why its stage is not one of the process's (then `stage` is None), after the names of every column
    of that stage (each pipeline's): an error only on a row that has a date in it, since an export holds the columns
    of every pipeline's stages, and one error for the stage however many pipelines have a column of it.
    """

    index: int
    name: str
    stage: str | None
    unknown: str | None = None


def entered_columns(header: Sequence[str], process: Process, mapping: CrmMapping) -> list[EnteredColumn]:
    """The header's date-entered columns, each with the stage it dates, as the audit names stages (crm.stage_names,
    --stage-name), with or without the pipeline's name after it."""
    names = StageNames.of(process, mapping)
    found = []
    for index, name in enumerate(header):
        entered = _ENTERED.fullmatch(name.strip())
        if entered is None:
            continue
        stage, unknown = _stage_of(entered["stage"].strip(_QUOTES), names)
        found.append(EnteredColumn(index, name, stage, unknown))
    # Each pipeline's column of one unknown stage: one error naming them all (grouped_by_message, by its words).
    same: dict[str, list[str]] = {}
    for column in found:
        if column.unknown is not None:
            same.setdefault(column.unknown, []).append(column.name)
    return [
        column
        if column.unknown is None
        else replace(column, unknown=f"{', '.join(same[column.unknown])}: {column.unknown}")
        for column in found
    ]


def _stage_of(text: str, names: StageNames) -> tuple[str | None, str | None]:
    """The stage a column's name dates: (its id, None); (None, None) for a closing; (None, why) when the process
    does not know it."""
    why = None
    for spelling in dict.fromkeys((text, _PIPELINE.sub("", text))):
        try:
            return names.claim(spelling), None
        except ValueError as error:
            why = str(error)  # the last spelling's: the stage's name without the pipeline's, when it has one
    return None, why


@dataclass(frozen=True)
class EnteredDates:
    """What a row's date-entered columns say: its claims (the stage from each date it entered it, in date order), the
    latest day it entered a closing (won, lost; None: none dated), and its problems (a date that is not one, a date in
    the column of a stage the process does not know)."""

    claims: list[ClaimedSince]
    closing: dt.date | None
    problems: list[str]


def entered_dates(cells: Sequence[str], columns: Sequence[EnteredColumn], mapping: CrmMapping) -> EnteredDates:
    """A row's claims, closing and problems, from its date-entered columns."""
    claims, problems = [], []
    closing: dt.date | None = None
    for column in columns:
        text = cells[column.index].strip() if column.index < len(cells) else ""
        if not text:
            continue
        try:
            day = parse_date(text, mapping.date_order)
        except ValueError as error:
            problems.append(f"{column.name}: {error}")
            continue
        if column.unknown is not None:  # said once per stage, with the rows it dates (grouped_by_message)
            problem = f'{column.unknown}; map the stage under crm.stage_names or with --stage-name "NAME=stage-id"'
            if problem not in problems:  # dated in two pipelines' columns of the stage: one problem of the row
                problems.append(problem)
        elif day is None:
            continue
        elif column.stage is not None:
            claims.append(ClaimedSince(day, column.stage))
        else:  # the deal's closing, as a history file's closing row: its latest (StageHistory.closings)
            closing = max(day, closing or day)
    return EnteredDates(sorted(claims, key=lambda claim: claim.date), closing, problems)
