"""Rules that span several stages or milestones, checked on the raw data.

They run even when some values have the wrong type, so that one run reports
every problem in the file; anything malformed is left to the model's checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from sales_process.explain import milestones_in_other_words
from sales_process.model import SLUG_PATTERN, CrmColumns, CrmMilestone
from sales_process.outcome import Outcome, stage_looks_disqualified
from sales_process.places import stage_place
from sales_process.problems import LINE_OF, Loc, Problem
from sales_process.suggest import closest, did_you_mean
from sales_process.vocabulary import looks_lost, name_key, stage_name_taken
from sales_process.wording import quoted


def _stages(data: object) -> list[tuple[int, dict[str, object]]]:
    if not isinstance(data, dict) or not isinstance(data.get("stages"), list):
        return []
    return [(i, stage) for i, stage in enumerate(data["stages"]) if isinstance(stage, dict)]


def _milestones(stage: dict[str, object]) -> list[tuple[int, dict[str, object]]]:
    milestones = stage.get("milestones")
    if not isinstance(milestones, list):
        return []
    return [(j, m) for j, m in enumerate(milestones) if isinstance(m, dict)]


def _unique_ids(data: object) -> Iterator[Problem]:
    stage_ids: dict[str, int] = {}
    milestone_ids: dict[str, str] = {}
    for i, stage in _stages(data):
        stage_id = stage.get("id")
        if isinstance(stage_id, str):
            if stage_id in stage_ids:
                yield Problem(
                    ("stages", i, "id"),
                    f"duplicate stage id '{stage_id}' (already used by {stage_place(data, stage_ids[stage_id])}); every stage needs its own id",
                )
            else:
                stage_ids[stage_id] = i
        for j, milestone in _milestones(stage):
            milestone_id = milestone.get("id")
            if not isinstance(milestone_id, str):
                continue
            if milestone_id in milestone_ids:
                yield Problem(
                    ("stages", i, "milestones", j, "id"),
                    f"duplicate milestone id '{milestone_id}' (already used in {milestone_ids[milestone_id]}); milestone ids must be unique in the whole file",
                )
            else:
                milestone_ids[milestone_id] = stage_place(data, i)


def _unique_stage_names(data: object) -> Iterator[Problem]:
    """A stage's name may not be another stage's name or id (ignoring case and spaces): a CRM export, a deal
    file or the API names a stage either way, and the lookup would silently take one of the two."""
    stages = _stages(data)
    ids: dict[str, int] = {}  # each id's first stage: a repeated id is _unique_ids' error
    for i, stage in stages:
        if isinstance(stage_id := stage.get("id"), str):
            ids.setdefault(name_key(stage_id), i)
    names: dict[str, int] = {}
    stages_by_index = dict(stages)
    for i, stage in stages:
        name = stage.get("name")
        if not isinstance(name, str) or not name.strip():
            continue
        key = name_key(name)
        if key in names:
            what, other = "name", names[key]
        elif ids.get(key, i) != i:
            what, other = "id", ids[key]
        else:
            names[key] = i
            continue
        # The other stage by its id (its name may be this very name) and its line.
        first = stages_by_index[other].get("id")
        named = f"stage '{first}'" if isinstance(first, str) and first.strip() else stage_place(data, other)
        yield Problem(
            ("stages", i, "name"),
            f"stage name {quoted(name.strip())} is already the {what} of {named}{LINE_OF}; a CRM export, a "
            "deal file or the API names a stage by its id or its name, so give each stage a name of its own",
            refers_to=("stages", other, "id") if isinstance(first, str) else ("stages", other),
        )


def _items(stages: list[tuple[int, dict[str, object]]], kind: str) -> list[tuple[Loc, dict[str, object]]]:
    """The stages (kind 'stage') or their milestones, each with its place in the file."""
    if kind == "stage":
        return [(("stages", i), stage) for i, stage in stages]
    return [(("stages", i, "milestones", j), m) for i, stage in stages for j, m in _milestones(stage)]


def _old_ids(item: dict[str, object]) -> list[tuple[int, str]]:
    """The ids in a stage's or milestone's `renamed_from`, with their positions (malformed ones left out)."""
    olds = item.get("renamed_from")
    return [(k, old) for k, old in enumerate(olds) if isinstance(old, str)] if isinstance(olds, list) else []


def _renamed_ids(stages: list[tuple[int, dict[str, object]]], kind: str) -> list[str]:
    """Every old id (`renamed_from`) of the stages, or of their milestones (kind 'milestone')."""
    return [old for _, item in _items(stages, kind) for _, old in _old_ids(item)]


def _renames(data: object) -> Iterator[Problem]:
    """An old id (`renamed_from`) names one stage or milestone: never one the process has now, never two."""
    stages = _stages(data)
    for kind in ("stage", "milestone"):
        items = _items(stages, kind)
        current = {str(item["id"]) for _, item in items if isinstance(item.get("id"), str)}
        earlier: dict[str, str] = {}
        for loc, item in items:
            for k, old in _old_ids(item):
                place: Loc = (*loc, "renamed_from", k)
                if old in current:
                    yield Problem(
                        place,
                        f"'{old}' is in renamed_from but is the id of a {kind} of this process; "
                        f"renamed_from lists only ids the process no longer has: remove '{old}'",
                    )
                elif old in earlier:
                    yield Problem(
                        place,
                        f"'{old}' is in the renamed_from of two {kind}s ('{earlier[old]}' too); saved deals can "
                        f"carry an old id over to one {kind} only: keep it in one",
                    )
                else:
                    earlier[old] = str(item.get("id"))


def _closed_stages(data: object) -> dict[int, Outcome]:
    """The stages that look like a closed outcome rather than a pipeline stage: a lost or disqualification
    word in their name or id (every language the vocabulary knows), or probability 0 after a stage at 100."""
    closed: dict[int, Outcome] = {}
    won_before = False
    for i, stage in _stages(data):
        words = " ".join(str(stage.get(key)) for key in ("name", "id") if isinstance(stage.get(key), str))
        probability = stage.get("probability")
        if looks_lost(words) or (won_before and probability == 0 and not stage_looks_disqualified(words)):
            closed[i] = Outcome.LOST
        elif stage_looks_disqualified(words):
            closed[i] = Outcome.DISQUALIFIED
        won_before = won_before or probability == 100
    return closed


def _lost_stages(data: object, closed: dict[int, Outcome]) -> Iterator[Problem]:
    """One error per closed outcome written as a stage, with the crm.lost_stages entry to write instead."""
    for i, stage in _stages(data):
        if i not in closed:
            continue
        name = stage.get("name") if isinstance(stage.get("name"), str) else stage.get("id")
        deal = "a lost deal" if closed[i] is Outcome.LOST else "a deal closed without a decision"
        yield Problem(
            ("stages", i),
            f"{stage_place(data, i)} is a {closed[i].value} outcome, not a pipeline stage: {deal} has left the "
            f"pipeline, so it has no probability and no milestones to verify; remove this stage and name it under "
            f"the crm block instead, as 'crm: {{lost_stages: [{name}]}}' (exports and saved deals at that CRM stage "
            f"then count as {closed[i].value})",
        )


def _probabilities(data: object, closed: dict[int, Outcome]) -> Iterator[Problem]:
    previous: tuple[int, object, object] | None = None
    for i, stage in _stages(data):
        if i in closed:
            continue  # reported once, as a closed outcome
        probability = stage.get("probability")
        if not isinstance(probability, int) or isinstance(probability, bool) or not 0 <= probability <= 100:
            continue  # reported by the model's checks; comparing with it would only add noise
        if previous is not None and isinstance(previous[1], int) and probability < previous[1]:
            named = f", '{previous[2]}'" if isinstance(previous[2], str) and previous[2] else ""
            yield Problem(
                ("stages", i, "probability"),
                f"probability {probability} is lower than the {previous[1]} of the stage before it{named}; "
                "probabilities must not decrease along the pipeline: lower that one or raise this one",
            )
        previous = (i, probability, stage.get("name"))


def _misspelt_milestones(stage: dict[str, object]) -> bool:
    """Whether the stage has its milestones under a misspelt key or in other words (`exit_criteria:`)."""
    return "milestones" not in stage and any(
        isinstance(key, str) and (closest(key, ["milestones"]) == "milestones" or milestones_in_other_words(key))
        for key in stage
    )


def _gates(data: object, closed: dict[int, Outcome]) -> Iterator[Problem]:
    stages = [(i, stage) for i, stage in _stages(data) if i not in closed]  # a closed outcome is reported once
    if not isinstance(data, dict) or not isinstance(data.get("stages"), list) or not stages:
        return
    open_indexes = [i for i in range(len(data["stages"])) if i not in closed]
    last = open_indexes[-1] if open_indexes else -1
    for i, stage in stages:
        milestones = stage.get("milestones")
        if i == last:
            if isinstance(milestones, list) and milestones:
                yield Problem(
                    ("stages", i, "milestones"),
                    "the last stage must have no milestones: there is no stage after it to move on to; move them to an earlier stage",
                    at_key=True,
                )
        elif _misspelt_milestones(stage):
            continue  # the unknown-key error already says what to fix
        elif milestones is None or (isinstance(milestones, list) and not milestones):
            yield Problem(
                ("stages", i, "milestones") if "milestones" in stage else ("stages", i),
                f"{stage_place(data, i)} needs at least one milestone: the customer outcomes that let a deal leave it",
            )


CRM_FIELDS = tuple(CrmColumns.model_fields)
SLUG = re.compile(SLUG_PATTERN)
MILESTONE_PARTS = tuple(CrmMilestone.model_fields)


def _milestone_ids_not_fields(data: object) -> Iterator[Problem]:
    """A milestone's id may not be a deal field's name: an export's or a deal file's `owner` or `status`
    column is the deal's (a milestone `status` hid the deal's status, and `playbook deals export` wrote two
    columns named `status`)."""
    fields = {field.replace("_", "-"): field for field in CRM_FIELDS}
    for i, stage in _stages(data):
        for j, milestone in _milestones(stage):
            milestone_id = milestone.get("id")
            if isinstance(milestone_id, str) and milestone_id in fields:
                yield Problem(
                    ("stages", i, "milestones", j, "id"),
                    f"milestone id '{milestone_id}' is the name of the deal's own '{fields[milestone_id]}' column, "
                    f"which exports and deal files read as the deal's; give the milestone an id of its own, e.g. "
                    f"'{milestone_id}-confirmed'",
                )


def _crm_block(data: object) -> dict[str, object]:
    crm = data.get("crm") if isinstance(data, dict) else None
    return crm if isinstance(crm, dict) else {}


def _crm_columns(crm: dict[str, object]) -> Iterator[tuple[Loc, str]]:
    """Every CRM column name the block maps or ignores, with its place in the file."""
    columns = crm.get("columns")
    if isinstance(columns, dict):
        yield from (
            (("crm", "columns", key), name)
            for key, name in columns.items()
            if key in CRM_FIELDS and isinstance(name, str)
        )
    milestones = crm.get("milestones")
    if isinstance(milestones, dict):
        for key, value in milestones.items():
            if isinstance(value, str):
                yield ("crm", "milestones", key), value
            elif isinstance(value, dict):
                yield from (
                    (("crm", "milestones", key, part), name)
                    for part, name in value.items()
                    if part in MILESTONE_PARTS and isinstance(name, str)
                )
    ignored = crm.get("ignore_columns")
    if isinstance(ignored, list):
        yield from ((("crm", "ignore_columns", i), name) for i, name in enumerate(ignored) if isinstance(name, str))


def _where(loc: Loc) -> str:
    if loc[1] == "ignore_columns":
        return "crm.ignore_columns"
    return ".".join(str(part) for part in loc)


def _crm(data: object) -> Iterator[Problem]:
    crm = _crm_block(data)
    if not crm:
        return
    stages = _stages(data)
    stage_ids = [str(stage["id"]) for _, stage in stages if isinstance(stage.get("id"), str)]
    own_stages = [
        (str(stage["id"]), str(stage["name"]))
        for _, stage in stages
        if isinstance(stage.get("id"), str) and isinstance(stage.get("name"), str)
    ]
    milestone_ids = [str(m["id"]) for _, stage in stages for _, m in _milestones(stage) if isinstance(m.get("id"), str)]
    # The crm block may still name a stage or milestone by an old id: the model reads it as the new one.
    old_stage_ids, old_milestone_ids = _renamed_ids(stages, "stage"), _renamed_ids(stages, "milestone")
    names = crm.get("stage_names")
    if isinstance(names, dict):
        seen_names: dict[str, str] = {}
        for crm_name, stage_id in names.items():
            key = name_key(str(crm_name))
            if isinstance(stage_id, str) and stage_id not in stage_ids and stage_id not in old_stage_ids:
                yield Problem(
                    ("crm", "stage_names", crm_name),
                    f"unknown stage id '{stage_id}'{did_you_mean(stage_id, stage_ids)} (stage ids: {', '.join(stage_ids)})",
                )
            elif key in seen_names:
                yield Problem(
                    ("crm", "stage_names", crm_name),
                    f"the CRM stage name '{crm_name}' is mapped twice (also as '{seen_names[key]}'; names are compared ignoring case and spaces); keep one",
                    at_key=True,
                )
            elif taken := stage_name_taken(str(crm_name), str(stage_id), own_stages):
                yield Problem(("crm", "stage_names", crm_name), taken, at_key=True)
            seen_names.setdefault(key, str(crm_name))
    milestones = crm.get("milestones")
    if isinstance(milestones, dict):
        with_statement = {
            str(m["id"]) for _, stage in stages for _, m in _milestones(stage) if m.get("buyer_statement") is not None
        }
        for milestone_id, fields in milestones.items():
            if milestone_id not in milestone_ids and milestone_id not in old_milestone_ids:
                yield Problem(
                    ("crm", "milestones", milestone_id),
                    f"unknown milestone id '{milestone_id}': crm.milestones maps the milestones defined under stages{did_you_mean(str(milestone_id), milestone_ids)}",
                    at_key=True,
                )
            elif isinstance(fields, dict) and "confirmed_by" in fields and milestone_id not in with_statement:
                yield Problem(
                    ("crm", "milestones", milestone_id, "confirmed_by"),
                    f"milestone '{milestone_id}' has no buyer_statement, so no buyer can confirm it; remove 'confirmed_by' or give '{milestone_id}' a buyer_statement",
                    at_key=True,
                )
    seen: dict[str, Loc] = {}
    for loc, column in _crm_columns(crm):
        key = name_key(column)
        if key in seen:
            yield Problem(
                loc,
                f"the CRM column '{column.strip()}' is mapped twice (also at {_where(seen[key])}); a column holds one field, so keep one",
            )
        else:
            seen[key] = loc


def _confirmations(data: object) -> Iterator[Problem]:
    for i, stage in _stages(data):
        for j, milestone in _milestones(stage):
            if milestone.get("confirmation") == "required" and milestone.get("buyer_statement") is None:
                name = (
                    milestone.get("id")
                    if isinstance(milestone.get("id"), str)
                    else f"milestone {j + 1} of stage {i + 1}"
                )
                yield Problem(
                    ("stages", i, "milestones", j, "confirmation"),
                    f"milestone '{name}' requires the buyer's confirmation but has no 'buyer_statement' for the buyer to confirm; add one in the first person (e.g. 'buyer_statement: We have agreed that …') or set 'confirmation: optional'",
                )


def _groups(data: object) -> Iterator[Problem]:
    """A group is alternatives within one stage: two members at least, all in one stage, all required alike."""
    members: dict[str, list[tuple[int, int, dict[str, object]]]] = {}
    misspelt = False  # a group that is no slug is worded by the model; its partner would look alone
    for i, stage in _stages(data):
        for j, milestone in _milestones(stage):
            group = milestone.get("group")
            if isinstance(group, str) and SLUG.match(group):
                members.setdefault(group, []).append((i, j, milestone))
            elif group is not None:
                misspelt = True
    # Two groups of one in a stage whose names are a small edit apart are one group, spelt two ways: one problem,
    # at the first, naming both lines (neither spelling is more likely the typo than the other).
    alone = {group: found[0] for group, found in members.items() if len(found) == 1}
    spelt_twice: set[str] = set()
    for group, (in_stage, index, _) in alone.items():
        if group in spelt_twice or misspelt:
            continue
        same_stage = [name for name, seen in alone.items() if name != group and seen[0] == in_stage]
        other = closest(group, [name for name in same_stage if name not in spelt_twice])
        if other is None:
            continue
        spelt_twice.update((group, other))
        yield Problem(
            ("stages", in_stage, "milestones", index, "group"),
            f"group '{group}' here and group '{other}'{LINE_OF} are spelt differently, so each is a group of one "
            f"milestone; alternatives need the same group name: write one spelling in both",
            refers_to=("stages", in_stage, "milestones", alone[other][1], "group"),
        )
    for group, found in members.items():
        first_stage, first_index, first = found[0]
        if len(found) == 1 and (misspelt or group in spelt_twice):
            continue
        if len(found) == 1:
            # Two groups of one whose names are a letter apart are one group misspelt: say the other's name.
            others = [name for name, seen in members.items() if name != group and len(seen) == 1]
            yield Problem(
                ("stages", first_stage, "milestones", first_index, "group"),
                f"group '{group}' has one milestone: a group is alternatives, one of which is enough; give "
                f"'group: {group}' to another milestone of {stage_place(data, first_stage)}, or remove it"
                f"{did_you_mean(group, others)}",
            )
            continue
        for i, j, milestone in found[1:]:
            loc: Loc = ("stages", i, "milestones", j, "group")
            if i != first_stage:
                yield Problem(
                    loc,
                    f"group '{group}' spans stages ({stage_place(data, first_stage)} and {stage_place(data, i)}): "
                    f"alternatives gate one stage; move the milestone to {stage_place(data, first_stage)}, or give it another group",
                )
            elif _conditions_written(milestone) != _conditions_written(first):
                yield Problem(
                    loc,
                    f"the milestones of group '{group}' are required of different deals; give each the same "
                    f"'required_when' as {_milestone_name(first, first_index)}, or none",
                )
    last = len(data["stages"]) - 1 if isinstance(data, dict) and isinstance(data.get("stages"), list) else -1
    for i, stage in _stages(data):
        milestones = _milestones(stage)
        if i != last and milestones and all(milestone.get("required") is False for _, milestone in milestones):
            yield Problem(
                ("stages", i, "milestones"),
                f"{stage_place(data, i)} has only milestones with 'required: false', so it holds no deal back; "
                "make at least one of them required (remove its 'required: false')",
                at_key=True,
            )
        for j, milestone in milestones:
            if milestone.get("required") is not False:
                continue
            for key, why in (
                ("required_when", "'required_when' says which deals need it, but 'required: false' says none do"),
                ("group", "an alternative of a group is needed when the others are not verified"),
            ):
                if key in milestone:
                    yield Problem(
                        ("stages", i, "milestones", j, key),
                        f"milestone {_milestone_name(milestone, j)} has 'required: false' and '{key}': {why}; "
                        f"remove one of them",
                        at_key=True,
                    )


def _milestone_name(milestone: dict[str, object], index: int) -> str:
    milestone_id = milestone.get("id")
    return f"'{milestone_id}'" if isinstance(milestone_id, str) else f"{index + 1}"


def check_rules(data: object) -> list[Problem]:
    """Every cross-stage rule violation in the raw process data."""
    closed = _closed_stages(data)
    return [
        *_unique_ids(data),
        *_unique_stage_names(data),
        *_milestone_ids_not_fields(data),
        *_renames(data),
        *_lost_stages(data, closed),
        *_probabilities(data, closed),
        *_gates(data, closed),
        *_crm(data),
        *_confirmations(data),
        *_groups(data),
        *_empty_conditions(data),
    ]


# Thousands grouped with points, as much of Europe writes them (100.000): YAML reads a decimal point.
def _conditions_written(milestone: dict[str, object]) -> object:
    """A milestone's `required_when` as a list of conditions: one written alone is a list of one."""
    conditions = milestone.get("required_when")
    return conditions if isinstance(conditions, list) or conditions is None else [conditions]


_POINT_THOUSANDS = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")
_AMOUNT_KEYS = ("amount_at_least", "amount_below")


def amounts_with_thousand_points(number_text: dict[Loc, str]) -> list[Problem]:
    """Each amount (a `required_when` threshold, a deal's or a practice deal's `amount`) written with points between
    its thousands ('100.000'), which YAML reads as a decimal number (100): an error, since no amount is meant with
    three decimals (the same text in quotes is refused as ambiguous, as the form refuses it)."""
    problems = []
    for loc, text in number_text.items():
        if loc and loc[-1] in (*_AMOUNT_KEYS, "amount") and _POINT_THOUSANDS.fullmatch(text):
            whole = text.replace(".", "")
            problems.append(
                Problem(
                    loc,
                    f"'{text}' is read as {float(text):g}: YAML takes the point for a decimal point; "
                    f"write {whole} (digits alone) for {int(whole):,}",
                )
            )
    return problems


# YAML 1.1 reads a whole number in other forms than decimal digits: a leading 0 is octal (010 is 8), 0x hexadecimal,
# 0b binary, and 1:30 is minutes and seconds (90). Written by hand, each meant the digits as they read.
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+")
_NUMBER_KEYS = ("probability", "max_age_days", "amount", *_AMOUNT_KEYS)
_BASES = {"0x": "hexadecimal", "0b": "binary"}


def numbers_as_written(number_text: dict[Loc, str]) -> list[Problem]:
    """Every number the file's YAML reads otherwise than its digits say (numbers_read_otherwise) or with a point
    between its thousands (amounts_with_thousand_points): what a deal file refuses as process.yaml does."""
    return [*numbers_read_otherwise(number_text), *amounts_with_thousand_points(number_text)]


def numbers_read_otherwise(number_text: dict[Loc, str]) -> list[Problem]:
    """Each whole number YAML reads as another number than its digits say ('010' as 8, '0x10' as 16): an error,
    never a silent change of meaning. A key so written (a CRM owner id) loses its text: it is an error too."""
    problems = []
    for loc, text in number_text.items():
        if (
            not loc
            or _DECIMAL.fullmatch(text)
            or loc == ("version",)
            or not isinstance(read := yaml.safe_load(text), int)
        ):
            continue  # the version is kept as written (loader); a whole document of a number is no process (the model says so)
        unsigned = text.lstrip("+-")
        digits = text[: len(text) - len(unsigned)] + unsigned.lstrip("0_") if _LEADING_ZERO.fullmatch(text) else ""
        if ":" in text:
            how = "YAML reads it as minutes and seconds"
        elif digits:
            how = "a number with a leading 0 is octal"
        else:
            how = f"YAML reads it as a {_BASES.get(unsigned[:2].lower(), 'non-decimal')} number"
        key = loc[-1] == "<key>"
        if key or loc[-1] not in _NUMBER_KEYS:
            fix = f"put it in quotes to keep it as written: '{text}'"
        elif digits and int(digits.replace("_", "")) == read:
            continue  # 05 is 5 all the same
        else:
            fix = f"write {digits} (without the leading 0)" if digits else f"write it in decimal digits, e.g. {read}"
        problems.append(Problem(loc[:-1] if key else loc, f"'{text}' is read as {read} ({how}); {fix}", at_key=key))
    return problems


def _empty_conditions(data: object) -> Iterator[Problem]:
    """`required_when:` with nothing after it: YAML reads no condition, which would require the milestone of every
    deal without a word."""
    for i, stage in _stages(data):
        for j, milestone in _milestones(stage):
            if "required_when" in milestone and milestone["required_when"] is None:
                yield Problem(
                    ("stages", i, "milestones", j, "required_when"),
                    "'required_when' has no condition under it; indent its conditions under it "
                    "(e.g. 'required_when: {amount_at_least: 25000}'), or remove the line to require the milestone "
                    "of every deal",
                    at_key=True,
                )


def empty_keys(data: object) -> list[Problem]:
    """A warning for each key of the file, a stage or a milestone with nothing after it ('description:'): YAML reads
    no value, so the key says nothing; `required_when` is an error instead (_empty_conditions)."""
    places: list[tuple[Loc, object]] = [((), data)]
    for i, stage in _stages(data):
        places.append((("stages", i), stage))
        places.extend((("stages", i, "milestones", j), milestone) for j, milestone in _milestones(stage))
    found = []
    for loc, mapping in places:
        if not isinstance(mapping, dict):
            continue
        for key, value in mapping.items():
            if value is None and key != "required_when":
                found.append(
                    Problem(
                        (*loc, key),
                        f"'{key}' has no value, so it says nothing; write its value after the colon, or remove the line",
                        severity="warning",
                        at_key=True,
                    )
                )
    return found
