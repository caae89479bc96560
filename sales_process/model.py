"""The process.yaml format: one pydantic definition for validation, JSON Schema and docs.

Structure and value rules live on the fields (so they reach the JSON Schema);
rules that span several stages or milestones live in :mod:`sales_process.rules`.
"""

from __future__ import annotations

import codecs
import datetime as dt
from collections.abc import Sequence
from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)

from sales_process.crm_names import STAGE_FIELD_NAMES
from sales_process.email_address import email_problem
from sales_process.text import isolated
from sales_process.vocabulary import StageLookup, parse_money
from sales_process.wording import quoted

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
# A well-formed BCP 47 language tag: language, then optional script, region and variants (de, de-CH, zh-Hant-TW).
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$"
DEFAULT_LANGUAGE = "en"


def _number_as_text(value: object) -> object:
    """Keep `version: 2.1` as the text "2.1" instead of refusing it."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _empty_as_none_given(value: object) -> object:
    """An empty `pitfalls:` in YAML is null: read it as the empty list it means."""
    return [] if value is None else value


def _empty_mapping_given(value: object) -> object:
    """An empty mapping in YAML (`milestones:` in a practice deal, `stage_names:` with only comments) is null: read it as empty."""
    return {} if value is None else value


def _optional_list(item: Any) -> BeforeValidator:
    """A list that may also be left empty (null); the schema still describes its items."""
    return BeforeValidator(_empty_as_none_given, json_schema_input_type=list[item] | None)


Slug = Annotated[StrictStr, Field(pattern=SLUG_PATTERN)]
# Text that says something: not empty, and not only spaces (a heading "(80%)", a checkbox with no label).
BLANK_TEXT_PATTERN = r"\S"
NonEmptyText = Annotated[StrictStr, Field(min_length=1, pattern=BLANK_TEXT_PATTERN)]
Confirmation = Literal["required", "optional"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _segments_as_text(value: object) -> object:
    """`segment: Enterprise` is short for `segment: [Enterprise]`."""
    return [value] if isinstance(value, str) else value


# The validation context of a `required_when` written as one mapping, not an item of a list: its fix differs.
_ALONE = {"required_when": "mapping"}


class RequiredWhen(_Strict):
    """One condition on the deals a milestone is required of; all of the keys given must hold. A milestone's
    `required_when` is one such condition, or a list of them of which any one must hold (see Milestone).

    A deal whose amount is unknown is treated as meeting the amount conditions, and a deal
    without a segment as in every segment: the milestone is then required (the conservative reading).
    """

    amount_at_least: Annotated[StrictFloat, Field(ge=0)] | None = Field(
        default=None,
        description="Required of deals whose amount is at least this, e.g. `25000`; amounts are compared as "
        "numbers, in the currency the deals are written in. A deal whose amount is unknown is treated as "
        "meeting it (the milestone is required).",
    )
    amount_below: Annotated[StrictFloat, Field(gt=0)] | None = Field(
        default=None,
        description="Required of deals whose amount is below this, e.g. `100000`. A deal whose amount is "
        "unknown is treated as meeting it (the milestone is required).",
    )
    segment: (
        Annotated[
            list[NonEmptyText],
            Field(min_length=1),
            BeforeValidator(_segments_as_text, json_schema_input_type=list[NonEmptyText] | NonEmptyText),
        ]
        | None
    ) = Field(
        default=None,
        description="Required of deals in one of these segments, e.g. `[Enterprise, Mid-Market]` (compared "
        "ignoring case and surrounding spaces). A deal without a segment is treated as in every segment "
        "(the milestone is required).",
    )

    @model_validator(mode="after")
    def _one_condition_at_least(self, info: ValidationInfo) -> RequiredWhen:
        if self.amount_at_least is None and self.amount_below is None and self.segment is None:
            if info.context == _ALONE:
                raise ValueError(
                    "a condition is needed: amount_at_least, amount_below or segment "
                    "(e.g. 'required_when: {amount_at_least: 25000}'); or remove 'required_when' to require the "
                    "milestone of every deal"
                )
            raise ValueError(
                "a condition is needed: amount_at_least, amount_below or segment (e.g. '- amount_at_least: 25000'); "
                "or remove the item"
            )
        if (
            self.amount_at_least is not None
            and self.amount_below is not None
            and self.amount_at_least >= self.amount_below
        ):
            raise ValueError(
                f"no amount is at least {self.amount_at_least:g} and below {self.amount_below:g}; "
                "make amount_at_least lower than amount_below"
            )
        return self

    def holds(self, amount: float | None, segment: str | None) -> bool:
        """Whether a deal with this amount and segment must meet the milestone (unknown values: it must)."""
        if amount is not None:
            if self.amount_at_least is not None and amount < self.amount_at_least:
                return False
            if self.amount_below is not None and amount >= self.amount_below:
                return False
        return self.segment is None or segment is None or segment_key(segment) in self.segment_keys

    @cached_property
    def segment_keys(self) -> frozenset[str]:
        """The segments as compared: trimmed and lower-cased."""
        return frozenset(segment_key(value) for value in self.segment or ())


def _conditions(value: Any, handler: ValidatorFunctionWrapHandler) -> tuple[RequiredWhen, ...]:
    """`required_when` is one condition (a mapping) or alternatives (a list of them): read as alternatives, one
    condition as a list of one. Each shape is validated alone, so a mistake is told at its place, never as the
    other shape's ("Input should be a valid list")."""
    if not isinstance(value, list | tuple):
        return (RequiredWhen.model_validate(value, context=_ALONE),)
    if not value:
        raise ValueError(
            "the list has no condition; write one per '- ' item (e.g. '- amount_at_least: 50000'), any one of "
            "which requires the milestone; or remove 'required_when' to require the milestone of every deal"
        )
    conditions: tuple[RequiredWhen, ...] = handler(value)
    return conditions


Conditions = Annotated[
    tuple[RequiredWhen, ...],
    WrapValidator(
        _conditions, json_schema_input_type=RequiredWhen | Annotated[list[RequiredWhen], Field(min_length=1)]
    ),
]


def segment_key(segment: str) -> str:
    """A segment as compared with a milestone's `required_when.segment`: trimmed and lower-cased."""
    return segment.strip().lower()


class Milestone(_Strict):
    """A Customer Verifiable Outcome: something the customer did, that can be documented."""

    # Editors that read the schema flag a required confirmation without a statement too.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"confirmation": {"const": "required"}}, "required": ["confirmation"]},
            "then": {"required": ["buyer_statement"]},
        }
    )

    # A required key's description starts with what to write (up to ': ', '; ', ', e.g.' or '. ') and its example
    # is one value: `playbook validate` gives both for a missing key ("add 'evidence:' with the document …").
    id: Slug = Field(
        description="The milestone's unique id across the whole file, a slug such as "
        "`pricing-agreeable`. Used in links, the form and CSV columns.",
        examples=["pricing-agreeable"],
    )
    question: NonEmptyText = Field(
        description='What the rep is asked, e.g. "Has the buyer accepted the price range in principle?"',
        examples=["Has the buyer accepted the price range in principle?"],
    )
    customer_action: NonEmptyText = Field(
        description="What the customer does or says that proves the outcome.",
        examples=["The budget owner says the price range fits their budget."],
    )
    evidence: NonEmptyText = Field(
        description="The document or record that proves it: an email, a signed document, "
        "an accepted calendar invitation, call notes…",
        examples=["The buyer's reply email"],
    )
    evidence_required: StrictBool = Field(
        default=True,
        description='Whether a "yes" counts only when the rep names the evidence.',
    )
    max_age_days: StrictInt | None = Field(
        default=None,
        gt=0,
        description="If set, the outcome must be dated and no older than this many days.",
    )
    guidance: StrictStr | None = Field(
        default=None, description="Markdown: how a rep gets the customer to this outcome."
    )
    buyer_statement: NonEmptyText | None = Field(
        default=None,
        description='The outcome as the buyer confirms it, in the first person: "We have agreed that '
        'a proposal is the next step." The rep can send it to the buyer through a confirmation link.',
    )
    confirmation: Confirmation = Field(
        default="optional",
        description="Whether the buyer's own confirmation is needed, not whether the milestone is (for a "
        "milestone that is not required, see `required: false`). `required`: the milestone counts as verified "
        "only once the buyer has confirmed `buyer_statement` through a confirmation link (until then its status "
        "is `awaiting_buyer`); `optional` (the default): the buyer may confirm it, and the rep's answer with its "
        "evidence is enough.",
    )

    required: StrictBool = Field(
        default=True,
        description="`false`: the milestone helps, but is not required: it is shown, asked and recorded, and "
        "never holds a deal in its stage.",
    )
    required_when: Conditions | None = Field(
        default=None,
        description="Required only of some deals: `{amount_at_least: 25000}`, `{amount_below: 25000}`, "
        "`{segment: [Enterprise]}` (all the conditions given must hold), or a list of such conditions of which "
        "any one must hold, e.g. `[{amount_at_least: 50000}, {segment: [Enterprise]}]`. For other deals the milestone is "
        "shown as not required for this deal and never holds them back. A deal whose amount is unknown "
        "meets the amount conditions, and one without a segment is in every segment: the milestone is required.",
    )
    group: Slug | None = Field(
        default=None,
        description="Alternatives: milestones of one stage with the same `group` (a slug such as "
        "`product-proof`) are one requirement, met by any one of them verified. A group needs at least two "
        "members, all in one stage, with the same `required_when` (or none), and none of them with "
        "`required: false`. Milestones without a group are each required.",
    )

    renamed_from: Annotated[list[Slug], _optional_list(Slug)] = Field(
        default_factory=list,
        description="Ids this milestone had before, e.g. `[pricing-discussed]`: answers saved under an old id "
        "count as answers to this milestone, so renaming an id never loses a saved deal's evidence.",
    )

    @property
    def buyer_confirms(self) -> bool:
        """Whether the milestone counts only once the buyer has confirmed it."""
        return self.confirmation == "required"


class Stage(_Strict):
    """One stage of the pipeline, left once every milestone it requires of the deal is verified: a milestone
    with required: false never holds a deal, nor one whose required_when the deal does not meet, and one
    verified alternative of a group is enough."""

    id: Slug = Field(description="The stage's unique id, a slug such as `demonstrating`.", examples=["demonstrating"])
    renamed_from: Annotated[list[Slug], _optional_list(Slug)] = Field(
        default_factory=list,
        description="Ids this stage had before, e.g. `[demo]`: saved deals and CRM exports that name an old id "
        "are read as this stage, so renaming an id never orphans a saved deal.",
    )
    name: NonEmptyText = Field(description="The stage's name as reps and the CRM know it.", examples=["Demonstrating"])
    probability: StrictInt = Field(
        ge=0,
        le=100,
        description="The win probability in percent (0–100) of a deal verified in this stage; "
        "never lower than the previous stage's.",
        examples=[40],
    )
    summary: StrictStr | None = Field(default=None, description="One line: what this stage is.")
    description: StrictStr | None = Field(default=None, description="Markdown: the stage in detail.")
    rep_activities: Annotated[list[NonEmptyText], _optional_list(NonEmptyText)] = Field(
        default_factory=list, description="What the rep does in this stage."
    )
    pitfalls: Annotated[list[NonEmptyText], _optional_list(NonEmptyText)] = Field(
        default_factory=list,
        description="The traps of this stage, shown under Pitfalls: what reps take for progress "
        '("happy ears") and what they get wrong.',
    )
    milestones: Annotated[list[Milestone], _optional_list(Milestone)] = Field(
        default_factory=list,
        description="The outcomes that must ALL be verified for a deal to leave this stage (except those "
        "with `required: false`, those whose `required_when` the deal does not meet, and alternatives of one "
        "`group`, of which one is enough). Required (at least one) on every stage but the last; the last stage has none.",
    )

    @cached_property
    def all_required(self) -> bool:
        """Whether every milestone gates every deal alone (no `required: false`, `required_when` or `group`)."""
        return all(m.required and m.required_when is None and m.group is None for m in self.milestones)

    @property
    def label(self) -> str:
        """The stage as a menu or a list of choices names it, with its probability: "Demonstrating (40%)", the name
        isolated when written right to left, so the probability stays after it."""
        return f"{isolated(self.name)} ({self.probability}%)"


def _column_only(value: object) -> object:
    """`pricing-agreeable: Pricing Agreeable` is short for `{met: Pricing Agreeable}`."""
    return {"met": value} if isinstance(value, str) else value


class CrmColumns(_Strict):
    """The CRM's column name for each deal field the audit reads."""

    deal: NonEmptyText | None = Field(
        default=None, description="The deal's name, e.g. `Opportunity Name` or `Deal Name`."
    )
    crm_id: NonEmptyText | None = Field(
        default=None,
        description="The CRM's record id, e.g. `Opportunity ID`; copied to audit.csv to find the deal again.",
    )
    stage: NonEmptyText | None = Field(
        default=None, description="The stage the CRM claims, e.g. `Stage` or `Deal Stage`."
    )
    amount: NonEmptyText | None = Field(default=None, description="The deal's amount, e.g. `Amount`.")
    currency: NonEmptyText | None = Field(
        default=None,
        description="The amount's currency code, e.g. `Opportunity Currency`, when the CRM writes it apart.",
    )
    owner: NonEmptyText | None = Field(default=None, description="The rep who owns the deal, e.g. `Opportunity Owner`.")
    segment: NonEmptyText | None = Field(
        default=None,
        description="The deal's segment, e.g. `Segment` or `Sales Segment`: which milestones with "
        "`required_when.segment` the deal needs (a blank cell: the deal is taken as in every segment).",
    )
    status: NonEmptyText | None = Field(
        default=None,
        description="The column that says whether the deal is open, won or lost, apart from its stage, "
        "e.g. Dynamics 365's `Status` (its values: crm.status_values).",
    )
    close_date: NonEmptyText | None = Field(
        default=None,
        description="The date the deal closed or is expected to close, e.g. `Close Date`; closed deals are "
        "counted within --from/--to on it.",
    )
    lost_date: NonEmptyText | None = Field(
        default=None,
        description="The date a lost deal was lost, where the CRM keeps it in a column of its own, e.g. Close's "
        "`date_lost` beside `date_won`: read as the close date where the close date's cell is blank.",
    )
    is_closed: NonEmptyText | None = Field(
        default=None,
        description="Yes or no: whether the deal is closed, e.g. Salesforce's `IsClosed` (found by its standard "
        "names without this); a closed deal at one of the process's stages but the last is lost.",
    )
    is_won: NonEmptyText | None = Field(
        default=None,
        description="Yes or no: whether the deal was won, e.g. Salesforce's `IsWon`; or a status, as Odoo's "
        "`Is Won` holds one (Won, Lost, Pending).",
    )
    is_active: NonEmptyText | None = Field(
        default=None,
        description="Yes or no: whether the deal is active, e.g. Odoo's `Active`; no (archived) is closed "
        "where no closed column says otherwise.",
    )
    is_deleted: NonEmptyText | None = Field(
        default=None,
        description="Yes or no: whether the deal was deleted, e.g. Salesforce's `IsDeleted` in Data Loader's "
        "Export All; yes is disqualified, whatever else the row says.",
    )
    pipeline: NonEmptyText | None = Field(
        default=None,
        description="The deal's pipeline, e.g. HubSpot's `Pipeline` (found by its standard names without this): "
        "with `crm.pipelines` only the deals of the pipelines listed are read; without, an export of several "
        "is warned.",
    )


class CrmHistory(_Strict):
    """The column names of the CRM's stage-history report (one row per deal and stage change, or a field-history
    report of every field's changes), for `playbook backtest`."""

    deal: NonEmptyText = Field(
        default="deal",
        description="The deal the row is about: the export's CRM id, or its name when the export has no id, "
        "e.g. `Opportunity ID`.",
    )
    stage: NonEmptyText = Field(
        default="stage",
        description="The stage the deal moved to, e.g. `To Stage` (in a field-history report, the new value: "
        "`New Value`).",
    )
    date: NonEmptyText = Field(default="date", description="The day it moved, e.g. `Last Modified`.")
    from_stage: NonEmptyText | None = Field(
        default=None,
        description="The stage the deal moved from, e.g. `Previous Stage`: it orders one day's changes when the "
        "history gives no time (default: found by its standard names, such as Salesforce's `From Stage`, or a "
        "field-history report's `Old Value`).",
    )
    field: NonEmptyText | None = Field(
        default=None,
        description="In a field-history report (one row per change of any field, such as Salesforce's "
        "Opportunity Field History), the column naming the field that changed, e.g. `Field / Event`: only "
        "the rows of stage changes are read (default: found by its standard names when the report has one).",
    )
    stage_field: NonEmptyText | None = Field(
        default=None,
        description="The name the `field` column gives a stage change, e.g. `Stage` (default: "
        + ", ".join(f"`{name}`" for name in STAGE_FIELD_NAMES)
        + ").",
    )


class CrmMilestone(_Strict):
    """The CRM fields that hold one milestone: a yes/no field, and optionally its evidence, its date and the buyer who confirmed it."""

    met: NonEmptyText = Field(
        description="The CRM's yes/no (checkbox) field: has the customer done it?", examples=["Pricing Agreeable"]
    )
    evidence: NonEmptyText | None = Field(default=None, description="The text field naming the evidence.")
    date: NonEmptyText | None = Field(default=None, description="The date field: when the customer did it.")
    confirmed_by: NonEmptyText | None = Field(
        default=None,
        description="The field naming the buyer who confirmed the outcome through a confirmation link, as "
        "`Name <email>` (`playbook deals export` writes it; only for a milestone with a `buyer_statement`).",
    )


def _scalars_as_text(value: object) -> object:
    """YAML reads `won: [true, 1]` as a boolean and a number; a CRM's cell is text, so keep them as typed."""
    if isinstance(value, list):
        return [
            str(item).lower() if isinstance(item, bool) else str(item) if isinstance(item, (int, float)) else item
            for item in value
        ]
    return value


StatusList = Annotated[
    list[NonEmptyText], BeforeValidator(_scalars_as_text, json_schema_input_type=list[str | bool | int] | None)
]


class StatusValues(_Strict):
    """The values of the CRM's status column for each outcome; only the values listed are read."""

    won: StatusList = Field(default_factory=list, description='Values that mean won, e.g. `[Won, "true"]`.')
    lost: StatusList = Field(
        default_factory=list, description="Values that mean lost, e.g. `[Lost, Canceled, Out-Sold]`."
    )
    open: StatusList = Field(
        default_factory=list, description="Values that mean the deal is still open, e.g. `[Open, In Progress]`."
    )
    disqualified: StatusList = Field(
        default_factory=list,
        description="Values that mean closed without a decision, e.g. `[Disqualified, Duplicate]`.",
    )


def _known_encoding(value: object) -> object:
    """An encoding Python can read, e.g. `cp1251`, `windows-1252`, `latin-1`, `utf-16`."""
    if isinstance(value, str):
        try:
            codecs.lookup(value)
        except (LookupError, ValueError):  # ValueError: a name with a NUL character
            raise ValueError(
                f"{quoted(value)} is not an encoding; write one such as utf-8, utf-16, cp1251, windows-1252 or latin-1"
            ) from None
    return value


def _owner_ids_as_text(value: object) -> object:
    """HubSpot's owner ids are numbers, which YAML reads as integers: keep them as the text the export holds."""
    if isinstance(value, dict):
        return {
            str(key) if isinstance(key, int) and not isinstance(key, bool) else key: item for key, item in value.items()
        }
    return value if value is not None else {}


OWNER_EMAIL_EXAMPLE = "ana@example.com"


def _user_email(value: object) -> object:
    """A user's email address as the one rule for an address reads it (the import lower-cases it and makes a
    user of it): 'ana-lopez' or 'Ana Lopez' is refused with an address to write instead."""
    if isinstance(value, str) and (problem := email_problem(value, like=OWNER_EMAIL_EXAMPLE)) is not None:
        raise ValueError(problem)
    return value


Email = Annotated[
    StrictStr,
    BeforeValidator(_user_email),
    Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]


class Crm(_Strict):
    """How your CRM's export names deals, stages and milestones, so the pipeline audit reads it without renaming a column."""

    name: NonEmptyText | None = Field(
        default=None, description="The CRM's name, e.g. `Salesforce`; shown in messages and the audit report."
    )
    columns: CrmColumns = Field(
        default_factory=CrmColumns,
        description="The CRM's column name for each deal field (`deal`, `crm_id`, `stage`, `amount`, `currency`, `owner`, "
        "`segment`, `status`, `close_date`); the standard names of Salesforce, HubSpot, Dynamics 365 and Pipedrive are read without it.",
    )
    stage_names: Annotated[
        dict[NonEmptyText, Slug],
        BeforeValidator(_empty_mapping_given, json_schema_input_type=dict[NonEmptyText, Slug] | None),
    ] = Field(
        default_factory=dict,
        description="The CRM's stage names that differ from the stages' own names, each mapped to a stage id, "
        "e.g. `Proposal/Price Quote: proposing`.",
    )
    milestones: Annotated[
        dict[Slug, Annotated[CrmMilestone, BeforeValidator(_column_only, json_schema_input_type=str | CrmMilestone)]],
        BeforeValidator(_empty_mapping_given),
    ] = Field(
        default_factory=dict,
        description="Milestone id → the CRM fields that hold it: `{met: …, evidence: …, date: …}`, "
        "or just the yes/no field's name.",
    )
    ignore_columns: Annotated[list[NonEmptyText], _optional_list(NonEmptyText)] = Field(
        default_factory=list, description="CRM columns the audit leaves out (e.g. `Close Date`, `Next Step`)."
    )
    dates: Literal["day-first", "month-first"] | None = Field(
        default=None,
        description="How the export writes dates such as 03/04/2027: `day-first` or `month-first` "
        "(Salesforce in the US). ISO dates and unambiguous ones such as 23/02/2027 are always read.",
    )
    decimal_comma: StrictBool = Field(
        default=False,
        description="Whether amounts are written with a decimal comma, e.g. `74.000,00` "
        "(an export's text; a workbook's number cells are numbers, read alike either way).",
    )
    status_values: StatusValues | None = Field(
        default=None,
        description="The status column's values for each outcome: `{won: [Won], lost: [Lost], open: [Open]}`. "
        "Without it the usual values are read (Open, Won, Lost, In Progress, Canceled, Out-Sold, Disqualified …).",
    )
    lost_stages: Annotated[list[NonEmptyText], _optional_list(NonEmptyText)] = Field(
        default_factory=list,
        description="CRM stage names that mean the deal was lost, e.g. `[Closed Lost, Dead Deals]` "
        "(names with a lost word, such as Closed Lost or Verloren, are read as lost anyway).",
    )
    pipelines: Annotated[list[NonEmptyText], _optional_list(NonEmptyText)] = Field(
        default_factory=list,
        description="The CRM pipelines this process governs, e.g. `[Sales Pipeline]`, when the export holds several "
        "(its `Pipeline`, `Deal - Pipeline`, `Deal Pipeline` or `pipeline_name` column): a deal in another is left out of the audit, the SQL, the "
        "import and the backtest, and counted apart. Without it every row is read.",
    )
    encoding: Annotated[NonEmptyText | None, BeforeValidator(_known_encoding)] = Field(
        default=None,
        description="The export's text encoding when it is not UTF-8 or UTF-16 (both detected), e.g. `cp1251` or `windows-1252`.",
    )
    history: CrmHistory = Field(
        default_factory=CrmHistory,
        description="The stage-history file's columns for `playbook backtest --history`: `{deal: …, stage: …, date: …}` "
        "(default `deal`, `stage`, `date`, else a history report's standard names, such as Salesforce's "
        "`Opportunity ID`, `To Stage` and `Last Modified`).",
    )
    owners: Annotated[
        dict[NonEmptyText, Email],
        BeforeValidator(_owner_ids_as_text, json_schema_input_type=dict[str, str] | None),
    ] = Field(
        default_factory=dict,
        description="CRM owner id or name → the user's email, for `playbook import`, e.g. `005Ec000004oBPNIA2: ana@example.com`.",
    )


def _date_as_written(value: object) -> object:
    """A date YAML read, or YYYY-MM-DD text; never a number (pydantic would read it as a timestamp)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError("write the date as YYYY-MM-DD, e.g. 2027-03-01")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_date_as_written, json_schema_input_type=dt.date)]


class RecordedAnswer(_Strict):
    """What the rep recorded for one milestone of a practice deal (as in a `playbook assess` file)."""

    met: StrictBool = Field(description="Whether the rep says the customer did it.", examples=[True])
    evidence: StrictStr | None = Field(default=None, description="The evidence the rep named, as typed.")
    date: IsoDate | None = Field(default=None, description="When it happened, YYYY-MM-DD.")


def _answer_shorthand(value: object) -> object:
    """`pain-confirmed: true` is short for `{met: true}`, as in a `playbook assess` file."""
    return {"met": value} if isinstance(value, bool) else value


AnswerOrShorthand = Annotated[
    RecordedAnswer, BeforeValidator(_answer_shorthand, json_schema_input_type=RecordedAnswer | bool)
]


def _amount_as_written(value: object) -> object:
    """An amount as a deal file takes it (120000, "$120,000"), refused in the deal vocabulary's words."""
    parse_money(value)
    return value


Amount = Annotated[
    StrictFloat | StrictStr,
    BeforeValidator(_amount_as_written, json_schema_input_type=Annotated[float, Field(ge=0)] | str),
]


class PracticeDeal(_Strict):
    """A practice deal, in the format of a `playbook assess` deal file; `as_of` is required."""

    deal: StrictStr | None = Field(default=None, description="The deal's name, e.g. `Contoso`.")
    # As a deal file: a stage's id or name (checked against the stages by the deal parser), an amount as CRMs write it.
    claimed_stage: NonEmptyText | None = Field(
        default=None, description="The stage the CRM claims: its id or its name."
    )
    amount: Amount | None = Field(
        default=None,
        description="The deal's amount: a number, or text as CRMs write it, e.g. `$120,000` or `USD 120,000`.",
    )
    segment: NonEmptyText | None = Field(
        default=None, description="The deal's segment, e.g. `Enterprise`, for milestones with `required_when.segment`."
    )
    as_of: IsoDate = Field(
        description="The date the deal is assessed on, YYYY-MM-DD, so its answer never changes with today's date.",
        examples=["2027-03-01"],
    )
    milestones: Annotated[
        dict[Slug, AnswerOrShorthand],
        BeforeValidator(_empty_mapping_given, json_schema_input_type=dict[Slug, AnswerOrShorthand] | None),
    ] = Field(
        default_factory=dict,
        description="Milestone id -> what the rep recorded: `{met, evidence, date}`, or just `true`/`false`.",
    )


class StatedAnswer(_Strict):
    """The answer the scenario's author expects; `playbook validate` checks it against the engine."""

    # As claimed_stage: a stage's id or name, found by the same lookup (check_practice reports an unknown one).
    verified_stage: NonEmptyText = Field(
        description="The stage the deal is verifiably in: its id or its name.", examples=["discovery"]
    )
    next_milestones: list[Slug] | None = Field(
        default=None, description="If given: the milestone ids the customer must still achieve in that stage."
    )


class PracticeScenario(_Strict):
    """A hand-written practice scenario: a story, its deal, and the answer its author expects."""

    id: Slug = Field(
        description="The scenario's unique id, a slug such as `demo-without-price`.", examples=["demo-without-price"]
    )
    story: NonEmptyText = Field(
        description="What happened with the customer, as the rep tells it, in Markdown.",
        examples=["The demo went really well, and the champion says the price is fine."],
    )
    deal: PracticeDeal = Field(description="The deal, in the format of a `playbook assess` file (with `as_of`).")
    answer: StatedAnswer = Field(description="The answer you expect; an error when the engine disagrees.")


class Practice(_Strict):
    """The Practice section of the playbook: generated scenarios plus your own."""

    generated: StrictBool = Field(
        default=True, description="Include the scenarios generated from the stages and milestones."
    )
    scenarios: Annotated[list[PracticeScenario], _optional_list(PracticeScenario)] = Field(
        default_factory=list, description="Hand-written scenarios, shown after the generated ones."
    )


def _renamed(items: Sequence[object]) -> dict[str, str]:
    """Old id -> current id, from the raw `renamed_from` lists of stages or milestones (malformed ones are left out)."""
    renamed: dict[str, str] = {}
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("id"), str) and isinstance(item.get("renamed_from"), list):
            renamed.update({old: item["id"] for old in item["renamed_from"] if isinstance(old, str)})
    return renamed


class Process(_Strict):
    """A sales process: ordered stages, each gated by customer verifiable outcomes."""

    name: NonEmptyText = Field(
        description="The process's name; also the playbook's title.", examples=["B2B New Business"]
    )
    version: Annotated[
        StrictStr | None, BeforeValidator(_number_as_text, json_schema_input_type=str | int | float | None)
    ] = Field(default=None, description="Your version label, e.g. `2027.1`; numbers are kept as text.")
    description: StrictStr | None = Field(
        default=None, description="Markdown: what this process is for, shown on the playbook's home page."
    )
    company: NonEmptyText | None = Field(
        default=None,
        description="Your company's name as buyers know it, e.g. `Contoso`: a buyer asked to confirm an outcome sees it on the confirmation page and in the email.",
    )
    language: Annotated[StrictStr, Field(pattern=LANGUAGE_PATTERN)] = Field(
        default=DEFAULT_LANGUAGE,
        description="The language the process is written in, as a BCP 47 tag (`en`, `de`, `fr-CA`, `pt-BR`): the "
        "`lang` of the playbook's pages, of the app's pages that show the process's text and of the audit's report, "
        "so screen readers and "
        "hyphenation read it right. The playbook's theme words (search) follow it where the theme has them, and its "
        "own words (navigation, headings, labels, buttons) where the playbook has them (`en`, `de`, `es`, `fr`); "
        "else they stay English, with a warning.",
        examples=["de"],
    )
    stages: list[Stage] = Field(min_length=2, description="The stages in pipeline order (at least two).")
    practice: Practice | None = Field(
        default=None, description="Optional: the Practice section's own scenarios and settings."
    )
    crm: Crm | None = Field(
        default=None,
        description="Optional: how your CRM's export names deals, stages and milestones, for `playbook audit`.",
    )

    @model_validator(mode="before")
    @classmethod
    def _crm_names_current_ids(cls, data: object) -> object:
        """The crm block may still name a stage or milestone by an id it was `renamed_from`: read it as the new id."""
        if not isinstance(data, dict) or not isinstance(data.get("crm"), dict):
            return data
        stages = data.get("stages")
        stage_list = [stage for stage in stages if isinstance(stage, dict)] if isinstance(stages, list) else []
        renamed_stages = _renamed(stage_list)
        renamed_milestones = _renamed(
            [m for stage in stage_list if isinstance(stage.get("milestones"), list) for m in stage["milestones"]]
        )
        if not renamed_stages and not renamed_milestones:
            return data
        crm = dict(data["crm"])
        if isinstance(crm.get("stage_names"), dict):
            crm["stage_names"] = {
                name: renamed_stages.get(target, target) if isinstance(target, str) else target
                for name, target in crm["stage_names"].items()
            }
        if isinstance(crm.get("milestones"), dict):
            fields = crm["milestones"]
            # An old key whose new id is mapped as well stays as written: the rules report it as mapped twice.
            crm["milestones"] = {
                renamed_milestones[key] if renamed_milestones.get(key, key) not in fields else key: value
                for key, value in fields.items()
            }
        return {**data, "crm": crm}

    def stage_index(self, stage_id: str) -> int | None:
        """Return the position of the stage with this id (or with this id in its `renamed_from`), or None."""
        return self._stage_indexes.get(stage_id)

    @cached_property
    def _stage_indexes(self) -> dict[str, int]:
        indexes = {old: index for index, stage in enumerate(self.stages) for old in stage.renamed_from}
        indexes.update({stage.id: index for index, stage in enumerate(self.stages)})
        return indexes

    def current_stage_id(self, stage_id: str) -> str | None:
        """The id a stage has now, given its id or one it was `renamed_from`; None for an id the process never had."""
        index = self.stage_index(stage_id)
        return None if index is None else self.stages[index].id

    def stage_named(self, given: str) -> str:
        """The stage id a filter names, by id (or one it was renamed from) kept as given, or by name in any case as a
        body's claimed_stage is read; ValueError with the closest stage otherwise."""
        if self.stage_index(given) is not None:
            return given
        return self.stage_lookup.find(given) or given

    def stage_ids(self, stage_id: str) -> list[str]:
        """Every id saved deals may hold for the stage `stage_id` names: its id now and its `renamed_from` ids."""
        index = self.stage_index(stage_id)
        return [stage_id] if index is None else [self.stages[index].id, *self.stages[index].renamed_from]

    @cached_property
    def questions(self) -> dict[str, str]:
        """Each milestone's question by its id, in file order: pages name milestones by their questions; computed once."""
        return {milestone.id: milestone.question for _, milestone in self.milestones()}

    @cached_property
    def renamed_milestones(self) -> dict[str, str]:
        """Each old milestone id (`renamed_from`) with the id the milestone has now; computed once."""
        return {old: milestone.id for _, milestone in self.milestones() for old in milestone.renamed_from}

    def milestones(self) -> list[tuple[Stage, Milestone]]:
        """Every milestone with its stage, in file order."""
        return [(stage, milestone) for stage in self.stages for milestone in stage.milestones]

    @cached_property
    def stage_lookup(self) -> StageLookup:
        """Find the stages by id, name or the CRM's name for them (crm.stage_names); built once."""
        renamed = {old: stage.id for stage in self.stages for old in stage.renamed_from}
        crm_names = renamed | (dict(self.crm.stage_names) if self.crm else {})  # saved deals may still say an old id
        return StageLookup(((stage.id, stage.name) for stage in self.stages), crm_names)

    @cached_property
    def milestone_ids(self) -> dict[str, None]:
        """Every milestone id in file order (a dict: ordered, and a fast membership test); computed once."""
        return dict.fromkeys(milestone.id for _, milestone in self.milestones())
