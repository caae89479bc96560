"""The progress bar: drawn at most ten times a second, cleared at the end."""

from __future__ import annotations

import io
import time

import pytest

from pipeline_audit.progress import ProgressBar


def test_the_bar_redraws_in_place_and_is_rate_limited(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter([10.0, 10.05, 10.2])
    monkeypatch.setattr(time, "monotonic", lambda: next(clock))
    stream = io.StringIO()
    bar = ProgressBar(stream, "auditing")
    bar(50, 100)
    bar(60, 100)  # 50 ms later: skipped
    bar(100, 100)
    assert stream.getvalue().split("\r")[1:] == [
        "auditing [###############...............]  50%",
        "auditing [##############################] 100%",
    ]
    bar.done()
    assert stream.getvalue().endswith("\r")


def test_a_bar_never_drawn_writes_nothing() -> None:
    stream = io.StringIO()
    ProgressBar(stream, "auditing").done()
    assert stream.getvalue() == ""
