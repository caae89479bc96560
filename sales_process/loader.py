"""Load process.yaml: read, validate, check rules, lint; report every problem at once."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeVar, cast

from pydantic import ValidationError

from sales_process.explain import explain
from sales_process.lint import lint
from sales_process.model import Process
from sales_process.practice import check_practice
from sales_process.problems import Diagnostic, InvalidFile, Problem
from sales_process.rules import amounts_with_thousand_points, check_rules, empty_keys, numbers_read_otherwise
from sales_process.wording import path_problem
from sales_process.yaml_source import LocatedData, read_located_yaml, refuse_oversized

Derived = TypeVar("Derived")

DEFAULT_PROCESS = "process.yaml"
PROCESS_ENV = "PLAYBOOK_PROCESS"


@dataclass(frozen=True)
class LoadedProcess:
    """A valid process with where it came from (for tracing printed pages and results)."""

    process: Process
    path: str
    sha256: str
    warnings: list[Diagnostic] = field(default_factory=list)
    # Where each key and value was written: a later check (of saved deals, say) reports at FILE:LINE:COL too.
    source: LocatedData | None = field(default=None, repr=False, compare=False)
    _derived: dict[Callable[..., object], object] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def short_sha(self) -> str:
        """The first 12 characters of the file's sha256."""
        return self.sha256[:12]

    def derived(self, build: Callable[[LoadedProcess], Derived]) -> Derived:
        """What `build` makes of this process version, made at the first call and kept with it.

        The one cache for everything derived from a process version (the form, the result page's
        fixed parts…): it lives exactly as long as this loaded version, so a saved change of the
        file (a new LoadedProcess) can never be served something built from the old one.
        """
        if build not in self._derived:
            self._derived[build] = build(self)
        return cast(Derived, self._derived[build])


def decode_text(raw: bytes, filename: str) -> str:
    """Decode UTF-8 (a BOM is allowed); raise InvalidFile at the offending line otherwise."""
    if raw.count(b"\x00") * 4 > len(raw) > 0:
        # UTF-16 without its byte-order mark decodes as UTF-8 with a NUL between letters.
        raise InvalidFile([Diagnostic(filename, 1, 1, "error", "the file is UTF-16 text, not UTF-8; save it as UTF-8")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise InvalidFile(
            [Diagnostic(filename, line, column, "error", "the file is not UTF-8 text; save it as UTF-8")]
        ) from None


def parse_process(raw: bytes, filename: str) -> LoadedProcess:
    """Validate the bytes of a process file; raise InvalidFile with every error.

    The same bytes under the same name give the same LoadedProcess, parsed once (the last
    PARSED_VERSIONS of them are kept), so its `derived` cache serves every reader of that version:
    each command, app and reload of an unchanged file. A LoadedProcess is never changed after parsing.
    """
    return _parsed(raw, filename)


PARSED_VERSIONS = 16


@lru_cache(maxsize=PARSED_VERSIONS)
def _parsed(raw: bytes, filename: str) -> LoadedProcess:
    refuse_oversized(len(raw), filename, "process")
    text = decode_text(raw, filename)
    located = read_located_yaml(
        text, filename, empty_hint="; a process needs at least 'name' and 'stages'", what="process"
    )
    if located.data is None and located.errors:
        raise InvalidFile(located.errors)
    problems: list[Problem] = []
    process: Process | None = None
    if not isinstance(located.data, dict):
        problems.append(
            Problem((), "the top level must be a mapping with 'name' and 'stages' (e.g. 'name: My process')")
        )
    else:
        if ("version",) in located.number_text:
            located.data["version"] = located.number_text[("version",)]
        try:
            process = Process.model_validate(located.data)
        except ValidationError as error:
            problems.extend(explain(error, located.data, located.bool_text))
        problems.extend(check_rules(located.data))
        problems.extend(amounts_with_thousand_points(located.number_text))
        if process is not None and not problems:
            # Scenarios are assessed against the stages: only once the stages themselves are sound.
            problems.extend(check_practice(process))
    misread = numbers_read_otherwise(located.number_text)
    errors = located.errors + located.locate(misread, filename)
    # A number read otherwise is one mistake: what the model says of the number it became ("must be text") is left out.
    located.unreadable.update(problem.loc for problem in misread)
    errors += located.locate(problems, filename)
    if errors or process is None:
        # The warnings on how YAML read the text come with the errors: a '#' that cut a question short is no less
        # wrong for a bad probability elsewhere. The others wait for a file without errors: an empty key is most
        # often the very mistake an error names (`buyer_statement:` left blank), and the process's own warnings
        # (lint) would judge values known to be wrong.
        raise InvalidFile(sorted(errors + located.warnings, key=lambda d: (d.line or 0, d.column or 0)))
    warnings = sorted(
        located.warnings + located.locate([*lint(process), *empty_keys(located.data)], filename),
        key=lambda d: (d.line or 0, d.column or 0),
    )
    return LoadedProcess(process, filename, hashlib.sha256(raw).hexdigest(), warnings, located)


def _same_name_other_suffix(path: Path) -> Path | None:
    """process.yml (or .YAML) beside a missing process.yaml: the file meant, by the other spelling of YAML's suffix."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        return None
    for suffix in (".yml", ".yaml", ".YML", ".YAML"):
        other = path.with_suffix(suffix)
        if other != path and other.is_file():
            return other
    return None


def load_process(path: str | Path) -> LoadedProcess:
    """Read and validate a process file; raise InvalidFile (also when it cannot be read)."""
    filename = str(path)
    try:
        refuse_oversized(Path(path).stat().st_size, filename, "process")  # before reading gigabytes into memory
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        if os.environ.get(PROCESS_ENV) == filename:
            fix = f"it is the file {PROCESS_ENV} names: correct {PROCESS_ENV}, or pass --process PATH"
        elif (near := _same_name_other_suffix(Path(path))) is not None:
            fix = f"{near} is here: pass --process {near}, or rename it to {Path(path).name}"
        else:
            start = "run `playbook init` to write a starter one here, or " if filename == DEFAULT_PROCESS else ""
            fix = f"{start}pass --process PATH or set {PROCESS_ENV}"
        raise InvalidFile([Diagnostic(filename, None, None, "error", f"no such file; {fix}")]) from None
    except OSError as error:
        raise InvalidFile([Diagnostic(filename, None, None, "error", path_problem(error))]) from None
    return parse_process(raw, filename)
