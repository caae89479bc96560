"""Read YAML while keeping where every key and value came from.

PyYAML's loaders throw the nodes away; we compose the node graph and build plain
data ourselves, so that any problem found later (by pydantic or by our rules) can
be reported at its line and column. Building it ourselves also lets us refuse
duplicate keys (PyYAML silently keeps the last), unsafe tags (never constructed)
and alias bombs (bounded by a node budget).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sales_process.problems import Diagnostic, InvalidFile, Loc, Problem
from sales_process.wording import ZERO_WIDTH, character_name, show
from sales_process.yaml_mistakes import ODD_SPACES, explain_syntax_error, pasted_characters

MAX_VALUES = 100_000
MAX_DEPTH = 64
# A deal file or a process file takes a few kB (the API refuses a body over 1 MB): one over this is another file,
# refused before it is read, since reading one of 83 MB took a GB of memory and printed a problem per line.
MAX_FILE_BYTES = 10 * 1024 * 1024
_STR_TAG = "tag:yaml.org,2002:str"
_SAFE_SCALAR_TAGS = {"tag:yaml.org,2002:" + name for name in ("str", "int", "float", "bool", "null", "timestamp")}
_NUMBER_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_BOOL_TAG = "tag:yaml.org,2002:bool"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"


@dataclass(frozen=True)
class Mark:
    """A 1-based position in the file."""

    line: int
    column: int


@dataclass
class LocatedData:
    """Plain data read from YAML, with the position of each value and key."""

    data: object
    value_marks: dict[Loc, Mark] = field(default_factory=dict)
    key_marks: dict[Loc, Mark] = field(default_factory=dict)
    errors: list[Diagnostic] = field(default_factory=list)  # found while reading, e.g. duplicate keys
    unreadable: set[Loc] = field(default_factory=set)  # values already reported; later checks skip them
    number_text: dict[Loc, str] = field(default_factory=dict)  # numbers as written (`2027.10`, not 2027.1)
    bool_text: dict[Loc, str] = field(default_factory=dict)  # true/false as written (`yes`, `off`), said as written
    warnings: list[Diagnostic] = field(default_factory=list)  # text a comment cut short (`#2` read as a comment)

    def already_reported(self, problem: Problem) -> bool:
        """True when the problem is about a value that could not be read at all."""
        return any(problem.loc[: len(loc)] == loc for loc in self.unreadable)

    def as_written(self, loc: Loc) -> Loc:
        """The path as the file writes it: a value written alone where a list of them may stand (`required_when:
        {…}` for `[{…}]`) is the model's item 0, a step the file does not have."""
        written: Loc = ()
        for part in loc:
            if part == 0 and written in self.value_marks and (*written, 0) not in self.value_marks:
                continue
            written = (*written, part)
        return written

    def mark_for(self, problem: Problem) -> Mark | None:
        """The position to report a problem at: its own, else its nearest ancestor's."""
        loc = self.as_written(problem.loc)
        if problem.at_key and loc in self.key_marks:
            return self.key_marks[loc]
        while True:
            if loc in self.value_marks:
                return self.value_marks[loc]
            if not loc:
                return None
            loc = loc[:-1]

    def locate(self, problems: list[Problem], filename: str) -> list[Diagnostic]:
        """Turn path-addressed problems into FILE:LINE:COL diagnostics, in file order."""
        located = []
        for problem in problems:
            if self.already_reported(problem):
                continue
            mark = self.mark_for(problem)
            other = self.mark_for(Problem(problem.refers_to, "")) if problem.refers_to is not None else None
            located.append(
                Diagnostic(
                    filename,
                    mark.line if mark else None,
                    mark.column if mark else None,
                    problem.severity,
                    problem.with_line(other.line if other else None),
                )
            )
        return sorted(located, key=lambda d: (d.line or 0, d.column or 0))


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix("tag:yaml.org,2002:") if tag.startswith("tag:yaml.org,2002:") else tag


def _mark(node_mark: yaml.Mark) -> Mark:
    return Mark(node_mark.line + 1, node_mark.column + 1)


_RESOLVER = yaml.resolver.Resolver()
_KINDS = {
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:null": "an empty value",
    "tag:yaml.org,2002:timestamp": "a date",
}


# A comment right after a value's text whose '#' is followed by a letter or digit (`phase #2`, `Ticket #1234`)
# was meant as text: YAML ends the value before it. A comment like `# why` (a space after '#') is left alone.
_CUT_BY_COMMENT = re.compile(r"[ \t]+(#[^\s#].*)$")


def _json_file(filename: str, lines: list[str]) -> bool:
    """A .json file, or one of no YAML name (standard input) that starts as JSON does, with { or [."""
    name = filename.lower()
    if name.endswith(".json"):
        return True
    first = next((line.strip() for line in lines if line.strip()), "")
    return not name.endswith((".yaml", ".yml")) and first.startswith(("{", "["))


class _Builder:
    def __init__(self, filename: str, lines: list[str]) -> None:
        self.filename = filename
        # Read as YAML (JSON is YAML), but told in the words of the format the file is in.
        self.format = "JSON" if _json_file(filename, lines) else "YAML"
        self.lines = lines
        self.constructor = SafeConstructor()
        self.result = LocatedData(None)
        self.errors: list[Diagnostic] = []
        self.values = 0
        self.seen: set[int] = set()
        self.aliased = False  # a node built twice: the file repeats values with aliases (*name)

    def count(self, node: Node) -> None:
        """Count a value or key against the budget (a key given twice counts too: its error is a line to print)."""
        self.values += 1
        if id(node) in self.seen:
            self.aliased = True
        else:
            self.seen.add(id(node))
        if self.values > MAX_VALUES:
            raise _TooBig(node)

    def error(self, mark: yaml.Mark, message: str, loc: Loc | None = None) -> None:
        if loc is not None:
            self.result.unreadable.add(loc)
        position = _mark(mark)
        self.errors.append(Diagnostic(self.filename, position.line, position.column, "error", message))

    def build(self, node: Node, loc: Loc, depth: int) -> object:
        self.count(node)
        if depth > MAX_DEPTH:
            raise _TooDeep(node)
        self.result.value_marks.setdefault(loc, _mark(node.start_mark))
        if isinstance(node, MappingNode):
            return self.mapping(node, loc, depth)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ_TAG:
                self.error(node.start_mark, f"the tag '{_short_tag(node.tag)}' is not allowed here; remove it", loc)
            return [self.build(item, (*loc, index), depth + 1) for index, item in enumerate(node.value)]
        return self.scalar(node, loc)

    def scalar(self, node: Node, loc: Loc) -> object:
        if node.tag not in _SAFE_SCALAR_TAGS:
            self.error(
                node.start_mark,
                f"the tag '{_short_tag(node.tag)}' is not allowed; write plain text, numbers or true/false (quote text that starts with '!')",
                loc,
            )
            return None
        if node.tag in _NUMBER_TAGS:
            self.result.number_text[loc] = str(node.value)
        elif node.tag == _BOOL_TAG:
            self.result.bool_text[loc] = str(node.value)
        # A plain (unquoted) text: PyYAML's style is None, libyaml's ''.
        if node.tag == _STR_TAG and isinstance(node, ScalarNode) and not node.style:
            self._cut_by_comment(node)
            if self._zero_width(node, loc):
                return None
        try:
            return self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError) as error:
            if node.tag == "tag:yaml.org,2002:timestamp":
                self.error(node.start_mark, f"'{node.value}' is not a real calendar date; write it as YYYY-MM-DD", loc)
                return None
            self.error(node.start_mark, f"cannot read this value ({error}); quote it to make it text", loc)
            return None

    def _zero_width(self, node: Node, loc: Loc) -> bool:
        """A plain value that would be a number, true/false or a date but for an invisible character pasted into it
        (`probability: 45` and a zero-width space): an error at that character, which says to delete it."""
        value = str(node.value)
        if not any(char in ZERO_WIDTH for char in value):
            return False
        meant = _RESOLVER.resolve(  # type: ignore[no-untyped-call]
            ScalarNode, "".join(c for c in value if c not in ZERO_WIDTH), (True, False)
        )
        if meant not in _KINDS:
            return False  # text it stays; a message that quotes it names the character (wording.show)
        for number in range(node.start_mark.line, min(node.end_mark.line + 1, len(self.lines))):
            line = self.lines[number]
            start = node.start_mark.column if number == node.start_mark.line else 0
            column = next((i for i in range(start, len(line)) if line[i] in ZERO_WIDTH), None)
            if column is not None:
                self.error(
                    yaml.Mark("", 0, number, column, "", 0),
                    f"there is {character_name(line[column])} here, after {show(line[start:column].strip())}, which "
                    f"does not show (text pasted from Word or a web page brings it), so YAML reads the value as text, "
                    f"not {_KINDS[meant]}; delete it",
                    loc,
                )
                return True
        return False

    def _cut_by_comment(self, node: Node) -> None:
        """Warn when the rest of the line after a plain text value is a comment that reads as its continuation."""
        end = node.end_mark
        if end.line >= len(self.lines):
            return
        cut = _CUT_BY_COMMENT.match(self.lines[end.line][end.column :])
        if cut is None:
            return
        column = len(self.lines[end.line]) - len(cut[1]) + 1
        meant = re.split(r"\s+#(?=\s|$)", cut[1])[0]  # without a comment of its own after it (`# why`)
        self.result.warnings.append(
            Diagnostic(
                self.filename,
                end.line + 1,
                column,
                "warning",
                f"'{meant}' is read as a YAML comment, so the value ends before it: {show(node.value)}; "
                f"to keep it, put the whole value in quotes: {json.dumps(f'{node.value} {meant}', ensure_ascii=False)}",
            )
        )

    def mapping(self, node: MappingNode, loc: Loc, depth: int) -> dict[object, object]:
        if node.tag != _MAP_TAG:
            self.error(node.start_mark, f"the tag '{_short_tag(node.tag)}' is not allowed here; remove it", loc)
        result: dict[object, object] = {}
        first_seen: dict[object, Mark] = {}
        second_item = False
        for key_node, value_node in node.value:
            self.count(key_node)
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.error(key_node.start_mark, "merge keys ('<<') are not supported; write the keys out in full")
                continue
            if not isinstance(key_node, ScalarNode):
                self.error(key_node.start_mark, "a key must be plain text, not a list or mapping")
                continue
            key = self.scalar(key_node, (*loc, "<key>"))
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                self.error(key_node.start_mark, "a key must be plain text")
                continue
            hashable_key = key if isinstance(key, str) else str(key)
            if (written := self.result.number_text.pop((*loc, "<key>"), None)) is not None:
                self.result.number_text[(*loc, hashable_key, "<key>")] = written  # each key's own, as written
            if hashable_key in first_seen:
                if not second_item:
                    self.error(
                        key_node.start_mark,
                        _duplicate(hashable_key, first_seen[hashable_key], key_node, loc, value_node, self.format),
                    )
                # A second 'id' in a list's item is the next item without its '- ': its other keys repeat too.
                if not second_item and hashable_key == "id" and bool(loc) and isinstance(loc[-1], int):
                    second_item = True
                    # The list holds one item fewer than written: what later checks say of it (a group left with
                    # one member) follows from this one mistake, already reported.
                    self.result.unreadable.add(loc[:-1])
                continue
            first_seen[hashable_key] = _mark(key_node.start_mark)
            child: Loc = (*loc, hashable_key)
            self.result.key_marks[child] = _mark(key_node.start_mark)
            result[hashable_key] = self.build(value_node, child, depth + 1)
        return result


def _duplicate(key: str, first: Mark, key_node: Node, loc: Loc, value: Node, file_format: str) -> str:
    """The error for a key given twice in one mapping; a second `id` in a list's item is told as a missing '- '."""
    if key == "id" and loc and isinstance(loc[-1], int) and isinstance(value, ScalarNode):
        return (
            f"a second 'id' in the item that starts at line {first.line}: if '{value.value}' is a new item, "
            f"start its line with '- ' (write '- id: {value.value}', indented as the item above)"
        )
    where = (
        f"column {first.column} of this line" if first.line == _mark(key_node.start_mark).line else f"line {first.line}"
    )
    reader = "a JSON reader" if file_format == "JSON" else "YAML"
    return f"duplicate key '{key}' (first at {where}); {reader} would silently keep only the last one, so merge or remove one"


class _TooBig(Exception):
    def __init__(self, node: Node) -> None:
        self.node = node


class _TooDeep(_TooBig):
    pass


def _too_many_values(aliased: bool, what: str) -> str:
    """The error for a file over the node budget: aliases only when the file has them."""
    if aliased:
        return (
            f"the file expands to more than {MAX_VALUES:,} values (aliases repeating aliases?); "
            "write the values out instead of using aliases"
        )
    needs = _NEEDS.get(what, "far more than a deal or a process needs")
    named = f"{what} file" if what in _NEEDS else "file"
    return f"the file holds more than {MAX_VALUES:,} keys and values, {needs}: check that it is the {named} you meant"


_NEEDS = {
    "deal": "which no deal needs (a deal file holds one deal: at most an answer per milestone of the process)",
    "process": "which no process needs (one of 20 stages of 10 milestones holds a few thousand)",
}


def _reader_error(error: yaml.reader.ReaderError, text: str, filename: str) -> Diagnostic:
    line = text.count("\n", 0, error.position) + 1
    column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
    character = error.character if isinstance(error.character, str) else chr(error.character)
    message = f"the file contains the control character U+{ord(character):04X}, which YAML does not allow; delete it"
    return Diagnostic(filename, line, column, "error", message)


def _syntax_error(error: yaml.YAMLError, text: str, filename: str) -> Diagnostic:
    if isinstance(error, yaml.reader.ReaderError):
        return _reader_error(error, text, filename)
    if isinstance(error, yaml.MarkedYAMLError) and (mistake := explain_syntax_error(error, text)):
        return Diagnostic(filename, mistake.line, mistake.column, "error", mistake.message)
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    message = f"invalid YAML: {problem}"
    if "'\\t'" in problem:
        message += "; indent with spaces, not tabs"
    elif context := getattr(error, "context", None):
        context_mark = getattr(error, "context_mark", None)
        started = (
            f" that started at line {context_mark.line + 1}"
            if context_mark is not None and mark is not None and context_mark.line != mark.line
            else ""
        )
        message += f" ({context}{started})"
    line = mark.line + 1 if mark is not None else 1
    column = mark.column + 1 if mark is not None else 1
    return Diagnostic(filename, line, column, "error", message)


# libyaml's parser, when PyYAML was built with it: it composes process.yaml in 2 ms where the pure-Python one
# takes 38, and every command, app and build loads the process. It gives the same nodes at the same marks.
_FAST_LOADER: type[yaml.CSafeLoader] | None = yaml.CSafeLoader if yaml.__with_libyaml__ else None


def _compose(text: str) -> yaml.Node | None:
    """The document's node tree. A file libyaml refuses (or cannot encode) is read again by the pure-Python
    parser: its errors are the ones whose messages and marks the syntax hints are written for."""
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except (yaml.YAMLError, UnicodeError):
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


# Space characters other than the space that text pasted from Word or a web page brings: YAML indents with
# spaces only and reads any other as the start of text, so a line indented with one moves into the text above.
_ODD_INDENT = re.compile(f"^ *([{ODD_SPACES}])")


def _odd_indentation(text: str, filename: str) -> list[Diagnostic]:
    """An error for each line indented with a space character that is not a plain space."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        odd = _ODD_INDENT.match(line)
        if odd is not None:
            character = odd[1]
            found.append(
                Diagnostic(
                    filename,
                    number,
                    odd.start(1) + 1,
                    "error",
                    f"this line is indented with {character_name(character)}, which YAML does not read as "
                    "indentation (text pasted from Word or a web page brings it): replace it with an ordinary space",
                )
            )
    return found


def refuse_oversized(size: int, filename: str, what: str) -> None:
    """Raise InvalidFile for a file of more than MAX_FILE_BYTES, before it is read; `what` is "deal" or "process"."""
    if size > MAX_FILE_BYTES:
        raise InvalidFile(
            [
                Diagnostic(
                    filename,
                    1,
                    1,
                    "error",
                    f"the file is {_megabytes(size)}; a {what} file is at most {_megabytes(MAX_FILE_BYTES)} "
                    f"(one {what} takes {_TAKES.get(what, 'kB')}), so it is not read: check that it is the {what} file you meant",
                )
            ]
        )


_TAKES = {"deal": "a few kB", "process": "tens of kB"}  # the starter process.yaml: 13 kB


def _megabytes(size: int) -> str:
    """10 MB, 11.4 MB."""
    return f"{size / (1024 * 1024):,.1f}".removesuffix(".0") + " MB"


def read_located_yaml(text: str, filename: str, empty_hint: str = "", what: str = "file") -> LocatedData:
    """Parse one YAML document into plain data with marks; `what` ("deal", "process") words a file too big.

    Syntax errors raise InvalidFile; problems with readable YAML (duplicate keys,
    unsafe tags) are collected in the result's `errors` so that later checks can
    still report everything else in the same run.
    """
    odd = _odd_indentation(text, filename) or [
        Diagnostic(filename, mistake.line, mistake.column, "error", mistake.message)
        for mistake in pasted_characters(text)
    ]
    if odd:
        raise InvalidFile(odd)
    try:
        root = _compose(text)
    except yaml.YAMLError as error:
        raise InvalidFile([_syntax_error(error, text, filename)]) from None
    except RecursionError:
        raise InvalidFile([Diagnostic(filename, 1, 1, "error", "the YAML is nested too deeply to read")]) from None
    if root is None:
        raise InvalidFile([Diagnostic(filename, 1, 1, "error", f"the file is empty{empty_hint}")])
    builder = _Builder(filename, text.splitlines())
    try:
        builder.result.data = builder.build(root, (), 0)
    except _TooDeep as too_deep:
        builder.error(
            too_deep.node.start_mark,
            f"values are nested more than {MAX_DEPTH} levels deep (a recursive alias?); flatten the file",
        )
    except _TooBig as too_big:
        builder.error(too_big.node.start_mark, _too_many_values(builder.aliased, what))
        builder.errors.insert(0, builder.errors.pop())  # the one that says what the file is, before its details
    builder.result.errors = builder.errors
    return builder.result
