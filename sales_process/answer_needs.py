"""What a "yes" to a milestone needs, in the words every page uses: the evidence named, the buyer's confirmation.

The stage pages say it in full (in the process's language: sales_process.site_words), the printable checklist and the self-check form as a short note beside the
question; all take their words from here, so a rep reads one rule wherever the question is asked.
"""

from __future__ import annotations

from sales_process.model import Milestone

EVIDENCE_RULE = "a \u201cyes\u201d counts only with the evidence named"
NO_EVIDENCE_RULE = "a \u201cyes\u201d counts without evidence named"
# Links are sent only from a saved deal (the deal's page, or the API's deal): a check that saves nothing has none.
CONFIRMATION_REQUIRED_RULE = (
    "the outcome counts only once the buyer has confirmed it through a confirmation link, sent from the saved deal"
)
CONFIRMATION_OPTIONAL_RULE = (
    "the rep may ask the buyer to confirm it through a confirmation link, sent from the saved deal"
)
BUYER_MUST_CONFIRM = "buyer must confirm"
NO_EVIDENCE_REQUIRED = "no evidence required"


def answer_notes(milestone: Milestone) -> list[str]:
    """The notes beside a question where a "yes" needs what most do not: the buyer's confirmation, or no evidence."""
    notes = []
    if milestone.buyer_confirms:
        notes.append(f"{BUYER_MUST_CONFIRM}: {CONFIRMATION_REQUIRED_RULE}")
    if not milestone.evidence_required:
        notes.append(f"{NO_EVIDENCE_REQUIRED}: {NO_EVIDENCE_RULE}")
    return notes
