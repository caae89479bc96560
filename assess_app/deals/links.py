"""How a deal's pages show text: web addresses in a rep's evidence as links (so a manager opens the record the rep
names), and names in a table with break points in runs too long to be words."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# A run without spaces longer than this is an id, an address or a pasted string, not a word: it may break anywhere.
LONG_RUN = 24
_RUNS = re.compile(r"(\s+)")

# An http(s) address up to white space or a character that cannot be part of it unescaped; the
# punctuation a sentence puts after an address ("see https://crm.example/42.") is not part of it.
_ADDRESS = re.compile(r"https?://[^\s<>\"'`]+")
_TRAILING = ".,;:!?)]}'\""


def linked(text: str) -> Markup:
    """The text, escaped, with each http(s) address in it a link that opens in a new tab and tells the
    target site nothing of the app (no referrer, no opener)."""
    parts: list[str] = []
    end = 0
    for found in _ADDRESS.finditer(text):
        address = found[0].rstrip(_TRAILING)
        if "(" in address and found[0][len(address) : len(address) + 1] == ")":
            address += ")"  # https://en.wikipedia.org/wiki/Deal_(disambiguation) keeps its bracket
        start = found.start()
        parts.append(str(escape(text[end:start])))
        parts.append(
            f'<a href="{escape(address)}" rel="noopener noreferrer nofollow" target="_blank">{escape(address)}</a>'
        )
        end = start + len(address)
    parts.append(str(escape(text[end:])))
    return Markup("".join(parts))


def breakable(text: str) -> Markup:
    """The text, escaped, each run without spaces longer than LONG_RUN characters (an id, an address, a pasted
    string: not a word) in a span that may break anywhere (class "long-run"): a table column then narrows to the
    longest word of its names, never below it, and a 200-character run takes no more room than a word."""
    parts = []
    for run in _RUNS.split(text):
        piece = str(escape(run))
        parts.append(f'<span class="long-run">{piece}</span>' if len(run) > LONG_RUN else piece)
    return Markup("".join(parts))
