"""The self-check form, generated from the process: one fieldset per stage, three fields per milestone."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, Field, Form, StringField
from wtforms.validators import Length, ValidationError

from sales_process.deal import Deal, parse_deal
from sales_process.loader import LoadedProcess
from sales_process.model import Process
from sales_process.problems import InvalidInput, Problem
from sales_process.vocabulary import NO_WORDS, YES_WORDS, shown

MAX_NAME = 200
MAX_EVIDENCE = 2000
MAX_SHORT = 40


class MetField(BooleanField):  # type: ignore[misc]
    """A milestone's "met" checkbox; a link may say yes or no, anything else is an error."""

    # The vocabulary's yes/no words, so a link says yes or no as a CRM export would.
    false_values = ("", *NO_WORDS)

    def process_formdata(self, valuelist: list[str]) -> None:
        """Read the box as the vocabulary does, in any case ("TRUE", "Checked")."""
        super().process_formdata([value.strip().lower() for value in valuelist])

    def pre_validate(self, form: Form) -> None:
        """Refuse values that are neither yes nor no instead of guessing."""
        if self.raw_data and self.raw_data[0].strip().lower() not in YES_WORDS | NO_WORDS | {""}:
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


def build_form_class(process: Process) -> type[FlaskForm]:
    """A form class for this process (field names: deal, amount, claimed_stage, <id>.met/.evidence/.date)."""
    attributes: dict[str, Any] = {
        # CSRFProtect checks every POST for the whole app; the template renders the token.
        "Meta": type("Meta", (), {"csrf": False}),
        "deal": StringField("Deal name", validators=[Length(max=MAX_NAME)]),
        "amount": StringField("Amount (optional)", validators=[Length(max=MAX_SHORT)]),
        # A text field rendered as a select: the core checks the stage id (with a suggestion),
        # and an unknown id from a link is shown as typed instead of dropped.
        "claimed_stage": StringField("Stage in the CRM today", validators=[Length(max=MAX_SHORT)]),
        **_milestone_fields(process),
    }
    return type("CheckForm", (FlaskForm,), attributes)


_form_classes: dict[str, type[FlaskForm]] = {}


def make_form(loaded: LoadedProcess, formdata: Mapping[str, Any] | None) -> FlaskForm:
    """A form for the current process, filled from `formdata` (a query string or a POST)."""
    form_class = _form_classes.get(loaded.sha256)
    if form_class is None:
        form_class = build_form_class(loaded.process)
        # Only the process being served matters; an old version's class is dropped.
        _form_classes.clear()
        _form_classes[loaded.sha256] = form_class
    return form_class(formdata=formdata)


def _text(field: Field) -> str:
    return str(field.data or "").strip()


def deal_data(form: FlaskForm, process: Process) -> dict[str, Any]:
    """The form's answers as deal data, the same shape as the API's request body."""
    data: dict[str, Any] = {}
    if _text(form["deal"]):
        data["deal"] = _text(form["deal"])
    if _text(form["amount"]):
        data["amount"] = _text(form["amount"])  # read by the deal vocabulary, like every entry point
    if _text(form["claimed_stage"]):
        data["claimed_stage"] = _text(form["claimed_stage"])
    milestones: dict[str, Any] = {}
    for _, milestone in process.milestones():
        # An unticked box is the rep's answer "no": the rep was asked every question.
        answer: dict[str, Any] = {"met": bool(form[f"{milestone.id}.met"].data)}
        for key in ("evidence", "date"):
            if _text(form[f"{milestone.id}.{key}"]):
                answer[key] = _text(form[f"{milestone.id}.{key}"])
        milestones[milestone.id] = answer
    data["milestones"] = milestones
    return data


def field_name(problem: Problem) -> str | None:
    """The form field a problem of the deal data belongs to (None: the whole form)."""
    loc = problem.loc
    if len(loc) == 1 and loc[0] in ("deal", "amount", "claimed_stage"):
        return str(loc[0])
    if len(loc) >= 2 and loc[0] == "milestones":
        return f"{loc[1]}.{loc[2] if len(loc) > 2 else 'met'}"
    return None


def validated_deal(form: FlaskForm, process: Process) -> tuple[Deal | None, list[str]]:
    """Check every field and the deal as the engine sees it; errors land on their fields.

    Returns the deal (None when anything is wrong) and the errors that belong to no field.
    """
    valid = form.validate()
    try:
        deal = parse_deal(deal_data(form, process), process)
    except InvalidInput as invalid:
        return None, _attach(form, invalid.problems)
    return (deal if valid else None), []


def _attach(form: FlaskForm, problems: list[Problem]) -> list[str]:
    general: list[str] = []
    for problem in problems:
        name = field_name(problem)
        if name is not None and name in form:
            form[name].errors = [*form[name].errors, problem.message]
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


def unknown_keys(form: FlaskForm, submitted: Mapping[str, Any]) -> list[str]:
    """Names sent to the form that it has no field for (reported, never silently dropped)."""
    return [key for key in submitted if key not in form and key != "csrf_token"]
