"""Name a place in process.yaml the way its editor sees it: "stage 'Qualifying', milestone 'budget-confirmed'"."""

from __future__ import annotations

from sales_process.problems import Loc


def _entry(data: object, key: str, index: object) -> dict[object, object] | None:
    items = data.get(key) if isinstance(data, dict) else None
    if (
        isinstance(items, list)
        and isinstance(index, int)
        and 0 <= index < len(items)
        and isinstance(items[index], dict)
    ):
        entry: dict[object, object] = items[index]
        return entry
    return None


def _text(entry: dict[object, object] | None, key: str) -> str | None:
    value = entry.get(key) if entry is not None else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def stage_place(data: object, index: int) -> str:
    """ "stage 'Qualifying'" by its name, else its id, else its position ("stage 2")."""
    stage = _entry(data, "stages", index)
    label = _text(stage, "name") or _text(stage, "id")
    return f"stage '{label}'" if label else f"stage {index + 1}"


def milestone_place(data: object, stage: int, index: int) -> str:
    """ "stage 'Qualifying', milestone 'budget-confirmed'" by the milestone's id, else its position."""
    milestone = _entry(_entry(data, "stages", stage), "milestones", index)
    label = _text(milestone, "id")
    return (
        f"{stage_place(data, stage)}, milestone '{label}'"
        if label
        else f"{stage_place(data, stage)}, milestone {index + 1}"
    )


def describe(loc: Loc, data: object = None) -> str:
    """The stage, milestone, CRM setting or practice scenario a path is in, by name ("the process" at the top level)."""
    if loc[:1] == ("crm",):
        return ".".join(str(part) for part in loc)
    if len(loc) >= 3 and loc[:2] == ("practice", "scenarios") and isinstance(loc[2], int):
        scenario = f"practice scenario {loc[2] + 1}"
        if len(loc) >= 6 and loc[3:5] == ("deal", "milestones"):
            return f"the answer to '{loc[5]}' in the deal of {scenario}"
        return f"the {loc[3]} of {scenario}" if len(loc) >= 4 else scenario
    if loc[:1] == ("practice",):
        return "'practice'"
    if (
        len(loc) >= 4
        and loc[0] == "stages"
        and loc[2] == "milestones"
        and isinstance(loc[1], int)
        and isinstance(loc[3], int)
    ):
        return milestone_place(data, loc[1], loc[3])
    if len(loc) >= 2 and loc[0] == "stages" and isinstance(loc[1], int):
        return stage_place(data, loc[1])
    return "the process"
