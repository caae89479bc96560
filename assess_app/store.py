"""The process the app serves right now, swapped whole after a successful rebuild."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from sales_process.loader import LoadedProcess


class ProcessStore:
    """Holds the current valid process; a process that failed validation never gets in.

    Requests read `current` once and use that object throughout, so a swap in the
    middle of a request never mixes two versions of the process. `version` counts the
    rebuilds (good or bad) so that open pages of a live preview know when to reload,
    `errors` are the saved file's problems while the last good version is served, and
    `warnings` those of the version served (the lint's, and saved deals an edit orphaned).
    """

    def __init__(self, loaded: LoadedProcess) -> None:
        self._changed = threading.Condition()
        self._current = loaded
        self._errors: tuple[str, ...] = ()
        self._warnings: tuple[str, ...] = ()
        self._version = 0

    @property
    def current(self) -> LoadedProcess:
        """The process to serve."""
        with self._changed:
            return self._current

    @property
    def errors(self) -> tuple[str, ...]:
        """The saved file's errors (FILE:LINE:COL: ...) while it is invalid; empty when it is served."""
        with self._changed:
            return self._errors

    @property
    def warnings(self) -> tuple[str, ...]:
        """The warnings of the version served (FILE:LINE:COL: warning: ... or the saved deals it orphans)."""
        with self._changed:
            return self._warnings

    @property
    def version(self) -> int:
        """How many rebuilds (good or bad) happened since the start."""
        with self._changed:
            return self._version

    def replace(self, loaded: LoadedProcess, warnings: Sequence[str] = ()) -> None:
        """Serve `loaded` from the next request on, with its `warnings`; the saved file has no errors any more."""
        with self._changed:
            self._current = loaded
            self._errors = ()
            self._warnings = tuple(warnings)
            self._bump()

    def keep_last_good(self, errors: Sequence[str]) -> None:
        """The saved file is invalid: keep serving the current process, and show why."""
        with self._changed:
            self._errors = tuple(errors)
            self._bump()

    def _bump(self) -> None:
        self._version += 1
        self._changed.notify_all()

    def wait_for_change(self, since: int, timeout: float) -> int:
        """Block until the version differs from `since` (or `timeout` seconds passed); return the version."""
        with self._changed:
            self._changed.wait_for(lambda: self._version != since, timeout=timeout)
            return self._version
