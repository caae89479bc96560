"""The records commands: users, tokens, db, import and deals export (in-process, exact output)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from deal_records.models import Check, Deal, User
from deal_records.schema import head_revision
from playbook_cli.main import main
from tests.conftest import DEFAULT_PROCESS, ROOT
from tests.records.conftest import Run, sign_in

EXAMPLE = ROOT / "examples" / "pipeline.csv"


def test_users_add_list_disable_and_password(run: Run, records_app: Flask) -> None:
    assert run("users", "add", "Ana@Example.com", "--role", "rep", "--name", "Ana Lopez", stdin="rep-password-1\n") == (
        0,
        "added ana@example.com (rep, Ana Lopez)\n",
        "",
    )
    assert run("users", "add", "lee@example.com", "--role", "manager", stdin="manager-password-1\n")[0] == 0
    assert run("users", "list") == (0, "ana@example.com\trep\tAna Lopez\nlee@example.com\tmanager\t\n", "")
    assert run("users", "add", "ana@example.com", "--role", "rep", stdin="another-password\n") == (
        1,
        "",
        "playbook users: error: ana@example.com is already a user; change the password with `playbook users password ana@example.com`\n",
    )
    assert run("users", "add", "bo@example.com", "--role", "rep", stdin="short\n") == (
        1,
        "",
        "playbook users: error: the password is 5 characters long; use at least 8\n",
    )
    for not_an_email, said in (
        ("not-an-email", "'not-an-email' is not an email address; type one address like rep@example.com"),
        ("a@b", "'a@b' is not an email address: 'b' is not a domain"),
        ("ana@example.com, bo@example.com", "is not one email address; type the address alone"),
        ("<ana@example.com>", "is not one email address; type the address alone"),
        # A look-alike (a Cyrillic а), an invisible character and an accent: users nobody could mail a digest to.
        ("an\u0430@example.com", "has a cyrillic small letter a (U+0430) at character 3, before the @"),
        ("ana@example.com\u200b", "zero-width space (U+200B) at character 16"),
        ("jos\u00e9@example.com", "this server mails only addresses whose part before the @ is plain ASCII"),
    ):
        status, out, err = run("users", "add", not_an_email, "--role", "rep", stdin="long-enough-1\n")
        assert (status, out) == (1, "") and err.startswith("playbook users: error: the email "), err
        assert said in err and err.endswith("\n") and err.count("\n") == 1, err
    assert run("users", "password", "ana@example.com", stdin="a-new-password\n") == (
        0,
        "password changed for ana@example.com; their open sessions ended (0)\n",
        "",
    )
    client = records_app.test_client()
    assert sign_in(client, "ana@example.com", "rep-password-1").status_code == 401
    assert sign_in(client, "ana@example.com", "a-new-password").status_code == 303
    assert run("users", "disable", "ana@example.com")[0] == 0
    assert run("users", "list")[1].startswith("ana@example.com\trep\tAna Lopez  (disabled)\n")
    assert sign_in(records_app.test_client(), "ana@example.com", "a-new-password").status_code == 401
    assert run("users", "disable", "nobody@example.com") == (
        1,
        "",
        "playbook users: error: no user 'nobody@example.com'; see `playbook users list`\n",
    )


@pytest.mark.parametrize(
    ("email", "said"),
    [
        (
            "ana@example.com",
            "ana@example.com is already a user; change the password with `playbook users password ana@example.com`",
        ),
        ("not-an-email", "the email 'not-an-email' is not an email address; type one address like rep@example.com"),
    ],
)
def test_users_add_refuses_the_email_before_asking_for_the_password(run: Run, email: str, said: str) -> None:
    """The operator typed a password twice, then learned the email was taken or malformed: no standard input
    here, so a command that asked first would say there is no password."""
    assert run("users", "add", "ana@example.com", "--role", "rep", stdin="rep-password-1\n")[0] == 0
    assert run("users", "add", email, "--role", "rep", stdin="") == (1, "", f"playbook users: error: {said}\n")


def test_users_enable_lets_a_disabled_user_back_in_without_their_old_tokens(run: Run, records_app: Flask) -> None:
    assert run("users", "add", "ana@example.com", "--role", "rep", stdin="rep-password-1\n")[0] == 0
    token = run("tokens", "create", "ana@example.com")[1].strip()
    assert run("users", "disable", "ana@example.com")[0] == 0
    assert run("users", "enable", "ana@example.com") == (
        0,
        "enabled ana@example.com: they can sign in again with their password; their API tokens from before are "
        "revoked (1): make a new one with `playbook tokens create ana@example.com`\n",
        "",
    )
    assert run("users", "list")[1] == "ana@example.com\trep\t\n"
    assert sign_in(records_app.test_client(), "ana@example.com", "rep-password-1").status_code == 303
    api = records_app.test_client().get("/api/deals", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 401
    assert run("users", "enable", "ana@example.com") == (
        1,
        "",
        "playbook users: error: ana@example.com is not disabled; nothing to do\n",
    )
    assert run("users", "disable", "ana@example.com")[0] == 0
    assert run("users", "password", "ana@example.com", stdin="a-new-password\n")[1] == (
        "password changed for ana@example.com; their open sessions ended (0); "
        "they are disabled: `playbook users enable ana@example.com` lets them sign in again\n"
    )


def test_tokens_create_list_revoke(run: Run, records_app: Flask) -> None:
    run("users", "add", "ana@example.com", "--role", "rep", stdin="rep-password-1\n")
    status, token, note = run("tokens", "create", "ana@example.com")
    token = token.strip()
    assert status == 0 and len(token) == 43 and token not in note
    assert note == "token 1 for ana@example.com: shown only this once; send it as Authorization: Bearer TOKEN\n"
    client = records_app.test_client()
    assert client.get("/api/deals", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    listed = run("tokens", "list", "ana@example.com")[1]
    assert listed.startswith("1\tcreated ") and listed.endswith("\tactive\n") and token not in listed
    assert run("tokens", "revoke", "ana@example.com", "--id", "7") == (
        1,
        "",
        "playbook tokens: error: ana@example.com has no active token 7; see `playbook tokens list ana@example.com`\n",
    )
    assert run("tokens", "revoke", "ana@example.com", "--id", "1") == (0, "revoked 1 token of ana@example.com\n", "")
    assert client.get("/api/deals", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_db_status_and_upgrade(run: Run) -> None:
    status, out, _ = run("db", "status")
    head = head_revision()  # whatever the newest migration is when branches are merged
    assert status == 0 and out.endswith(f": schema {head} (current)\n")
    assert run("db", "upgrade")[1].endswith(f" is up to date (schema {head})\n")


def test_db_upgrade_migrates_an_empty_postgresql_database(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "status", "--database", postgres_url]) == 1
    assert "run `playbook db upgrade`" in capsys.readouterr().out
    assert main(["db", "upgrade", "--database", postgres_url]) == 0
    assert f"migrated from schema (empty) to {head_revision()}" in capsys.readouterr().out
    assert main(["users", "list", "--database", postgres_url]) == 0
    # An option that does nothing on PostgreSQL is said to, not silently taken.
    assert main(["db", "upgrade", "--no-backup", "--database", postgres_url]) == 0
    assert capsys.readouterr().err.endswith(
        "playbook db: note: --no-backup changes nothing on PostgreSQL, where no backup is taken before migrating; "
        "take one first with `playbook db backup FILE`\n"
    )


def _owners(run: Run) -> None:
    with EXAMPLE.open(encoding="utf-8") as handle:
        names = sorted({row["owner"] for row in csv.DictReader(handle)})
    for name in names:
        email = name.lower().replace(" ", ".") + "@example.com"
        assert run("users", "add", email, "--role", "rep", "--name", name, stdin="rep-password-1\n")[0] == 0


def _clean_copy(tmp_path: Path) -> Path:
    """The example export without its four rows the audit cannot assess, with a crm_id and a close_date column
    (a won deal is imported closed, on its close date)."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    kept = [line for number, line in enumerate(lines, 1) if number not in (61, 121, 181, 241)]
    rows = [kept[0] + ",crm_id,close_date"] + [
        f"{line},CRM-{index:04d},2026-11-15" for index, line in enumerate(kept[1:], 1)
    ]
    path = tmp_path / "clean.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_import_refuses_the_whole_file_when_any_row_has_a_problem(run: Run, sessions: sessionmaker[Session]) -> None:
    _owners(run)
    status, out, err = run("import", str(EXAMPLE), "--process", str(DEFAULT_PROCESS))
    assert status == 1 and out == ""
    assert f"{EXAMPLE}:61: unknown stage 'Negociating'; did you mean 'Negotiating'?" in err
    assert f"{EXAMPLE}:121: pain-confirmed.date: '2027-02-30' is not a real calendar date" in err
    # A problem on many rows is said once, at its first line, with the others counted: never a line per row.
    assert (
        f"{EXAMPLE}:27: the deal is won but has no close date; the export has no close-date column: add one, or map the column that holds it"
        " (crm.columns.close_date) (also on lines 40, 77, 95, 103, 164 and 15 more)\n" in err
    )
    assert len(err.splitlines()) == 6
    assert err.endswith("25 rows with problems of 300 (275 good); nothing was imported.\n")
    with sessions() as db:
        assert db.scalars(select(Deal)).first() is None


@pytest.mark.slow
def test_import_export_audit_round_trip_and_the_pipeline_matches_the_audit(
    run: Run, tmp_path: Path, sessions: sessionmaker[Session], records_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    _owners(run)
    run("users", "add", "manager@example.com", "--role", "manager", stdin="manager-password-1\n")
    clean = _clean_copy(tmp_path)
    assert run("import", str(clean), "--process", str(DEFAULT_PROCESS)) == (
        0,
        f"imported 296 rows from {clean}: 296 new deals, 0 checks of deals already saved (matched by crm_id), "
        "21 closed (won: 21)\n",
        "",
    )
    assert run("import", str(clean), "--process", str(DEFAULT_PROCESS))[1].endswith(
        ": 0 new deals, 0 checks of deals already saved (matched by crm_id), 275 unchanged, 21 closed already\n"
    )
    with sessions() as db:
        # the 21 won deals are closed, never checked: they are outcomes, not pipeline; the same file again adds no check
        assert len(db.scalars(select(Deal)).all()) == 296 and len(db.scalars(select(Check)).all()) == 275
        assert all(check.source == "import" and check.checked_by_id is None for check in db.scalars(select(Check)))
        assert db.scalars(select(User).where(User.name == "Ana Ruiz")).one()
    exported = tmp_path / "export.csv"
    assert run("deals", "export", "--process", str(DEFAULT_PROCESS), "--output", str(exported)) == (
        0,
        "",
        f"wrote 296 deals to {exported}\n",
    )
    audits = {}
    for name, source in (("original", clean), ("exported", exported)):
        status = main(
            [
                "audit",
                str(source),
                "--process",
                str(DEFAULT_PROCESS),
                "--as-of",
                "2027-03-01",
                "--out",
                str(tmp_path / name),
            ]
        )
        assert status == 0
        audits[name] = capsys.readouterr().out.split("\n", 1)[1].rsplit("Wrote ", 1)[0]  # all but the file names
    # Saved deals keep their amounts' currency: both audits say "(USD)". The export has the buyers'
    # columns (all blank: imported answers are the reps'), so its audit can say what buyers confirmed.
    share = (
        "Confirmed by buyers: 0.0% of the verified weighted pipeline (0.00 of 3,815,800.00), 0 deals whose buyers "
        "confirmed every outcome that put them at their verified stage\n"
    )
    assert "pipeline (USD) of" in audits["original"]
    assert audits["original"] == audits["exported"].replace(share, "")
    assert share in audits["exported"]
    manager = records_app.test_client()
    sign_in(manager, "manager@example.com")
    report = manager.get("/pipeline?as_of=2027-03-01").get_data(as_text=True)
    claimed = audits["original"].split("claimed:")[1].split()[0]
    verified = audits["original"].split("verified:")[1].split()[0]
    assert f'data-total="claimed">{claimed}<' in report and f'data-total="verified">{verified}<' in report
    assert 'data-total="assessed">275<' in report and 'data-total="ahead">' in report
    # The closed deals are outcomes on /pipeline as in the audit: 21 won, for the audit's amount.
    won = audits["original"].split("won:", 1)[1].split("\n", 1)[0].split()  # ["21", "deals,", "AMOUNT"]
    assert won[:2] == ["21", "deals,"]
    assert 'data-total="closed">21<' in report
    assert f'data-outcome="won">21</td><td class="num" data-label="Amount">{won[2]}</td>' in report


def test_serve_refuses_a_postgresql_database_that_is_behind(
    postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "serve",
            "--process",
            str(DEFAULT_PROCESS),
            "--site-dir",
            str(tmp_path / "site"),
            "--port",
            "0",
            "--database",
            postgres_url,
        ]
    )
    assert status == 1
    assert "playbook serve: error: the database is empty; run `playbook db upgrade`" in capsys.readouterr().err


IMPORT_HEADER = "deal,owner,crm_id,stage,amount,pain-confirmed,pain-confirmed.evidence,pain-confirmed.date\n"


@pytest.mark.parametrize(
    ("rest", "after"),
    [
        pytest.param("", "nothing follows the header", id="header-only"),
        pytest.param(
            '\n"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n',
            "the 2 lines after the header are blank or a report footer",
            id="footer-only",
        ),
    ],
)
def test_import_refuses_a_header_without_deals(
    run: Run, tmp_path: Path, sessions: sessionmaker[Session], rest: str, after: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(IMPORT_HEADER + rest, encoding="utf-8")
    assert run("import", str(path), "--process", str(DEFAULT_PROCESS)) == (
        1,
        "",
        (
            f"{path}: error: the file has a header but no deals ({after}); check the report's filters in the CRM "
            "(a report that matches no deal exports only its header) and export it again\n1 error found.\n"
        ),
    )


def test_import_skips_a_report_footer_as_the_audit_does(
    run: Run, tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    run("users", "add", "ana@example.com", "--role", "rep", "--name", "Ana Ruiz", stdin="rep-password-1\n")
    path = tmp_path / "export.csv"
    path.write_text(
        IMPORT_HEADER + "Acme,Ana Ruiz,CRM-1,Discovery,1000,yes,Reply to the recap email,2027-02-20\n"
        '"Grand Totals (1 record)"\n"Confidential Information - Do Not Distribute"\n'
        '"Generated By:  Ana Ruiz  3/1/2027 9:14 AM"\n',
        encoding="utf-8",
    )
    assert run("import", str(path), "--process", str(DEFAULT_PROCESS)) == (
        0,
        f"imported 1 row from {path}: 1 new deal, 0 checks of deals already saved (matched by crm_id)\n",
        "",
    )
    with sessions() as db:
        assert [deal.name for deal in db.scalars(select(Deal))] == ["Acme"]


def test_import_skips_a_reports_title_lines_and_names_the_header_line(
    run: Run, tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    run("users", "add", "ana@example.com", "--role", "rep", "--name", "Ana Ruiz", stdin="rep-password-1\n")
    path = tmp_path / "export.csv"
    title = '"Opportunity Pipeline"\n"Filtered By: Stage not equal to Closed Lost"\n\n'
    deal = "Acme,Ana Ruiz,CRM-1,Discovery,1000,yes,Reply to the recap email,2027-02-20\n"
    path.write_text(title + IMPORT_HEADER + deal + "Beta,Nobody,CRM-2,Discovery,1000,no,,\n", encoding="utf-8")
    status, out, err = run("import", str(path), "--process", str(DEFAULT_PROCESS))
    assert (status, out) == (1, "")
    assert err.startswith(f"{path}:6: owner 'Nobody' is not a user"), err
    path.write_text(title + IMPORT_HEADER + deal, encoding="utf-8")
    assert run("import", str(path), "--process", str(DEFAULT_PROCESS))[0] == 0
    with sessions() as db:
        assert [deal.name for deal in db.scalars(select(Deal))] == ["Acme"]
    path.write_text(title + IMPORT_HEADER.replace(",stage,", ",amount,", 1) + deal, encoding="utf-8")
    status, _, err = run("import", str(path), "--process", str(DEFAULT_PROCESS))
    assert status == 1 and err.startswith(f"{path}:4: error: "), err


PROCESS_OPTION = ["--process", str(DEFAULT_PROCESS)]


@pytest.mark.parametrize(
    "command",
    [
        ["users", "list"],
        ["users", "disable", "ana@example.com"],
        ["users", "password", "ana@example.com"],
        ["tokens", "create", "ana@example.com"],
        ["tokens", "list", "ana@example.com"],
        ["tokens", "revoke", "ana@example.com"],
        ["deals", "export", *PROCESS_OPTION],
        ["digest", *PROCESS_OPTION],
        ["backtest", *PROCESS_OPTION],
    ],
)
def test_a_command_that_reads_the_records_refuses_a_database_file_that_does_not_exist(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    """A mistyped --database path is said, not made into a new empty database the command then reads."""
    typo = tmp_path / "recrods.db"
    assert main([*command, "--database", f"sqlite:///{typo}"]) == 1
    assert capsys.readouterr().err == (
        f"playbook {command[0]}: error: no database at {typo} (--database): check the path; `playbook users add` or "
        "`playbook serve` creates it\n"
    )
    assert not typo.exists()


def test_users_sign_out_ends_every_browser_session_and_keeps_the_tokens(run: Run, records_app: Flask) -> None:
    assert run("users", "add", "ana@example.com", "--role", "rep", stdin="rep-password-1\n")[0] == 0
    assert run("users", "add", "lee@example.com", "--role", "manager", stdin="manager-password-1\n")[0] == 0
    token = run("tokens", "create", "ana@example.com")[1].strip()
    laptop, phone, lee = (records_app.test_client() for _ in range(3))
    for client, email, password in ((laptop, "ana", "rep-password-1"), (phone, "ana", "rep-password-1")):
        assert sign_in(client, f"{email}@example.com", password).status_code == 303
    assert sign_in(lee, "lee@example.com", "manager-password-1").status_code == 303
    tokens_kept = (
        "Their API token still works (`playbook tokens revoke ana@example.com` ends it too; "
        "`playbook users password ana@example.com` if the password may be known)\n"
    )
    said = f"signed out ana@example.com: ended 2 open sessions; they sign in again with their password. {tokens_kept}"
    assert run("users", "sign-out", "Ana@Example.com") == (0, said, "")
    assert said in (ROOT / "docs/operations/users-and-tokens.md").read_text()  # the manual quotes it
    assert laptop.get("/deals").status_code == 302 and phone.get("/deals").status_code == 302
    assert lee.get("/deals").status_code == 200  # another user's session stays
    api = records_app.test_client().get("/api/deals", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 200
    assert run("users", "sign-out", "ana@example.com") == (
        0,
        f"signed out ana@example.com: they had no open session; they sign in again with their password. {tokens_kept}",
        "",
    )
    assert sign_in(laptop, "ana@example.com", "rep-password-1").status_code == 303
    assert run("users", "sign-out", "ana@example.com")[1].startswith(
        "signed out ana@example.com: ended 1 open session;"
    )
    assert run("tokens", "revoke", "ana@example.com")[0] == 0
    assert run("users", "sign-out", "ana@example.com")[1].endswith(
        "They have no API token that works (`playbook users password ana@example.com` if the password may be known)\n"
    )
    assert run("tokens", "create", "ana@example.com")[0] == run("tokens", "create", "ana@example.com")[0] == 0
    assert (
        "Their API tokens still work (`playbook tokens revoke ana@example.com` ends them too;"
        in run("users", "sign-out", "ana@example.com")[1]
    )
    assert run("users", "sign-out", "nobody@example.com") == (
        1,
        "",
        "playbook users: error: no user 'nobody@example.com'; see `playbook users list`\n",
    )


def test_importing_an_unchanged_row_again_adds_no_check_and_counts_it_unchanged(
    run: Run, tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    """A nightly `playbook import` of the same export added a check a row every run, each saying "No milestone
    changed its status": a row that changes nothing of its saved deal now adds none."""
    run("users", "add", "ana@example.com", "--role", "rep", "--name", "Ana Ruiz", stdin="rep-password-1\n")
    path = tmp_path / "export.csv"
    rows = [
        "Acme,Ana Ruiz,CRM-1,Discovery,1000,yes,Reply to the recap email,2027-02-20",
        "Bravo,Ana Ruiz,CRM-2,Proposing,2000,,,",
        "Charlie,Ana Ruiz,CRM-3,Prposing,3000,,,",  # refused every time (--skip-bad)
    ]
    path.write_text(IMPORT_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    args = ("import", str(path), "--process", str(DEFAULT_PROCESS), "--skip-bad")
    assert run(*args)[1].startswith(f"imported 2 rows from {path}: 2 new deals, 0 checks of deals already saved")
    for _ in range(2):
        assert run(*args)[1].startswith(
            f"imported 2 rows from {path}: 0 new deals, 0 checks of deals already saved (matched by crm_id), "
            "2 unchanged\n"
        )
    with sessions() as db:
        assert len(db.scalars(select(Check)).all()) == 2
    for changed in (
        "Acme,Ana Ruiz,CRM-1,Discovery,1000,yes,Reply to the recap email,2027-02-21",
        "Acme,Ana Ruiz,CRM-1,Discovery,1000,yes,Reply to the recap email from the CFO,2027-02-20",
        "Acme,Ana Ruiz,CRM-1,Qualifying,1000,yes,Reply to the recap email,2027-02-20",
        "Acme,Ana Ruiz,CRM-1,Discovery,1500,yes,Reply to the recap email,2027-02-20",
        "Acme,Ana Ruiz,CRM-1,Discovery,1500,no,,",
    ):
        path.write_text(IMPORT_HEADER + "\n".join([changed, *rows[1:]]) + "\n", encoding="utf-8")
        assert run(*args)[1].startswith(
            f"imported 2 rows from {path}: 0 new deals, 1 check of deals already saved (matched by crm_id), "
            "1 unchanged\n"
        ), changed
    with sessions() as db:
        assert len(db.scalars(select(Check)).all()) == 7
