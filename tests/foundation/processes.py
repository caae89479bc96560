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
