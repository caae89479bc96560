"""Evidence too old: the default process ages only what can change, and the audit says when age holds deals back.

A VP of Sales saw 126 of 127 open deals verified at Discovery: a second meeting accepted more than
30 days ago had "gone stale", and nothing in the summary or report.html said that age was why.
"""

from __future__ import annotations

from sales_process.loader import load_process
from tests.audit.helpers import ROOT

PROCESS = load_process(ROOT / "process.yaml").process
MILESTONES = {milestone.id: milestone for _, milestone in PROCESS.milestones()}
# Events that stay true once they happened: a meeting accepted is not un-accepted a month later.
EVENTS = (
    "next-meeting-accepted",
    "demo-attended",
    "pricing-discussed",
    "proposal-agreed-next-step",
    "proposal-reviewed",
)
# States that can change: the customer says them again, with a new date.
STATES = (
    "pain-confirmed",
    "budget-confirmed",
    "timeline-agreed",
    "pricing-agreeable",
    "vendor-of-choice",
    "terms-agreed",
    "signature-scheduled",
)


def test_the_default_process_ages_only_what_can_change() -> None:
    """The manual's advice: a max_age_days only for outcomes that really go stale, not for what stays true."""
    assert {m: MILESTONES[m].max_age_days for m in EVENTS} == dict.fromkeys(EVENTS)
    assert all(MILESTONES[m].max_age_days for m in STATES)
