"""A German or French export's columns: its evidence and date columns are offered as the milestone's evidence and
date (Nachweis, Datum, preuve …), as 'Evidence' and 'Date' are, so the suggestions never map one milestone twice;
a label with an umlaut finds the id written with ae/oe/ue or without the accent; Pipedrive's German names are read
as its English ones."""

from __future__ import annotations

import re
from collections.abc import Sequence

import pytest

from pipeline_audit.columns import ColumnError, plan_columns
from sales_process.crm import parse_target, resolve_mapping
from sales_process.loader import LoadedProcess, parse_process

PROCESS = """\
name: Vertriebsprozess
version: "1"
stages:
  - id: erstgespraech
    name: Erstgespräch
    probability: 10
    milestones:
      - {id: problem-bestaetigt, question: Bestätigt?, customer_action: Er bestätigt., evidence: Seine E-Mail.}
      - {id: entscheider-benannt, question: Benannt?, customer_action: Er nennt ihn., evidence: Seine E-Mail.}
      - {id: budget-bestatigt, question: Budget?, customer_action: Er nennt es., evidence: Seine E-Mail.}
  - id: negociation
    name: Négociation
    probability: 50
    milestones:
      - {id: conditions-acceptees, question: Acceptées ?, customer_action: Il accepte., evidence: Son e-mail.}
  - id: gewonnen
    name: Gewonnen
    probability: 100
"""
# A German Pipedrive export of the process, its labels as the user named the fields.
HEADER = [
    "Deal - ID",
    "Deal - Titel",
    "Deal - Phase",
    "Deal - Wert",
    "Deal - Währung",
    "Deal - Status",
    "Deal - Besitzer",
    "Deal - Erwartetes Abschlussdatum",
    "Deal - Problem bestätigt",
    "Deal - Problem bestätigt Nachweis",
    "Deal - Problem bestätigt Datum",
    "Deal - Entscheider benannt",
    "Deal - Entscheider benannt Nachweis",
    "Deal - Entscheider benannt Datum",
    "Deal - Budget bestätigt",
    "Deal - Budget bestätigt Beleg",
    "Deal - Budget bestätigt am",
    "Deal - Conditions acceptées",
    "Deal - Conditions acceptées Preuve",
    "Deal - Conditions acceptées Date",
]
_MEANT = re.compile(r"unknown column '(.*)'; did you mean '(.*)'\?")


@pytest.fixture(scope="module")
def process() -> LoadedProcess:
    return parse_process(PROCESS.encode(), "process.yaml")


def _offered(problems: Sequence[str]) -> list[tuple[str, str]]:
    """The (column, milestone part) pairs the problems offer to map."""
    return [(found[1], found[2]) for problem in problems if (found := _MEANT.search(problem))]


def _suggested(header: Sequence[str], loaded: LoadedProcess, columns: Sequence[tuple[str, str]] = ()) -> list[str]:
    """The problems of reading `header` with the --column mappings `columns` ([] when it is read)."""
    targets = [(name, parse_target(target, loaded.process)) for name, target in columns]
    try:
        plan_columns(header, loaded.process, resolve_mapping(loaded.process, targets))
    except ColumnError as error:
        return error.problems
    return []


@pytest.mark.parametrize(
    ("column", "meant"),
    [
        ("Deal - Entscheider benannt Nachweis", "entscheider-benannt.evidence"),
        ("Deal - Entscheider benannt Datum", "entscheider-benannt.date"),
        ("Deal - Problem bestätigt", "problem-bestaetigt"),  # ä: ae, as the id writes it
        ("Deal - Problem bestätigt Notizen", "problem-bestaetigt.evidence"),
        ("Problem bestaetigt Datum", "problem-bestaetigt.date"),
        ("Deal - Budget bestätigt", "budget-bestatigt"),  # ä: a, as the id writes it
        ("Deal - Budget bestätigt Beleg", "budget-bestatigt.evidence"),
        ("Deal - Budget bestätigt am", "budget-bestatigt.date"),
        ("Conditions acceptées Preuve", "conditions-acceptees.evidence"),
        ("Conditions acceptées Justificatif", "conditions-acceptees.evidence"),
        ("Conditions acceptées Date", "conditions-acceptees.date"),
        ("Conditions acceptées Fecha", "conditions-acceptees.date"),
        ("Conditions acceptées Evidencia", "conditions-acceptees.evidence"),
    ],
)
def test_an_evidence_or_date_column_in_another_language_is_offered_as_that_part(
    process: LoadedProcess, column: str, meant: str
) -> None:
    problems = _suggested(["Deal - Titel", "Deal - Phase", column], process)
    assert _offered(problems) == [(column, meant)]


def test_taking_every_suggestion_reads_the_german_export(process: LoadedProcess) -> None:
    """The user applied the suggestions and got "entscheider-benannt is mapped to both …": each milestone's columns
    are now offered as its answer, evidence and date, and taken together they read the export."""
    offered = _offered(_suggested(HEADER, process))
    assert len(offered) == 11  # 'Deal - Entscheider benannt' is the id's label: read without a mapping
    assert len({target for _, target in offered}) == len(offered)
    assert _suggested(HEADER, process, offered) == []
    plan = plan_columns(
        HEADER,
        process.process,
        resolve_mapping(process.process, [(name, parse_target(target, process.process)) for name, target in offered]),
    )
    assert [(m.milestone_id, HEADER[m.answer], m.evidence, m.date) for m in plan.milestones] == [
        ("problem-bestaetigt", "Deal - Problem bestätigt", 9, 10),
        ("entscheider-benannt", "Deal - Entscheider benannt", 12, 13),
        ("budget-bestatigt", "Deal - Budget bestätigt", 15, 16),
        ("conditions-acceptees", "Deal - Conditions acceptées", 18, 19),
    ]


def test_pipedrives_german_names_are_read_as_its_english_ones(process: LoadedProcess) -> None:
    header = [*HEADER[:8], "Deal - Entscheider benannt"]
    plan = plan_columns(header, process.process, resolve_mapping(process.process))
    fields = (plan.crm_id, plan.deal, plan.stage, plan.amount, plan.currency, plan.status, plan.owner, plan.close_date)
    assert fields == tuple(range(8))
    assert "read 'Deal - Wert' as the amount (a name Pipedrive uses)" in plan.read_as
    assert "read 'Deal - Erwartetes Abschlussdatum' as the close date (a name Pipedrive uses)" in plan.read_as
    bare = plan_columns(
        ["Titel", "Phase", "Wert", "Währung", "Besitzer", "Deal - Entscheider benannt"],
        process.process,
        resolve_mapping(process.process),
    )
    assert (bare.deal, bare.stage, bare.amount, bare.currency, bare.owner) == (0, 1, 2, 3, 4)


@pytest.mark.parametrize(
    ("column", "meant"),
    [
        ("Pain Confirmed Proof", "pain-confirmed.evidence"),  # English, as before
        ("Pain Confirmed On", "pain-confirmed.date"),
        ("Pain Confirmed Notes", "pain-confirmed.evidence"),
        ("Pain Confirmd", "pain-confirmed"),
    ],
)
def test_english_columns_are_offered_as_before(default_process: LoadedProcess, column: str, meant: str) -> None:
    problems = _suggested(["deal", "stage", "pain-confirmed", column], default_process)
    assert f"did you mean {meant!r}?" in problems[0]
