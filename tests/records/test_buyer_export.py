"""`playbook deals export` writes the buyer's word; `playbook audit` reads it back; `playbook import` cannot claim it."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import stat
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from deal_records.database import make_engine, session_factory, writing
from deal_records.export import is_not_quite_cell
from deal_records.models import Check, Deal, User
from deal_records.records import record_check
from playbook_cli.main import main
from sales_process.deal import Answer, BuyerAnswer
from sales_process.deal import Deal as DealInput
from sales_process.loader import load_process
from sales_process.vocabulary import shown
from tests.conftest import sqlite_copy
from tests.engine.test_buyer_confirmation import PROCESS_TEXT
from tests.records.conftest import Run

AS_OF = dt.date(2027, 3, 1)
DANA = ("Dana Buyer", "dana@contoso.example")
LEE = ("Lee Wu", "lee@litware.example")


def _yes(buyer: tuple[str, str], day: int) -> Answer:
    return BuyerAnswer(*buyer, dt.date(2027, 2, day), True).as_answer()


# Deals at their stage on the buyers' word, on the rep's (waiting for the buyer), and after a buyer's "not quite".
DEALS = {
    "Contoso": ("won", 100000.0, {"next-step": _yes(DANA, 20), "budget": _yes(DANA, 21)}),
    "Fabrikam": (
        "won",
        50000.0,
        {
            "next-step": Answer(True, "Dana's email of 20 Feb", dt.date(2027, 2, 20)),
            "budget": Answer(True, "Budget email from the CFO", dt.date(2027, 2, 21)),
        },
    ),
    "Litware": (
        "qualifying",
        20000.0,
        {
            "next-step": _yes(LEE, 20),
            "budget": BuyerAnswer(*LEE, dt.date(2027, 2, 22), False, "We still need legal's view.").as_answer(),
        },
    ),
    "Northwind": (
        "won",
        10000.0,
        {"next-step": _yes(LEE, 20), "budget": Answer(True, "Budget email from the CFO", dt.date(2027, 2, 21))},
    ),
}
EXPORTED = """\
deal,stage,amount,owner,status,close_date,next-step,next-step.evidence,next-step.date,next-step.confirmed_by,budget,budget.evidence,budget.date,budget.confirmed_by
Contoso,won,100000.00,ana@example.com,open,,yes,,2027-02-20,Dana Buyer <dana@contoso.example>,yes,,2027-02-21,Dana Buyer <dana@contoso.example>
Fabrikam,won,50000.00,ana@example.com,open,,yes,Dana's email of 20 Feb,2027-02-20,,yes,Budget email from the CFO,2027-02-21,
Litware,qualifying,20000.00,ana@example.com,open,,yes,,2027-02-20,Lee Wu <lee@litware.example>,no,"Not quite, answered Lee Wu (lee@litware.example) on 2027-02-22: We still need legal's view.",2027-02-22,
Northwind,won,10000.00,ana@example.com,open,,yes,,2027-02-20,Lee Wu <lee@litware.example>,yes,Budget email from the CFO,2027-02-21,
"""


@pytest.fixture
def buyer_process(tmp_path: Path) -> Path:
    path = tmp_path / "process.yaml"
    path.write_text(PROCESS_TEXT, encoding="utf-8")
    return path


def _save_deals(sessions: sessionmaker[Session], process: Path) -> dict[str, str]:
    """Save DEALS with their checks as of AS_OF; return each deal's saved verified stage."""
    loaded = load_process(process)
    with writing(sessions) as db:
        owner = db.scalars(select(User)).one()
        for name, (stage, amount, answers) in DEALS.items():
            deal = Deal(owner_id=owner.id, name=name, amount=amount, claimed_stage=stage)
            db.add(deal)
            db.flush()
            record_check(db, deal, loaded, DealInput(answers=answers), "buyer", None, today=AS_OF)
    with sessions() as db:
        return {deal.name: deal.latest_check.verified_stage for deal in db.scalars(select(Deal)) if deal.latest_check}


def test_export_writes_the_buyers_and_the_audit_gives_the_saved_verdicts(
    run: Run, sessions: sessionmaker[Session], buyer_process: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("users", "add", "ana@example.com", "--role", "rep", stdin="rep-password-1\n")[0] == 0
    saved = _save_deals(sessions, buyer_process)
    assert saved == {"Contoso": "won", "Fabrikam": "qualifying", "Litware": "qualifying", "Northwind": "won"}
    exported = tmp_path / "export.csv"
    assert run("deals", "export", "--process", str(buyer_process), "--output", str(exported)) == (
        0,
        "",
        f"wrote 4 deals to {exported}\n",
    )
    assert exported.read_text(encoding="utf-8-sig").replace("\r\n", "\n") == EXPORTED
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600  # buyers' emails: readable by its owner alone
    for engine in ("python", "duckdb"):
        status = main(
            [
                "audit",
                str(exported),
                "--process",
                str(buyer_process),
                "--as-of",
                AS_OF.isoformat(),
                "--engine",
                engine,
                "--out",
                str(tmp_path / engine),
            ]
        )
        assert status == 0
        out = capsys.readouterr().out
        assert "Confirmed by buyers: 80.6% of the verified weighted pipeline (100,000.00 of 124,000.00), 1 deal" in out
        with (tmp_path / engine / "audit.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert {row["deal"]: row["verified_stage_id"] for row in rows} == saved
        assert [(row["verified_stage_confirmed_by_buyer"], row["buyer_confirmed_milestone_ids"]) for row in rows] == [
            ("yes", "next-step budget"),
            ("no", ""),
            ("no", "next-step"),
            ("no", "next-step"),
        ]


def test_import_refuses_the_buyers_word_but_takes_a_blank_buyer_column(
    run: Run, sessions: sessionmaker[Session], buyer_process: Path, tmp_path: Path
) -> None:
    assert run("users", "add", "ana@example.com", "--role", "rep", stdin="rep-password-1\n")[0] == 0
    header = "deal,stage,owner,next-step,next-step.evidence,next-step.date,next-step.confirmed_by,budget,budget.confirmed_by\n"
    claimed = tmp_path / "claimed.csv"
    claimed.write_text(
        header
        + "Contoso,qualifying,ana@example.com,yes,Dana's email,2027-02-20,Dana Buyer <dana@contoso.example>,yes,\n"
        "Fabrikam,qualifying,ana@example.com,yes,Lee's email,2027-02-20,Lee <lee@x.example>,yes,Lee <lee@x.example>\n",
        encoding="utf-8",
    )

    def refusal(key: str) -> str:
        return (
            f"only the buyer's own answer to a confirmation link records that; {key} and its .date are that answer "
            f"(the day the buyer gave it), not the rep's: empty its {key}, {key}.evidence, {key}.date and "
            f"{key}.confirmed_by cells to import the row without it (a buyer's answer already saved on the deal stays)"
        )

    assert run("import", str(claimed), "--process", str(buyer_process)) == (
        1,
        "",
        (
            f"{claimed}:2: column 'next-step.confirmed_by' names the buyer 'Dana Buyer <dana@contoso.example>' who confirmed next-step, but {refusal('next-step')}\n"
            f"{claimed}:3: column 'next-step.confirmed_by' names the buyer 'Lee <lee@x.example>' who confirmed next-step, but {refusal('next-step')}\n"
            f"{claimed}:3: column 'budget.confirmed_by' names the buyer 'Lee <lee@x.example>' who confirmed budget, but {refusal('budget')}\n"
            "2 rows with problems of 2 (0 good); nothing was imported.\n"
        ),
    )
    with sessions() as db:
        assert db.scalars(select(Deal)).first() is None
    blank = tmp_path / "blank.csv"
    blank.write_text(
        header + "Contoso,qualifying,ana@example.com,yes,Dana's email of 20 Feb,2027-02-20, ,yes,\n", encoding="utf-8"
    )
    assert run("import", str(blank), "--process", str(buyer_process)) == (
        0,
        f"imported 1 row from {blank}: 1 new deal, 0 checks of deals already saved (matched by crm_id)\n",
        "",
    )
    with sessions() as db:
        check = db.scalars(select(Check)).one()
        assert check.answers["next-step"] == {"met": True, "evidence": "Dana's email of 20 Feb", "date": "2027-02-20"}
        assert (check.verified_stage, check.blocking) == ("qualifying", "next-step:awaiting_buyer budget:no_evidence")


def test_the_database_page_says_a_buyers_answer_stops_an_import_moving_to_postgresql() -> None:
    """An operator moving from SQLite to PostgreSQL by export and import meets the refusal above: the Database page,
    where the move is described, says so in the import's words and points to the page that explains it."""
    page = (Path(__file__).parents[2] / "docs/operations/database.md").read_text(encoding="utf-8")
    move = " ".join(page.split("**Choose PostgreSQL before the team starts.**", 1)[1].split("\n\n", 1)[0].split())
    assert "`<id>.confirmed_by`" in move and "imports nothing" in move
    assert "only the buyer's own answer to a confirmation link records that; next-step and its .date are" in move
    assert "never as the reps' own answers" in move
    assert "(../revops/records-import-export.md)" in move


def test_an_export_with_its_buyers_blanked_imports_back_and_the_buyers_answers_stand(
    run: Run, sessions: sessionmaker[Session], buyer_process: Path, tmp_path: Path
) -> None:
    assert run("users", "add", "ana@example.com", "--role", "rep", stdin="rep-password-1\n")[0] == 0
    _save_deals(sessions, buyer_process)
    with writing(sessions) as db:
        for deal in db.scalars(select(Deal)):
            deal.crm_id = f"CRM-{deal.name}"
    exported = tmp_path / "export.csv"
    assert run("deals", "export", "--process", str(buyer_process), "--output", str(exported))[0] == 0
    with exported.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert run("import", str(exported), "--process", str(buyer_process))[0] == 1  # the buyers' columns are filled
    blanked = _without_buyers(rows, tmp_path / "blanked.csv")
    assert run("import", str(blanked), "--process", str(buyer_process)) == (
        0,
        # The buyers' answers stand where the file's cells are blank, so each row is what its deal holds: no check is
        # added, and no answer of the file's was set aside for a buyer's.
        f"imported 4 rows from {blanked}: 0 new deals, 0 checks of deals already saved (matched by crm_id), "
        "4 unchanged\n",
        "",
    )
    with sessions() as db:
        assert {check.source for check in db.scalars(select(Check))} == {"buyer"}
    again = tmp_path / "again.csv"
    assert run("deals", "export", "--process", str(buyer_process), "--output", str(again))[0] == 0
    assert again.read_bytes() == exported.read_bytes()  # the same answers, the buyers' included


def _buyers(row: dict[str, str]) -> set[str]:
    """The milestones of an exported row holding a buyer's answer, whose cells the import asks to empty."""
    return {
        key.split(".")[0]
        for key, cell in row.items()
        if (key.endswith(".confirmed_by") and cell) or (key.endswith(".evidence") and is_not_quite_cell(cell))
    }


def _without_buyers(rows: list[dict[str, str]], path: Path) -> Path:
    """The exported rows written to `path` with the cells of each buyer's answer emptied, as the import asks."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(
            {key: "" if key.split(".")[0] in _buyers(row) else cell for key, cell in row.items()} for row in rows
        )
    return path


def _round_trip(today: dt.date) -> dict[str, list[dict[str, Answer]]]:
    """A deal per case, each with its checks, oldest first: the rep's (an import's), then perhaps the buyer's reply."""

    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    return {
        "Rep only": [
            {
                "next-step": Answer(True, "Dana's email of 20 Feb", ago(20)),
                "budget": Answer(True, "Budget email from the CFO", ago(19)),
            }
        ],
        "Stale": [{"budget": Answer(True, "Budget email of last spring", ago(200))}],
        "Confirmed": [
            {"next-step": Answer(True, "Ana's call notes", ago(30))},
            {"next-step": BuyerAnswer(*DANA, ago(10), True).as_answer()},
        ],
        "Declined": [
            {"budget": Answer(True, "Søren's budget email", ago(25))},
            {"budget": BuyerAnswer(*LEE, ago(5), False, "Not the budget — legal first").as_answer()},
        ],
    }


def _run_on(url: str, *args: str) -> tuple[int, str, str]:
    """`playbook ARGS --database URL` on another database than the test's; the status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([*args, "--database", url])
    return status, out.getvalue(), err.getvalue()


def _fresh_database(request: pytest.FixtureRequest, database_url: str, tmp_path: Path) -> str:
    """Another empty, migrated database of the test's kind, as an operator moving their deals would start from."""
    if database_url.startswith("sqlite"):
        (tmp_path / "fresh").mkdir()
        return sqlite_copy(request, tmp_path / "fresh")
    server = request.getfixturevalue("postgres_server")
    return str(server.database(request.getfixturevalue("migrated_postgres")))


def _verdicts(url: str) -> dict[str, tuple[str | None, str | None, dict[str, object]]]:
    """Each deal's verified stage, what blocks it and its latest answers, by name."""
    engine = make_engine(url)
    try:
        with session_factory(engine)() as db:
            return {
                deal.name: (deal.latest_check.verified_stage, deal.latest_check.blocking, deal.latest_check.answers)
                for deal in db.scalars(select(Deal))
                if deal.latest_check is not None
            }
    finally:
        engine.dispose()


def test_export_then_import_into_a_fresh_database_never_makes_a_buyers_answer_the_reps(
    run: Run,
    sessions: sessionmaker[Session],
    database_url: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    process = tmp_path / "process.yaml"
    process.write_text(
        PROCESS_TEXT.replace(
            "buyer_statement: Our budget for this project is approved.\n",
            "buyer_statement: Our budget for this project is approved.\n        max_age_days: 60\n",
        ),
        encoding="utf-8",
    )
    loaded = load_process(process)
    assert run("users", "add", "ana@example.com", "--role", "rep", stdin="rep-password-1\n")[0] == 0
    with writing(sessions) as db:
        owner = db.scalars(select(User)).one()
        for name, checks in _round_trip(dt.date.today()).items():
            deal = Deal(owner_id=owner.id, name=name, amount=1000.0, claimed_stage="won", crm_id=f"CRM-{name}")
            db.add(deal)
            db.flush()
            for answers in checks:
                source = "buyer" if any(answer.buyer for answer in answers.values()) else "import"
                record_check(db, deal, loaded, DealInput(answers=answers), source, None)
    exported = tmp_path / "export.csv"
    assert run("deals", "export", "--process", str(process), "--output", str(exported))[0] == 0
    with exported.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    fresh = _fresh_database(request, database_url, tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO("rep-password-1\n"))
    assert _run_on(fresh, "users", "add", "ana@example.com", "--role", "rep")[0] == 0

    # The buyers' answers are named, each with what to empty; nothing is imported.
    status, out, err = _run_on(fresh, "import", str(exported), "--process", str(process))
    assert (status, out) == (1, "")
    then = "(a buyer's answer already saved on the deal stays)"
    assert err.splitlines() == [
        f"{exported}:4: column 'next-step.confirmed_by' names the buyer 'Dana Buyer <dana@contoso.example>' who "
        "confirmed next-step, but only the buyer's own answer to a confirmation link records that; next-step and its .date "
        "are that answer (the day the buyer gave it), not the rep's: empty its next-step, next-step.evidence, "
        f"next-step.date and next-step.confirmed_by cells to import the row without it {then}",
        f"{exported}:5: column 'budget.evidence' holds the buyer's \"Not quite\" ({shown(rows[3]['budget.evidence'], 60)}), "
        "not the rep's words, and only the buyer's own answer to a confirmation link records that: "
        f"empty its budget, budget.evidence, budget.date and budget.confirmed_by cells to import the row without it {then}",
        "2 rows with problems of 4 (2 good); nothing was imported.",
    ]
    assert _verdicts(fresh) == {}

    # Emptied as told, the file imports; a buyer's answer is then missing, never the rep's with the buyer's date or words.
    assert [_buyers(row) for row in rows] == [set(), set(), {"next-step"}, {"budget"}]
    blanked = _without_buyers(rows, tmp_path / "blanked.csv")
    assert _run_on(fresh, "import", str(blanked), "--process", str(process))[0] == 0
    moved, saved = _verdicts(fresh), _verdicts(database_url)
    assert {name: moved[name] for name in ("Rep only", "Stale")} == {
        name: saved[name] for name in ("Rep only", "Stale")
    }
    assert saved["Stale"][1] == "next-step:unanswered budget:stale"  # the same expiry on both sides
    assert moved["Confirmed"][2] == {} and moved["Declined"][2] == {}
    again = tmp_path / "again.csv"
    assert _run_on(fresh, "deals", "export", "--process", str(process), "--output", str(again))[0] == 0
    with again.open(encoding="utf-8-sig", newline="") as handle, blanked.open(encoding="utf-8", newline="") as told:
        assert list(csv.DictReader(handle)) == list(csv.DictReader(told))
