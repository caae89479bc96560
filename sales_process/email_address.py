"""The one rule for an email address, whichever door it comes through: a buyer's (the form, the API), a user's
(`playbook users add`, `playbook import --create-users`), and every address the mail goes to.

An address is refused, never silently changed, unless this server can mail it exactly as it is written:

- one address, no display name: `dana@fabrikam.com`;
- the part before the @ in plain ASCII: letters, digits and . _ % + - ' (beginning with a letter, a digit or _, no
  dot at either end, no two in a row). An accent there (`josé@`) needs SMTPUTF8 of every server on the way, which
  the app's mail does not use and many servers refuse; a look-alike letter (a Cyrillic `а` in `anа@`) is another
  mailbox than the one it shows; a leading `=` or `+` is a formula to a spreadsheet;
- the domain in ASCII too, written as DNS knows it: a domain with accents is refused with its IDNA form
  (`exämple.com` is `xn--exmple-cua.com`) to type instead. The address stored is then the one mailed, and a
  look-alike domain shows for what it is (`xn--...`) instead of passing for the one it imitates;
- no character the free-text rule refuses (sales_process.text): a zero-width space pasted after an address is a
  500 from the mail library, not a mailbox.

The same rule is published as a JSON Schema pattern (`email_pattern`), so the API's description refuses exactly
what the server refuses.
"""

from __future__ import annotations

import re

from sales_process.text import END, text_problem
from sales_process.wording import character_name, quoted

MAX_EMAIL = 254  # RFC 5321's limit for a path, less its angle brackets
EXAMPLE = "dana@fabrikam.com"
LOCAL_CHARACTERS = "letters a-z, digits and . _ % + - '"
_LOCAL = r"[A-Za-z0-9_][A-Za-z0-9_%+'-]*(?:\.[A-Za-z0-9_%+'-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
# A top-level domain is letters (com, example), or an internationalised one in its IDNA form (xn--p1ai).
_DOMAIN = rf"(?:{_LABEL}\.)+(?:[A-Za-z]{{2,}}|xn--[A-Za-z0-9-]*[A-Za-z0-9])"
_ADDRESS = re.compile(rf"{_LOCAL}@{_DOMAIN}")
_LOCAL_PART = re.compile(_LOCAL)
# White space the doors trim around an address (str.strip's), less the line breaks and controls the free-text rule
# refuses: the pattern lets through what the server trims.
_AROUND = r"\t \xa0\u1680\u2000-\u200a\u202f\u205f\u3000"


def email_problem(text: str, *, like: str = EXAMPLE) -> str | None:
    """Why `text` (trimmed) is not one address this server can mail, None when it is; the message reads after the
    field's name ("'buyer_email' 'josé@example.com' has a latin small letter e with acute (U+00E9) at character 4,
    before the @; ...") and says how to fix it, with `like` as the example of a good address."""
    problem = text_problem(text, single_line=True)
    if problem is not None:
        return problem
    if len(text) > MAX_EMAIL:
        return f"is {len(text)} characters long; an email address has at most {MAX_EMAIL}"
    if _ADDRESS.fullmatch(text):
        return None
    local, at, domain = text.rpartition("@")
    if at and (any(char in text for char in '<>,;"') or len(text.split()) > 1):
        return f"{quoted(text)} is not one email address; type the address alone (no name, no brackets), like {like}"
    if not at or not local or "@" in local or not domain:
        return f"{quoted(text)} is not an email address; type one address like {like}"
    other = next((index for index, char in enumerate(local) if not char.isascii()), None)
    if other is not None:
        return (
            f"{quoted(text)} has {character_name(local[other])} at character {other + 1}, before the @; this server "
            f"mails only addresses whose part before the @ is plain ASCII ({LOCAL_CHARACTERS}): use such an "
            f"address, like {like}"
        )
    if not _LOCAL_PART.fullmatch(local):
        return (
            f"{quoted(text)} is not an email address: the part before the @ may hold {LOCAL_CHARACTERS}, begin with "
            f"a letter, a digit or _, and have no dot at either end nor two in a row; type one address like {like}"
        )
    other = next((index for index, char in enumerate(domain) if not char.isascii()), None)
    if other is not None:
        where = len(local) + 2 + other
        return (
            f"{quoted(text)} has {character_name(domain[other])} at character {where}; {_ascii_domain(local, domain)}"
        )
    return (
        f"{quoted(text)} is not an email address: {quoted(domain)} is not a domain (letters, digits and hyphens in "
        f"parts between dots, ending in one like .com); type one address like {like}"
    )


def _ascii_domain(local: str, domain: str) -> str:
    """How to write an address whose domain has accents: its IDNA (xn--) form, as mail servers know the domain."""
    fix = "write the domain in its ASCII form (IDNA, xn--...), as DNS and mail servers know it"
    # Python's codec is IDNA 2003, which reads ß and ς as ss and σ: another domain, so no form is offered for them.
    if any(char in domain for char in "ßς\u200c\u200d"):
        return fix
    try:
        ascii_form = domain.lower().encode("idna").decode("ascii")
    except UnicodeError:
        return fix
    address = f"{local}@{ascii_form}"
    return f"{fix}: {address}" if _ADDRESS.fullmatch(address) else fix


def email_pattern() -> str:
    """The rule as a JSON Schema pattern (ECMA and Python read it alike), the white space the doors trim allowed
    around the address."""
    return f"^[{_AROUND}]*{_LOCAL}@{_DOMAIN}[{_AROUND}]*{END}"
