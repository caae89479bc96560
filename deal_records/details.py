"""A saved deal's details: rename it, change its CRM id, move it to another owner, each change kept.

Every door (the deal page's Details form, `PATCH /api/deals/<id>`, `playbook import` of a row
that names a saved deal) validates with `parse_details_change` and writes with `change_details`,
which appends one `DealChange` per field that changed. The deal's name is what a buyer reads on a
confirmation link, and its owner decides whose pipeline it is in: neither changes unsaid.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from deal_records.models import Deal, DealChange, User
from deal_records.people import find_user, normal_email
from deal_records.records import RecordError, deal_text, refuse_taken_crm_id
from sales_process.email_address import MAX_EMAIL
from sales_process.problems import InvalidInput, Problem
from sales_process.wording import object_with_keys

DETAIL_KEYS = ("name", "crm_id", "owner")
DETAIL_SOURCES = ("form", "api", "import")
_NOT_HERE = {
    **dict.fromkeys(("amount", "currency", "segment", "claimed_stage"), "it changes with the deal's next check"),
    "outcome": "a deal is closed won or lost with POST /api/deals/<id>/outcome",
    "milestones": "answers are saved as a check: POST /api/deals/<id>/checks",
}


@dataclass(frozen=True)
class DetailsChange:
    """A validated request to change a deal's details: each field None when not given (crm_id: `clear_crm_id`)."""

    name: str | None = None
    crm_id: str | None = None
    clear_crm_id: bool = False
    owner: str | None = None  # an email


def parse_details_change(data: object) -> DetailsChange:
    """Validate {name?, crm_id?, owner?} (crm_id null or blank: the deal has no CRM id); raise InvalidInput with
    every problem, and for an object naming none of them."""
    data, problems = object_with_keys(data, "a deal's details", DETAIL_KEYS, _NOT_HERE)
    if not problems and not any(key in data for key in DETAIL_KEYS):
        problems.append(Problem((), f"nothing to change: give one or more of {', '.join(DETAIL_KEYS)}"))
    name = deal_text(data, "name", problems, required="name" in data)
    crm_id = deal_text(data, "crm_id", problems)
    owner = deal_text(data, "owner", problems, required="owner" in data, limit=MAX_EMAIL)
    if problems:
        raise InvalidInput(problems)
    clear = "crm_id" in data and crm_id is None
    return DetailsChange(name, crm_id, clear, owner)


def may_change_details(user: User, deal: Deal) -> bool:
    """A deal's owner or a manager renames it and changes its CRM id; only a manager moves it to another owner."""
    return deal.owner_id == user.id or user.is_manager


def _new_owner(session: Session, caller: User, deal: Deal, email: str) -> User | None:
    """The user the deal moves to (None: it stays with its owner); RecordError when it cannot move there."""
    if normal_email(email) == deal.owner.email:
        return None
    if not caller.is_manager:
        raise RecordError("owner", "only a manager moves a deal to another owner; ask yours")
    found = find_user(session, email)
    if found is None or not found.active:
        raise RecordError("owner", f"no active user {normal_email(email)!r}; a deal's owner must be able to sign in")
    return found


def change_details(
    session: Session, caller: User | None, deal: Deal, change: DetailsChange, source: str
) -> list[DealChange]:
    """Apply the change and append a DealChange for each field whose value differs; [] when none does.

    `caller` is None for an import (which moves deals by the file's owner cells, checked by the import).
    RecordError's `loc` is "deal" when the caller may not change the deal (a rep's view of another's deal:
    the caller answers 404), "crm_id" for an id another deal has, "owner" for a move a rep asks for or to
    a user who cannot sign in.
    """
    if caller is not None and not may_change_details(caller, deal):
        raise RecordError("deal", "only the deal's owner or a manager changes its details")
    changed: list[tuple[str, str | None, str | None]] = []
    if change.name is not None and change.name != deal.name:
        changed.append(("name", deal.name, change.name))
        deal.name = change.name
    if (change.crm_id is not None or change.clear_crm_id) and change.crm_id != deal.crm_id:
        if change.crm_id is not None:
            refuse_taken_crm_id(session, change.crm_id, caller, other_than=deal.id)
        changed.append(("crm_id", deal.crm_id, change.crm_id))
        deal.crm_id = change.crm_id
    if change.owner is not None:
        owner = (
            _new_owner(session, caller, deal, change.owner) if caller is not None else find_user(session, change.owner)
        )
        if owner is not None and owner.id != deal.owner_id:
            changed.append(("owner", deal.owner.email, owner.email))
            deal.owner_id, deal.owner = owner.id, owner
    rows = [
        DealChange(
            deal_id=deal.id,
            field=field,
            before=before,
            after=after,
            source=source,
            changed_by_id=caller.id if caller is not None else None,
        )
        for field, before, after in changed
    ]
    session.add_all(rows)
    session.flush()
    return rows


def moved_from(session: Session, user: User, deal_id: int) -> DealChange | None:
    """The deal's latest move to another owner when it was away from `user` (they owned it until then), else None:
    what the page they can no longer open may tell them, who knew the deal already."""
    query = (
        select(DealChange)
        .where(DealChange.deal_id == deal_id, DealChange.field == "owner")
        .order_by(DealChange.id.desc())
        .limit(1)
    )
    latest = session.scalar(query)
    return latest if latest is not None and latest.before == user.email else None


def deal_changes(session: Session, deal_id: int) -> list[DealChange]:
    """The deal's renamings, CRM id changes and owner moves, oldest first."""
    query = (
        select(DealChange)
        .options(joinedload(DealChange.changed_by))
        .where(DealChange.deal_id == deal_id)
        .order_by(DealChange.id)
    )
    return list(session.scalars(query))
