"""How a deal's pages show text: web addresses in a rep's evidence as links (so a manager opens the record the rep
names), and a problem's message beside the field it names."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

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


def for_field(message: str, name: str, label: str) -> str:
    """A problem's message on a page, the field named by its label rather than its key: "'buyer_email' 'x@' is not an
    email address" reads "The buyer's email 'x@' is not …", "'amount': '12k' is not an amount" reads "Amount: …"."""
    for prefix in (f"'{name}': ", f"'{name}' "):
        if message.startswith(prefix):
            return label + prefix[len(name) + 2 :] + message[len(prefix) :]
    return message
