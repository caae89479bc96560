"""`playbook digest`: each rep's and manager's weekly email, printed or sent through a real SMTP server,
on SQLite and PostgreSQL; a second digest reports only what changed since the first."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from deal_records.confirmations import DatabaseConfirmations, create_request
from deal_records.database import writing
from deal_records.digest_mail import gap_total_line
from deal_records.models import Check, Deal, DigestDelivery, User, utc_now
from deal_records.outcomes import OutcomeChange, record_outcome
from deal_records.pipeline import VerdictMemo, saved_verdict_groups
from deal_records.records import NewDeal, create_deal, record_check, summing_currency
from sales_process.confirmation import BuyerReply, NewRequest, StatementAnswer, token_hash
from sales_process.deal import Answer
from sales_process.deal import Deal as DealInput
from sales_process.loader import LoadedProcess
from sales_process.outcome import Outcome
from sales_process.totals import Totals
from tests.conftest import DEFAULT_PROCESS, ROOT
from tests.mail_server import MailServer
from tests.records.conftest import Run

TODAY = dt.date.today()
PAIN = "Has the prospect confirmed, in writing, the business problem they want to solve?"
PAIN_STATEMENT = "The problem we want to solve is the one described in your recap."
PASSWORD = "digest-s3cret:pw"
SEPARATOR = "-" * 72
BASE_URL = "https://playbook.example.com"


@dataclass(frozen=True)
class Scenario:
    """The records the digests report on, and the confirmation link tokens (which no output may show)."""

    tokens: list[str]


def _user(db: Session, email: str) -> User:
    user = db.scalar(select(User).where(User.email == email))
    assert user is not None
    return user


def _check(db: Session, loaded: LoadedProcess, deal: Deal, owner: User, answers: dict[str, Answer]) -> None:
    record_check(db, deal, loaded, DealInput(name="", answers=answers), "form", owner)


def _discovery(pain_age: int) -> dict[str, Answer]:
    """Both Discovery outcomes met: the problem confirmed `pain_age` days ago, the next meeting 12 days ago."""
    return {
        "pain-confirmed": Answer(True, "Reply to the recap email", TODAY - dt.timedelta(days=pain_age)),
        "next-meeting-accepted": Answer(True, "Invitation accepted", TODAY - dt.timedelta(days=12)),
    }


def _buyer_replies(
    sessions: sessionmaker[Session], loaded: LoadedProcess, deal_name: str, agreed: bool, comment: str | None
) -> str:
    """Ask the deal's buyer to confirm the problem and record their answer now; return the link's token."""
    with writing(sessions) as db:
        deal = db.scalar(select(Deal).where(Deal.name == deal_name))
        assert deal is not None
        owner = db.get(User, deal.owner_id)
        assert owner is not None
        new = NewRequest(("pain-confirmed",), "Dana Buyer", "dana@fabrikam.example")
        token = create_request(db, owner, deal, loaded, new).token
    reply = BuyerReply("Dana Buyer", utc_now(), (StatementAnswer("pain-confirmed", agreed, comment),))
    assert DatabaseConfirmations(sessions, lambda: loaded).record(token_hash(token), reply)
    return token


@pytest.fixture
def scenario(
    sessions: sessionmaker[Session], add_person: Callable[..., str], default_process: LoadedProcess
) -> Scenario:
    """Ana's Northwind (evidence going stale in 10 days) and Fabrikam (at Qualifying 10 days ago, slid today by
    the buyer's "Not quite"), Bo's unchecked Contoso claimed at Negotiating and Tailspin (no amount) at Proposing,
    and Lee, their manager."""
    add_person("ana@example.com", name="Ana Lopez")
    add_person("bo@example.com")
    add_person("lee@example.com", "manager", name="Lee Chen")
    loaded = default_process
    earlier = utc_now() - dt.timedelta(days=10)  # before the first digest's 7 days
    with writing(sessions) as db:
        ana, bo = _user(db, "ana@example.com"), _user(db, "bo@example.com")
        northwind = create_deal(db, ana, NewDeal("Northwind", None, 120_000.0, "proposing", None, "USD"))
        _check(db, loaded, northwind, ana, _discovery(pain_age=80))
        fabrikam = create_deal(db, ana, NewDeal("Fabrikam", None, 50_000.0, "qualifying", None, "USD"))
        _check(db, loaded, fabrikam, ana, _discovery(pain_age=20))
        create_deal(db, bo, NewDeal("Contoso Retail", None, 80_000.0, "negotiating", None, "USD"))
        # Ahead of its evidence but without an amount: no gap in money, so not among the largest gaps.
        create_deal(db, bo, NewDeal("Tailspin", None, None, "proposing", None, None))
        db.execute(update(Deal).values(created_at=earlier - dt.timedelta(days=5)))
        db.execute(update(Check).values(checked_at=earlier))
    token = _buyer_replies(sessions, loaded, "Fabrikam", False, "Another team owns that problem")
    return Scenario([token])


def _emails(out: str) -> dict[str, str]:
    """The printed emails by their To line."""
    return {email.split("\n", 1)[0]: email for email in out.split(f"\n{SEPARATOR}\n")}


def _since(days: int) -> str:
    return f"{(TODAY - dt.timedelta(days=days)).isoformat()} 00:00 UTC"


def test_the_printed_digest_tells_each_rep_and_manager_what_needs_them(run: Run, scenario: Scenario) -> None:
    status, out, err = run("digest", "--process", str(DEFAULT_PROCESS))
    assert (status, err) == (0, "")
    emails = _emails(out)
    assert list(emails) == ["To: Ana Lopez <ana@example.com>", "To: bo@example.com", "To: Lee Chen <lee@example.com>"]
    assert emails["To: Ana Lopez <ana@example.com>"] == "\n".join(
        [
            "To: Ana Lopez <ana@example.com>",
            "Subject: Your deals: 1 going stale, 1 slid, 1 buyer reply",
            "",
            "Hello Ana Lopez,",
            "",
            f"Your open deals as of {TODAY.isoformat()}, and what changed since {_since(7)} "
            "(your first digest covers the 7 days before).",
            "",
            "Evidence that goes stale within 14 days (check the deal again before it does):",
            f"  - Northwind: {PAIN} (counts until {(TODAY + dt.timedelta(days=10)).isoformat()})",
            "",
            "Deals whose verified stage fell:",
            f"  - Fabrikam: Qualifying -> Discovery; now held by: {PAIN}",
            "",
            "Buyers' replies to your confirmation links:",
            f"  - Fabrikam: Dana Buyer answered on {dt.datetime.now(dt.UTC).date().isoformat()}",
            f'      Not quite: "{PAIN_STATEMENT}" (comment: "Another team owns that problem")',
            "",
        ]
    )
    bo = emails["To: bo@example.com"]
    assert "Subject: Your deals: 0 going stale, 0 slid, 0 buyer replies\n" in bo
    assert bo.count("  None.\n") == 3
    lee = emails["To: Lee Chen <lee@example.com>"]
    # Now: Northwind (Proposing 60% / Qualifying 20% of 120,000), Fabrikam (Qualifying 20% / Discovery 10% of 50,000)
    # and Contoso (Negotiating 80% / Discovery 10% of 80,000). A first digest has no digest to compare with: no change.
    assert "Subject: Team pipeline: verified USD 37,000.00, claimed USD 146,000.00, 1 slid\n" in lee
    assert "(was " not in lee  # nothing to compare with, so no growth from zero
    assert (
        "Weighted pipeline (USD) now:\n"
        "  Claimed by the CRM stages: 146,000.00\n"
        "  Verified by the evidence: 37,000.00\n"
        "  Gap (claimed, not verified): 109,000.00\n"
        "  This is your first digest: there is no earlier one to compare with, so the amounts show no change; the "
        "next digest shows how they moved since this one.\n"
    ) in lee
    assert (
        f"Deals that slid (verified stage fell):\n  - Fabrikam (Ana Lopez): Qualifying -> Discovery; now held by: {PAIN}\n"
        in lee
    )
    assert lee.endswith(
        "Largest gaps (claimed stage ahead of the evidence, by weighted amount; top 5):\n"
        "  - Contoso Retail (bo@example.com): claims Negotiating, evidence supports Discovery; gap USD 56,000.00\n"
        "  - Northwind (Ana Lopez): claims Proposing, evidence supports Qualifying; gap USD 48,000.00\n"
        "  - Fabrikam (Ana Lopez): claims Qualifying, evidence supports Discovery; gap USD 5,000.00\n"
    )
    assert not any(token in out for token in scenario.tokens)


def test_with_the_apps_base_url_each_deal_listed_links_to_its_page(
    run: Run, scenario: Scenario, monkeypatch: pytest.MonkeyPatch, sessions: sessionmaker[Session]
) -> None:
    """PLAYBOOK_BASE_URL (the app's public address) puts each deal's page under its line, and the team's pipeline
    page under the manager's totals: the reader opens the deal the line is about."""
    with sessions() as db:
        ids = {name: deal_id for deal_id, name in db.execute(select(Deal.id, Deal.name))}
    monkeypatch.setenv("PLAYBOOK_BASE_URL", BASE_URL + "/")  # a trailing slash is not doubled
    status, out, err = run("digest", "--process", str(DEFAULT_PROCESS))
    assert (status, err) == (0, "")
    emails = _emails(out)
    ana, lee = emails["To: Ana Lopez <ana@example.com>"], emails["To: Lee Chen <lee@example.com>"]
    northwind, fabrikam = f"    {BASE_URL}/deals/{ids['Northwind']}\n", f"    {BASE_URL}/deals/{ids['Fabrikam']}\n"
    assert f" (counts until {(TODAY + dt.timedelta(days=10)).isoformat()})\n{northwind}" in ana
    assert f"  - Fabrikam: Qualifying -> Discovery; now held by: {PAIN}\n{fabrikam}" in ana
    assert f'(comment: "Another team owns that problem")\n{fabrikam}' in ana
    assert (
        f"the next digest shows how they moved since this one.\n"
        "  Not weighted: 1 deal without an amount; the deals list shows each, a dash for what it lacks\n"
        f"  The team's pipeline, deal by deal: {BASE_URL}/pipeline\n"
    ) in lee
    assert f"gap USD 56,000.00\n    {BASE_URL}/deals/{ids['Contoso Retail']}\n" in lee
    assert out.count(f"{BASE_URL}/deals/") == 7  # Ana: 3 (stale, slid, reply); Lee: 1 slid and 3 gaps


def test_send_delivers_one_email_each_and_the_next_reports_only_what_changed_since(
    run: Run,
    scenario: Scenario,
    mail_server: MailServer,
    monkeypatch: pytest.MonkeyPatch,
    sessions: sessionmaker[Session],
    default_process: LoadedProcess,
) -> None:
    monkeypatch.setenv("PLAYBOOK_BASE_URL", BASE_URL)
    printed = _emails(run("digest", "--process", str(DEFAULT_PROCESS))[1])
    monkeypatch.setenv("PLAYBOOK_SMTP_URL", f"smtp://127.0.0.1:{mail_server.port}")
    monkeypatch.setenv("PLAYBOOK_MAIL_FROM", "Sales <sales@contoso.example>")
    assert run("digest", "--send", "--process", str(DEFAULT_PROCESS)) == (
        0,
        f"sent 3 digests through smtp://127.0.0.1:{mail_server.port}\n",
        "",
    )
    assert [(m.recipients, m.message["To"]) for m in mail_server.received] == [
        (["ana@example.com"], "Ana Lopez <ana@example.com>"),
        (["bo@example.com"], "bo@example.com"),
        (["lee@example.com"], "Lee Chen <lee@example.com>"),
    ]
    for received, (to, email) in zip(mail_server.received, printed.items(), strict=True):
        assert received.message["From"] == "Sales <sales@contoso.example>"
        assert received.message["Date"] and received.message["Message-ID"].endswith("@playbook.example.com>")
        body = received.message.get_content().replace("\r\n", "\n")
        # A subject longer than a header line is folded onto the next one, which reads back with a space before it.
        subject = str(received.message["Subject"]).strip()
        assert f"{to}\nSubject: {subject}\n\n{body}" == email

    # Since: the buyer confirms Northwind's problem (its evidence is now the buyer's word of today).
    _buyer_replies(sessions, default_process, "Northwind", True, None)
    assert run("digest", "--send", "--process", str(DEFAULT_PROCESS))[0] == 0
    second = {m.recipients[0]: m.message for m in mail_server.received[3:]}
    ana = second["ana@example.com"].get_content().replace("\r\n", "\n")
    assert second["ana@example.com"]["Subject"] == "Your deals: 0 going stale, 0 slid, 1 buyer reply"
    assert "(your last digest)." in ana
    assert "Fabrikam" not in ana  # its slide and its buyer's "Not quite" were in the first digest
    assert (
        f'  - Northwind: Dana Buyer answered on {dt.datetime.now(dt.UTC).date().isoformat()}\n      confirmed: "{PAIN_STATEMENT}"\n'
        in ana
    )
    lee = second["lee@example.com"].get_content().replace("\r\n", "\n")
    assert "Deals that slid (verified stage fell):\n  None.\n" in lee
    assert "  Verified by the evidence: 37,000.00 (was 37,000.00; no change)\n" in lee
    assert (
        second["lee@example.com"]["Subject"]
        == "Team pipeline: verified USD 37,000.00 (no change), claimed USD 146,000.00, 0 slid"
    )
    with sessions() as db:
        assert db.scalar(select(func.count(DigestDelivery.id))) == 6


def test_a_recipient_the_server_cannot_mail_is_skipped_and_the_others_get_theirs(
    run: Run,
    scenario: Scenario,
    mail_server: MailServer,
    monkeypatch: pytest.MonkeyPatch,
    sessions: sessionmaker[Session],
) -> None:
    """An address saved before the email rule stopped the run with a traceback (UnicodeEncodeError) at its turn:
    whoever came after it got no digest."""
    with writing(sessions) as db:
        db.execute(update(User).where(User.email == "ana@example.com").values(email="an\u0430@example.com"))
    monkeypatch.setenv("PLAYBOOK_BASE_URL", BASE_URL)
    monkeypatch.setenv("PLAYBOOK_SMTP_URL", f"smtp://127.0.0.1:{mail_server.port}")
    monkeypatch.setenv("PLAYBOOK_MAIL_FROM", "Sales <sales@contoso.example>")
    status, out, err = run("digest", "--send", "--process", str(DEFAULT_PROCESS))
    assert (status, out) == (1, f"sent 2 of 3 digests through smtp://127.0.0.1:{mail_server.port}\n")
    skipped, advice = err.splitlines()
    assert skipped.startswith(
        "playbook digest: not sent to 'an\u0430@example.com': the recipient's address 'an\u0430@example.com' has a "
        "cyrillic small letter a (U+0430) at character 3, before the @;"
    )
    assert skipped.endswith("(its digest is not recorded, so the next run covers the same span)")
    assert advice == (
        "playbook digest: 1 digest not sent (see above): disable each such user (`playbook users disable EMAIL`) "
        "and add them again with an address this server can mail (`playbook users add EMAIL --role ROLE`)"
    )
    assert [m.recipients for m in mail_server.received] == [["bo@example.com"], ["lee@example.com"]]
    with sessions() as db:
        assert db.scalar(select(func.count(DigestDelivery.id))) == 2


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("args", "environment", "status", "message"),
    [
        pytest.param(
            ["--as-of", "2026-13-01"],
            {},
            2,
            "playbook digest: error: argument --as-of: '2026-13-01' is not a real calendar date",
            id="bad-as-of",
        ),
        pytest.param(
            ["--as-of", "next monday"],
            {},
            2,
            "playbook digest: error: argument --as-of:",
            id="as-of-not-a-date",
        ),
        pytest.param(
            ["--send"],
            {},
            1,
            "playbook digest: error: --send needs PLAYBOOK_SMTP_URL, the mail server",
            id="no-smtp-url",
        ),
        pytest.param(
            ["--send"],
            {"PLAYBOOK_SMTP_URL": f"smtps://digest:{PASSWORD}@mail.example:465"},
            1,
            "playbook digest: error: PLAYBOOK_SMTP_URL starts with smtps://, implicit TLS (smtps, port 465), which is "
            "not supported: write smtp://user:password@host:587",
            id="bad-smtp-url",
        ),
        pytest.param(
            ["--send"],
            {"PLAYBOOK_SMTP_URL": "smtp://mail.example:25"},
            1,
            "playbook digest: error: set PLAYBOOK_MAIL_FROM to the address the emails come from",
            id="no-sender",
        ),
        pytest.param(
            ["--send"],
            {
                "PLAYBOOK_SMTP_URL": f"smtp://digest:{PASSWORD}@127.0.0.1:CLOSED",
                "PLAYBOOK_MAIL_FROM": "s@contoso.example",
                "PLAYBOOK_BASE_URL": BASE_URL,
            },
            1,
            "playbook digest: error: could not send the email through smtp://digest@127.0.0.1:CLOSED: ",
            id="server-unreachable",
        ),
        pytest.param(
            ["--send"],
            {"PLAYBOOK_SMTP_URL": "smtp://mail.example:25", "PLAYBOOK_MAIL_FROM": "s@contoso.example"},
            1,
            "playbook digest: error: PLAYBOOK_BASE_URL must be set when PLAYBOOK_SMTP_URL is: links in emails are built from it",
            id="no-base-url",
        ),
        pytest.param(
            [],
            {"PLAYBOOK_BASE_URL": "playbook.example.com"},
            1,
            "playbook digest: error: PLAYBOOK_BASE_URL 'playbook.example.com' must start with https:// (or http://)",
            id="bad-base-url",
        ),
    ],
)
def test_a_bad_option_or_mail_setting_is_a_clear_error_and_records_nothing(
    run: Run,
    scenario: Scenario,
    monkeypatch: pytest.MonkeyPatch,
    sessions: sessionmaker[Session],
    args: list[str],
    environment: dict[str, str],
    status: int,
    message: str,
) -> None:
    port = str(_closed_port())
    monkeypatch.delenv("PLAYBOOK_SMTP_URL", raising=False)
    monkeypatch.delenv("PLAYBOOK_MAIL_FROM", raising=False)
    monkeypatch.delenv("PLAYBOOK_BASE_URL", raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value.replace("CLOSED", port))
    code, out, err = run("digest", *args, "--process", str(DEFAULT_PROCESS))
    assert (code, out) == (status, "")
    assert message.replace("CLOSED", port) in err
    assert "Traceback" not in err and PASSWORD not in err
    with sessions() as db:
        assert db.scalar(select(func.count(DigestDelivery.id))) == 0


def test_no_password_or_link_token_appears_when_sending_with_a_login(
    run: Run, scenario: Scenario, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = MailServer(logins={"digest": PASSWORD}).start()
    try:
        monkeypatch.setenv("PLAYBOOK_SMTP_URL", f"smtp://digest:{PASSWORD.replace(':', '%3A')}@127.0.0.1:{server.port}")
        monkeypatch.setenv("PLAYBOOK_MAIL_FROM", "sales@contoso.example")
        monkeypatch.setenv("PLAYBOOK_BASE_URL", BASE_URL)
        status, out, err = run("digest", "--send", "--process", str(DEFAULT_PROCESS))
    finally:
        server.stop()
    assert (status, out, err) == (0, f"sent 3 digests through smtp://digest@127.0.0.1:{server.port}\n", "")
    assert [m.login for m in server.received] == ["digest"] * 3
    sent = "".join(m.message.as_string() for m in server.received)
    assert PASSWORD not in sent and not any(token in sent for token in scenario.tokens)


def test_a_server_refusing_the_sign_in_asks_for_the_setting_to_be_corrected_not_for_a_retry(
    run: Run, scenario: Scenario, mail_server: MailServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A server on this machine without AUTH, given a user name: waiting for it will not help.
    monkeypatch.setenv(
        "PLAYBOOK_SMTP_URL", f"smtp://digest:{PASSWORD.replace(':', '%3A')}@127.0.0.1:{mail_server.port}"
    )
    monkeypatch.setenv("PLAYBOOK_MAIL_FROM", "sales@contoso.example")
    monkeypatch.setenv("PLAYBOOK_BASE_URL", BASE_URL)
    status, out, err = run("digest", "--send", "--process", str(DEFAULT_PROCESS))
    assert (status, out, err) == (
        1,
        "",
        f"playbook digest: error: smtp://digest@127.0.0.1:{mail_server.port} does not accept a user name and password "
        "(no AUTH); remove them from PLAYBOOK_SMTP_URL; 0 of 3 digests sent (each one sent is recorded); "
        "correct PLAYBOOK_SMTP_URL, then run the command again\n",
    )
    assert mail_server.received == []


def test_a_closed_deal_and_a_disabled_rep_are_left_out(
    run: Run, scenario: Scenario, sessions: sessionmaker[Session]
) -> None:
    with writing(sessions) as db:
        lee = _user(db, "lee@example.com")
        contoso = db.scalar(select(Deal).where(Deal.name == "Contoso Retail"))
        assert contoso is not None
        record_outcome(db, lee, contoso, OutcomeChange(Outcome.WON, closed_on=TODAY), "form")
    assert run("users", "disable", "bo@example.com")[0] == 0
    status, out, err = run("digest", "--process", str(DEFAULT_PROCESS))
    assert (status, err) == (0, "")
    assert list(_emails(out)) == ["To: Ana Lopez <ana@example.com>", "To: Lee Chen <lee@example.com>"]
    assert "Contoso" not in out  # won: an outcome, not pipeline (then or now)
    assert "  Claimed by the CRM stages: 82,000.00\n" in out


def test_each_manager_gets_the_reps_they_manage_and_those_no_manager_has(
    run: Run, scenario: Scenario, add_person: Callable[..., str]
) -> None:
    """Lee manages Ana and Mo manages Bo: each digest covers its own team's deals alone. Once Mo is disabled, Bo has
    no active manager, and Lee's digest covers Bo's deals again, so that no deal goes unreported."""
    add_person("mo@example.com", "manager")
    assert run("users", "manager", "ana@example.com", "lee@example.com")[0] == 0
    status, out, err = run("users", "manager", "BO@example.com", "mo@example.com")
    assert (status, err) == (0, "")
    assert (
        out
        == "bo@example.com is managed by mo@example.com: their weekly digest covers bo@example.com's deals, other managers' do not\n"
    )
    assert "bo@example.com\trep\t\tmanager: mo@example.com\n" in run("users", "list")[1]
    status, out, err = run("digest", "--process", str(DEFAULT_PROCESS))
    assert (status, err) == (0, "")
    emails = _emails(out)
    lee, mo = emails["To: Lee Chen <lee@example.com>"], emails["To: mo@example.com"]
    assert f"Your team's open deals (the reps you manage, and those no manager has) as of {TODAY.isoformat()}" in lee
    # Lee: Northwind (Proposing 60% of 120,000) and Fabrikam (Qualifying 20% of 50,000); Mo: Contoso (80% of 80,000).
    assert "  Claimed by the CRM stages: 82,000.00\n" in lee
    assert "Contoso" not in lee and "Northwind" in lee
    assert "  Claimed by the CRM stages: 64,000.00\n" in mo
    assert "Contoso Retail (bo@example.com)" in mo and "Ana Lopez" not in mo
    assert run("users", "disable", "mo@example.com")[0] == 0
    status, out, err = run("digest", "--process", str(DEFAULT_PROCESS))
    assert (status, err) == (0, "")
    assert "  Claimed by the CRM stages: 146,000.00\n" in _emails(out)["To: Lee Chen <lee@example.com>"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["lee@example.com", "ana@example.com"], "lee@example.com is a manager, not a rep; only a rep has a manager"),
        (["ana@example.com", "bo@example.com"], "bo@example.com is a rep, not a manager; add a manager with"),
        (["ana@example.com", "nobody@example.com"], "no user 'nobody@example.com'; see `playbook users list`"),
        (["ana@example.com", "gone@example.com"], "gone@example.com is disabled, so gets no digest; name an active"),
        (["ana@example.com"], "one of the arguments MANAGER_EMAIL --none is required"),
        (["ana@example.com", "lee@example.com", "--none"], "argument --none: not allowed with argument MANAGER_EMAIL"),
    ],
)
def test_a_manager_that_cannot_be_is_refused(
    run: Run, scenario: Scenario, add_person: Callable[..., str], arguments: list[str], message: str
) -> None:
    add_person("gone@example.com", "manager")
    assert run("users", "disable", "gone@example.com")[0] == 0
    status, out, err = run("users", "manager", *arguments)
    assert status != 0 and out == "" and message in err, err
    assert "manager:" not in run("users", "list")[1]


def test_none_puts_a_rep_back_in_every_managers_digest(run: Run, scenario: Scenario) -> None:
    assert run("users", "manager", "ana@example.com", "lee@example.com")[0] == 0
    status, out, err = run("users", "manager", "ana@example.com", "--none")
    assert (status, err) == (0, "")
    assert out == "ana@example.com has no manager: every manager's weekly digest covers their deals\n"
    assert "manager:" not in run("users", "list")[1]
    status, out, _ = run("digest", "--process", str(DEFAULT_PROCESS))
    assert "The team's open deals as of" in _emails(out)["To: Lee Chen <lee@example.com>"]


def test_a_long_list_shows_the_soonest_first_and_counts_the_rest(
    run: Run,
    sessions: sessionmaker[Session],
    add_person: Callable[..., str],
    default_process: LoadedProcess,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A rep whose evidence goes stale on 25 deals reads the 20 going stale soonest, then how many more there are."""
    add_person("ana@example.com", name="Ana Lopez")
    with writing(sessions) as db:
        ana = _user(db, "ana@example.com")
        for number in range(1, 26):
            deal = create_deal(db, ana, NewDeal(f"Deal {number:02}", None, 1000.0, "qualifying", None, "USD"))
            # Deals 24 and 25: the problem statement goes stale first (in 1 day); deal 01 last (in 13 days).
            _check(db, default_process, deal, ana, _discovery(pain_age=77 + number // 2))
    monkeypatch.setenv("PLAYBOOK_BASE_URL", BASE_URL)
    status, out, _ = run("digest", "--process", str(DEFAULT_PROCESS))
    assert status == 0
    listed = [line for line in out.splitlines() if line.startswith("  - Deal ")]
    assert len(listed) == 20
    assert [line.split(":")[0] for line in listed[:2]] == ["  - Deal 24", "  - Deal 25"]
    days = [line.rsplit("counts until ", 1)[1][:10] for line in listed]
    assert days == sorted(days)
    assert f"  ... and 5 more deals: every one is on the deals page\n    {BASE_URL}/deals\n" in out
    assert out.count(f"{BASE_URL}/deals/") == 20
    assert "Subject: Your deals: 25 going stale, 0 slid, 0 buyer replies" in out


def test_deals_in_other_currencies_are_named_as_left_out_of_the_managers_totals(
    run: Run, scenario: Scenario, sessions: sessionmaker[Session]
) -> None:
    """Two deals in euros beside three in dollars: the totals are in dollars, and the manager is told that the
    euro deals are not in them (a gap of 0.00 must not read as a team with no gap)."""
    with writing(sessions) as db:
        bo = _user(db, "bo@example.com")
        create_deal(db, bo, NewDeal("Adatum GmbH", None, 90_000.0, "negotiating", None, "EUR"))
        create_deal(db, bo, NewDeal("Fourth Coffee", None, 10_000.0, "proposing", None, "EUR"))
    status, out, err = run("digest", "--process", str(DEFAULT_PROCESS))
    assert (status, err) == (0, "")
    manager = _emails(out)["To: Lee Chen <lee@example.com>"]
    assert "Weighted pipeline (USD) now:" in manager
    assert (
        "  Not added (a total never adds two currencies): 2 deals in other currencies (EUR: 2), nor among the "
        "largest gaps; the pipeline page lists each\n"
    ) in manager
    assert "Adatum" not in manager
    assert "Not added" not in _emails(out)["To: Ana Lopez <ana@example.com>"]


@pytest.mark.parametrize(
    ("then", "now", "line"),
    [
        (10_400_000, 10_900_000, "Gap (claimed, not verified): 109,000.00 (was 104,000.00; +5,000.00)"),
        (0, -50_000, "Gap (claimed, not verified): none, the evidence is ahead of the CRM stages by 500.00 (was 0.00)"),
        (
            -30_000,
            20_000,
            "Gap (claimed, not verified): 200.00 (was none, the evidence is ahead of the CRM stages by 300.00)",
        ),
    ],
    ids=["gap", "evidence-ahead-now", "evidence-ahead-then"],
)
def test_the_team_gap_is_never_a_negative_number(then: int, now: int, line: str) -> None:
    # Claimed minus verified falls below zero when deals have no claimed stage, or a stage behind their evidence.
    assert gap_total_line(then, now) == f"  {line}"
    if then == 0 and now < 0:  # the manual quotes this one
        assert f"\n  {line}\n" in (ROOT / "docs/managers/digest.md").read_text()


def test_the_managers_verified_pipeline_is_the_pipeline_pages_figure(
    run: Run, scenario: Scenario, sessions: sessionmaker[Session], default_process: LoadedProcess
) -> None:
    """A deal with an amount but no CRM stage has nothing claimed to compare its evidence with: /pipeline and the
    audit leave it out of both weighted totals, so the digest does too, and says it did (a user read 28,500.00 on
    /pipeline and 29,500.00 in the digest, for the same deals on the same day)."""
    with writing(sessions) as db:
        create_deal(db, _user(db, "bo@example.com"), NewDeal("No stage", None, 10_000.0, None, None, "USD"))
    with sessions() as db:
        page = Totals(default_process.process)
        for group in saved_verdict_groups(db, default_process, TODAY, VerdictMemo(), summed_in=summing_currency(db)):
            page.add_alike(group)
    assert (page.claimed_cents, page.verified_cents, page.without_claim) == (14_600_000, 3_700_000, 1)
    status, out, err = run("digest", "--process", str(DEFAULT_PROCESS))
    assert (status, err) == (0, "")
    lee = _emails(out)["To: Lee Chen <lee@example.com>"]
    assert "  Claimed by the CRM stages: 146,000.00\n  Verified by the evidence: 37,000.00\n" in lee
    assert "  Gap (claimed, not verified): 109,000.00\n" in lee
    assert (
        "  Not weighted: 1 deal without an amount and 1 deal without a claimed stage (nothing claimed to compare the "
        "evidence with); the deals list shows each, a dash for what it lacks\n"
    ) in lee


def test_was_is_the_figure_the_last_digest_sent_even_for_a_deal_closed_since(
    run: Run,
    scenario: Scenario,
    mail_server: MailServer,
    monkeypatch: pytest.MonkeyPatch,
    sessions: sessionmaker[Session],
) -> None:
    """Contoso (80,000 at Negotiating, verified at Discovery: 8,000.00 of the 37,000.00) is open when Lee's digest
    goes, and won before the next one: that one's "was" is the 37,000.00 Lee read, the pipeline as it stood then,
    not today's deals taken back to that day (which would say 29,000.00, a figure no email ever showed)."""
    monkeypatch.setenv("PLAYBOOK_SMTP_URL", f"smtp://127.0.0.1:{mail_server.port}")
    monkeypatch.setenv("PLAYBOOK_MAIL_FROM", "Sales <sales@contoso.example>")
    monkeypatch.setenv("PLAYBOOK_BASE_URL", BASE_URL)
    assert run("digest", "--send", "--process", str(DEFAULT_PROCESS))[0] == 0
    sent = mail_server.received[-1].message.get_content()
    assert "  Verified by the evidence: 37,000.00\n" in sent.replace("\r\n", "\n")
    with writing(sessions) as db:
        contoso = db.scalar(select(Deal).where(Deal.name == "Contoso Retail"))
        assert contoso is not None
        record_outcome(db, _user(db, "lee@example.com"), contoso, OutcomeChange(Outcome.WON, closed_on=TODAY), "form")
    status, out, err = run("digest", "--process", str(DEFAULT_PROCESS))
    assert (status, err) == (0, "")
    lee = _emails(out)["To: Lee Chen <lee@example.com>"]
    assert "  Claimed by the CRM stages: 82,000.00 (was 146,000.00; -64,000.00)\n" in lee
    assert "  Verified by the evidence: 29,000.00 (was 37,000.00; -8,000.00)\n" in lee
    assert "Contoso" not in lee  # won: an outcome now, counted only in what the pipeline was


def test_an_as_of_before_the_last_digest_is_refused_with_send_and_warned_of_in_a_preview(
    run: Run,
    scenario: Scenario,
    mail_server: MailServer,
    monkeypatch: pytest.MonkeyPatch,
    sessions: sessionmaker[Session],
) -> None:
    """`--send --as-of` a day before the last digest sent and recorded emails "as of 2026-12-06, and what changed
    since 2026-12-07 21:57 UTC": a span that ends before it starts, and the next digest starting from it."""
    monkeypatch.setenv("PLAYBOOK_SMTP_URL", f"smtp://127.0.0.1:{mail_server.port}")
    monkeypatch.setenv("PLAYBOOK_MAIL_FROM", "Sales <sales@contoso.example>")
    monkeypatch.setenv("PLAYBOOK_BASE_URL", BASE_URL)
    assert run("digest", "--send", "--process", str(DEFAULT_PROCESS))[0] == 0
    with sessions() as db:
        last = db.scalar(select(func.max(DigestDelivery.sent_at)))
    assert last is not None
    since = last.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    yesterday = (TODAY - dt.timedelta(days=1)).isoformat()
    status, out, err = run("digest", "--send", "--as-of", yesterday, "--process", str(DEFAULT_PROCESS))
    assert (status, out) == (1, "")
    assert err == (
        f"playbook digest: error: --as-of {yesterday} is before the last digest sent to ana@example.com, "
        f"bo@example.com and lee@example.com (at {since}), which the next one reports from: its span would end "
        f"before it starts; leave --as-of out (today), or give a day from {last.date().isoformat()} on; nothing "
        "was sent (without --send the digests print as a preview)\n"
    )
    assert len(mail_server.received) == 3
    with sessions() as db:
        assert db.scalar(select(func.count(DigestDelivery.id))) == 3
    status, out, err = run("digest", "--as-of", yesterday, "--process", str(DEFAULT_PROCESS))
    assert status == 0 and f"as of {yesterday}, and what changed since {since}" in out
    assert err == (
        f"playbook digest: warning: --as-of {yesterday} is before the last digest sent to ana@example.com, "
        f"bo@example.com and lee@example.com (at {since}): a preview only; --send refuses it\n"
    )


def test_was_is_over_the_same_reps_deals_and_a_rep_whose_manager_is_disabled_is_named(
    run: Run,
    scenario: Scenario,
    mail_server: MailServer,
    monkeypatch: pytest.MonkeyPatch,
    add_person: Callable[..., str],
) -> None:
    """Lee manages Ana, Mo manages Bo. Lee is sent 82,000.00 claimed; Mo is disabled, so Bo's deals join Lee's
    digest. Its "was" is over the same deals as "now" (Ana's and Bo's at Lee's last digest), so Bo's deals read as
    no change, not as growth: the email says so, and names Bo, whose manager is disabled (nothing said the team grew,
    and the page called "was" the figure the last digest sent)."""
    add_person("mo@example.com", "manager")
    assert run("users", "manager", "ana@example.com", "lee@example.com")[0] == 0
    assert run("users", "manager", "bo@example.com", "mo@example.com")[0] == 0
    monkeypatch.setenv("PLAYBOOK_SMTP_URL", f"smtp://127.0.0.1:{mail_server.port}")
    monkeypatch.setenv("PLAYBOOK_MAIL_FROM", "Sales <sales@contoso.example>")
    monkeypatch.setenv("PLAYBOOK_BASE_URL", BASE_URL)
    assert run("digest", "--send", "--process", str(DEFAULT_PROCESS))[0] == 0
    sent = {m.recipients[0]: m.message.get_content().replace("\r\n", "\n") for m in mail_server.received}
    assert "  Claimed by the CRM stages: 82,000.00\n" in sent["lee@example.com"]
    assert run("users", "disable", "mo@example.com")[0] == 0
    status, out, err = run("digest", "--process", str(DEFAULT_PROCESS))
    assert (status, err) == (0, "")
    lee = _emails(out)["To: Lee Chen <lee@example.com>"]
    assert (
        "Weighted pipeline (USD), then and now (then: the same reps' deals as they stood at your last digest):\n"
        "  Claimed by the CRM stages: 146,000.00 (was 146,000.00; no change)\n"
    ) in lee
    assert (
        "  Also covered: the deals of bo@example.com, whose manager mo@example.com is disabled (every manager's "
        'digest covers them until `playbook users manager` names another); "was" counts them too, so they are '
        "not a change\n"
    ) in lee


def test_a_deal_made_in_the_span_that_fell_since_its_first_check_slid(
    run: Run, scenario: Scenario, sessions: sessionmaker[Session], default_process: LoadedProcess
) -> None:
    """Wonka, imported this week at Qualifying and checked back to Discovery days later, did not exist at the span's
    start, so no email said it fell: it is compared with the stage it was first recorded at in the span."""
    with writing(sessions) as db:
        ana = _user(db, "ana@example.com")
        wonka = create_deal(db, ana, NewDeal("Wonka Renewal", None, 30_000.0, "qualifying", None, "USD"))
        _check(db, default_process, wonka, ana, _discovery(pain_age=20))
        _check(db, default_process, wonka, ana, {})
    status, out, err = run("digest", "--process", str(DEFAULT_PROCESS))
    assert (status, err) == (0, "")
    emails = _emails(out)
    assert "  - Wonka Renewal: Qualifying (first recorded) -> Discovery" in emails["To: Ana Lopez <ana@example.com>"]
    lee = emails["To: Lee Chen <lee@example.com>"]
    assert "  - Wonka Renewal (Ana Lopez): Qualifying (first recorded) -> Discovery" in lee
    assert "  Claimed by the CRM stages: 152,000.00\n" in lee  # a first digest: now alone, Wonka in it
