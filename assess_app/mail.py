"""The confirmation email: its text and a `mailto:` link for the rep.

The app sends it itself (deal_records.mail) only when PLAYBOOK_SMTP_URL is set; otherwise the rep
sends the same text from their own mail program.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from urllib.parse import quote

from deal_records.mail import MailText


def confirmation_mail(
    *,
    company: str,
    deal_name: str,
    buyer_name: str,
    statements: Sequence[str],
    link: str,
    expires_at: dt.datetime,
    sender_name: str | None = None,
) -> MailText:
    """The email asking the buyer to confirm the statements through the link."""
    points = "\n".join(f"  - {statement}" for statement in statements)
    expires = expires_at.astimezone(dt.UTC).strftime("%d %B %Y, %H:%M UTC").lstrip("0")
    many = len(statements) != 1
    lines = [
        f"Hello {buyer_name},",
        "",
        f"To make sure we at {company} understand where {deal_name} stands, could you tell us whether "
        f"{'these points are' if many else 'this point is'} right?",
        "",
        points,
        "",
        f"Please open this link and answer {'each point' if many else 'it'} with \u201cYes, this is right\u201d or \u201cNot quite\u201d "
        "(a comment is welcome):",
        link,
        "",
        f"You need no account. The link works once and expires on {expires}. It is meant for you alone, so please do not forward it.",
        "",
        "Thank you,",
        sender_name or company,
    ]
    # A header is one line whatever a name saved before the free-text rule holds.
    return MailText(f"Please confirm where we stand: {' '.join(deal_name.split())}", "\n".join(lines) + "\n")


def mailto_link(to: str, text: MailText) -> str:
    """A `mailto:` link that opens the rep's mail program with the email written."""
    query = f"subject={quote(text.subject, safe='')}&body={quote(text.body, safe='')}"
    return f"mailto:{quote(to, safe='@')}?{query}"
