"""Confirmation requests on the deal records, on SQLite and PostgreSQL: asked, answered once, withdrawn, expired."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections.abc import Callable, Mapping

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from deal_records.answers import read_answers, read_stored
from deal_records.confirmations import (
    DatabaseConfirmations,
    create_request,
    deal_requests,
    revoke_request,
    state_of,
)
from deal_records.database import writing
from deal_records.limits import DatabaseLimiter
from deal_records.models import Check, Deal, RequestHit, User
from deal_records.models import ConfirmationRequest as RequestRow
from deal_records.records import NewDeal, RecordError, create_deal, deal_checks, record_check, standing_buyer_answers
from sales_process.confirmation import BuyerReply, NewRequest, RequestState, StatementAnswer, token_hash
from sales_process.deal import Answer
from sales_process.deal import Deal as DealInput
from sales_process.engine import Status, assess
from sales_process.loader import LoadedProcess

NOW = dt.datetime(2027, 3, 1, 9, 30, tzinfo=dt.UTC)
ASKED = ("pricing-agreeable", "proposal-agreed-next-step")


@pytest.fixture
def people(sessions: sessionmaker[Session], add_person: Callable[..., str]) -> dict[str, User]:
    """A rep, another rep and a manager."""
    for email in ("rep@example.com", "other@example.com"):
        add_person(email)
    add_person("manager@example.com", "manager")
    with sessions() as db:
        return {user.email.split("@")[0]: user for user in db.scalars(select(User))}


def _deal(sessions: sessionmaker[Session], owner: User, loaded: LoadedProcess, answers: dict[str, Answer]) -> int:
    with writing(sessions) as db:
        caller = db.get(User, owner.id)
        assert caller is not None
        deal = create_deal(db, caller, NewDeal("Fabrikam rollout", None, 120_000.0, "proposing", None))
        record_check(db, deal, loaded, DealInput(name="", answers=answers), "form", caller, today=NOW.date())
        return deal.id


def _ask(
    sessions: sessionmaker[Session],
    owner: User,
    loaded: LoadedProcess,
    deal_id: int,
    milestones: tuple[str, ...] = ASKED,
    now: dt.datetime = NOW,
) -> str:
    with writing(sessions) as db:
        caller, deal = db.get(User, owner.id), db.get(Deal, deal_id)
        assert caller is not None and deal is not None
        return create_request(
            db, caller, deal, loaded, NewRequest(milestones, "Dana Buyer", "dana@fabrikam.example"), now
        ).token


def _reply(*agreed: bool, at: dt.datetime = NOW + dt.timedelta(days=1)) -> BuyerReply:
    answers = tuple(
        StatementAnswer(milestone, yes, None if yes else "Legal has not seen it yet")
        for milestone, yes in zip(ASKED, agreed, strict=True)
    )
    return BuyerReply("Dana B. Buyer", at, answers)


def _buyer_said(stored: Mapping[str, object], milestone_id: str) -> bool | None:
    """The buyer's yes (True) or "not quite" (False) stored for a milestone, read as the app reads it; None: not the buyer's."""
    buyer = read_stored(stored)[milestone_id].buyer
    return None if buyer is None else buyer.agreed


REP_ANSWERS = {
    "pain-confirmed": Answer(True, "Recap email of 2 Feb", dt.date(2027, 2, 2)),
    "next-meeting-accepted": Answer(True, "Invitation accepted 10 Feb", dt.date(2027, 2, 10)),
}


def test_a_request_keeps_what_the_buyer_is_asked_and_only_the_tokens_hash(
    sessions: sessionmaker[Session], people: dict[str, User], default_process: LoadedProcess
) -> None:
    deal_id = _deal(sessions, people["rep"], default_process, REP_ANSWERS)
    token = _ask(sessions, people["rep"], default_process, deal_id)
    store = DatabaseConfirmations(sessions, lambda: default_process)
    found = store.find(token_hash(token))
    assert found is not None
    assert (found.company, found.deal_name, found.expires_at) == (
        "Contoso",
        "Fabrikam rollout",
        NOW + dt.timedelta(days=14),
    )
    assert [(s.milestone_id, s.text) for s in found.statements] == [
        ("pricing-agreeable", "The price range we discussed fits our budget."),
        ("proposal-agreed-next-step", "We have agreed that a proposal is the next step."),
    ]
    with sessions() as db:
        rows = [db.execute(select(table)).all() for table in (Check.__table__, RequestRow.__table__)]
    assert token not in repr(rows) and token_hash(token) in repr(rows)
    assert store.find(token_hash(token + "x")) is None


def test_the_buyers_reply_becomes_a_check_by_the_buyer_on_top_of_the_reps_answers(
    sessions: sessionmaker[Session], people: dict[str, User], default_process: LoadedProcess
) -> None:
    deal_id = _deal(sessions, people["rep"], default_process, REP_ANSWERS)
    token = _ask(sessions, people["rep"], default_process, deal_id)
    store = DatabaseConfirmations(sessions, lambda: default_process)
    assert store.record(token_hash(token), _reply(True, False)) is True
    with sessions() as db:
        deal = db.get(Deal, deal_id)
        assert deal is not None
        checks = deal_checks(db, deal)
        request = deal_requests(db, deal)[0]
        buyer_check = checks[-1]
        assert (len(checks), buyer_check.source, buyer_check.checked_by_id) == (2, "buyer", None)
        assert (buyer_check.buyer_name, buyer_check.buyer_email) == ("Dana B. Buyer", "dana@fabrikam.example")
        assert buyer_check.note == f"answered confirmation link #{request.id}: 1 of 2 confirmed"
        assert buyer_check.buyer_confirmed == "pricing-agreeable"
        assert set(buyer_check.answers) == {*REP_ANSWERS, *ASKED}  # the rep's answers stand
        assert _buyer_said(buyer_check.answers, "pricing-agreeable") is True
        assert (request.state, request.answered_by, request.check_id) == ("declined", "Dana B. Buyer", buyer_check.id)
        assert request.reply == [
            {"milestone_id": "pricing-agreeable", "agreed": True, "comment": None},
            {"milestone_id": "proposal-agreed-next-step", "agreed": False, "comment": "Legal has not seen it yet"},
        ]
        standing = standing_buyer_answers(db, deal)
    assert {m: b.agreed for m, b in standing.items()} == {"pricing-agreeable": True, "proposal-agreed-next-step": False}
    assert standing["pricing-agreeable"].date == dt.date(2027, 3, 2)


def test_a_link_works_once(
    sessions: sessionmaker[Session], people: dict[str, User], default_process: LoadedProcess
) -> None:
    token = _ask(sessions, people["rep"], default_process, _deal(sessions, people["rep"], default_process, {}))
    store = DatabaseConfirmations(sessions, lambda: default_process)
    assert store.record(token_hash(token), _reply(True, True)) is True
    assert store.record(token_hash(token), _reply(False, False)) is False
    found = store.find(token_hash(token))
    assert found is not None and found.state is RequestState.CONFIRMED
    with sessions() as db:
        assert db.scalar(select(func.count(Check.id)).where(Check.source == "buyer")) == 1


def test_two_replies_at_once_record_one(
    sessions: sessionmaker[Session], people: dict[str, User], default_process: LoadedProcess
) -> None:
    token = _ask(sessions, people["rep"], default_process, _deal(sessions, people["rep"], default_process, {}))
    store = DatabaseConfirmations(sessions, lambda: default_process)
    results: list[bool] = []
    start = threading.Barrier(4)

    def answer() -> None:
        start.wait()
        results.append(store.record(token_hash(token), _reply(True, True)))

    threads = [threading.Thread(target=answer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]
    with sessions() as db:
        assert db.scalar(select(func.count(Check.id)).where(Check.source == "buyer")) == 1


def test_an_expired_or_withdrawn_link_records_nothing(
    sessions: sessionmaker[Session], people: dict[str, User], default_process: LoadedProcess
) -> None:
    deal_id = _deal(sessions, people["rep"], default_process, {})
    expired = _ask(sessions, people["rep"], default_process, deal_id)
    withdrawn = _ask(sessions, people["rep"], default_process, deal_id)
    store = DatabaseConfirmations(sessions, lambda: default_process)
    assert store.record(token_hash(expired), _reply(True, True, at=NOW + dt.timedelta(days=14))) is False
    with writing(sessions) as db:
        deal = db.get(Deal, deal_id)
        caller = db.get(User, people["rep"].id)
        assert deal is not None and caller is not None
        newest = deal_requests(db, deal)[0]
        assert state_of(newest, NOW) is RequestState.PENDING
        assert state_of(newest, NOW + dt.timedelta(days=14)) is RequestState.EXPIRED
        revoked = revoke_request(db, caller, deal, newest.id, NOW)
        assert revoked is not None and revoked.state == "revoked"
        with pytest.raises(RecordError, match="this link is revoked already; only a pending link can be withdrawn"):
            revoke_request(db, caller, deal, newest.id, NOW)
    assert store.record(token_hash(withdrawn), _reply(True, True)) is False
    with sessions() as db:
        assert db.scalar(select(func.count(Check.id)).where(Check.source == "buyer")) == 0


def test_only_the_owner_asks_or_withdraws(
    sessions: sessionmaker[Session], people: dict[str, User], default_process: LoadedProcess
) -> None:
    deal_id = _deal(sessions, people["rep"], default_process, {})
    with pytest.raises(RecordError, match="only the deal's owner asks its buyer"):
        _ask(sessions, people["manager"], default_process, deal_id)
    _ask(sessions, people["rep"], default_process, deal_id)
    with writing(sessions) as db:
        deal, manager = db.get(Deal, deal_id), db.get(User, people["manager"].id)
        assert deal is not None and manager is not None
        with pytest.raises(RecordError, match="only the deal's owner withdraws"):
            revoke_request(db, manager, deal, deal_requests(db, deal)[0].id, NOW)
        assert revoke_request(db, manager, deal, 10**9, NOW) is None


def test_a_process_without_a_company_cannot_ask(
    sessions: sessionmaker[Session], people: dict[str, User], default_process: LoadedProcess
) -> None:
    nameless = dataclasses.replace(
        default_process, process=default_process.process.model_copy(update={"company": None})
    )
    deal_id = _deal(sessions, people["rep"], default_process, {})
    with pytest.raises(RecordError, match="add 'company: Your Company'"):
        _ask(sessions, people["rep"], nameless, deal_id)


def test_the_buyers_word_stands_over_a_reps_later_check(
    sessions: sessionmaker[Session], people: dict[str, User], default_process: LoadedProcess
) -> None:
    deal_id = _deal(sessions, people["rep"], default_process, REP_ANSWERS)
    token = _ask(sessions, people["rep"], default_process, deal_id)
    DatabaseConfirmations(sessions, lambda: default_process).record(token_hash(token), _reply(True, False))
    rep_says = {**REP_ANSWERS, "proposal-agreed-next-step": Answer(True, "Email of 3 Mar", dt.date(2027, 3, 3))}
    with writing(sessions) as db:
        deal, rep = db.get(Deal, deal_id), db.get(User, people["rep"].id)
        assert deal is not None and rep is not None
        later = record_check(
            db, deal, default_process, DealInput(name="", answers=rep_says), "form", rep, today=dt.date(2027, 3, 4)
        )
        saved = dict(later.answers)
    assert _buyer_said(saved, "proposal-agreed-next-step") is False
    assert later.buyer_confirmed == "pricing-agreeable"
    answers = read_answers(saved, default_process.process).answers
    statuses = {
        r.milestone.id: r.status
        for r in assess(default_process.process, DealInput(name="", answers=answers), dt.date(2027, 3, 4)).milestones
    }
    assert (statuses["pricing-agreeable"], statuses["proposal-agreed-next-step"]) == (Status.VERIFIED, Status.NOT_MET)


def test_the_rate_limit_is_shared_by_every_worker(sessions: sessionmaker[Session], database_url: str) -> None:
    clock = [NOW]
    workers = [DatabaseLimiter(sessions, "confirm", 3, 600, clock=lambda: clock[0]) for _ in range(2)]
    assert [workers[i % 2].hit("203.0.113.7") for i in range(3)] == [None, None, None]
    assert workers[1].hit("203.0.113.7") == 600.0
    assert workers[0].hit("198.51.100.1") is None  # another address has its own count
    clock[0] = NOW + dt.timedelta(seconds=601)
    assert workers[0].hit("203.0.113.7") is None
    with sessions() as db:
        keys = db.scalars(select(RequestHit.key_sha256)).all()
        assert db.scalar(select(func.count(RequestHit.id))) == 1  # hits older than the window are gone
    assert "203.0.113.7" not in repr(keys)


def test_a_reply_to_a_milestone_the_process_dropped_is_kept_in_the_record(
    sessions: sessionmaker[Session], people: dict[str, User], default_process: LoadedProcess
) -> None:
    deal_id = _deal(sessions, people["rep"], default_process, REP_ANSWERS)
    token = _ask(sessions, people["rep"], default_process, deal_id)
    stages = [
        stage.model_copy(update={"milestones": [m for m in stage.milestones if m.id != PROPOSAL_ID]})
        for stage in default_process.process.stages
    ]
    edited = dataclasses.replace(
        default_process, process=default_process.process.model_copy(update={"stages": stages}), sha256="edited"
    )
    assert DatabaseConfirmations(sessions, lambda: edited).record(token_hash(token), _reply(True, False)) is True
    with sessions() as db:
        deal = db.get(Deal, deal_id)
        assert deal is not None
        saved = deal_checks(db, deal)[-1].answers
    assert _buyer_said(saved, PROPOSAL_ID) is False
    assert set(saved) == {*REP_ANSWERS, *ASKED}


PROPOSAL_ID = "proposal-agreed-next-step"
