"""A plain-text progress bar on standard error, for large files read from a terminal."""

from __future__ import annotations

import time
from typing import TextIO

MIN_INTERVAL = 0.1  # seconds: at most ten redraws a second
BAR_WIDTH = 30


class ProgressBar:
    """Redraws `[#####.....]  42%` in place as bytes are read; call done() at the end."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        """Report `done` of `total` bytes read."""
        now = time.monotonic()
        if now - self._last < MIN_INTERVAL or total <= 0:
            return
        self._last = now
        fraction = min(done / total, 1.0)
        filled = int(fraction * BAR_WIDTH)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {fraction:4.0%}")
        self.stream.flush()
        self._drawn = True

    def done(self) -> None:
        """Clear the bar so the summary starts on a clean line."""
        if self._drawn:
            self.stream.write("\r" + " " * (len(self.label) + BAR_WIDTH + 8) + "\r")
            self.stream.flush()
