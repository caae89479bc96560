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
