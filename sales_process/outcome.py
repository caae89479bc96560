"""A deal's outcome: still open (pipeline), or closed as won, lost or disqualified.

Only open deals are pipeline: they are assessed and weighted. Closed deals are outcomes, counted
apart (how many, for how much) and, in a backtest, the ground truth a stage's probability is
measured against. How a CRM export's row gets its outcome (a status column, the stage mapped to
the last stage, the lost stages) is decided here too, so every door reads it alike.

The rule, first that answers wins:

0. Salesforce's IsDeleted saying yes: a deleted deal (in the recycle bin, which Data Loader's Export All
   exports) is out of the pipeline without a decision, disqualified whatever else the row says;
1. the status column's value (`crm.status_values`, else the words CRMs write: Won, Lost, Open …);
2. a closed or won flag holding a status rather than yes or no (Odoo's Is Won: Won, Lost, Pending),
   read as the status column's value is;
3. Salesforce's IsClosed/IsWon pair (IsClosed false: open; true: IsWon says won or lost); without an
   IsClosed cell, Odoo's Active false says closed (Odoo archives the deals it marks lost), true says nothing;
4. the CRM stage: `crm.lost_stages` and any stage named with a lost word (LOST_WORDS, in every
   language the vocabulary knows) are lost; the stage mapped to the process's last stage, or named
   with a won word (Won, Deal won, closedwon …), is won; a stage named with a disqualification word
   (Unqualified, Duplicate …) is disqualified;
5. otherwise the deal is open, unless IsClosed says it is closed (without IsWon) at one of the
   process's stages: a won deal is at the last, so it was lost. At a stage the process does not
   know it stays open, so the audit asks for the stage (crm.stage_names, crm.lost_stages) rather
   than guess whether a CRM's own name ("Analyze failure", "Paid") means won or lost.

OutcomeRule holds the rule's data (every name compared by vocabulary.name_key), so the SQL
verdict can write the same rule from the same sets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from sales_process.crm_names import FLAG_WORDS, IS_CLOSED, STATUS_FLAGS
from sales_process.model import Process
from sales_process.vocabulary import LOST_WORDS, YES_NO_HINT, looks_lost, name_key, parse_yes_no, shown


class Outcome(StrEnum):
    """Where a deal stands: open, or how it closed."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"
    DISQUALIFIED = "disqualified"  # closed without a decision: unqualified, duplicate, disqualified

    @property
    def is_closed(self) -> bool:
        """Whether the deal is an outcome rather than pipeline."""
        return self is not Outcome.OPEN


CLOSED_OUTCOMES: tuple[Outcome, ...] = (Outcome.WON, Outcome.LOST, Outcome.DISQUALIFIED)

# The words a stage or status is named with when the deal closed without a decision
# (Dynamics' "Disqualified" lead, HubSpot's "Unqualified", Salesforce's "Duplicate" …), in the vocabulary's languages.
DISQUALIFIED_WORDS = frozenset(
    {
        "unqualified",
        "disqualified",
        "duplicate",
        "junk",
        "spam",
        "disqualifiziert",
        "duplikat",
        "disqualifié",
        "disqualifiee",
        "disqualifiée",
        "doublon",
        "descalificado",
        "duplicado",
        "squalificato",
        "duplicato",
        "desqualificado",
        "gediskwalificeerd",
    }
)

# What a status column says when process.yaml does not list its values (crm.status_values):
# Dynamics 365 (Status and Status Reason), Pipedrive (open/won/lost, and deleted: a deal taken out of the
# pipeline without a decision), Copper and Insightly (abandoned: dropped without a decision; Insightly's
# suspended: on hold), Salesforce's Won/Lost labels.
DEFAULT_STATUS_VALUES: Mapping[str, Outcome] = {
    **dict.fromkeys(("deleted", "abandoned"), Outcome.DISQUALIFIED),
    **dict.fromkeys(("open", "active", "in progress", "on hold", "pending", "suspended"), Outcome.OPEN),
    # Open in the languages whose won and lost words are read (a Pipedrive export in German: Offen, Gewonnen, Verloren).
    **dict.fromkeys(
        (
            *("offen", "ouvert", "ouverte", "en cours", "abierto", "abierta", "en curso"),
            *("aperto", "aperta", "in corso", "aberto", "aberta", "em andamento"),
        ),
        Outcome.OPEN,
    ),
    **dict.fromkeys(
        ("won", "closed won", "closedwon", "win", "gewonnen", "gagné", "gagne", "ganado", "vinto", "ganho"), Outcome.WON
    ),
    **dict.fromkeys(
        ("lost", "closed lost", "closedlost", "canceled", "cancelled", "out-sold", "outsold", *LOST_WORDS),
        Outcome.LOST,
    ),
    **dict.fromkeys(DISQUALIFIED_WORDS, Outcome.DISQUALIFIED),
}


# A few of the built-in status words per outcome, for messages: the whole list is long (every language's), so a
# message names these and where every one is (STATUS_WORDS_PAGE).
STATUS_EXAMPLES: Mapping[Outcome, tuple[str, ...]] = {
    Outcome.OPEN: ("open", "in progress", "on hold"),
    Outcome.WON: ("won", "closed won"),
    Outcome.LOST: ("lost", "closed lost", "canceled"),
    Outcome.DISQUALIFIED: ("disqualified", "duplicate", "abandoned"),
}
STATUS_WORDS_PAGE = "docs/revops/real-exports.md, Closed deals are outcomes"


def _words(name: str) -> list[str]:
    return re.split(r"[\W_]+", name_key(name))


# The words CRMs name a won deal's stage with, when it is not mapped to the last stage: the sample dataset's
# "Won", Bitrix24's "Deal won", HubSpot's "closedwon", in the vocabulary's languages.
WON_WORDS = frozenset({"won", "closedwon", "gewonnen", "gagné", "gagne", "ganado", "vinto", "ganho"})


def stage_looks_won(name: str) -> bool:
    """Whether a CRM stage's name marks a won deal: one of its words is WON_WORDS'."""
    return any(word in WON_WORDS for word in _words(name))


def stage_looks_disqualified(name: str) -> bool:
    """Whether a CRM stage's name marks a deal closed without a decision: one of its words is DISQUALIFIED_WORDS'."""
    return any(word in DISQUALIFIED_WORDS for word in _words(name))


STAGES_KEPT = 1024  # stage names whose outcome is remembered; a file of garbage stage names stays bounded


@dataclass(frozen=True)
class OutcomeRule:
    """How one process reads a CRM row's outcome; build it with `outcome_rule`."""

    won_stage_id: str  # the process's last stage: a deal claimed there has been won
    status_values: Mapping[str, Outcome]  # name_key(status value) -> outcome
    lost_stages: frozenset[str]  # name_key of each CRM stage name that means lost (crm.lost_stages)
    listed_status_values: bool = False  # True when process.yaml lists the values: no others are read
    # An export names a handful of stages on thousands of rows: each is read by its words once.
    _by_stage: dict[tuple[str, str | None], Outcome] = field(default_factory=dict, compare=False, repr=False)

    def status_outcome(self, value: str) -> Outcome | None:
        """The outcome a status cell names; None when blank; ValueError naming the values read otherwise."""
        if not value.strip():
            return None
        outcome = self.status_values.get(name_key(value))
        if outcome is None:
            where = (
                "add it to crm.status_values, which lists every status read (it replaces the built-in words)"
                if self.listed_status_values
                else "list it under crm.status_values"
            )
            raise ValueError(
                f"status {shown(value.strip())} is not a status the audit knows ({self._known_values()}); "
                f"{where} (won, lost, open or disqualified)"
            )
        return outcome

    def flag_reading(self, value: str, flag: str = IS_CLOSED) -> bool | Outcome | None:
        """A flag's cell (crm_names.FLAG_FIELDS): yes or no, or the flag's own words (FLAG_WORDS: Active's
        active, inactive, archived), or for a closed or won flag a status as Odoo's Is Won holds one (Won, Lost,
        Pending); None when blank; ValueError saying what is read otherwise."""
        try:
            return parse_yes_no(value)
        except ValueError:
            word = FLAG_WORDS.get(flag, {}).get(name_key(value))
            if word is not None:
                return word
            if flag not in STATUS_FLAGS:
                words = ", ".join(FLAG_WORDS.get(flag, {}))
                raise ValueError(
                    f"{shown(value.strip())} is not yes or no{f' ({words})' if words else ''}; {YES_NO_HINT}"
                ) from None
            outcome = self.status_values.get(name_key(value))
            if outcome is None:
                raise ValueError(
                    f"{shown(value.strip())} is not yes or no, nor a status the audit knows "
                    f"({self._known_values()}); {YES_NO_HINT}"
                ) from None
            return outcome

    def _known_values(self) -> str:
        """The status values read, by the outcome each means: "won: gagné, true; lost: perdu; open: en cours", the
        list of crm.status_values; of the built-in words, a few per outcome and where every one is listed."""
        if not self.listed_status_values:
            examples = "; ".join(f"{outcome}: {', '.join(words)}" for outcome, words in STATUS_EXAMPLES.items())
            return f"e.g. {examples}; every word, in each language: {STATUS_WORDS_PAGE}"
        by_outcome: dict[Outcome, list[str]] = {}
        for value, outcome in sorted(self.status_values.items()):
            by_outcome.setdefault(outcome, []).append(value)
        return "; ".join(f"{outcome}: {', '.join(by_outcome[outcome])}" for outcome in Outcome if outcome in by_outcome)

    def stage_outcome(self, stage_name: str, stage_id: str | None) -> Outcome:
        """The outcome a CRM stage says: won at the last stage, lost or disqualified by its name, else open."""
        key = (stage_name, stage_id)
        outcome = self._by_stage.get(key)
        if outcome is None:
            outcome = self._read_stage(stage_name, stage_id)
            if len(self._by_stage) < STAGES_KEPT:
                self._by_stage[key] = outcome
        return outcome

    def _read_stage(self, stage_name: str, stage_id: str | None) -> Outcome:
        if name_key(stage_name) in self.lost_stages:  # crm.lost_stages: lost, or disqualified by its name
            return Outcome.DISQUALIFIED if stage_looks_disqualified(stage_name) else Outcome.LOST
        if looks_lost(stage_name):
            return Outcome.LOST
        if stage_id == self.won_stage_id or stage_looks_won(stage_name):
            return Outcome.WON
        if stage_looks_disqualified(stage_name):
            return Outcome.DISQUALIFIED
        return Outcome.OPEN

    def outcome(
        self,
        *,
        status: str = "",
        is_closed: bool | Outcome | None = None,
        is_won: bool | Outcome | None = None,
        stage_name: str = "",
        stage_id: str | None = None,
        is_active: bool | Outcome | None = None,
        is_deleted: bool | Outcome | None = None,
    ) -> Outcome:
        """The row's outcome by the rule, first that answers wins: IsDeleted, status, a flag holding a status
        (flag_reading), IsClosed (or Active, closed_flag) and IsWon, stage.

        Raise ValueError for a status value that is not known.
        """
        told = self.told_outcome(
            status=status, is_closed=is_closed, is_won=is_won, is_active=is_active, is_deleted=is_deleted
        )
        if told is not None:
            return told
        return self.outcome_by_stage(stage_name, stage_id, closed_flag(is_closed, is_active))

    def outcome_by_stage(self, stage_name: str, stage_id: str | None, closed: bool | None = None) -> Outcome:
        """The outcome the stage tells where the status and flags do not (told_outcome); `closed`: what the flags
        say of it (closed_flag)."""
        by_stage = self.stage_outcome(stage_name, stage_id)
        # Closed at one of the process's stages but the last: not pipeline, and not won either.
        return Outcome.LOST if by_stage is Outcome.OPEN and closed is True and stage_id is not None else by_stage

    def told_outcome(
        self,
        *,
        status: str = "",
        is_closed: bool | Outcome | None = None,
        is_won: bool | Outcome | None = None,
        is_active: bool | Outcome | None = None,
        is_deleted: bool | Outcome | None = None,
    ) -> Outcome | None:
        """The outcome the row's status and flags tell, read as `outcome` reads them; None when they leave it to the
        stage. Raise ValueError for a status value that is not known."""
        by_status = self.status_outcome(status)
        if is_deleted is True:
            return Outcome.DISQUALIFIED
        if by_status is not None:
            return by_status
        for flag in (is_closed, is_won, is_active, is_deleted):
            if isinstance(flag, Outcome):
                return flag
        return closed_won_outcome(closed_flag(is_closed, is_active), is_won if isinstance(is_won, bool) else None)


def closed_flag(is_closed: bool | Outcome | None, is_active: bool | Outcome | None) -> bool | None:
    """Whether the flags say the deal is closed: IsClosed's yes or no, else closed when Active says no
    (an archived deal is out of the pipeline); None when they do not tell."""
    if isinstance(is_closed, bool):
        return is_closed
    return True if is_active is False else None


def closed_won_outcome(is_closed: bool | None, is_won: bool | None) -> Outcome | None:
    """Salesforce's IsClosed/IsWon pair read as an outcome; None when they do not tell.

    IsClosed false is open; IsClosed true is won or lost by IsWon; IsWon true alone is won
    (a won deal is closed); IsWon false alone could be open or lost, so the stage decides.
    """
    if is_closed is False:
        return Outcome.OPEN
    if is_won is True:
        return Outcome.WON
    if is_closed is True:
        return Outcome.LOST if is_won is False else None
    return None


def outcome_rule(
    last_stage_id: str,
    status_values: Mapping[str, Iterable[str]] | None = None,
    lost_stages: Iterable[str] = (),
) -> OutcomeRule:
    """The rule for a process whose last stage is `last_stage_id`, with crm.status_values and crm.lost_stages.

    `status_values` maps an outcome's name (won, lost, open, disqualified) to the status column's values
    for it; when given, only those values are read (a value the CRM writes differently is never guessed).
    """
    if status_values:
        values = {name_key(value): Outcome(outcome) for outcome, listed in status_values.items() for value in listed}
        listed = True
    else:
        values, listed = dict(DEFAULT_STATUS_VALUES), False
    return OutcomeRule(last_stage_id, values, frozenset(name_key(name) for name in lost_stages), listed)


def process_outcome_rule(process: Process) -> OutcomeRule:
    """The outcome rule of a process and its `crm:` block (crm.status_values, crm.lost_stages)."""
    crm = process.crm
    values = crm.status_values.model_dump() if crm and crm.status_values else None
    return outcome_rule(process.stages[-1].id, values, crm.lost_stages if crm else ())
