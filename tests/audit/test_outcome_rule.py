"""A CRM row's outcome by the one rule (sales_process.outcome), and the crm: block fields it reads."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from sales_process.crm_names import FLAG_FIELDS
from sales_process.model import Crm, CrmColumns
from sales_process.outcome import (
    DEFAULT_STATUS_VALUES,
    STAGES_KEPT,
    STATUS_EXAMPLES,
    Outcome,
    closed_won_outcome,
    outcome_rule,
)
from tests.audit.helpers import ROOT

RULE = outcome_rule("closed-won", lost_stages=["Dead Deals"])


@pytest.mark.parametrize(
    ("status", "is_closed", "is_won", "stage", "stage_id", "expected"),
    [
        # the status column wins over everything
        ("Won", None, None, "Discovery", "discovery", Outcome.WON),
        ("Lost", True, True, "Closed Won", "closed-won", Outcome.LOST),
        ("open", None, None, "Closed Lost", None, Outcome.OPEN),
        ("Out-Sold", None, None, "", None, Outcome.LOST),
        ("Disqualified", None, None, "", None, Outcome.DISQUALIFIED),
        ("deleted", None, None, "Contact Made", None, Outcome.DISQUALIFIED),  # Pipedrive: out without a decision
        # then a flag holding a status (Odoo's Is Won: Won, Lost, Pending), before a flag's yes or no
        ("", None, Outcome.LOST, "Proposition", None, Outcome.LOST),
        ("", True, Outcome.OPEN, "Closed Won", "closed-won", Outcome.OPEN),
        ("", Outcome.WON, False, "", None, Outcome.WON),
        ("Lost", None, Outcome.WON, "", None, Outcome.LOST),
        # then Salesforce's IsClosed/IsWon
        ("", False, False, "Closed Won", "closed-won", Outcome.OPEN),
        ("", True, True, "Negotiation", None, Outcome.WON),
        ("", True, False, "Negotiation", None, Outcome.LOST),
        ("", None, True, "", None, Outcome.WON),
        # then the stage: the last stage is won, lost stages and lost words in any language are lost
        ("", None, False, "Closed Won", "closed-won", Outcome.WON),
        ("", None, None, "Dead Deals", None, Outcome.LOST),
        ("", None, None, "dead   deals", None, Outcome.LOST),
        ("", None, None, "Closed Lost", None, Outcome.LOST),
        ("", None, None, "closedlost", None, Outcome.LOST),
        ("", None, None, "Verloren", None, Outcome.LOST),
        ("", None, None, "Perdu", None, Outcome.LOST),
        ("", None, None, "Deal won", None, Outcome.WON),  # Bitrix24; the sample dataset's "Won"
        ("", None, None, "closedwon", None, Outcome.WON),
        ("", None, None, "Unqualified", None, Outcome.DISQUALIFIED),
        ("", None, None, "Duplicate", None, Outcome.DISQUALIFIED),
        ("", None, None, "Proposing", "proposing", Outcome.OPEN),
        # closed without IsWon at one of the process's stages: lost; at a stage it does not know, left to the
        # editor (open, so the audit asks for the stage): "Analyze failure" or "Paid" could mean either
        ("", True, None, "Proposing", "proposing", Outcome.LOST),
        ("", True, None, "Analyze failure", None, Outcome.OPEN),
        ("", True, None, "", None, Outcome.OPEN),
        ("", True, None, "Deal won", None, Outcome.WON),
        ("", True, None, "Duplicate", None, Outcome.DISQUALIFIED),
        ("", None, None, "", None, Outcome.OPEN),
    ],
)
def test_the_rule_answers_in_its_order(
    status: str,
    is_closed: bool | Outcome | None,
    is_won: bool | Outcome | None,
    stage: str,
    stage_id: str | None,
    expected: Outcome,
) -> None:
    got = RULE.outcome(status=status, is_closed=is_closed, is_won=is_won, stage_name=stage, stage_id=stage_id)
    assert got is expected
    assert got.is_closed is (expected is not Outcome.OPEN)


def test_listed_status_values_are_the_only_ones_read() -> None:
    rule = outcome_rule("closed-won", {"won": ["Gagné", "true"], "lost": ["Perdu"], "open": ["En cours"]})
    assert rule.outcome(status="gagné") is Outcome.WON
    assert rule.outcome(status="TRUE") is Outcome.WON
    assert rule.outcome(status="En cours", stage_name="Closed Won", stage_id="closed-won") is Outcome.OPEN
    with pytest.raises(
        ValueError,
        match=r"status 'Won' is not a status the audit knows \(open: en cours; won: gagné, true; lost: perdu\); "
        r"add it to crm.status_values, which lists every status read \(it replaces the built-in words\) "
        r"\(won, lost, open or disqualified\)$",
    ):
        rule.outcome(status="Won")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("Offen", Outcome.OPEN),
        ("Gewonnen", Outcome.WON),
        ("Verloren", Outcome.LOST),
        ("ouvert", Outcome.OPEN),
        ("Abierto", Outcome.OPEN),
        ("In corso", Outcome.OPEN),
        ("Em andamento", Outcome.OPEN),
        ("Ganho", Outcome.WON),
    ],
)
def test_a_status_is_read_in_the_languages_of_the_won_and_lost_words(status: str, expected: Outcome) -> None:
    assert outcome_rule("closed-won").outcome(status=status) is expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("", None),
        ("  ", None),
        ("true", True),
        ("No", False),
        ("WAHR", True),
        ("Won", Outcome.WON),  # Odoo's Is Won
        ("Lost", Outcome.LOST),
        (" pending ", Outcome.OPEN),
        ("In  Progress", Outcome.OPEN),
        ("Disqualified", Outcome.DISQUALIFIED),
    ],
)
def test_a_flag_is_yes_or_no_or_a_status(cell: str, expected: bool | Outcome | None) -> None:
    assert RULE.flag_reading(cell) == expected
    assert type(RULE.flag_reading(cell)) is type(expected)


def test_a_flag_with_another_word_says_what_is_read() -> None:
    with pytest.raises(
        ValueError, match=r"^'Maybe' is not yes or no, nor a status the audit knows \(e\.g\. open: open, in progress"
    ) as error:
        RULE.flag_reading(" Maybe ")
    assert "write yes or no, or leave it blank" in str(error.value)


def test_a_yes_listed_as_a_status_value_is_still_a_flags_yes() -> None:
    rule = outcome_rule("closed-won", {"won": ["Gagné", "yes"], "lost": ["Perdu"]})
    assert rule.flag_reading("yes") is True
    assert rule.flag_reading("Perdu") is Outcome.LOST
    with pytest.raises(ValueError, match="nor a status the audit knows"):
        rule.flag_reading("Won")  # only the listed values are read


@pytest.mark.parametrize(
    ("is_closed", "is_won", "is_active", "stage", "stage_id", "expected"),
    [
        # Odoo archives the deals it marks lost: Active no is closed, so at a stage of the process, lost
        (None, None, False, "Proposition", "proposing", Outcome.LOST),
        (None, None, False, "Won", "closed-won", Outcome.WON),
        (None, None, False, "Dead Deals", None, Outcome.LOST),
        (None, None, False, "Paid", None, Outcome.OPEN),  # a stage the process does not know: the audit asks
        # Active yes says nothing: an active deal at the won stage is won, elsewhere open
        (None, None, True, "Won", "closed-won", Outcome.WON),
        (None, None, True, "Proposition", "proposing", Outcome.OPEN),
        # IsClosed, when it says yes or no, is read before Active; a won flag or a status in either is read first
        (False, None, False, "Proposition", "proposing", Outcome.OPEN),
        (True, None, True, "Proposition", "proposing", Outcome.LOST),
        (None, True, False, "Proposition", "proposing", Outcome.WON),
        (None, Outcome.OPEN, False, "Proposition", "proposing", Outcome.OPEN),
    ],
)
def test_an_archived_deal_is_closed(
    is_closed: bool | Outcome | None,
    is_won: bool | Outcome | None,
    is_active: bool | Outcome | None,
    stage: str,
    stage_id: str | None,
    expected: Outcome,
) -> None:
    got = RULE.outcome(is_closed=is_closed, is_won=is_won, is_active=is_active, stage_name=stage, stage_id=stage_id)
    assert got is expected


@pytest.mark.parametrize(
    ("status", "is_closed", "is_won", "is_deleted", "expected"),
    [
        # Salesforce's recycle bin (Data Loader's Export All): deleted is out of the pipeline, whatever the row says
        ("", False, False, True, Outcome.DISQUALIFIED),
        ("", True, True, True, Outcome.DISQUALIFIED),
        ("Won", None, None, True, Outcome.DISQUALIFIED),
        # not deleted says nothing
        ("", False, False, False, Outcome.OPEN),
        ("", True, True, False, Outcome.WON),
    ],
)
def test_a_deleted_deal_is_disqualified(
    status: str, is_closed: bool | None, is_won: bool | None, is_deleted: bool, expected: Outcome
) -> None:
    got = RULE.outcome(status=status, is_closed=is_closed, is_won=is_won, is_deleted=is_deleted, stage_name="Proposing")
    assert got is expected


def test_a_deleted_deals_unknown_status_is_still_refused() -> None:
    with pytest.raises(ValueError, match="status 'Maybe' is not a status the audit knows"):
        RULE.outcome(status="Maybe", is_deleted=True)


@pytest.mark.parametrize(
    ("flag", "cell", "expected"),
    [
        ("is_active", "False", False),
        ("is_active", " Archived ", False),
        ("is_active", "INACTIVE", False),
        ("is_active", "Active", True),
        ("is_active", "", None),
        ("is_deleted", "true", True),
        ("is_deleted", "0", False),
    ],
)
def test_active_and_deleted_hold_yes_or_no(flag: str, cell: str, expected: bool | None) -> None:
    assert RULE.flag_reading(cell, flag) is expected


@pytest.mark.parametrize(
    ("flag", "cell", "message"),
    [
        # Read as a status, "Active" would be open and a won deal pipeline: these flags hold no status.
        ("is_active", "Won", r"^'Won' is not yes or no \(active, inactive, archived\); write yes or no"),
        ("is_deleted", "Lost", r"^'Lost' is not yes or no; write yes or no"),
        ("is_deleted", "Active", r"^'Active' is not yes or no; write yes or no"),
    ],
)
def test_active_and_deleted_hold_no_status(flag: str, cell: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        RULE.flag_reading(cell, flag)


def test_isclosed_without_iswon_leaves_it_to_the_stage() -> None:
    assert closed_won_outcome(True, None) is None
    assert closed_won_outcome(None, False) is None
    assert closed_won_outcome(None, None) is None


def test_the_crm_block_takes_status_values_lost_stages_encoding_and_owners() -> None:
    crm = Crm.model_validate(
        {
            "columns": {"status": "Status", "close_date": "Est. close date"},
            "status_values": {"won": ["Won", True, 1], "lost": ["Lost"]},
            "lost_stages": ["Dead Deals"],
            "encoding": "cp1251",
            "owners": {"005Ec000004oBPNIA2": "ana@example.com", 12345678: "bo@example.com"},
        }
    )
    assert crm.status_values is not None and crm.status_values.won == ["Won", "true", "1"]
    assert crm.owners == {"005Ec000004oBPNIA2": "ana@example.com", "12345678": "bo@example.com"}
    assert crm.columns.status == "Status" and crm.columns.close_date == "Est. close date"


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"encoding": "klingon"}, "'klingon' is not an encoding; write one such as utf-8"),
        (
            {"owners": {"005": "not an email"}},
            "'not an email' is not an email address; type one address like ana@example.com",
        ),
        ({"status_values": {"closed": ["x"]}}, "Extra inputs are not permitted"),
    ],
)
def test_bad_crm_fields_are_refused(block: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Crm.model_validate(block)


def test_a_stage_read_again_gives_the_same_outcome_and_the_stages_remembered_are_bounded() -> None:
    rule = outcome_rule("closed-won", lost_stages=["Dead Deals"])
    names = [f"Stage {number}" for number in range(STAGES_KEPT + 500)]
    assert {rule.stage_outcome(name, None) for name in names} == {Outcome.OPEN}
    assert len(rule._by_stage) == STAGES_KEPT  # a file of distinct stage names cannot grow it further
    for _ in range(2):  # read the first time, then remembered: the same answer
        assert rule.stage_outcome("Dead Deals", None) is Outcome.LOST
        assert rule.stage_outcome("Closed Lost", None) is Outcome.LOST
        assert rule.stage_outcome("Signed", "closed-won") is Outcome.WON
        assert rule.stage_outcome("Signed", None) is Outcome.OPEN  # the same name at no stage of the process


def test_every_flag_can_be_named_under_crm_columns() -> None:
    assert set(FLAG_FIELDS) <= set(CrmColumns.model_fields)


def test_an_unknown_status_names_a_few_words_per_outcome_and_where_every_one_is() -> None:
    # monday.com's 'Working on it' was refused with a list of about 100 words, on every line.
    with pytest.raises(ValueError) as error:
        RULE.status_outcome("Working on it")
    assert str(error.value) == (
        "status 'Working on it' is not a status the audit knows (e.g. open: open, in progress, on hold; won: won, "
        "closed won; lost: lost, closed lost, canceled; disqualified: disqualified, duplicate, abandoned; every word, "
        "in each language: docs/revops/real-exports.md, Closed deals are outcomes); list it under crm.status_values "
        "(won, lost, open or disqualified)"
    )
    assert all(DEFAULT_STATUS_VALUES[word] is outcome for outcome, words in STATUS_EXAMPLES.items() for word in words)


def test_the_page_an_unknown_status_points_to_lists_every_built_in_word() -> None:
    page = (ROOT / "docs" / "revops" / "real-exports.md").read_text(encoding="utf-8")
    section = page[page.index("## Closed deals are outcomes") : page.index("## One row per deal")]
    for outcome in Outcome:
        listed = next(line for line in section.splitlines() if line.startswith(f"   - {outcome}: "))
        assert all(f"`{word}`" in listed for word, its in DEFAULT_STATUS_VALUES.items() if its is outcome), outcome
