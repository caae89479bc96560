"""The self-check form, generated from the process: one fieldset per stage, three fields per milestone."""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Form, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, ValidationError

from assess_app.field_messages import under_field
from sales_process.deal import MAX_EVIDENCE, MAX_SEGMENT, Deal, parse_deal
from sales_process.loader import LoadedProcess
from sales_process.model import Process
from sales_process.problems import InvalidInput, Problem
from sales_process.vocabulary import NO_WORDS, YES_WORDS, shown

MAX_NAME = 200
MAX_SHORT = 40


_FALSE = frozenset({"", *NO_WORDS})


def is_yes_or_no(text: str) -> bool:
    """Whether a "met" value is one the form understands: the vocabulary's yes/no words, or blank."""
    return text.strip().lower() in YES_WORDS | _FALSE


def is_yes(text: str | None) -> bool:
    """Whether a "met" value ticks the box, as MetField reads it: anything but blank or a "no" word."""
    return text is not None and text.strip().lower() not in _FALSE


class MetField(BooleanField):  # type: ignore[misc]
    """A milestone's "met" checkbox; a link may say yes or no, anything else is an error."""

    # The vocabulary's yes/no words, so a link says yes or no as a CRM export would.
    false_values = ("", *NO_WORDS)

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read the box as the vocabulary does, in any case ("TRUE", "Checked")."""
        super().process_formdata([value.strip().lower() for value in valuelist])

    def pre_validate(self, form: Form) -> None:
        """Refuse values that are neither yes nor no instead of guessing."""
        if self.raw_data and not is_yes_or_no(self.raw_data[0]):
            raise ValidationError(f"{shown(self.raw_data[0])} is not yes or no; tick the box or leave it empty")


def _milestone_fields(process: Process) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for _, milestone in process.milestones():
        fields[f"{milestone.id}.met"] = MetField(milestone.question)
        fields[f"{milestone.id}.evidence"] = StringField(
            "Evidence", description=milestone.evidence, validators=[Length(max=MAX_EVIDENCE)]
        )
        fields[f"{milestone.id}.date"] = StringField("Date it happened", validators=[Length(max=MAX_SHORT)])
    return fields


@dataclass(frozen=True)
class FormVersion:
    """What the form needs per process version, built once: the WTForms class and its field limits."""

    form_class: type[FlaskForm]
    limits: dict[str, int]  # every field, in form order -> its maximum length (0: a yes/no box)

    @property
    def names(self) -> list[str]:
        """The field names in form order."""
        return list(self.limits)


def _limits(attributes: Mapping[str, Any]) -> dict[str, int]:
    limits = {}
    for name, unbound in attributes.items():
        if not isinstance(unbound, UnboundField):
            continue
        lengths = [v.max for v in unbound.kwargs.get("validators", []) if isinstance(v, Length)]
        limits[name] = 0 if unbound.field_class is MetField else min(lengths)
    return limits


def _form_attributes(process: Process) -> dict[str, Any]:
    """The form's fields (names: deal, amount, claimed_stage, segment, <id>.met/.evidence/.date) and its Meta."""
    return {
        # CSRFProtect checks every POST for the whole app; the template renders the token.
        "Meta": type("Meta", (), {"csrf": False}),
        "deal": StringField("Deal name", validators=[Length(max=MAX_NAME)]),
        "amount": StringField("Amount (optional)", validators=[Length(max=MAX_SHORT)]),
        # A text field rendered as a select: the core checks the stage id (with a suggestion),
        # and an unknown id from a link is shown as typed instead of dropped.
        "claimed_stage": StringField("Stage in the CRM today", validators=[Length(max=MAX_SHORT)]),
        "segment": StringField("Segment (optional)", validators=[Length(max=MAX_SEGMENT)]),
        **_milestone_fields(process),
    }


def _build_version(loaded: LoadedProcess) -> FormVersion:
    attributes = _form_attributes(loaded.process)
    return FormVersion(type("CheckForm", (FlaskForm,), attributes), _limits(attributes))


def form_version(loaded: LoadedProcess) -> FormVersion:
    """The form of this process version (built at its first request, then kept with the version)."""
    return loaded.derived(_build_version)


def make_form(loaded: LoadedProcess, formdata: Mapping[str, Any] | None) -> FlaskForm:
    """A form for the current process, filled from `formdata` (a query string or a POST)."""
    return form_version(loaded).form_class(formdata=formdata)


def plain_answers(version: FormVersion, submitted: MultiDict[str, str]) -> dict[str, str] | None:
    """The answers as typed, when each field passes the form's own checks; None when the form must say why.

    Most posts are valid: reading them straight from the request spares binding and validating
    every field of the WTForms form, which is only built to give a form back with its errors.
    """
    answers: dict[str, str] = {}
    for name, values in submitted.lists():
        limit = version.limits.get(name)
        if limit is None:
            continue  # the CSRF token, or a field of no question (listed as left out)
        value = values[0]
        if len(values) > 1 or (limit == 0 and not is_yes_or_no(value)) or (limit and len(value) > limit):
            return None
        answers[name] = value
    return {name: answers.get(name, "") for name in version.names}


def form_answers(form: FlaskForm) -> dict[str, str]:
    """The answers of a filled-in form, in the shape of `plain_answers` ("yes" or "" for a box)."""
    return {
        field.name: ("yes" if field.data else "") if isinstance(field, MetField) else str(field.data or "")
        for field in form
    }


def deal_data(answers: Mapping[str, str], process: Process) -> dict[str, Any]:
    """The form's answers as deal data, the same shape as the API's request body."""
    data: dict[str, Any] = {}
    text = {name: value.strip() for name, value in answers.items()}
    if text["deal"]:
        data["deal"] = text["deal"]
    if text["amount"]:
        data["amount"] = text["amount"]  # read by the deal vocabulary, like every entry point
    if text["claimed_stage"]:
        data["claimed_stage"] = text["claimed_stage"]
    if text["segment"]:
        data["segment"] = text["segment"]
    milestones: dict[str, Any] = {}
    for _, milestone in process.milestones():
        # An unticked box is the rep's answer "no": the rep was asked every question.
        answer: dict[str, Any] = {"met": is_yes(answers[f"{milestone.id}.met"])}
        for key in ("evidence", "date"):
            if text[f"{milestone.id}.{key}"]:
                answer[key] = text[f"{milestone.id}.{key}"]
        milestones[milestone.id] = answer
    data["milestones"] = milestones
    return data


def _typed_but_unticked(typed: list[str], question: str) -> str:
    what, clear = (
        ("evidence and a date", "them")
        if len(typed) == 2
        else {
            "evidence": ("evidence", "the evidence"),
            "date": ("a date", "the date"),
        }[typed[0]]
    )
    return (
        f"You typed {what} for \u2018{question}\u2019 but did not tick it: tick it if the customer did it, "
        f"or clear {clear}"
    )


def unticked_problems(
    answers: Mapping[str, str], process: Process, kept: Mapping[str, str] | None = None
) -> list[Problem]:
    """Evidence or a date typed for a milestone whose box is left unticked: refused at its box, never silently
    dropped (an unticked box reads "not done yet", and what was typed would count for nothing).

    Only a box that sent nothing: a "no" written out (a link's or a CRM export's met=no, as the API's and a deal
    file's ``"met": false``) says so on purpose, and every entry point reads it alike; a box left unticked may be a
    slip. `kept`: the answers the page was filled with (a saved deal's latest check), whose own unticked evidence is
    not the rep's to retype."""
    problems: list[Problem] = []
    for _, milestone in process.milestones():
        if answers.get(f"{milestone.id}.met", "").strip():
            continue
        typed = [
            key
            for key in ("evidence", "date")
            if answers.get(f"{milestone.id}.{key}", "").strip()
            and (
                kept is None
                or answers.get(f"{milestone.id}.{key}", "").strip() != kept.get(f"{milestone.id}.{key}", "").strip()
            )
        ]
        if typed:
            problems.append(
                Problem(("milestones", milestone.id, "met"), _typed_but_unticked(typed, milestone.question))
            )
    return problems


def field_name(problem: Problem) -> str | None:
    """The form field a problem of the deal data belongs to (None: the whole form)."""
    loc = problem.loc
    if len(loc) == 1 and loc[0] in ("deal", "amount", "claimed_stage", "segment"):
        return str(loc[0])
    if len(loc) >= 2 and loc[0] == "milestones":
        return f"{loc[1]}.{loc[2] if len(loc) > 2 else 'met'}"
    return None


def validated_deal(
    form: FlaskForm, process: Process, kept: Mapping[str, str] | None = None
) -> tuple[Deal | None, list[str]]:
    """Check every field and the deal as the engine sees it; errors land on their fields.

    Returns the deal (None when anything is wrong) and the errors that belong to no field. `kept`: see
    `unticked_problems`.
    """
    valid = form.validate()
    answers = form_answers(form)
    # Each box as sent (a written "no" is not a box left unticked), where form_answers reads "yes" or "".
    sent = {field.name: (field.raw_data or [""])[0] for field in form if isinstance(field, MetField)}
    unticked = unticked_problems({**answers, **sent}, process, kept)
    try:
        deal = parse_deal(deal_data(answers, process), process)
    except InvalidInput as invalid:
        return None, attach(form, [*unticked, *invalid.problems])
    if unticked:
        return None, attach(form, unticked)
    return (deal if valid else None), []


def attach(form: FlaskForm, problems: list[Problem]) -> list[str]:
    """Put each problem on its field, in place of the form's own words for the field (the engine checks the same
    limits and says more: "'evidence' is 5000 characters long; at most 2000", not that and WTForms' sentence too)."""
    general: list[str] = []
    told: set[str] = set()
    for problem in problems:
        name = field_name(problem)
        if name is not None and name in form:
            message = under_field(
                problem.message, str(problem.loc[-1]), form[name].label.text.removesuffix(" (optional)")
            )
            form[name].errors = [*(form[name].errors if name in told else []), message]
            told.add(name)
        else:
            general.append(problem.message)
    return general


def mark_repeated(form: FlaskForm, submitted: MultiDict[str, str]) -> bool:
    """Put an error on each field sent more than once (only one value would count); True if any."""
    repeated = False
    for name, values in submitted.lists():
        if len(values) > 1 and name in form:
            shown = ", ".join(repr(value[:MAX_SHORT]) for value in values[:3])
            form[name].errors = [*form[name].errors, f"sent {len(values)} times ({shown}); send one value"]
            repeated = True
    return repeated


# The hidden fields a form carries about itself, not answers: its CSRF token, its idempotency key, the check
# the deal page's form was filled from (BASED_ON), by which a save from a page opened before another check is told,
# and the names of the fields typed or changed on the page (TYPED, set by check.js as the form is sent), by which a
# form refused after signing out lists them first without reading the deal (the 409 page reads it: see changed_first).
BASED_ON = "based_on"
TYPED = "typed"
FORM_META = ("csrf_token", "idempotency_key", BASED_ON, TYPED)


def unknown_keys(fields: Container[str], submitted: Mapping[str, Any]) -> list[str]:
    """Names sent to the form that it has no field for (reported, never silently dropped)."""
    return [key for key in submitted if key not in fields and key not in FORM_META]
