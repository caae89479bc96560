"""A deal's outcome: still open (pipeline), or closed as won, lost or disqualified.

Only open deals are pipeline: they are assessed and weighted. Closed deals are outcomes, counted
apart (how many, for how much) and, in a backtest, the ground truth a stage's probability is
measured against. How a CRM export's row gets its outcome (a status column, the stage mapped to
the last stage, the lost stages) is decided here too, so every door reads it alike.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    """Where a deal stands: open, or how it closed."""

    OPEN = "open"
    WON = "won"
    LOST = "lost"
    DISQUALIFIED = "disqualified"  # closed without a decision: unqualified, duplicate, disqualified

    @property
    def is_closed(self) -> bool:
        """Whether the deal is an outcome rather than pipeline."""
        return self is not Outcome.OPEN
