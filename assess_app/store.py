"""The process the app serves right now, swapped whole after a successful rebuild."""

from __future__ import annotations

import threading

from sales_process.loader import LoadedProcess


class ProcessStore:
    """Holds the current valid process; a process that failed validation never gets in.

    Requests read `current` once and use that object throughout, so a swap in the
    middle of a request never mixes two versions of the process.
    """

    def __init__(self, loaded: LoadedProcess) -> None:
        self._lock = threading.Lock()
        self._current = loaded

    @property
    def current(self) -> LoadedProcess:
        """The process to serve."""
        with self._lock:
            return self._current

    def replace(self, loaded: LoadedProcess) -> None:
        """Serve `loaded` from the next request on."""
        with self._lock:
            self._current = loaded
