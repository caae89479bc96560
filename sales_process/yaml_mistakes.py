"""The YAML mistakes people make by hand, told in plain words at the line where they are.

PyYAML reports where it got stuck, which is often lines after the mistake ("expected <block
end>, but found '<scalar>'" for a quote opened ten lines earlier). These rules look at the
error and the text around it, name the commonest mistakes with their fix, and keep the
parser's own words as a detail. Anything they do not recognise falls back to the parser's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import yaml

from sales_process.suggest import closest
from sales_process.wording import character_name, quoted

_KEY_LINE = re.compile(r"^(?P<indent> *)(?P<dash>(?:- +)*)(?P<key>[^\s#'\"][^:#]*?|\"[^\"]*\"|'[^']*'):(?:\s|$)")
_VALUE_AFTER_KEY = re.compile(r"^ *(?:- +)*[^\s#'\"][^:#]*?: +(?P<value>[^\s'\"|>&*!].*)$")
_OPENS_BLOCK = re.compile(r":\s*(?:[|>][-+0-9]*)?\s*(?:#.*)?$")
_UNDEFINED_ALIAS = re.compile(r"found undefined alias '(.+)'")
_ANCHOR = re.compile(r"(?:^|[\s\[{,])&([^\s\[\]{},]+)")
_QUOTED_VALUE = re.compile(r"^ *(?:- +)*[^\s#'\"][^:#]*?: +(?P<quote>['\"])")
_LOOKS_LIKE_YAML = re.compile(r"^\s*(?:- |[\w-]+:(?:\s|$))")


@dataclass(frozen=True)
class Mistake:
    """A syntax mistake: where it is (1-based) and what to do about it."""

    line: int
    column: int
    message: str


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _previous_content(lines: list[str], index: int) -> int | None:
    """The index of the nearest line above `index` that holds YAML (not blank, not a comment)."""
    for candidate in range(index - 1, -1, -1):
        if _is_content(lines[candidate]):
            return candidate
    return None


def _key_column(line: str) -> int:
    """Where the line's key (or value) starts: its indentation plus any '- ' in front."""
    match = _KEY_LINE.match(line)
    if match:
        return len(match.group("indent")) + len(match.group("dash"))
    stripped = line.lstrip(" ")
    column = len(line) - len(stripped)
    while stripped.startswith("- "):
        rest = stripped[2:].lstrip(" ")
        column += len(stripped) - len(rest)
        stripped = rest
    return column


def _spaces(count: int) -> str:
    return f"{count} space{'s' if count != 1 else ''}"


def _detail(error: yaml.MarkedYAMLError) -> str:
    return f" (YAML: {error.problem})" if error.problem else ""


def _tab(error: yaml.MarkedYAMLError, lines: list[str]) -> Mistake | None:
    mark = error.problem_mark
    if mark is None or "'\\t'" not in (error.problem or ""):
        return None
    line = lines[mark.line] if mark.line < len(lines) else ""
    where = "is indented with a tab" if not line[: mark.column].strip(" ") else "has a tab"
    return Mistake(
        mark.line + 1, mark.column + 1, f"this line {where}; YAML allows only spaces: replace the tab with spaces"
    )


def _unclosed_quote(error: yaml.MarkedYAMLError, text: str) -> Mistake | None:
    """A quote opened and never closed on its line: report the line where it opened."""
    if error.context == "while scanning a quoted scalar" and error.context_mark is not None:
        opened = error.context_mark
        return _quote_mistake(opened.line, opened.column, text[opened.index], text)
    mark = error.problem_mark
    if mark is None:
        return None
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.line > mark.line:
                break
            if _runs_into_yaml(token, text):
                quote = str(getattr(token, "style", '"'))
                return _quote_mistake(token.start_mark.line, token.start_mark.column, quote, text)
    except yaml.YAMLError:
        return None
    return None


def _runs_into_yaml(token: yaml.Token, text: str) -> bool:
    """A quoted text that runs over several lines, and over lines that look like keys or list items."""
    if not isinstance(token, yaml.ScalarToken) or getattr(token, "style", None) not in ('"', "'"):
        return False
    if token.start_mark.line == token.end_mark.line:
        return False
    continuation = text[token.start_mark.index : token.end_mark.index].split("\n")[1:]
    return any(_LOOKS_LIKE_YAML.match(line) for line in continuation)


# The curly quotes Word and web pages write for each straight one: pasted, one may close a text a straight one opened.
_CURLY = {'"': "\u201d\u201c\u201e", "'": "\u2019\u2018"}


def _quote_mistake(line: int, column: int, quote: str, text: str) -> Mistake:
    curly = _lines(text)[line][column + 1 :].rstrip()[-1:]
    if curly and curly in _CURLY[quote]:
        message = (
            f"the quote {quote} opened here is not closed on this line: the text ends with {curly}, a curly quote (as "
            f"Word and web pages write it), which YAML does not read as the end of the text; replace it with {quote} "
            f"(or remove the opening {quote})"
        )
    else:
        message = (
            f"the quote {quote} opened here is not closed on this line, so YAML reads the lines below as part of the "
            f"text; end the text with {quote} (or remove the opening {quote})"
        )
    return Mistake(line + 1, column + 1, message)


def _text_after_quote(error: yaml.MarkedYAMLError, lines: list[str]) -> Mistake | None:
    """`key: 'Customer's budget'` or `key: "Budget" confirmed`: the quote closed before the text ended."""
    mark = error.problem_mark
    if mark is None or "found '<scalar>'" not in (error.problem or "") or mark.line >= len(lines):
        return None
    line = lines[mark.line]
    value = _QUOTED_VALUE.match(line)
    before = line[: mark.column].rstrip()
    if value is None or not before.endswith(value["quote"]) or len(before) <= value.end("quote"):
        return None
    text = line[value.start("quote") :].strip()
    quote = value["quote"]
    if quote == "'" and text.endswith("'"):
        text = text[1:-1]  # an apostrophe inside single quotes: the text meant is within the outer two
    message = (
        f"the text in quotes ends at the {quote} just before this, and YAML reads nothing after it on the line; "
        f"write the whole text in one pair of quotes: {_requoted(text)}" + _detail(error)
    )
    return Mistake(mark.line + 1, mark.column + 1, message)


_CLOSERS = {"]": ("[", "list in brackets"), "}": ("{", "mapping in braces")}


def _text_after_bracket(error: yaml.MarkedYAMLError, lines: list[str]) -> Mistake | None:
    """`segment: [IDN, Academic Medical Center] only` or `[comittee]-submission-accepted`: text after the bracket
    that closed the value, which YAML reads as nothing it expects."""
    mark = error.problem_mark
    if mark is None or "found '<scalar>'" not in (error.problem or "") or mark.line >= len(lines):
        return None
    line = lines[mark.line]
    before = line[: mark.column].rstrip()
    closer = before[-1:]
    if closer not in _CLOSERS or _CLOSERS[closer][0] not in before:
        return None
    opener, what = _CLOSERS[closer]
    after = _FLOW_COMMENT.split(line[mark.column :], maxsplit=1)[0].rstrip()
    if len(before) == mark.column and closer == "]":  # `[comittee]-submission`: the last item's end, cut off
        fix = (
            f"if it is the end of the last item, write it inside the brackets: {(before[:-1] + after + closer).strip()}"
        )
    else:
        fix = (
            f"remove the text {quoted(after, 60)} after it, or write it after ' # ' as a comment, or inside the "
            f"{'brackets' if opener == '[' else 'braces'} as an item"
        )
    message = (
        f"the {what} ends at the '{closer}' just before this, and YAML reads no text after it on the line; {fix}"
        + _detail(error)
    )
    return Mistake(mark.line + 1, mark.column + 1, message)


def _requoted(text: str) -> str:
    """The text as one quoted YAML value: in single quotes when it has no apostrophe, else in double quotes."""
    if "'" not in text:
        return f"'{text}'"
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _undefined_alias(error: yaml.MarkedYAMLError, text: str) -> Mistake | None:
    """`*name` with no `&name` above it: a typo of an anchor, or an alias copied without its anchor."""
    found = _UNDEFINED_ALIAS.fullmatch(error.problem or "")
    mark = error.problem_mark
    if found is None or mark is None:
        return None
    alias = found[1]
    anchors = _ANCHOR.findall(text[: mark.index])
    meant = closest(alias, anchors)
    fix = f"did you mean '*{meant}'?" if meant else f"mark the value to repeat with '&{alias}', or write it out"
    return Mistake(
        mark.line + 1,
        mark.column + 1,
        f"there is no anchor '&{alias}' above to repeat; {fix} "
        "(an alias '*name' repeats the value marked '&name' earlier in the file)",
    )


def _colon_in_text(error: yaml.MarkedYAMLError, lines: list[str]) -> Mistake | None:
    """'key: text: more' — the second ': ' starts a key in YAML."""
    mark = error.problem_mark
    if mark is None or error.problem != "mapping values are not allowed here" or mark.line >= len(lines):
        return None
    before = lines[mark.line][: mark.column]
    if not _VALUE_AFTER_KEY.match(before):
        return None
    message = "this text contains ': ', which YAML reads as a new key; put the whole text in quotes"
    value = _VALUE_AFTER_KEY.match(before)
    if value is not None and value["value"][:1] in "“‘„«":
        # Quotes pasted from a word processor: YAML quotes with straight ones only.
        message += f" (straight ones, \" or ': YAML reads {value['value'][0]} as part of the text)"
    return Mistake(mark.line + 1, mark.column + 1, message + _detail(error))


def _dash_left_of_its_keys(error: yaml.MarkedYAMLError, lines: list[str]) -> Mistake | None:
    """A list's first '- ' moved left of its keys (`- id: terms-agreed` lined up with `milestones:`, which YAML
    allows): the parser stops a line below, where the item's next key, deeper than `id`, runs on into its value."""
    mark = error.problem_mark
    if mark is None or error.problem != "mapping values are not allowed here" or mark.line >= len(lines):
        return None
    item = _previous_content(lines, mark.line)
    found = _KEY_LINE.match(lines[item]) if item is not None else None
    key = _KEY_LINE.match(lines[mark.line])
    if item is None or found is None or not found["dash"] or key is None or key["dash"]:
        return None
    meant = _key_column(lines[mark.line]) - len(found["dash"])  # where the '- ' stands for these keys
    if _OPENS_BLOCK.search(lines[item]) or meant <= _indent(lines[item]):
        return None
    below = _next_line_at_or_left(lines, mark.line, meant)
    if below is not None:
        shape = _KEY_LINE.match(lines[below])
        sibling_shaped = shape is not None and bool(shape["dash"]) and shape["key"].strip() == found["key"].strip()
        column = _indent(lines[below])
        if (column == _indent(lines[item]) and sibling_shaped) or (column == meant and not sibling_shaped):
            return None  # the next item at this '- ''s column, or a key where the '- ' would go: one key is too deep
    sibling = below if below is not None and _indent(lines[below]) == meant else None
    holder = _previous_content(lines, item)
    held = _KEY_LINE.match(lines[holder]) if holder is not None else None
    word = _ITEM_WORDS.get(held["key"].strip(), "list item") if held else "list item"
    to = (
        f"lined up with the '- ' of the {word} at line {sibling + 1}"
        if sibling is not None
        else f"{len(found['dash'])} less than its keys"
    )
    message = (
        f"this {word}'s '- ' is indented by {_spaces(_indent(lines[item]))}, but its keys below it (line "
        f"{mark.line + 1}) are indented for a '- ' at {_spaces(meant)}; indent this line by {_spaces(meant)}, {to}"
    )
    return Mistake(item + 1, _indent(lines[item]) + 1, message + _detail(error))


def _next_line_at_or_left(lines: list[str], after: int, column: int) -> int | None:
    """The index of the first line below `after` that holds YAML indented by `column` or less; None at the end."""
    return next(
        (
            index
            for index in range(after + 1, len(lines))
            if _is_content(lines[index]) and _indent(lines[index]) <= column
        ),
        None,
    )


def _indentation(error: yaml.MarkedYAMLError, lines: list[str]) -> Mistake | None:
    """A key indented more or less than the keys around it."""
    mark = error.problem_mark
    found = error.problem or ""
    over = found == "mapping values are not allowed here"
    under = found.endswith("but found '<block mapping start>'") or found.endswith("but found '?'")
    if mark is None or not (over or under) or mark.line >= len(lines):
        return None
    previous = _previous_content(lines, mark.line)
    if previous is None:
        return None
    line, above = lines[mark.line], lines[previous]
    column = _key_column(line)
    siblings = _key_column(above)
    if over and _OPENS_BLOCK.search(above):
        return None  # a nested block may be indented deeper
    if column == siblings:
        return None
    message = (
        f"this line is indented by {_spaces(column)}, but the keys around it (line {previous + 1}) use {_spaces(siblings)}; "
        f"line it up with them (or, if it belongs under the key above, end that key with ':' and put nothing after it)"
    )
    return Mistake(mark.line + 1, column + 1, message + _detail(error))


# Tokens the parser adds where a block starts or ends, not written by the user.
_NOT_WRITTEN = (yaml.BlockEndToken, yaml.StreamStartToken, yaml.BlockSequenceStartToken, yaml.BlockMappingStartToken)
_ITEM_WORDS = {"stages": "stage", "milestones": "milestone", "scenarios": "scenario"}


def _under_indented_item(error: yaml.MarkedYAMLError, text: str, lines: list[str]) -> Mistake | None:
    """A '- ' item indented less than the items of the list above it: it belongs to that list."""
    mark = error.problem_mark
    found = error.problem or ""
    if mark is None or not found.endswith(("but found '-'", "but found '<block sequence start>'")):
        return None
    if mark.line >= len(lines) or not lines[mark.line][mark.column :].startswith("-"):
        return None
    # The first token of each line above (block text such as a `guidance: |` is inside its key's token).
    first: dict[int, yaml.Token] = {}
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.line >= mark.line:
                break
            if not isinstance(token, _NOT_WRITTEN):
                first.setdefault(token.start_mark.line, token)
    except yaml.YAMLError:
        return None
    column = mark.column
    # The lines above that are deeper than this item, up to the line that holds them: their shallowest line is
    # the item of the list this one was meant for (a list inside a milestone is deeper still).
    item: yaml.Token | None = None
    holder: int | None = None
    for number in sorted(first, reverse=True):
        token = first[number]
        if token.start_mark.column <= column:
            holder = number
            break
        if item is None or token.start_mark.column < item.start_mark.column:
            item = token
    if item is None or not isinstance(item, yaml.BlockEntryToken):
        return None
    key = _KEY_LINE.match(lines[holder]) if holder is not None else None
    word = _ITEM_WORDS.get(key.group("key").strip(), "item") if key else "item"
    more = item.start_mark.column - column
    message = (
        f"this list item is indented by {_spaces(column)}, less than the list above it; "
        f"indent it {more} more space{'s' if more != 1 else ''} to line up with the {word} above (line {item.start_mark.line + 1})"
    )
    return Mistake(mark.line + 1, column + 1, message + _detail(error))


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _first_item_without_its_dash(error: yaml.MarkedYAMLError, lines: list[str]) -> Mistake | None:
    """The first item of a list written without its '- ' (`milestones:` then `id: po-issued`): YAML reads it as a
    mapping, and stops at the next '- ' item (lined up below it) or at the item's next key (deeper than it)."""
    mark = error.problem_mark
    found = error.problem or ""
    if mark is None or mark.line >= len(lines):
        return None
    start: int | None
    next_item: int | None
    if found.endswith(("but found '-'", "but found '<block sequence start>'")):
        # The dashless item's keys run on, deeper than the next item's '- ', up to it.
        column = mark.column
        start = mark.line
        while (above := _previous_content(lines, start)) is not None and _indent(lines[above]) > column:
            start = above
        next_item = mark.line
    elif found == "mapping values are not allowed here":
        # Lined up where its '- ' would be, the item's next key is deeper than it: YAML runs its value on.
        start = _previous_content(lines, mark.line) if _KEY_LINE.match(lines[mark.line]) else None
        if start is None or _key_column(lines[mark.line]) <= _indent(lines[start]):
            return None
        next_item = next(
            (
                index
                for index in range(mark.line + 1, len(lines))
                if _is_content(lines[index]) and _indent(lines[index]) <= _indent(lines[start])
            ),
            None,
        )
    else:
        return None
    if start == mark.line:
        return None
    holder = _previous_content(lines, start)
    item, held = _KEY_LINE.match(lines[start]), _KEY_LINE.match(lines[holder]) if holder is not None else None
    if item is None or item["dash"] or held is None or holder is None or not _OPENS_BLOCK.search(lines[holder]):
        return None
    if _indent(lines[start]) <= _key_column(lines[holder]):
        return None
    below = _KEY_LINE.match(lines[next_item]) if next_item is not None else None
    sibling = (
        below is not None
        and next_item is not None
        and bool(below["dash"])
        and below["key"].strip() == item["key"].strip()
        and _indent(lines[next_item]) > _key_column(lines[holder])  # in the same list, not the holder's next one
    )
    name = held["key"].strip()
    if not sibling and name not in _ITEM_WORDS:
        return None  # a mapping indented unevenly, not a list's item
    word = _ITEM_WORDS.get(name, "item")
    value = _VALUE_AFTER_KEY.match(lines[start])
    written = f"{item['key'].strip()}: {value['value'].strip()}" if value else f"{item['key'].strip()}:"
    lined_up = (
        f", lined up with the '- ' of the {word} at line {next_item + 1}"
        if sibling and next_item is not None
        else f", with the {word}'s other keys indented 2 spaces deeper than the '-'"
    )
    message = (
        f"'{written}' starts the first {word} of '{name}' (line {holder + 1}) but has no '- ', so YAML does not read "
        f"it as an item of the list: start its line with '- ' (write '- {written}'{lined_up})"
    )
    return Mistake(start + 1, _indent(lines[start]) + 1, message + _detail(error))


def _first_item_outside_its_key(error: yaml.MarkedYAMLError, lines: list[str]) -> Mistake | None:
    """The first '- ' item of a list indented less than the 'key:' above it: YAML leaves the key empty and
    finds an item where it expects the next key."""
    mark = error.problem_mark
    if mark is None or not (error.problem or "").endswith(("but found '-'", "but found '<block sequence start>'")):
        return None
    if mark.line >= len(lines) or not lines[mark.line][mark.column :].startswith("-"):
        return None
    previous = _previous_content(lines, mark.line)
    key = _KEY_LINE.match(lines[previous]) if previous is not None else None
    if previous is None or key is None or not _OPENS_BLOCK.search(lines[previous]):
        return None
    key_column = len(key.group("indent")) + len(key.group("dash"))
    if key_column <= mark.column:
        return None
    # Two spaces deeper than its key, as every list of the default process is written.
    more = key_column + 2 - mark.column
    name = key.group("key").strip()
    message = (
        f"this list item is indented by {_spaces(mark.column)}, less than the key '{name}' above it (line {previous + 1}), "
        f"so YAML leaves '{name}' empty; indent it {more} more space{'s' if more != 1 else ''} to put it under '{name}:'"
    )
    return Mistake(mark.line + 1, mark.column + 1, message + _detail(error))


def _over_indented_item(error: yaml.MarkedYAMLError, lines: list[str]) -> Mistake | None:
    """A '- ' item lined up with the keys of the item above it: indented deeper than that item's '- '."""
    mark = error.problem_mark
    if mark is None or not (error.problem or "").endswith("but found '-'") or mark.line >= len(lines):
        return None
    column = mark.column
    for index in range(mark.line - 1, -1, -1):
        above = lines[index]
        if not _is_content(above):
            continue
        depth = len(above) - len(above.lstrip(" "))
        if depth >= column:
            continue  # a key of the item above (or deeper text)
        if not above.lstrip(" ").startswith("- ") or _key_column(above) != column:
            return None
        # The same kind of item as the one above (`- id: …` under `- id: …`), not a text among its keys.
        first, this = _KEY_LINE.match(above), _KEY_LINE.match(lines[mark.line])
        if first is None or this is None or first["key"].strip() != this["key"].strip():
            return None
        holder = next(
            (
                i
                for i in range(index - 1, -1, -1)
                if _is_content(lines[i]) and len(lines[i]) - len(lines[i].lstrip(" ")) < depth
            ),
            None,
        )
        key = _KEY_LINE.match(lines[holder]) if holder is not None else None
        word = _ITEM_WORDS.get(key.group("key").strip(), "item") if key else "item"
        more = column - depth
        message = (
            f"this list item is indented by {_spaces(column)}, {more} more than the {word} above it (line {index + 1}), "
            f"so YAML reads it inside that {word}; line it up with the {word} above: indent it by {_spaces(depth)}"
        )
        return Mistake(mark.line + 1, column + 1, message + _detail(error))
    return None


def _list_item_among_keys(error: yaml.MarkedYAMLError, lines: list[str]) -> Mistake | None:
    """'- item' between 'key: value' lines of a mapping."""
    mark = error.problem_mark
    if mark is None or not (error.problem or "").endswith("but found '-'"):
        return None
    message = (
        "a list item ('- ') among the keys of a mapping; remove the '- ', or put the item under a key that holds a list "
        "(a line 'key:' with the items indented below it)"
    )
    return Mistake(mark.line + 1, mark.column + 1, message + _detail(error))


def _key_among_list_items(error: yaml.MarkedYAMLError, lines: list[str]) -> Mistake | None:
    """'key: value' lined up with the '- ' items of a list."""
    mark = error.problem_mark
    if mark is None or error.context != "while parsing a block collection" or mark.line >= len(lines):
        return None
    previous = _previous_content(lines, mark.line)
    line = lines[mark.line]
    key = _KEY_LINE.match(line)
    if previous is None or key is None or key.group("dash"):
        return None
    name, column = key.group("key").strip(), len(key.group("indent"))
    # The line above at this key's depth, past the deeper lines of the item above (its keys, its own lists).
    items = [
        index
        for index in range(previous, -1, -1)
        if _is_content(lines[index]) and len(lines[index]) - len(lines[index].lstrip(" ")) <= column
    ][:1]
    if not items or len(lines[items[0]]) - len(lines[items[0]].lstrip(" ")) != column:
        return None
    if not lines[items[0]].lstrip(" ").startswith("- "):
        return None
    item = _KEY_LINE.match(lines[items[0]])
    holder = next(
        (i for i in range(items[0] - 1, -1, -1) if _is_content(lines[i]) and _key_column(lines[i]) < column), None
    )
    held = _KEY_LINE.match(lines[holder]) if holder is not None else None
    word = _ITEM_WORDS.get(held.group("key").strip(), "item") if held else "item"
    if item is not None and item["key"].strip() == name and (value := _VALUE_AFTER_KEY.match(line)):
        # `id: negotiating` lined up with the '- id: …' items above: the next item without its '- '.
        meant = value["value"].strip()
        message = (
            f"'{name}: {meant}' is lined up with the '- ' of the {word} that starts at line {items[0] + 1}, but has "
            f"no '- ': if '{meant}' is a new {word}, start its line with '- ' (write '- {name}: {meant}')"
        )
        return Mistake(mark.line + 1, column + 1, message + _detail(error))
    keys_at = _key_column(lines[items[0]])
    own = [found["key"].strip() for index in range(items[0], mark.line) if (found := _KEY_LINE.match(lines[index]))]
    if item is not None and name in _format_keys() and name not in own:
        # One of the item's own keys, indented as its '- ' instead of as its other keys.
        value = _VALUE_AFTER_KEY.match(lines[items[0]])
        named = f"{word} '{value['value'].strip()}'" if value and item["key"].strip() == "id" else f"the {word}"
        message = (
            f"the key '{name}' is indented by {_spaces(column)}, less than the other keys of {named} "
            f"(line {items[0] + 1}); indent it by {_spaces(keys_at)}, as they are"
        )
        return Mistake(mark.line + 1, column + 1, message + _detail(error))
    message = (
        f"the key '{name}' is among the '- ' items of a list; make it an item (start it with '- ') "
        "or move it out of the list, lined up with the key that holds the list"
    )
    return Mistake(mark.line + 1, column + 1, message + _detail(error))


_OPENERS = {"[": "]", "{": "}"}
# A comment's ' #': tried only where a run of spaces starts (not again at each space of it), so a long run without
# a '#' is read once, not once for each of its spaces.
_FLOW_COMMENT = re.compile(r"(?<!\s)\s+#")
_FLOW_CONTEXTS = ("while parsing a flow sequence", "while parsing a flow mapping", "while parsing a flow node")


def _unclosed_flow(error: yaml.MarkedYAMLError, text: str, lines: list[str]) -> Mistake | None:
    """`segment: [Hospital, Multi-site` with no ']': report the '[' (or '{') that was opened, with the line closed."""
    mark = error.problem_mark
    if mark is None or error.context not in _FLOW_CONTEXTS:
        return None
    open_at: list[yaml.Token] = []  # the brackets opened and not yet closed, innermost last
    on_its_line: list[yaml.Token] = []  # every token, to find where a line's text ends
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            on_its_line.append(token)
            if isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
                open_at.append(token)
            elif isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)) and open_at:
                opened = text[open_at[-1].start_mark.index]
                if text[token.start_mark.index] != _OPENERS[opened]:
                    break  # a '}' where the '[' is still open: the scan stops with the '[' open
                open_at.pop()
    except yaml.YAMLError:
        pass
    unclosed = [token for token in open_at if token.start_mark.index <= mark.index]
    if not unclosed:
        return None  # every bracket is closed somewhere: another mistake
    opener = unclosed[-1].start_mark
    bracket = text[opener.index]
    closer = _OPENERS[bracket]
    what = "list" if bracket == "[" else "mapping"
    line = lines[opener.line]
    if mark.line == opener.line and mark.index < len(text) and text[mark.index] in "]}":
        cut, where, closers = mark.column, f"before the '{text[mark.index]}'", closer  # `{segment: [Hospital}`
    else:
        # Where the line's text ends: after its last token, or before its comment when a text runs on below
        # (in brackets a plain text goes on over the next lines: `[Hospital, Multi-site` reads on into them).
        comment = _FLOW_COMMENT.search(line, opener.column)
        ends = [
            t.end_mark.column if t.end_mark.line == opener.line else comment.start() if comment else len(line.rstrip())
            for t in on_its_line
            if t.start_mark.line == opener.line
        ]
        cut, where = max(ends, default=len(line.rstrip())), "on the same line"
        closers = "".join(
            _OPENERS[text[t.start_mark.index]] for t in reversed(unclosed) if t.start_mark.line == opener.line
        )
    if where == "on the same line" and line[:cut].rstrip().endswith((",", bracket)):
        # The text goes on below (`[Hospital,`): where it ends is not on this line.
        fix = f"end it with '{closer}' after its last item"
    else:
        fix = f"end it with '{closer}' {where}: {(line[:cut] + closers + line[cut:]).strip()}"
    return Mistake(opener.line + 1, opener.column + 1, f"the {what} opened with '{bracket}' here is not closed; {fix}")


@cache
def _format_keys() -> frozenset[str]:
    """Every key process.yaml has, at any depth (the pydantic models' fields and their aliases)."""
    from pydantic import BaseModel

    from sales_process import model

    models = [value for value in vars(model).values() if isinstance(value, type) and issubclass(value, BaseModel)]
    return frozenset(
        name
        for found in models
        for key, field in found.model_fields.items()
        for name in (key, field.alias)
        if name is not None
    )


def _text_run_on(error: yaml.MarkedYAMLError, lines: list[str]) -> Mistake | None:
    """A text's next line written no deeper than its key: YAML takes it for a key without its ':'.

    `summary: A prospect has agreed to talk and` then `    we are learning…` under it, or a line of a `|` text
    lined up with the key `description`: the editor continued a text, not wrote a key.
    """
    mark = error.context_mark
    if mark is None or error.problem != "could not find expected ':'" or mark.line >= len(lines):
        return None
    line = lines[mark.line]
    if _KEY_LINE.match(line) or line.lstrip(" ").startswith(("- ", "#")):
        return None
    indent = len(line) - len(line.lstrip(" "))
    for index in range(mark.line - 1, -1, -1):
        above = lines[index]
        depth = len(above) - len(above.lstrip(" "))
        if not _is_content(above) or depth > indent:
            continue  # a blank line, a comment, or the text's own deeper lines: the key is further up
        key = _KEY_LINE.match(above)
        if key is None or depth < indent:
            return None
        name = key.group("key").strip()
        if line.split()[0] in _format_keys():
            return None  # `probability 60`: a key without its ':' (_missing_colon)
        # The text's first line between the key and this one (none when only blank lines are between).
        text = next((lines[i] for i in range(index + 1, mark.line) if _is_content(lines[i])), None)
        if _OPENS_BLOCK.search(above) and text is not None:
            deeper = len(text) - len(text.lstrip(" "))
            fix = f"indent it by {deeper} spaces, as the lines of the text above"
        elif _VALUE_AFTER_KEY.match(above):
            fix = f"join it to the end of line {index + 1}, or indent it by {indent + 2} spaces (deeper than '{name}')"
        else:
            return None
        message = f"this line goes on with the text of '{name}' (line {index + 1}) but is lined up with its key; {fix}"
        return Mistake(mark.line + 1, indent + 1, message + _detail(error))
    return None


_KEY_WITHOUT_COLON = re.compile(
    r"^(?P<indent> *)(?P<dash>(?:- +)*)(?P<key>[A-Za-z_][\w-]*)(?: +(?P<value>[^\s:#][^:#]*?))?\s*(?:#.*)?$"
)


def _key_without_colon(line: str) -> tuple[int, str] | None:
    """`id champion-named`: a key of the format, a space and a value, with no ':' — where the key starts, and the fix."""
    found = _KEY_WITHOUT_COLON.match(line)
    if found is None or found["key"] not in _format_keys():
        return None
    key, value = found["key"], found["value"]
    written = f"{key}: {value}" if value else f"{key}:"
    return len(found["indent"]) + len(
        found["dash"]
    ), f"this line has no ':' after its key '{key}'; write it as '{written}'"


def _missing_colon(error: yaml.MarkedYAMLError, lines: list[str]) -> Mistake | None:
    """A key written without its ':'."""
    mark = error.context_mark
    if mark is None or error.problem != "could not find expected ':'":
        return None
    named = _key_without_colon(lines[mark.line]) if mark.line < len(lines) else None
    if named is not None:
        return Mistake(mark.line + 1, named[0] + 1, named[1] + _detail(error))
    message = "this line has no ':' after its key; write it as 'key: value' (a space after the colon)"
    return Mistake(mark.line + 1, mark.column + 1, message + _detail(error))


def _missing_colon_read_on(error: yaml.MarkedYAMLError, lines: list[str]) -> Mistake | None:
    """`- id champion-named` above `question: …`: with no ':' YAML reads the key, its value and the next line as one
    text, and stops at the next line's ':'. The mistake is on the line above."""
    mark = error.problem_mark
    if mark is None or error.problem != "mapping values are not allowed here" or mark.line >= len(lines):
        return None
    if _KEY_LINE.match(lines[mark.line][: mark.column + 1] + " "):
        previous = _previous_content(lines, mark.line)
        named = _key_without_colon(lines[previous]) if previous is not None else None
        if previous is not None and named is not None:
            return Mistake(previous + 1, named[0] + 1, named[1] + _detail(error))
    return None


def _no_space_after_colon(error: yaml.MarkedYAMLError, lines: list[str]) -> Mistake | None:
    """`probability:15`: with no space after it, ':' is part of the text, so YAML finds no key on this line."""
    mark = error.context_mark
    if mark is None or error.problem != "could not find expected ':'" or mark.line >= len(lines):
        return None
    found = re.match(
        r"^(?P<indent> *)(?P<dash>(?:- +)*)(?P<key>[A-Za-z_][\w-]*):(?P<value>[^\s:].*)$", lines[mark.line]
    )
    if found is None or found["key"] not in _format_keys():
        return None
    key, value = found["key"], found["value"].strip()
    message = f"this line has no space after the ':' of its key '{key}'; YAML needs one: write it as '{key}: {value}'"
    return Mistake(mark.line + 1, len(found["indent"]) + len(found["dash"]) + 1, message + _detail(error))


def _star_bullet(error: yaml.MarkedYAMLError, lines: list[str]) -> Mistake | None:
    """`* Research the hospital`: a bullet as in Markdown; YAML reads '*' as an alias."""
    mark = error.context_mark or error.problem_mark
    if mark is None or error.context != "while scanning an alias" or mark.line >= len(lines):
        return None
    line = lines[mark.line]
    found = re.match(r"^(?P<indent> *)\* +(?P<text>.*)$", line)
    if found is None:
        return None
    message = (
        f"list items start with '- ' in YAML, not '* '; write it as '- {found['text'].strip()}'"
        " (a '*' starts an alias, which repeats a value marked '&' above)"
    )
    return Mistake(mark.line + 1, len(found["indent"]) + 1, message + _detail(error))


# Space characters other than the space that text pasted from Word or a web page brings: YAML reads them as text.
ODD_SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\ufeff"
# What a word processor starts a list's line with, where YAML needs '- '.
_LIST_MARKS = {
    "–": "'–' (an en dash, as word processors write lists)",
    "—": "'—' (an em dash, as word processors write lists)",
    **{bullet: f"a bullet '{bullet}'" for bullet in "•·▪◦"},
}
_PASTED = re.compile(
    f"^(?P<indent> *)(?:(?P<mark>[{''.join(_LIST_MARKS)}])\\s"
    f"|(?P<dash>(?:- +)*)(?:(?P<key>[^\\s#'\"][^:#]*?):|-)(?P<space>[{ODD_SPACES}]))"
)
_FLOW = {
    yaml.FlowSequenceStartToken: 1,
    yaml.FlowMappingStartToken: 1,
    yaml.FlowSequenceEndToken: -1,
    yaml.FlowMappingEndToken: -1,
}


def pasted_characters(text: str) -> list[Mistake]:
    """Where YAML needs '- ' or a space, a character a word processor writes instead: a line started with an en
    dash or a bullet (Word's list), a non-breaking space after a key's ':' or an item's '-'. Inside a text (quoted,
    a '|' block, or a text's next line) the same characters are the text's own and left alone."""
    lines = _lines(text)
    candidates = [(number, found) for number, line in enumerate(lines) if (found := _PASTED.match(line))]
    if not candidates:
        return []
    # The texts the parser read, and where it stopped: a line past a syntax error above it is not known to be YAML.
    texts: list[tuple[tuple[int, int], tuple[int, int]]] = []  # where each text starts and ends (line, column)
    flows: list[tuple[int, int]] = []  # the line of each bracket, and how many are open after it
    depth, stopped = 0, len(lines)
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if type(token) in _FLOW:
                depth += _FLOW[type(token)]
                flows.append((token.start_mark.line, depth))
            if isinstance(token, yaml.ScalarToken):
                start, end = token.start_mark, token.end_mark
                texts.append(((start.line, start.column), (end.line, end.column)))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        stopped = mark.line if mark is not None else -1
    mistakes = []
    for number, found in candidates:
        column = len(found["indent"]) + len(found["dash"] or "")
        inside = any(start < (number, column) < end for start, end in texts)
        in_brackets = next((open_ for line, open_ in reversed(flows) if line < number), 0)
        if number > stopped or inside or in_brackets:
            continue
        if found["mark"]:
            mark = found["mark"]
            message = (
                f"this line starts with {_LIST_MARKS[mark]} where YAML needs '- ' (a hyphen and a space) "
                f"to start a list item; replace the '{mark}' with '-'"
            )
            mistakes.append(Mistake(number + 1, column + 1, message))
            continue
        after = f"the ':' of the key '{found['key'].strip()}'" if found["key"] else "the '-' of this list item"
        message = (
            f"there is {character_name(found['space'])} after {after}, where YAML needs an ordinary space "
            "(text pasted from Word or a web page brings it); replace it with an ordinary space"
        )
        mistakes.append(Mistake(number + 1, found.start("space") + 1, message))
    return mistakes


def explain_syntax_error(error: yaml.MarkedYAMLError, text: str) -> Mistake | None:
    """The mistake behind a YAML syntax error, in plain words at its line; None when not recognised."""
    lines = _lines(text)
    return (
        _tab(error, lines)
        or _star_bullet(error, lines)
        or _unclosed_quote(error, text)
        or _unclosed_flow(error, text, lines)
        or _text_after_quote(error, lines)
        or _text_after_bracket(error, lines)
        or _undefined_alias(error, text)
        or _colon_in_text(error, lines)
        or _missing_colon_read_on(error, lines)
        or _first_item_without_its_dash(error, lines)
        or _under_indented_item(error, text, lines)
        or _first_item_outside_its_key(error, lines)
        or _over_indented_item(error, lines)
        or _list_item_among_keys(error, lines)
        or _key_among_list_items(error, lines)
        or _dash_left_of_its_keys(error, lines)
        or _indentation(error, lines)
        or _no_space_after_colon(error, lines)
        or _text_run_on(error, lines)
        or _missing_colon(error, lines)
    )
