"""A PostHog-like process written for these tests (not in the repository's examples): small deals need only
the bold criteria, large deals all of them; one "using the product, or completed a trial" alternative; one
optional demo; one agreement needed of large deals or of Enterprise ones (alternatives)."""

from __future__ import annotations

from pathlib import Path

PROCESS = """\
name: Product-led sales
stages:
  - id: qualification
    name: Qualification
    probability: 10
    milestones:
      - id: pain-confirmed
        question: Has the customer confirmed in writing the problem they want to solve?
        customer_action: The customer replies to our recap and confirms the problem.
        evidence: The customer's reply to the recap email.
      - id: decision-maker-named
        question: Has the customer named who signs off on the purchase?
        customer_action: The customer names the person who approves the budget.
        evidence: The customer's email naming the approver.
        required_when:
          amount_at_least: 25000
  - id: evaluation
    name: Product Evaluation
    probability: 25
    milestones:
      - id: actively-using
        question: Is the customer's team actively using the product?
        customer_action: The customer's team sends events from production to their project.
        evidence: The customer's usage report email showing their production events.
        group: product-proof
      - id: trial-completed
        question: Has the customer completed a trial against agreed success criteria?
        customer_action: The customer confirms the trial met their success criteria.
        evidence: The customer's email confirming the trial result.
        group: product-proof
      - id: demo-attended
        question: Has the customer attended a demo?
        customer_action: The customer's team attends a product demo.
        evidence: The accepted demo invitation with the attendees.
        required: false
      - id: success-criteria-agreed
        question: Has the customer agreed the success criteria of the evaluation?
        customer_action: The customer replies agreeing the written success criteria.
        evidence: The customer's reply email agreeing the criteria.
        required_when:
          amount_at_least: 25000
  - id: commercial
    name: Commercial Negotiation
    probability: 50
    milestones:
      - id: pricing-accepted
        question: Has the customer accepted the price in principle?
        customer_action: The customer confirms the quoted price works for them.
        evidence: The customer's email accepting the quote.
      - id: security-review-passed
        question: Has the customer's security team approved us?
        customer_action: The customer's security team signs off the questionnaire.
        evidence: The customer's security approval email.
        required_when:
          amount_at_least: 25000
          segment: [Enterprise, Mid-Market]
  - id: contracting
    name: Contracting
    probability: 80
    milestones:
      - id: contract-signed
        question: Has the customer signed the order form?
        customer_action: The customer signs the order form.
        evidence: The signed order form.
      - id: dpa-signed
        question: Has the customer signed our data processing agreement?
        customer_action: The customer's legal team signs the data processing agreement.
        evidence: The signed data processing agreement.
        required_when:
          - amount_at_least: 50000
          - segment: [Enterprise]
  - id: won
    name: Closed Won
    probability: 100
"""

SMALL_DEAL_ANSWERS = {
    "pain-confirmed": {"met": True, "evidence": "Reply to recap email of 2027-02-01"},
    "actively-using": {"met": True, "evidence": "Usage page of project 4711"},
    "pricing-accepted": {"met": True, "evidence": "Email accepting quote Q-17"},
}
SMALL_DEAL_STAGE = "contracting"  # where the source process puts a small deal that met its bold criteria
LARGE_DEAL_STAGE = "qualification"  # the same answers on a large deal: no approver named
SMALL_AMOUNT = 12000
LARGE_AMOUNT = 90000


def write_process(folder: Path) -> Path:
    """Write the process to folder/process.yaml and return its path."""
    path = folder / "process.yaml"
    path.write_text(PROCESS, encoding="utf-8")
    return path
