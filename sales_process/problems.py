"""Problems found in user input, before and after they are located in a file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

Loc = tuple[str | int, ...]
Severity = Literal["error", "warning"]
LINE_OF = "{line of refers_to}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, at a path inside the data (e.g. stages/2/id)."""

    loc: Loc
    message: str
    severity: Severity = "error"
    at_key: bool = False  # point at the key itself (unknown or duplicated keys), not its value
    # Another place the message names ("already the name of stage 'x'"): its line goes where the message has LINE_OF.
    refers_to: Loc | None = None

    def with_line(self, line: int | None) -> str:
        """The message with the line of `refers_to` (" (line 58)"), or nothing where it is not known."""
        return self.message.replace(LINE_OF, f" (line {line})" if line is not None else "")

    def loc_text(self) -> str:
        """The path as dotted text, e.g. ``stages.2.milestones.0.id`` ("" for the top level)."""
        return ".".join(str(part) for part in self.loc)


@dataclass(frozen=True)
class Diagnostic:
    """A problem placed in a file: `FILE:LINE:COL: error: message` (1-based)."""

    file: str
    line: int | None
    column: int | None
    severity: Severity
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.severity}: {self.message}"


def grouped_by_message(
    diagnostics: Sequence[Diagnostic], lines_named: int = 5, causes: Mapping[int, str] | None = None
) -> list[Diagnostic]:
    """One diagnostic per distinct problem of a data file, at its first line, naming the other lines that have it.

    A history or an export repeats one cause on thousands of rows (a stage name the process does
    not know): listed row by row it would hide every other problem. `causes`: per line, the cause of a problem
    whose message quotes its own cell (a date in the wrong order, on every row): grouped by it, the first line's
    message stands for all of them.
    """
    groups: dict[tuple[str, str, Severity], list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        cause = diagnostic.message if causes is None or diagnostic.line is None else causes.get(diagnostic.line)
        groups.setdefault((diagnostic.file, cause or diagnostic.message, diagnostic.severity), []).append(diagnostic)
    result = []
    for same in groups.values():
        others = [d.line for d in same[1:] if d.line is not None]
        result.append(replace(same[0], message=same[0].message + also_on_lines(others, lines_named)))
    return result


def also_on_lines(lines: Sequence[int], lines_named: int = 5, unlisted: int = 0) -> str:
    """The other lines a problem is on, after its first: " (also on line 33)", " (also on lines 3, 4, 5, 6, 7 and
    3 more)"; "" when none. `unlisted`: more lines it is on, not in `lines`."""
    if not lines:
        return ""
    named = ", ".join(str(line) for line in lines[:lines_named])
    others = len(lines) + unlisted
    more = f" and {others - len(lines[:lines_named]):,} more" if others > lines_named else ""
    return f" (also on {'line' if len(lines) == 1 else 'lines'} {named}{more})"


class InvalidInput(Exception):
    """Raised with every problem of an input at once (never just the first)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


class InvalidFile(Exception):
    """Raised with every located problem of a file at once."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(str(d) for d in diagnostics))
        self.diagnostics = diagnostics
