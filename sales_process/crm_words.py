"""How CRM exports write answers and amounts: one list for every reader of them.

The audit's CSV parser and the SQL of `playbook sql` both read these, so a word
added here is understood by both.
"""

from __future__ import annotations

# A milestone's yes/no answer, matched trimmed and in any case.
YES_WORDS = frozenset({"yes", "y", "true", "1", "x"})
NO_WORDS = frozenset({"no", "n", "false", "0"})
# Written before an amount, as in $120,000; stripped before the number is read.
CURRENCY_SYMBOLS = "$€£"
# The audit's own column names: the deal fields, and per milestone <id>, <id>.evidence and <id>.date.
DEAL, STAGE, AMOUNT, OWNER = "deal", "stage", "amount", "owner"
EVIDENCE_SUFFIX, DATE_SUFFIX = ".evidence", ".date"
