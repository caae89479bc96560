"""The inputs behind the example output shown in the manual, the reference page and --help.

The examples are the real output of these inputs (checked by test_readme), so they cannot drift.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def misspelt_process() -> str:
    """The repository's process.yaml with stage 2's 'milestones' misspelt (the reference page's and --help's example)."""
    text = (ROOT / "process.yaml").read_text(encoding="utf-8")
    second = text.index("    milestones:", text.index("    milestones:") + 1)
    return text[:second] + "    milstones:" + text[second + len("    milestones:") :]


def broken_process() -> str:
    """The process with the mistakes of the manual's validation example (a warning shows only once the errors are fixed)."""
    text = misspelt_process()
    text = text.replace("    probability: 60\n", '    probability: "60"\n', 1)
    text = text.replace("      - id: demo-attended\n", "      - id: success-criteria-agreed\n", 1)
    return text.replace(
        "      - id: terms-agreed\n",
        "      - id: proposal-sent\n        question: Have we sent the proposal?\n"
        "        customer_action: The customer receives the proposal.\n        evidence: The sent email.\n"
        "      - id: terms-agreed\n",
        1,
    )
