"""The process.yaml format: one pydantic definition for validation, JSON Schema and docs.

Structure and value rules live on the fields (so they reach the JSON Schema);
rules that span several stages or milestones live in :mod:`sales_process.rules`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, StrictStr

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def _number_as_text(value: object) -> object:
    """Keep `version: 2.1` as the text "2.1" instead of refusing it."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _empty_as_none_given(value: object) -> object:
    """An empty `pitfalls:` in YAML is null: read it as the empty list it means."""
    return [] if value is None else value


def _optional_list(item: Any) -> BeforeValidator:
    """A list that may also be left empty (null); the schema still describes its items."""
    return BeforeValidator(_empty_as_none_given, json_schema_input_type=list[item] | None)


Slug = Annotated[StrictStr, Field(pattern=SLUG_PATTERN)]
NonEmptyText = Annotated[StrictStr, Field(min_length=1)]
Confirmation = Literal["required", "optional"]
CONFIRMATIONS: tuple[Confirmation, ...] = ("required", "optional")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Milestone(_Strict):
    """A Customer Verifiable Outcome: something the customer did, that can be documented."""

    # Editors that read the schema flag a required confirmation without a statement too.
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"confirmation": {"const": "required"}}, "required": ["confirmation"]},
            "then": {"required": ["buyer_statement"]},
        }
    )

    id: Slug = Field(
        description="Unique id of the milestone across the whole file, a slug such as "
        "`pricing-agreeable`. Used in links, the form and CSV columns."
    )
    question: NonEmptyText = Field(
        description="What the rep is asked, e.g. \"Has the buyer accepted the price range in principle?\""
    )
    customer_action: NonEmptyText = Field(
        description="What the customer does or says that proves the outcome."
    )
    evidence: NonEmptyText = Field(
        description="The document or record that proves it: an email, a signed document, "
        "an accepted calendar invitation, call notes…"
    )
    evidence_required: StrictBool = Field(
        default=True,
        description="Whether a \"yes\" counts only when the rep names the evidence.",
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
        description="The outcome as the buyer confirms it, in the first person: \"We have agreed that "
        "a proposal is the next step.\" The rep can send it to the buyer through a confirmation link.",
    )
    confirmation: Confirmation = Field(
        default="optional",
        description="`required`: the milestone counts as verified only once the buyer has confirmed "
        "`buyer_statement` through a confirmation link (until then its status is `awaiting_buyer`); "
        "`optional`: the rep's answer with its evidence is enough.",
    )

    @property
    def buyer_confirms(self) -> bool:
        """Whether the milestone counts only once the buyer has confirmed it."""
        return self.confirmation == "required"


class Stage(_Strict):
    """One stage of the pipeline, left only when all of its milestones are verified."""

    id: Slug = Field(description="Unique id of the stage, a slug such as `demonstrating`.")
    name: NonEmptyText = Field(description="The stage's name as reps and the CRM know it.")
    probability: StrictInt = Field(
        ge=0,
        le=100,
        description="Win probability in percent (0–100) of a deal verified in this stage; "
        "never lower than the previous stage's.",
    )
    summary: StrictStr | None = Field(default=None, description="One line: what this stage is.")
    description: StrictStr | None = Field(default=None, description="Markdown: the stage in detail.")
    rep_activities: Annotated[list[NonEmptyText], _optional_list(NonEmptyText)] = Field(
        default_factory=list, description="What the rep does in this stage."
    )
    pitfalls: Annotated[list[NonEmptyText], _optional_list(NonEmptyText)] = Field(
        default_factory=list, description="The \"happy ears\" traps of this stage."
    )
    milestones: Annotated[list[Milestone], _optional_list(Milestone)] = Field(
        default_factory=list,
        description="The outcomes that must ALL be verified for a deal to leave this stage. "
        "Required (at least one) on every stage but the last; the last stage has none.",
    )


class Process(_Strict):
    """A sales process: ordered stages, each gated by customer verifiable outcomes."""

    name: NonEmptyText = Field(description="The process's name; also the playbook's title.")
    version: Annotated[StrictStr | None, BeforeValidator(_number_as_text, json_schema_input_type=str | int | float | None)] = Field(
        default=None, description="Your version label, e.g. `2027.1`; numbers are kept as text."
    )
    description: StrictStr | None = Field(
        default=None, description="Markdown: what this process is for, shown on the playbook's home page."
    )
    stages: list[Stage] = Field(
        min_length=2, description="The stages in pipeline order (at least two)."
    )

    def stage_index(self, stage_id: str) -> int | None:
        """Return the position of the stage with this id, or None."""
        for index, stage in enumerate(self.stages):
            if stage.id == stage_id:
                return index
        return None

    def milestones(self) -> list[tuple[Stage, Milestone]]:
        """Every milestone with its stage, in file order."""
        return [(stage, milestone) for stage in self.stages for milestone in stage.milestones]
