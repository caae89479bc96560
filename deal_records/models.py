"""The tables: users, their sessions and API tokens, sign-in failures, deals and their checks, the
buyer confirmation requests, the requests per address that the confirmation page limits, and the
weekly digests delivered.

Checks are append-only: the app inserts them and never updates or deletes one. A deal
points at its latest check (`latest_check_id`, kept in the same transaction as the
insert) so the team pipeline reads one check per deal without scanning the history.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from sales_process.clock import utc_now as utc_now  # re-exported: the records and the app import it from here


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored without zone (SQLite has none) and always read back as UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        """Store UTC, naive."""
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        """Read back as an aware UTC time."""
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    """The declarative base of every table."""


class Role(enum.StrEnum):
    """What a user may do: a rep checks their own deals; a manager sees every deal and the pipeline."""

    REP = "rep"
    MANAGER = "manager"


class User(Base):
    """A person who signs in; the email is stored lower-case and is unique."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utc_now)

    @property
    def is_manager(self) -> bool:
        """Whether the user sees every deal and the team pipeline."""
        return self.role == Role.MANAGER

    @property
    def label(self) -> str:
        """The name to show, else the email."""
        return self.name or self.email

    def label_with(self, *notes: str) -> str:
        """The label with, in brackets, the email (when a name is the label) and the `notes` given (blank ones
        left out): "Ana Lopez (ana@example.com, rep)", "ci@example.com (rep)", the email said once."""
        said = ([self.email] if self.name else []) + [note for note in notes if note]
        return f"{self.label} ({', '.join(said)})" if said else self.label


class ApiToken(Base):
    """An API token: only its sha256 is stored; the token itself is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utc_now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class UserSession(Base):
    """A signed-in browser: its cookie holds a random key, only the key's sha256 is kept here.

    Deleting the row ends the session at once on every server: signing out deletes it;
    a password change or disabling the user deletes all of theirs.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utc_now)

    user: Mapped[User] = relationship()


class SignInFailure(Base):
    """A failed sign-in for an email (known or not) from a client address (its sha256), kept in the
    database so every worker sees it. Rows from before addresses were counted have an empty one."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_address_failed_at", "address_sha256", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    address_sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")
    failed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utc_now)


class Deal(Base):
    """A deal a rep owns; its CRM stage, amount and currency are those of its latest check (or creation)."""

    __tablename__ = "deals"
    # (currency, amount) covers the pipeline's count of deals per currency without reading the table.
    __table_args__ = (
        Index("ix_deals_owner_id_id", "owner_id", "id"),
        Index("ix_deals_currency_amount", "currency", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(200))
    crm_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    amount: Mapped[float | None] = mapped_column()
    currency: Mapped[str | None] = mapped_column(String(3))  # the amount's ISO code; None: not said
    segment: Mapped[str | None] = mapped_column(String(100))  # which `required_when.segment` milestones it needs
    claimed_stage: Mapped[str | None] = mapped_column(String(100), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utc_now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Denormalized: the newest check, so a pipeline reads one check per deal.
    latest_check_id: Mapped[int | None] = mapped_column(
        ForeignKey("checks.id", use_alter=True, name="fk_deals_latest_check_id")
    )
    last_checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    latest_check: Mapped[Check | None] = relationship(foreign_keys=[latest_check_id], post_update=True)


class Check(Base):
    """One self-check of a deal: the answers, who gave them, under which process, and the verdict then.

    `checked_by_id` is the user who saved it; a check the buyer made through a confirmation
    link has `source` "buyer", no user, and `buyer_name`/`buyer_email`. The verdict columns are the
    assessment on the day of the check, valid for as-of dates in [valid_from, valid_until)
    under `process_sha256`: the pipeline reuses them instead of assessing again.
    """

    __tablename__ = "checks"
    __table_args__ = (Index("ix_checks_deal_id_id", "deal_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"))
    checked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utc_now)
    source: Mapped[str] = mapped_column(String(20))  # form, api, import, buyer
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    buyer_name: Mapped[str | None] = mapped_column(String(200))
    buyer_email: Mapped[str | None] = mapped_column(String(254))
    note: Mapped[str | None] = mapped_column(Text)
    process_version: Mapped[str | None] = mapped_column(String(100))
    process_sha256: Mapped[str] = mapped_column(String(64))
    claimed_stage: Mapped[str | None] = mapped_column(String(100))
    amount: Mapped[float | None] = mapped_column()
    currency: Mapped[str | None] = mapped_column(String(3))
    segment: Mapped[str | None] = mapped_column(String(100))
    answers: Mapped[dict[str, object]] = mapped_column(JSON)
    verified_stage: Mapped[str] = mapped_column(String(100))
    verified_index: Mapped[int] = mapped_column(Integer)
    # What holds the deal at its verified stage, "milestone-id:status milestone-id:status": plain text,
    # so a pipeline of many deals reads it without decoding JSON (most deals share a few values).
    blocking: Mapped[str] = mapped_column(Text)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date)
    # The milestones whose standing answer is the buyer's "yes", "id id ...": the pipeline's
    # buyer-confirmed share reads it without decoding the answers.
    buyer_confirmed: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The same for the buyer's "Not quite": the pipeline says how many buyer-confirmed deals have one.
    buyer_declined: Mapped[str] = mapped_column(Text, default="", server_default="")

    checked_by: Mapped[User | None] = relationship(foreign_keys=[checked_by_id])


class OutcomeEvent(Base):
    """A deal closed (won or lost) or reopened: appended, never changed, so reopening keeps history.

    The deal's current outcome is that of its latest event (highest id); a deal with no event is
    open. `outcome` is a sales_process.outcome.Outcome value: won, lost, or open for a reopening.
    """

    __tablename__ = "outcome_events"
    __table_args__ = (Index("ix_outcome_events_deal_id_id", "deal_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    closed_on: Mapped[dt.date | None] = mapped_column(Date)  # the close date (None for a reopening)
    amount: Mapped[float | None] = mapped_column()  # the final amount of a won deal
    currency: Mapped[str | None] = mapped_column(String(3))
    reason: Mapped[str | None] = mapped_column(Text)  # why it was lost, or why it was reopened
    source: Mapped[str] = mapped_column(String(20))  # form, api, import
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utc_now)

    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])


class DealChange(Base):
    """One change to a deal's details (its name, CRM id or owner): appended, never changed, so the deal page
    shows who renamed or moved a deal, and what it was before.

    `field` is name, crm_id or owner (an owner's email); `before` and `after` are the values as text (None: not
    set). `source` is form, api or import; `changed_by_id` is None for an import, which no user signs.
    """

    __tablename__ = "deal_changes"
    __table_args__ = (Index("ix_deal_changes_deal_id_id", "deal_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"))
    field: Mapped[str] = mapped_column(String(20))
    before: Mapped[str | None] = mapped_column(String(320))
    after: Mapped[str | None] = mapped_column(String(320))
    source: Mapped[str] = mapped_column(String(20))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utc_now)

    changed_by: Mapped[User | None] = relationship(foreign_keys=[changed_by_id])


class ConfirmationRequest(Base):
    """A link a rep sent a buyer to confirm some outcomes of a deal: only the token's sha256 is kept.

    What the buyer is shown (the selling company and each statement) is kept as it was sent,
    so a later edit of the process never changes what the buyer was asked. `state` is
    pending, confirmed, declined or revoked; a pending request past `expires_at` is expired.
    """

    __tablename__ = "confirmation_requests"
    __table_args__ = (Index("ix_confirmation_requests_deal_id_id", "deal_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id"))
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    company: Mapped[str] = mapped_column(String(200))
    statements: Mapped[list[dict[str, str]]] = mapped_column(JSON)  # [{"milestone_id", "text"}] as sent
    buyer_name: Mapped[str] = mapped_column(String(200))  # as the rep typed it
    buyer_email: Mapped[str] = mapped_column(String(254))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utc_now)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(20), default="pending")
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    answered_by: Mapped[str | None] = mapped_column(String(200))  # the name the buyer typed
    # [{"milestone_id", "agreed", "comment"}] as the buyer answered
    reply: Mapped[list[dict[str, object]] | None] = mapped_column(JSON)
    check_id: Mapped[int | None] = mapped_column(ForeignKey("checks.id"))  # the check the reply made

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])


class RequestHit(Base):
    """One request a rate limit counted, by the sha256 of its key (a client address is not kept)."""

    __tablename__ = "request_hits"
    __table_args__ = (Index("ix_request_hits_scope_key_at", "scope", "key_sha256", "hit_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(40))
    key_sha256: Mapped[str] = mapped_column(String(64))
    hit_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class IdempotencyKey(Base):
    """A write a client named with an Idempotency-Key, kept with the answer it got so a repeat gets that answer again.

    The row is inserted in the transaction that made the record; the unique (user, key)
    pair is what stops two workers that got the same key at once from recording twice.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of method, path and body
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class DigestDelivery(Base):
    """A weekly digest delivered to a user (`playbook digest --send`): the next one reports what changed since `sent_at`.

    `sent_at` is when the digest was made (what it reports ends there), not when the server took it.
    """

    __tablename__ = "digest_deliveries"
    __table_args__ = (Index("ix_digest_deliveries_user_id_sent_at", "user_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    as_of: Mapped[dt.date] = mapped_column(Date)  # the day whose evidence the digest judged


class TeamMember(Base):
    """A rep and the manager whose weekly digest covers them. A rep without one (or whose manager is disabled) is in
    every manager's digest, as every rep was before managers had teams."""

    __tablename__ = "team_members"

    rep_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    manager_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
