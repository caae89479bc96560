"""Small process files for the foundation tests, written out so their line numbers are visible."""

VALID = """\
name: Tiny process
version: "1"
stages:
  - id: talking
    name: Talking
    probability: 60
    milestones:
      - id: pain-confirmed
        question: Has the customer confirmed the problem in writing?
        customer_action: The customer replies to our recap and confirms the problem.
        evidence: The customer's reply email.
  - id: won
    name: Won
    probability: 100
"""

# VALID with a second milestone, required of every deal, after the first (lines 12-15): a condition put on the first
# leaves the stage holding every deal back, so the condition's own warning is the only one.
WITH_A_SECOND_MILESTONE = VALID.replace(
    "  - id: won",
    "      - id: budget-named\n        question: Has the customer named who holds the budget?\n"
    "        customer_action: The customer names the budget holder.\n"
    "        evidence: The customer's email naming the budget holder.\n  - id: won",
)


def with_stage_keys(extra: str) -> str:
    """VALID with extra lines appended to the first stage (after its probability, line 7)."""
    lines = VALID.splitlines(keepends=True)
    return "".join(lines[:6]) + extra + "".join(lines[6:])


# A milestone the buyer must confirm, and one whose "yes" needs no evidence: the notes the pages and the form give them.
BUYER_CONFIRMS_OR_NO_EVIDENCE = VALID.replace(
    "        evidence: The customer's reply email.\n",
    "        evidence: The customer's reply email.\n"
    "        buyer_statement: The problem is the one in your recap.\n"
    "        confirmation: required\n"
    "      - id: demo-seen\n"
    "        question: Has the customer seen the demo?\n"
    "        customer_action: The customer attends the demo.\n"
    "        evidence: The meeting in the calendar.\n"
    "        evidence_required: false\n",
)
