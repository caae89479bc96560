"""Notice when a file is saved and call back: file-system events, else polling.

With watchdog's inotify observer (Linux), a save counts when the writer closes the file
or renames a new file over it, so a half-written file is never read and no fixed wait is
needed. Other observers only report modifications; polling (when no observer can start)
waits for the file to hold still. Saves that arrive during a callback are coalesced into
one more callback afterwards. Given the sha256 of the version the caller loaded, a save made
before the watch started (while a server was starting) is one more save, not a lost one.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

Signature = tuple[int, int, int] | None

# Events after which the file holds a complete save, per kind of observer.
_SAVED_WHEN_CLOSING = frozenset({EVENT_TYPE_CLOSED, EVENT_TYPE_MOVED})
_SAVED_WHEN_CHANGED = frozenset({EVENT_TYPE_MODIFIED, EVENT_TYPE_CREATED, EVENT_TYPE_MOVED, EVENT_TYPE_CLOSED})


def signature(path: Path) -> Signature:
    """The file's identity, modification time and size, or None while it does not exist."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _reports_closes(observer: BaseObserver) -> bool:
    return type(observer).__name__ == "InotifyObserver"


class _SaveHandler(FileSystemEventHandler):
    def __init__(self, path: Path, kinds: frozenset[str], saved: threading.Event) -> None:
        self.path = os.path.normcase(str(path))
        self.kinds = kinds
        self.saved = saved

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in self.kinds:
            return
        touched = {
            os.path.normcase(os.fsdecode(event.src_path)),
            os.path.normcase(os.fsdecode(getattr(event, "dest_path", "") or "")),
        }
        if self.path in touched:
            self.saved.set()


class FileWatcher:
    """Calls `on_change` in a background thread after each save of the file."""

    def __init__(
        self,
        path: Path,
        on_change: Callable[[], None],
        interval: float = 0.25,
        *,
        use_events: bool = True,
        loaded_sha256: str | None = None,
    ) -> None:
        self.path = path.resolve()
        self.on_change = on_change
        self.interval = interval
        self.use_events = use_events
        self.mode = "polling"
        self._stop = threading.Event()
        self._saved = threading.Event()
        self._observer: BaseObserver | None = None
        self._thread = threading.Thread(target=self._run, name=f"watch {path}", daemon=True)
        self._last = signature(self.path)
        self._loaded_sha256 = loaded_sha256

    def start(self) -> None:
        """Start watching: file-system events when an observer starts, else polling."""
        if self.use_events:
            self._observer = self._start_observer()
        self._thread.start()

    def _start_observer(self) -> BaseObserver | None:
        observer = Observer()
        kinds = _SAVED_WHEN_CLOSING if _reports_closes(observer) else _SAVED_WHEN_CHANGED
        observer.schedule(_SaveHandler(self.path, kinds, self._saved), str(self.path.parent), recursive=False)
        try:
            observer.start()
        except OSError:  # e.g. no inotify watches left: polling still works
            return None
        self.mode = "events" if kinds is _SAVED_WHEN_CLOSING else "events, settled"
        return observer

    def stop(self) -> None:
        """Stop watching and wait for a running callback to finish."""
        self._stop.set()
        self._saved.set()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=10)
        self._thread.join(timeout=30)

    def _settled(self) -> Signature:
        """Wait until the file holds still for one interval (a save may still be under way)."""
        current = signature(self.path)
        while not self._stop.wait(self.interval):
            later = signature(self.path)
            if later == current:
                break
            current = later
        return current

    def _next_save(self) -> Signature:
        if self.mode == "events":
            self._saved.wait()
            self._saved.clear()
            return signature(self.path)
        if self.mode == "events, settled":
            self._saved.wait()
            self._saved.clear()
            return self._settled()
        self._stop.wait(self.interval)
        return self._settled() if signature(self.path) != self._last else self._last

    def _changed_since_loaded(self) -> bool:
        """Whether the file no longer holds the version the caller loaded (saved before the watch began)."""
        if self._loaded_sha256 is None:
            return False
        self._last = signature(self.path)
        try:
            raw = self.path.read_bytes()
        except OSError:
            return True  # gone or unreadable: the callback reports it, as after any save
        return hashlib.sha256(raw).hexdigest() != self._loaded_sha256

    def _run(self) -> None:
        # The observer is already watching: a save from now on is an event, one from before is a new content.
        if self._changed_since_loaded() and not self._stop.is_set():
            self.on_change()
        while not self._stop.is_set():
            current = self._next_save()
            if self._stop.is_set() or current == self._last:
                continue
            self._last = current
            self.on_change()
