"""Notice when a file changes (polling its size and modification time) and call back."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

Signature = tuple[int, int] | None


def signature(path: Path) -> Signature:
    """The file's modification time and size, or None while it does not exist."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


class FileWatcher:
    """Calls `on_change` in a background thread after the file changed and then held still.

    Polling needs no OS support and also sees editors that save by renaming a new file
    over the old one; waiting for the file to hold still skips half-written saves.
    """

    def __init__(self, path: Path, on_change: Callable[[], None], interval: float = 0.25) -> None:
        self.path = path
        self.on_change = on_change
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"watch {path}", daemon=True)
        self._last = signature(path)

    def start(self) -> None:
        """Start watching."""
        self._thread.start()

    def stop(self) -> None:
        """Stop watching and wait for a running callback to finish."""
        self._stop.set()
        self._thread.join(timeout=30)

    def _settled(self) -> Signature:
        current = signature(self.path)
        while not self._stop.wait(self.interval):
            later = signature(self.path)
            if later == current:
                break
            current = later
        return current

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            if signature(self.path) == self._last:
                continue
            self._last = self._settled()
            if not self._stop.is_set():
                self.on_change()
