"""Pydantic's validation errors, rewritten for people who edit process.yaml by hand."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from typing import Any, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from sales_process.model import (
    BLANK_TEXT_PATTERN,
    LANGUAGE_PATTERN,
    Crm,
    CrmColumns,
    CrmMilestone,
    Milestone,
    Practice,
    PracticeDeal,
    PracticeScenario,
    Process,
    RecordedAnswer,
    RequiredWhen,
    Stage,
    StatedAnswer,
)
from sales_process.places import describe
from sales_process.problems import Loc, Problem
from sales_process.suggest import closest, did_you_mean
from sales_process.vocabulary import plural, slug_of
from sales_process.wording import described, kind_of, list_in_quotes, quoted, show

_READABLE: dict[type[BaseModel], str] = {
    Practice: "'practice' block",
    PracticeScenario: "practice scenario",
    PracticeDeal: "practice deal",
    RecordedAnswer: "recorded answer",
    StatedAnswer: "stated answer",
    RequiredWhen: "condition of 'required_when'",
}


def _practice_model_at(loc: Loc) -> type[BaseModel]:
    """The model of a mapping inside `practice:` (loc starts with 'practice')."""
    inner = loc[3:] if len(loc) >= 3 and loc[1] == "scenarios" else ()
    if not inner:
        return PracticeScenario if len(loc) >= 3 else Practice
    if inner[0] == "answer":
        return StatedAnswer
    if inner[0] == "deal":
        return RecordedAnswer if len(inner) >= 3 and inner[1] == "milestones" else PracticeDeal
    return PracticeScenario


def model_at(loc: Loc) -> type[BaseModel]:
    """The model that owns the mapping at `loc` (the top level, a stage, a milestone, a practice part, the crm block)."""
    if loc and loc[0] == "practice":
        return _practice_model_at(loc)
    if loc[:1] == ("crm",):
        if len(loc) >= 3 and loc[1] == "milestones":
            return CrmMilestone
        if len(loc) >= 2 and loc[1] == "columns":
            return CrmColumns
        return Crm
    if len(loc) >= 5 and loc[0] == "stages" and loc[2] == "milestones" and loc[4] == "required_when":
        return RequiredWhen
    if len(loc) >= 4 and loc[0] == "stages" and loc[2] == "milestones":
        return Milestone
    if len(loc) >= 2 and loc[0] == "stages":
        return Stage
    return Process


def _mapping_of(loc: Loc) -> str | None:
    """The mapping field (crm.owners, crm.stage_names …) whose entry `loc` is, by its key; None for a model's key.

    A mapping's keys are the file's own (a CRM owner's id): its entry is named by the field, never taken for one.
    """
    if len(loc) < 2 or not isinstance(loc[-2], str):
        return None
    field = model_at(loc[:-2]).model_fields.get(loc[-2])
    annotation = field.annotation if field is not None else None
    return loc[-2] if annotation is not None and get_origin(annotation) is dict else None


# What each mapping holds, told when one of its values is not what it maps to.
_MAPPING_VALUES = {
    "owners": "crm.owners maps each CRM owner id or name to the email address of the user who owns their deals",
}
# A stage id or milestone id the crm block names is reported by the rules as unknown, with the id meant: one
# mistake, one error (a name such as 'Talking Stage' is no valid id either, which says less).
_IDS_THE_RULES_CHECK = (("crm", "stage_names", None), ("crm", "milestones", None, "[key]"))


def _field_name(loc: Loc) -> str:
    """'name' for a key; "item 3 of 'pitfalls'" for a list entry; "the value of 'Ana' in 'owners'" for a mapping's
    entry, and "the key 'Ana' of 'owners'" for its key."""
    if not loc:
        return ""
    if loc[-1] == "[key]" and (mapping := _mapping_of(loc[:-1])):
        return f"a key of '{mapping}'" if loc[-2] == "" else f"the key {quoted(str(loc[-2]))} of '{mapping}'"
    if mapping := _mapping_of(loc):
        return f"the value of {quoted(str(loc[-1]))} in '{mapping}'"
    if isinstance(loc[-1], int):
        return f"item {loc[-1] + 1} of '{loc[-2]}'" if len(loc) > 1 else f"item {loc[-1] + 1}"
    return f"'{loc[-1]}'"


_NUMBER_AND_UNIT = re.compile(r"([0-9]+) *(%|[A-Za-z]+)?")
_PERCENT = {"%": "the % sign", "percent": "'percent'"}  # a probability is a percentage
_DAYS = {"day": "'day'", "days": "'days'"}  # a key ending in _days counts days
_DAYS_IN = {"week": 7, "weeks": 7, "month": 30, "months": 30, "year": 365, "years": 365}


_TYPOGRAPHIC_QUOTES = "“”‘’„‚«»"


def _typographic_quotes_fix(value: object) -> str:
    """`“35”`, pasted from a word processor: YAML quotes with straight quotes only, so these are part of the text."""
    if not isinstance(value, str):
        return ""
    inner = value.strip().strip(_TYPOGRAPHIC_QUOTES).strip()
    if inner == value.strip() or not inner:
        return ""
    return f"; the quotes are typographic ones (from a word processor), which YAML keeps as part of the text: remove them: {inner}"


def _bool_fix(value: object, key: str = "") -> str:
    """How to write true or false typed as text: without the quotes; `required: optional` as false."""
    if isinstance(value, str) and value.strip().strip(_TYPOGRAPHIC_QUOTES).lower() in ("true", "false"):
        return f"; remove the quotes: {value.strip().strip(_TYPOGRAPHIC_QUOTES).lower()}"
    if key == "required":
        return "; write required: false for an optional milestone (or leave 'required' out for a required one)"
    return ""


def _text_list(owner: type[BaseModel], key: str) -> bool:
    """Whether the field is a list of text (renamed_from, pitfalls …), not of stages or milestones."""
    field = owner.model_fields.get(key)
    items = get_args(field.annotation) if field is not None and get_origin(field.annotation) is list else ()
    return bool(items) and (items[0] is str or get_args(items[0])[:1] == (str,))


def _list_fix(value: object) -> str:
    """How to write one item given where a list is wanted: in brackets; a list written in quotes: without them."""
    if written := list_in_quotes(value):
        return f"; remove the quotes, which make it one text: {written}"
    if isinstance(value, str) and value.strip() and "\n" not in value:
        return f"; for one item write [{value.strip()}]"
    return ""


def _one_item_fix(value: object) -> str:
    """`milestones:` above `id: po-issued` and its keys: one item written without its '- '."""
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return f"; if it is one item, start its line 'id: {value['id']}' with '- ' (write '- id: {value['id']}')"
    return ""


_LEADING_ZEROS = re.compile(r"0+[1-9][0-9]*")
# 30,5 or 30.5 as text (not 1,000: a thousands comma, whose number is not known)
_DECIMAL_TEXT = re.compile(r"[-+]?[0-9]+(?:\.[0-9]+|,(?![0-9]{3}$)[0-9]+)")


def _prefixed_number(text: str) -> int | None:
    """0o10, 0x10, 0b10: a number as a programming language writes it, which YAML keeps as text (0o) or reads
    otherwise; None for any other text."""
    if not re.fullmatch(r"0[oOxXbB][0-9A-Fa-f_]+", text):
        return None
    try:
        return int(text, 0)
    except ValueError:
        return None


def _whole_number_fix(value: object, key: str) -> str:
    """How to write a whole number typed otherwise: without its quotes, without the unit the key already says
    (a probability's percent sign, a number of days' 'days'), or a probability's fraction as a percentage."""
    written = str(value)
    if isinstance(value, str) and _DECIMAL_TEXT.fullmatch(value.strip()):
        written, value = value.strip(), float(value.strip().replace(",", "."))  # 30,5: a decimal comma
    if key == "probability" and isinstance(value, float) and 0 < value < 1:
        return f"; a probability is a percentage: write {round(value * 100):g} for {written}"
    if isinstance(value, float) and value == value and abs(value) != float("inf"):
        whole = "a whole number of percent" if key == "probability" else "a whole number"
        low, high = math.floor(value), math.ceil(value)
        if key == "probability":  # only the percentages the next check takes: -0.5 is 0, not -1 or 0
            low, high = min(max(low, 0), 100), min(max(high, 0), 100)
        return f"; write {whole}: {low}" + (f" or {high}" if high != low else "")
    if typographic := _typographic_quotes_fix(value):
        return typographic
    if isinstance(value, str) and _LEADING_ZEROS.fullmatch(value.strip()):
        return f"; write {value.strip().lstrip('0')} (without the leading 0)"  # 08 and 09 are no octal: YAML keeps text
    if isinstance(value, str) and (prefixed := _prefixed_number(value.strip())) is not None:
        return f"; write it in decimal digits, e.g. {prefixed}"
    found = _NUMBER_AND_UNIT.fullmatch(value.strip()) if isinstance(value, str) else None
    if found is None:
        return ""
    number, unit = found.groups()
    if unit is None:
        return "; remove the quotes"
    units = _PERCENT if key == "probability" else _DAYS if key.endswith("_days") else {}
    said = units.get(unit.lower())
    if said:
        return f"; write {number}, without {said}"
    days = _DAYS_IN.get(unit.lower()) if key.endswith("_days") else None
    return f"; count it in days: write {int(number) * days} for {number} {unit}" if days else ""


# Keys that people write for a key the format names otherwise (other sales tools' words, plain
# English), with the key to write instead: unlike a typo, no spelling would lead to it.
_OPTIONAL = "to make a milestone optional, write 'required: false'"
_CONDITION = "to require it of some deals only, write 'required_when:' (e.g. 'required_when: {amount_at_least: 25000}')"
_ALTERNATIVES = "for alternatives, give each of them the same 'group:' (e.g. 'group: product-proof')"
_MAX_AGE = "to say how long its evidence stays current, write 'max_age_days:' (e.g. 'max_age_days: 90')"
_OUTCOMES = "a stage's customer outcomes are its 'milestones:'"
_KEY_MEANINGS: dict[type[BaseModel], dict[str, str]] = {
    Milestone: {
        **dict.fromkeys(("optional", "is_optional", "not_required", "nice_to_have"), _OPTIONAL),
        **dict.fromkeys(("when", "if", "only_if", "only_when", "condition", "required_if", "applies_when"), _CONDITION),
        **dict.fromkeys(("alternatives", "alternative", "one_of", "any_of", "or", "either"), _ALTERNATIVES),
        **dict.fromkeys(("expires", "expiry", "expires_after", "valid_for", "valid_days", "freshness"), _MAX_AGE),
        **dict.fromkeys(("description", "details", "notes", "how_to"), "a milestone's explanation goes in 'guidance:'"),
        **dict.fromkeys(("name", "title", "label"), "a milestone is named by its 'question:'"),
    },
    RequiredWhen: {
        **dict.fromkeys(
            ("amount_above", "amount_over", "amount_from", "amount_min", "min_amount", "minimum_amount", "amount_gte"),
            "for deals of at least an amount, write 'amount_at_least:' (e.g. 'amount_at_least: 25000')",
        ),
        **dict.fromkeys(
            ("amount_under", "amount_max", "max_amount", "maximum_amount", "amount_less_than", "amount_lt"),
            "for deals under an amount, write 'amount_below:' (e.g. 'amount_below: 100000')",
        ),
        **dict.fromkeys(
            ("segments", "deal_segment", "tier", "market"), "write 'segment:' (e.g. 'segment: [Enterprise]')"
        ),
        **dict.fromkeys(
            ("any_of", "one_of", "anyof", "or", "either", "alternatives"),
            "for any one of several conditions, list them under 'required_when:' itself, one '- ' item each "
            "(e.g. '- amount_at_least: 50000')",
        ),
    },
    Stage: {
        **dict.fromkeys(
            ("win_probability", "probability_percent", "likelihood", "percent", "weight"), "write 'probability:'"
        ),
        **dict.fromkeys(("exit_criteria", "criteria", "gates", "cvos", "outcomes", "requirements"), _OUTCOMES),
        **dict.fromkeys(("activities", "rep_actions", "tasks", "actions"), "the rep's work goes in 'rep_activities:'"),
        **dict.fromkeys(("title", "label"), "write 'name:'"),
        **dict.fromkeys(("mistakes", "traps", "red_flags", "watch_out"), "write 'pitfalls:'"),
    },
}


def _meant_key(owner: type[BaseModel], key: str) -> str:
    """The key the format uses for what `key` says in other words, as a hint ('' when none)."""
    meant = _meaning(owner, key)
    return f"; {meant}" if meant else ""


def _meaning(owner: type[BaseModel], key: str) -> str | None:
    return _KEY_MEANINGS.get(owner, {}).get(re.sub(r"[\s-]+", "_", key.strip().lower()))


def milestones_in_other_words(key: object) -> bool:
    """Whether a stage's key is its milestones in other words (`exit_criteria:`): the unknown-key error says so."""
    return isinstance(key, str) and _meaning(Stage, key) == _OUTCOMES


# A key for a text in another language (`name_de`, `question-fr`, `summary_pt_BR`, `translations`): a process is
# written in one language. The codes are languages' (ISO 639-1), less `id`, which is more often an identifier.
_LANGUAGES = frozenset(
    [
        "ar",
        "bg",
        "ca",
        "cs",
        "da",
        "de",
        "el",
        "en",
        "es",
        "et",
        "fi",
        "fr",
        "he",
        "hi",
        "hr",
        "hu",
        "it",
        "ja",
        "ko",
        "lt",
        "lv",
        "ms",
        "nb",
        "nl",
        "nn",
        "no",
        "pl",
        "pt",
        "ro",
        "ru",
        "sk",
        "sl",
        "sr",
        "sv",
        "th",
        "tr",
        "uk",
        "vi",
        "zh",
    ]
)
_IN_A_LANGUAGE = re.compile(r"(?P<key>.+?)[_-](?P<language>[a-z]{2})(?:[_-][a-z]{2})?", re.IGNORECASE)
_TRANSLATIONS = frozenset(("translations", "translation", "translated", "i18n", "l10n", "locales", "languages"))
_ONE_LANGUAGE = (
    "a process has one language, and there is no key for translations: remove '{key}', and write each text once, "
    "in the one language the playbook uses"
)


def _translation(owner: type[BaseModel], key: str) -> str:
    """The hint for a key that holds a translation of another key, or of every key; '' for any other key."""
    written = _IN_A_LANGUAGE.fullmatch(key.strip())
    in_a_language = written is not None and written["language"].lower() in _LANGUAGES
    if key.strip().lower() in _TRANSLATIONS or (
        in_a_language and written is not None and re.sub(r"[\s-]+", "_", written["key"].lower()) in owner.model_fields
    ):
        return "; " + _ONE_LANGUAGE.format(key=key)
    return ""


# Where a field's description stops saying what the value is (`The document … that proves it: an email, …`).
_WHAT_IT_IS = re.compile(r"[:;]\s|, e\.g\.|, a slug such as|\.(?:\s|$)")


def _what_to_add(owner: type[BaseModel], key: str) -> str:
    """'; add 'evidence:' with the document or record that proves it (e.g. evidence: …)', from the model's field."""
    field = owner.model_fields.get(key)
    if field is None or not field.description:
        return ""
    what = _WHAT_IT_IS.split(field.description, maxsplit=1)[0].strip()
    if len(what) > 1 and what[0].isupper() and what[1].islower():
        what = what[0].lower() + what[1:]
    example = f" (e.g. {key}: {_yaml_value(field.examples[0])})" if field.examples else ""
    return f"; add '{key}:' with {what}{example}"


def _yaml_value(value: object) -> str:
    """A value as written after its key in YAML: plain where YAML reads it back the same, else in quotes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if not isinstance(value, str):
        return text
    try:
        plain = yaml.safe_load(f"key: {text}")
    except yaml.YAMLError:
        plain = None
    read = plain.get("key") if isinstance(plain, dict) else None
    return text if read == value or (isinstance(read, dt.date) and read.isoformat() == value) else json.dumps(value)


def _slug_hint(value: object) -> str:
    if not isinstance(value, str):
        return ""
    slug = slug_of(value)  # accented letters keep their letter (confirmé: confirme), as the id would be read aloud
    return f", e.g. '{slug}'" if slug else ""


# Languages by their English names and their own, for the tag to write in their place (`language: french`).
_LANGUAGE_NAMES = {
    **dict.fromkeys(("english",), "en"),
    **dict.fromkeys(("german", "deutsch"), "de"),
    **dict.fromkeys(("french", "français", "francais"), "fr"),
    **dict.fromkeys(("spanish", "español", "espanol", "castellano"), "es"),
    **dict.fromkeys(("italian", "italiano"), "it"),
    **dict.fromkeys(("portuguese", "português", "portugues"), "pt"),
    **dict.fromkeys(("dutch", "nederlands"), "nl"),
    **dict.fromkeys(("swedish", "svenska"), "sv"),
    **dict.fromkeys(("danish", "dansk"), "da"),
    **dict.fromkeys(("norwegian", "norsk"), "nb"),
    **dict.fromkeys(("finnish", "suomi"), "fi"),
    **dict.fromkeys(("polish", "polski"), "pl"),
    **dict.fromkeys(("czech", "čeština", "cestina"), "cs"),
    **dict.fromkeys(("russian", "русский"), "ru"),
    **dict.fromkeys(("turkish", "türkçe", "turkce"), "tr"),
    **dict.fromkeys(("greek",), "el"),
    **dict.fromkeys(("japanese", "日本語"), "ja"),
    **dict.fromkeys(("chinese", "中文"), "zh"),
    **dict.fromkeys(("korean", "한국어"), "ko"),
}


def _language_problem(value: object) -> str:
    fix = "write the BCP 47 tag of the language the process is written in, e.g. 'en', 'de', 'fr-CA' or 'pt-BR'"
    hyphenated = value.replace("_", "-") if isinstance(value, str) else None
    named = closest(value.strip(), _LANGUAGE_NAMES) if isinstance(value, str) and value.strip() else None
    if hyphenated and re.match(LANGUAGE_PATTERN, hyphenated):
        meant = f"; did you mean {quoted(hyphenated)}?"
    elif named is not None:
        meant = f"; did you mean {quoted(_LANGUAGE_NAMES[named])}?"
    else:
        meant = ""
    return f"{show(value)} is not a language tag: {fix}{meant}"


def explain_error(error: Any, data: object = None, bool_text: Mapping[Loc, str] | None = None) -> Problem:
    """Turn one pydantic error into a Problem whose message says what to do (`data`: the file's data, to name places;
    `bool_text`: true/false as written, so that `confirmation: yes` is told 'yes', not true)."""
    loc: Loc = tuple(part for part in error["loc"])
    kind = error["type"]
    value = error.get("input")
    typed = (bool_text or {}).get(loc)
    key = str(loc[-1]) if loc else ""
    field = _field_name(loc)
    owner = model_at(loc[:-1]) if loc else Process
    where = describe(loc[:-1], data) if loc else "the process"
    if kind == "missing":
        return Problem(loc, f"{where} is missing the required key '{key}'{_what_to_add(owner, key)}")
    if kind == "extra_forbidden":
        allowed = list(owner.model_fields)
        hint = (
            _meant_key(owner, key)
            or _translation(owner, key)
            or did_you_mean(key, allowed)
            or f"; allowed keys: {', '.join(allowed)}"
        )
        return Problem(loc, f"unknown key {quoted(key)} in {where}{hint}", at_key=True)
    if kind == "string_type":
        fix = "; put it in quotes" if isinstance(value, (int, float, bool)) else ""
        if isinstance(value, dict):
            fix = "; a ': ' inside text starts a key in YAML, so put the whole text in quotes"
        return Problem(loc, f"{field} must be text, got {kind_of(value, yaml=True)}{fix}")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        fix = _whole_number_fix(value, key)
        return Problem(loc, f"{field} must be a whole number, got {described(value, yaml=True)}{fix}")
    if kind in ("float_type", "float_parsing"):
        return Problem(loc, f"{field} must be a number, got {described(value, yaml=True)}; write digits, e.g. 25000")
    if kind == "bool_type":
        return Problem(loc, f"{field} must be true or false, got {described(value, yaml=True)}{_bool_fix(value, key)}")
    if kind == "list_type":
        fix = _list_fix(value) if _text_list(owner, key) or list_in_quotes(value) else _one_item_fix(value)
        return Problem(loc, f"{field} must be a list (one '- ' item per line), got {kind_of(value, yaml=True)}{fix}")
    if kind == "dict_type":
        return Problem(
            loc,
            f"{field} must be a mapping of milestone ids to answers (met, evidence, date), got {kind_of(value, yaml=True)}",
        )
    if kind in ("model_type", "model_attributes_type"):
        model = model_at(loc)
        names = list(model.model_fields)
        expected = ", ".join(names[:3]) + (", …" if len(names) > 3 else "")
        if loc and isinstance(loc[-1], str):  # a key's value (required_when:), not an item of a list
            return Problem(
                loc,
                f"'{loc[-1]}' must be a mapping of keys ({expected}), got {kind_of(value, yaml=True)}; write each key "
                f"with its value, e.g. '{loc[-1]}: {{{names[0]}: …}}'",
            )
        what = _READABLE.get(model, model.__name__.lower())
        fix = f"; write each key with its value, e.g. '- {names[0]}: …'" if model is RequiredWhen else ""
        return Problem(loc, f"each {what} must be a mapping of keys ({expected}), got {kind_of(value, yaml=True)}{fix}")
    if kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == BLANK_TEXT_PATTERN:
        return Problem(loc, f"{field} must not be empty: it holds only spaces; write its text")
    if kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == LANGUAGE_PATTERN:
        return Problem(loc, _language_problem(value))
    if kind == "string_pattern_mismatch":
        entry = isinstance(loc[-1], int) or loc[-1] == "[key]" or _mapping_of(loc) is not None
        slug = f"id ({field})" if entry else key  # an item of a list of ids, a mapping's key or value
        return Problem(
            loc,
            f"{show(value)} is not a valid {slug}: use lowercase letters, digits and single hyphens{_slug_hint(value)}",
        )
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        as_typed = isinstance(value, bool) and typed and typed.lower() not in ("true", "false")
        return Problem(loc, f"{field} must be one of {expected}, got {show(typed if as_typed else value)}")
    if kind == "string_too_short":
        return Problem(loc, f"{field} must not be empty")
    if kind == "too_short":
        minimum = error.get("ctx", {}).get("min_length")
        items = plural(minimum, "item") if isinstance(minimum, int) else f"{minimum} items"
        got = len(value) if isinstance(value, list) else 0
        declared = owner.model_fields.get(key)
        optional = declared is not None and not declared.is_required()
        hint = f"; list them, or remove '{key}' altogether" if optional else ""
        return Problem(loc, f"{field} needs at least {items}, got {got}{hint}")
    if kind == "greater_than_equal" and key != "probability":
        return Problem(loc, f"{field} must be at least {error.get('ctx', {}).get('ge', 0):g}, got {show(value)}")
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return Problem(loc, f"{field}: {show(value)} is not a date; write it as YYYY-MM-DD, e.g. 2027-03-01")
    if kind == "value_error":
        mapping = _mapping_of(loc)
        holds = _MAPPING_VALUES.get(mapping or "", "")
        if holds:
            return Problem(loc, f"{error['ctx']['error']} ({holds})")
        return Problem(loc, f"{field}: {error['ctx']['error']}")
    if kind in ("greater_than_equal", "less_than_equal"):
        return Problem(
            loc,
            f"{field} must be between 0 and 100, got {show(value)}; write the stage's win probability as a whole "
            "percent from 0 to 100",
        )
    if kind == "greater_than" and key == "amount_below":
        return Problem(loc, f"{field} must be more than 0, got {show(value)}")
    if kind == "greater_than":
        return Problem(loc, f"{field} must be a positive whole number of days, got {show(value)}")
    return Problem(loc, f"{field}: {error['msg']}" if key else error["msg"])


def _misspelt(errors: list[Any]) -> set[tuple[Loc, str]]:
    """(where, key) of each required key that an unknown key nearby looks like a misspelling of."""
    found = set()
    for error in errors:
        if error["type"] == "extra_forbidden" and error["loc"]:
            owner: Loc = tuple(error["loc"][:-1])
            if _translation(model_at(owner), str(error["loc"][-1])):
                continue  # `name_de` is not a misspelt `name`: a missing `name` is still reported
            meant = closest(str(error["loc"][-1]), list(model_at(owner).model_fields))
            if meant is not None:
                found.add((owner, meant))
    return found


def explain(error: ValidationError, data: object = None, bool_text: Mapping[Loc, str] | None = None) -> list[Problem]:
    """Every error of a pydantic ValidationError as a Problem; one mistake gives one problem. `bool_text`: the
    true/false values as the file wrote them (`yes`), said as written.

    A misspelt key is both unknown and, when required, missing: only the did-you-mean is kept.
    """
    errors = error.errors(include_url=False)
    misspelt = _misspelt(errors)
    pasted = _milestone_keys_in_stages(errors)
    problems = []
    for item in errors:
        loc = tuple(item["loc"])
        if item["type"] == "missing" and loc and (loc[:-1], str(loc[-1])) in misspelt:
            continue
        if item["type"] == "string_pattern_mismatch" and any(
            len(loc) == len(place) and all(part in (None, got) for part, got in zip(place, loc, strict=True))
            for place in _IDS_THE_RULES_CHECK
        ):
            continue
        keys = pasted.get(loc[:-1], [])
        if loc and str(loc[-1]) in keys:
            if str(loc[-1]) == keys[0]:  # one problem for them all, at the first
                problems.append(_milestone_keys_problem(loc, keys, describe(loc[:-1], data)))
            continue
        problems.append(explain_error(item, data, bool_text))
    return problems


def _milestone_keys_in_stages(errors: list[Any]) -> dict[Loc, list[str]]:
    """The keys of a milestone written in a stage itself (a milestone pasted one level too far out), by stage."""
    found: dict[Loc, list[str]] = {}
    for error in errors:
        loc: Loc = tuple(error["loc"])
        key = str(loc[-1]) if loc else ""
        if (
            error["type"] == "extra_forbidden"
            and model_at(loc[:-1]) is Stage
            and key in Milestone.model_fields
            and key not in Stage.model_fields
        ):
            found.setdefault(loc[:-1], []).append(key)
    return found


def _milestone_keys_problem(loc: Loc, keys: list[str], where: str) -> Problem:
    """One problem for a stage's milestone keys: where they belong, and how to put them there."""
    if len(keys) == 1:
        return Problem(
            loc,
            f"'{keys[0]}' is a key of a milestone, not of {where}: move it into the milestone it belongs to, under "
            "the stage's 'milestones:', indented like that milestone's other keys",
            at_key=True,
        )
    named = ", ".join(f"'{key}'" for key in keys[:-1]) + f" and '{keys[-1]}'"
    return Problem(
        loc,
        f"{named} are keys of a milestone, not of {where}: move them under the stage's 'milestones:', in an item "
        "that starts with '- id: …' (indented under 'milestones:')",
        at_key=True,
    )
