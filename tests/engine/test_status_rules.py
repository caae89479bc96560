"""The seven milestone statuses: each one, the date boundaries, precedence and what counts as evidence."""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata

import pytest

from sales_process.deal import Answer
from sales_process.engine import Status, milestone_status
from sales_process.evidence import INVISIBLE, PLACEHOLDERS, normalise_evidence
from sales_process.model import Milestone
from tests.engine.factory import AS_OF, EVIDENCE, milestone

DAY = dt.timedelta(days=1)
PLAIN = milestone("plain")
DATED = milestone("dated", max_age_days=30)
OPTIONAL = milestone("optional", evidence_required=False)
OPTIONAL_DATED = milestone("optional-dated", evidence_required=False, max_age_days=30)


@pytest.mark.parametrize(
    ("rule", "answer", "expected"),
    [
        pytest.param(PLAIN, None, Status.UNANSWERED, id="no-answer"),
        pytest.param(DATED, None, Status.UNANSWERED, id="no-answer-dated-milestone"),
        pytest.param(PLAIN, Answer(met=False), Status.NOT_MET, id="not-met"),
        pytest.param(PLAIN, Answer(met=True), Status.NO_EVIDENCE, id="met-without-evidence"),
        pytest.param(PLAIN, Answer(met=True, evidence=""), Status.NO_EVIDENCE, id="empty-evidence"),
        pytest.param(PLAIN, Answer(met=True, evidence=" \t\n "), Status.NO_EVIDENCE, id="blank-evidence"),
        pytest.param(PLAIN, Answer(met=True, evidence="TBD"), Status.NO_EVIDENCE, id="placeholder-evidence"),
        pytest.param(
            PLAIN, Answer(met=True, evidence=EVIDENCE, date=AS_OF + DAY), Status.FUTURE_DATE, id="future-date"
        ),
        pytest.param(DATED, Answer(met=True, evidence=EVIDENCE), Status.UNDATED, id="undated"),
        pytest.param(DATED, Answer(met=True, evidence=EVIDENCE, date=AS_OF - 31 * DAY), Status.STALE, id="stale"),
        pytest.param(PLAIN, Answer(met=True, evidence=EVIDENCE), Status.VERIFIED, id="verified-undated"),
        pytest.param(
            PLAIN,
            Answer(met=True, evidence=EVIDENCE, date=AS_OF - 999 * DAY),
            Status.VERIFIED,
            id="verified-old-no-max-age",
        ),
        pytest.param(
            DATED, Answer(met=True, evidence=EVIDENCE, date=AS_OF - 10 * DAY), Status.VERIFIED, id="verified-recent"
        ),
    ],
)
def test_each_status(rule: Milestone, answer: Answer | None, expected: Status) -> None:
    assert milestone_status(rule, answer, AS_OF)[0] is expected


@pytest.mark.parametrize(
    ("rule", "date", "expected"),
    [
        pytest.param(DATED, AS_OF - 30 * DAY, Status.VERIFIED, id="exactly-max-age-days-old"),
        pytest.param(DATED, AS_OF - 31 * DAY, Status.STALE, id="one-day-more-than-max-age"),
        pytest.param(DATED, AS_OF, Status.VERIFIED, id="dated-as-of-with-max-age"),
        pytest.param(DATED, AS_OF + DAY, Status.FUTURE_DATE, id="day-after-as-of-with-max-age"),
        pytest.param(PLAIN, AS_OF, Status.VERIFIED, id="dated-as-of"),
        pytest.param(PLAIN, AS_OF + DAY, Status.FUTURE_DATE, id="day-after-as-of"),
    ],
)
def test_date_boundaries(rule: Milestone, date: dt.date, expected: Status) -> None:
    answer = Answer(met=True, evidence=EVIDENCE, date=date)
    assert milestone_status(rule, answer, AS_OF)[0] is expected


@pytest.mark.parametrize(
    ("rule", "answer", "expected"),
    [
        pytest.param(PLAIN, Answer(met=False, evidence="TBD"), Status.NOT_MET, id="not-met-beats-placeholder"),
        pytest.param(DATED, Answer(met=False, date=AS_OF + DAY), Status.NOT_MET, id="not-met-beats-future-date"),
        pytest.param(DATED, Answer(met=False, evidence=EVIDENCE), Status.NOT_MET, id="not-met-beats-undated"),
        pytest.param(
            PLAIN,
            Answer(met=True, evidence="n/a", date=AS_OF + DAY),
            Status.NO_EVIDENCE,
            id="no-evidence-beats-future-date",
        ),
        pytest.param(DATED, Answer(met=True), Status.NO_EVIDENCE, id="no-evidence-beats-undated"),
        pytest.param(
            DATED,
            Answer(met=True, evidence="", date=AS_OF - 99 * DAY),
            Status.NO_EVIDENCE,
            id="no-evidence-beats-stale",
        ),
        pytest.param(
            DATED,
            Answer(met=True, evidence=EVIDENCE, date=AS_OF + 99 * DAY),
            Status.FUTURE_DATE,
            id="future-date-on-max-age-milestone",
        ),
        pytest.param(OPTIONAL, Answer(met=True), Status.VERIFIED, id="evidence-optional-and-none-given"),
        pytest.param(
            OPTIONAL, Answer(met=True, evidence="tbd"), Status.VERIFIED, id="evidence-optional-placeholder-given"
        ),
        pytest.param(OPTIONAL, Answer(met=False), Status.NOT_MET, id="evidence-optional-not-met"),
        pytest.param(
            OPTIONAL, Answer(met=True, date=AS_OF + DAY), Status.FUTURE_DATE, id="evidence-optional-future-date"
        ),
        pytest.param(OPTIONAL_DATED, Answer(met=True), Status.UNDATED, id="evidence-optional-undated"),
        pytest.param(
            OPTIONAL_DATED, Answer(met=True, date=AS_OF - 31 * DAY), Status.STALE, id="evidence-optional-stale"
        ),
    ],
)
def test_status_precedence(rule: Milestone, answer: Answer, expected: Status) -> None:
    assert milestone_status(rule, answer, AS_OF)[0] is expected


CONTRACT_PLACEHOLDERS = [
    "todo",
    "none",
    "null",
    "unknown",
    "pending",
    "asdf",
    "test",
    "same",
    "done",
    "true",
    "see above",
    "see below",
    "see notes",
    "see crm",
    "in crm",
    "n/a",
    "tbd",
    # German, French, Spanish, Italian, Dutch and Portuguese: to follow, pending, see CRM, n/a, later, to complete …
    "folgt",
    "noch offen",
    "wird nachgereicht",
    "siehe crm",
    "entfällt",
    "k. a",
    "à venir",
    "voir crm",
    "à compléter",
    "pendiente",
    "por definir",
    "in attesa",
    "da completare",
    "n.v.t",
    "nog open",
    "a definir",
    "mais tarde",
]
# Real evidence a German or French rep types, holding placeholder words: it counts.
REAL_EVIDENCE = [
    "Mail folgt dem Protokoll vom 12.01.",
    "Bestätigung per Mail an Hr. Weiß, Anhang im CRM",
    "Courriel du client « d'accord » du 03.01.2027",
    "Protokoll: Kunde sagt, Budget ist offen für 2027",
    "Angebot",
    "PO 4711",
    "Kaufvertrag",
]


def test_the_placeholder_list_holds_the_contracts_and_only_whole_normalised_texts() -> None:
    assert frozenset(CONTRACT_PLACEHOLDERS) <= PLACEHOLDERS
    assert all(normalise_evidence(placeholder) == placeholder for placeholder in PLACEHOLDERS)


@pytest.mark.parametrize("text", REAL_EVIDENCE)
def test_real_evidence_in_any_language_counts(text: str) -> None:
    assert _status_of(text) is Status.VERIFIED


@pytest.mark.parametrize(
    "text", ["k.A.", "n.v.", "s.o.", "k. A.", "N. V.", "S. o.", "N.V.T.", "N/D", "À VENIR", "Entfällt"]
)
def test_abbreviated_placeholders_are_not_evidence(text: str) -> None:
    assert _status_of(text) is Status.NO_EVIDENCE


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("\u200b" * 5, id="zero-width-spaces"),
        pytest.param("\u00ad" * 4, id="soft-hyphens"),
        pytest.param("\ufeff" * 4, id="byte-order-marks"),
        pytest.param("\u200c\u200d\u2060\u200e\u200f", id="joiners-and-direction-marks"),
        pytest.param("\u2063\U000e0041\U000e0042\U000e0043", id="invisible-separator-and-tags"),
        pytest.param(" \u200b\u00a0\u200b ", id="invisible-among-white-space"),
    ],
)
def test_evidence_of_invisible_characters_alone_is_blank(text: str) -> None:
    """Pasted text can carry characters that show nothing; evidence of them alone names nothing."""
    status, reason = milestone_status(PLAIN, Answer(met=True, evidence=text), AS_OF)
    assert status is Status.NO_EVIDENCE
    assert reason == "Marked as met but no evidence was named; name the record: The record of plain."


def test_the_invisible_characters_are_the_format_characters() -> None:
    """INVISIBLE, written out, holds every format character (Cf, the soft hyphen among them) this Python knows of."""
    assert all(unicodedata.category(character) in ("Cf", "Cn") for character in INVISIBLE)
    known = {chr(point) for point in range(sys.maxunicode + 1) if unicodedata.category(chr(point)) == "Cf"}
    assert known <= set(INVISIBLE) and "\u00ad" in INVISIBLE


def _status_of(evidence: str) -> Status:
    return milestone_status(PLAIN, Answer(met=True, evidence=evidence), AS_OF)[0]


@pytest.mark.parametrize("placeholder", CONTRACT_PLACEHOLDERS)
@pytest.mark.parametrize(
    "dress",
    [
        pytest.param("{}", id="as-is"),
        pytest.param("{upper}", id="upper-case"),
        pytest.param("{title}", id="title-case"),
        pytest.param("  {}\t\n", id="surrounding-white-space"),
        pytest.param("{}.", id="full-stop"),
        pytest.param('"{}"', id="double-quotes"),
        pytest.param("'{}'", id="single-quotes"),
        pytest.param("({})", id="parentheses"),
        pytest.param("[{upper}]!", id="brackets-and-bang"),
        pytest.param("**{}**", id="markdown-bold"),
        pytest.param("- {} -", id="dashes"),
        pytest.param("_{}_;:,?", id="underscores-and-more"),
        # Quotation marks as Word and other languages write them, pasted with the placeholder.
        pytest.param("\u201c{}\u201d", id="curly-double-quotes"),
        pytest.param("\u2018{}\u2019", id="curly-single-quotes"),
        pytest.param("\u201e{}\u201c", id="german-low-quotes"),
        pytest.param("\u00ab\u00a0{}\u00a0\u00bb", id="guillemets-with-no-break-spaces"),
        pytest.param("\u2039{upper}\u203a.", id="single-guillemets"),
        pytest.param("\u300c{}\u300d", id="cjk-corner-brackets"),
        pytest.param("(\u201c{title}\u201d)", id="curly-quotes-in-parentheses"),
        # Characters that show nothing, pasted around or inside it.
        pytest.param("\u200b\u200b{}", id="zero-width-spaces-before"),
        pytest.param("\ufeff{}\u00ad", id="byte-order-mark-and-soft-hyphen"),
        pytest.param("\u201c{}\u200d\u201d", id="zero-width-joiner-inside-curly-quotes"),
    ],
)
def test_every_placeholder_is_not_evidence(placeholder: str, dress: str) -> None:
    text = dress.format(placeholder, upper=placeholder.upper(), title=placeholder.title())
    assert _status_of(text) is Status.NO_EVIDENCE


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("see    above", id="inner-spaces-collapse"),
        pytest.param("SEE\tCRM", id="inner-tab-collapses"),
        pytest.param("in\n crm", id="inner-newline-collapses"),
        pytest.param("see\u00a0notes", id="inner-no-break-space-collapses"),
    ],
)
def test_inner_white_space_is_collapsed_before_matching(text: str) -> None:
    assert _status_of(text) is Status.NO_EVIDENCE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("abc", Status.NO_EVIDENCE, id="3-characters"),
        pytest.param("abcd", Status.VERIFIED, id="4-characters"),
        pytest.param("  abc  ", Status.NO_EVIDENCE, id="3-characters-padded"),
        pytest.param("(abc).", Status.NO_EVIDENCE, id="3-characters-in-punctuation"),
        pytest.param("ab   c", Status.VERIFIED, id="4-characters-after-collapsing"),
        pytest.param("a    c", Status.NO_EVIDENCE, id="collapsed-to-3-characters"),
        pytest.param("PO#1", Status.VERIFIED, id="inner-punctuation-counts"),
        pytest.param("t.b.d", Status.VERIFIED, id="dotted-tbd-is-not-tbd"),
        pytest.param("n/a n/a", Status.VERIFIED, id="placeholder-twice-is-not-the-placeholder"),
        pytest.param("todo: call notes", Status.VERIFIED, id="placeholder-as-prefix"),
        pytest.param("...!!!", Status.NO_EVIDENCE, id="only-punctuation"),
        pytest.param("客户邮件", Status.VERIFIED, id="4-cjk-characters"),
        pytest.param("邮件确", Status.NO_EVIDENCE, id="3-cjk-characters"),
        pytest.param("Größe", Status.VERIFIED, id="accented-latin"),
        pytest.param("📧📞📝✅", Status.VERIFIED, id="4-emoji"),
        pytest.param("«né»", Status.NO_EVIDENCE, id="guillemets-are-stripped-as-quotes-are"),
        pytest.param("\u201cPO 4711\u201d", Status.VERIFIED, id="real-evidence-in-curly-quotes"),
        pytest.param("PO\u200b 4711", Status.VERIFIED, id="real-evidence-with-a-zero-width-space"),
        pytest.param("a\u00adb\u200bc", Status.NO_EVIDENCE, id="3-visible-characters"),
    ],
)
def test_evidence_length_and_characters(text: str, expected: Status) -> None:
    assert _status_of(text) is expected


@pytest.mark.parametrize(
    ("rule", "answer", "reason"),
    [
        pytest.param(PLAIN, None, "Not answered yet.", id="unanswered"),
        pytest.param(PLAIN, Answer(met=False), "The customer has not done this yet.", id="not-met"),
        pytest.param(
            PLAIN,
            Answer(met=True, evidence=" TBD "),
            "\u201cTBD\u201d is not evidence; name the record: The record of plain.",
            id="placeholder",
        ),
        pytest.param(
            PLAIN,
            Answer(met=True, evidence="\u201csee CRM\u201d"),
            "\u201csee CRM\u201d is not evidence; name the record: The record of plain.",
            id="placeholder-in-its-own-quotes",
        ),
        pytest.param(
            PLAIN,
            Answer(met=True),
            "Marked as met but no evidence was named; name the record: The record of plain.",
            id="no-evidence",
        ),
        pytest.param(
            PLAIN,
            Answer(met=True, evidence=EVIDENCE, date=AS_OF + DAY),
            "Dated 2027-03-02, after 2027-03-01: an outcome must already have happened.",
            id="future-date",
        ),
        pytest.param(
            DATED,
            Answer(met=True, evidence=EVIDENCE),
            "Needs the date it happened: it only counts for 30 days.",
            id="undated",
        ),
        pytest.param(
            DATED,
            Answer(met=True, evidence=EVIDENCE, date=AS_OF - 31 * DAY),
            "Dated 2027-01-29, 31 days ago; it only counts for 30 days. Confirm it again with the customer.",
            id="stale",
        ),
        pytest.param(DATED, Answer(met=True, evidence=EVIDENCE, date=AS_OF), f"Verified by: {EVIDENCE}", id="verified"),
        pytest.param(
            OPTIONAL,
            Answer(met=True),
            "Verified (no evidence is required for this outcome).",
            id="verified-without-evidence",
        ),
    ],
)
def test_each_status_has_a_sentence_for_the_rep(rule: Milestone, answer: Answer | None, reason: str) -> None:
    assert milestone_status(rule, answer, AS_OF)[1] == reason
