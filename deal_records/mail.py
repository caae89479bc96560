"""Sending the playbook's emails through SMTP: PLAYBOOK_SMTP_URL, the From address, an email's text, the sending.

Both the app (the buyer's confirmation email) and `playbook digest` send through this one way out:
`smtp://user:password@host:port`, STARTTLS when the server offers it, and a password that never
appears in a log, an error or a repr.
"""

from __future__ import annotations

import ipaddress
import logging
import smtplib
import ssl
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid
from urllib.parse import quote, unquote, urlsplit

from deal_records.base_url import BASE_URL_ENV
from deal_records.url_userinfo import ENCODINGS, userinfo_problem
from sales_process.email_address import email_problem

SMTP_ENV = "PLAYBOOK_SMTP_URL"
MAIL_FROM_ENV = "PLAYBOOK_MAIL_FROM"
DEFAULT_PORT = 25
TIMEOUT_SECONDS = 20

log = logging.getLogger("deal_records.mail")


class MailSettingsError(ValueError):
    """PLAYBOOK_SMTP_URL (or the sender address) cannot be used; the message says how to fix it."""


class MailError(Exception):
    """The email could not be sent; the message says why, without the password."""


class MailRefusedSettings(MailError):
    """The server answered, and refused how PLAYBOOK_SMTP_URL asks to sign in: retrying will not help."""


class MailRecipientError(MailError):
    """This one email cannot go to its recipient (an address this server cannot mail, or one the server refused);
    another recipient's email may: a run that sends many goes on."""


@dataclass(frozen=True)
class SmtpSettings:
    """Where and as whom to send mail."""

    host: str
    port: int = DEFAULT_PORT
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    def __str__(self) -> str:
        """The URL as PLAYBOOK_SMTP_URL writes it, without the password: the user name percent-encoded as there
        (`sales%40contoso.example@mail...`, not `sales@contoso.example@mail...`, which reads as two servers)."""
        user = f"{quote(self.username, safe=_USER_SAFE)}@" if self.username else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"smtp://{user}{host}:{self.port}"

    @property
    def on_loopback(self) -> bool:
        """Whether the server is on this machine (the only place a password may go unencrypted)."""
        return is_loopback(self.host)


def is_loopback(host: str) -> bool:
    """Whether a host name or address is this machine alone (localhost, 127.0.0.1, ::1 or [::1])."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# What a user name may hold unencoded in a URL (RFC 3986's sub-delims): everything else is shown percent-encoded.
_USER_SAFE = "!$&'()*+,;="
_URL_HELP = f"write it as smtp://user:password@host:port (percent-encode {ENCODINGS} in the user name or password)"
_IMPLICIT_TLS = (
    f"{SMTP_ENV} starts with smtps://, implicit TLS (smtps, port 465), which is not supported: write "
    "smtp://user:password@host:587, the server's submission port, where it offers STARTTLS (see the manual's Mail page)"
)


def parse_smtp_url(url: str) -> SmtpSettings:
    """Read `smtp://user:password@host:port`; raise MailSettingsError saying what is wrong."""
    text = url.strip()
    if text.lower().startswith("smtps:"):
        raise MailSettingsError(_IMPLICIT_TLS)
    # urlsplit ends the user name and password at a '/', '?' or '#' and reads the rest as a path or a port.
    problem = userinfo_problem(text, user_stops="/?#", password_stops="/?#")
    if problem is not None:
        raise MailSettingsError(f"{SMTP_ENV} cannot be read: {problem}")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as error:
        raise MailSettingsError(f"{SMTP_ENV} has a bad port or address ({_reason(error)}); {_URL_HELP}") from None
    if parts.scheme != "smtp":
        scheme = f"'{parts.scheme}'" if parts.scheme else "no scheme"
        raise MailSettingsError(f"{SMTP_ENV} must start with smtp:// (it has {scheme}); {_URL_HELP}")
    if not parts.hostname:
        raise MailSettingsError(f"{SMTP_ENV} names no server; {_URL_HELP}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise MailSettingsError(
            f"{SMTP_ENV} must end after the port (found '{parts.path}{'?' if parts.query else ''}{parts.query}'); {_URL_HELP}"
        )
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if password is not None and not username:
        raise MailSettingsError(f"{SMTP_ENV} has a password but no user name; {_URL_HELP}")
    return SmtpSettings(parts.hostname, port or DEFAULT_PORT, username, password)


def _reason(error: ValueError) -> str:
    """ValueError's text without echoing the URL (it may hold the password)."""
    message = str(error)
    return "the port must be a number from 1 to 65535" if "port" in message.lower() else "it cannot be read as a URL"


@dataclass(frozen=True)
class MailText:
    """An email's subject and plain-text body."""

    subject: str
    body: str


def message_domain(base_url: str | None, sender: Address) -> str | None:
    """The domain a Message-ID names: the host of PLAYBOOK_BASE_URL, else the From address's domain."""
    try:
        host = urlsplit(base_url.strip()).hostname if base_url else None
    except ValueError:
        host = None
    return host or sender.domain or None


def _display_name(name: str | None) -> str:
    """A name as an address header shows it: one line, without the control and format characters a name saved
    before the free-text rule may hold (the header would not encode them)."""
    words = " ".join((name or "").split())
    return "".join(char for char in words if not unicodedata.category(char).startswith("C"))


def mail_address(email: str, name: str | None = None, *, whose: str = "the recipient's") -> Address:
    """The address an email header names, `name` quoted or encoded as its display name whatever it holds (never read
    as an address of its own); MailRecipientError when the email rule (sales_process.email_address) refuses `email`:
    an address saved before the rule ('josé@example.com') is said, not a UnicodeEncodeError."""
    address = email.strip()
    problem = email_problem(address)
    if problem is not None:
        raise MailRecipientError(f"{whose} address {problem}")
    username, _, domain = address.rpartition("@")
    return Address(display_name=_display_name(name), username=username, domain=domain)


def sender_address(sender: str) -> Address:
    """PLAYBOOK_MAIL_FROM ('Sales <sales@example.com>' or 'sales@example.com') as one address; MailSettingsError
    saying how to write it otherwise."""
    found = getaddresses([sender])
    example = f"{MAIL_FROM_ENV}='Sales <sales@example.com>'"
    if len(found) > 1:
        raise MailSettingsError(
            f"{MAIL_FROM_ENV} is {sender!r}, {len(found)} addresses; set {MAIL_FROM_ENV} to the address the emails "
            f"come from, e.g. {example}"
        )
    if sender and (len(found) != 1 or "@" not in found[0][1]):
        raise MailSettingsError(
            f"{MAIL_FROM_ENV} is {sender!r}, which is not an email address; set it to the address the emails come "
            f"from, e.g. {example}"
        )
    if len(found) != 1 or "@" not in found[0][1]:
        raise MailSettingsError(f"set {MAIL_FROM_ENV} to the address the emails come from, e.g. {example}")
    name, email = found[0]
    try:
        return mail_address(email, name, whose=f"{MAIL_FROM_ENV}'s")
    except MailRecipientError as error:
        raise MailSettingsError(f"{error}; e.g. {MAIL_FROM_ENV}='Sales <sales@example.com>'") from None


def build_message(
    text: MailText,
    *,
    sender: str,
    to: str,
    to_name: str | None = None,
    reply_to: str | None = None,
    base_url: str | None = None,
) -> EmailMessage:
    """The email as a message ready to send (plain text, UTF-8), with the Date RFC 5322 requires and a Message-ID
    on the domain of `base_url` (PLAYBOOK_BASE_URL), else of the From address.

    Every address header is built of Address objects: a display name ('Dana <ceo@evil.example> é') is quoted or
    encoded as a name, where formataddr's text was read back as a second address. MailRecipientError for an
    address the email rule refuses."""
    source = sender_address(sender)
    recipient = mail_address(to, to_name)
    answer = mail_address(reply_to, whose="the Reply-To") if reply_to else None
    message = EmailMessage()
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=message_domain(base_url, source))
    message.set_raw("Subject", subject_header(text.subject))
    message["From"] = source
    message["To"] = recipient
    if answer is not None:
        message["Reply-To"] = answer
    message.set_content(text.body)
    return message


_FOLDED_WIDTH = 78  # RFC 5322's recommended line length


def subject_header(subject: str) -> str:
    """The Subject as sent, folded and encoded so that every reader decodes it to `subject` (its white space runs made
    one space): plain text folded between words when it is ASCII, else RFC 2047 encoded words that carry their own
    spaces. email.policy's folder (Python 3.11) split "rollout — Zürich" into two encoded words with only folding
    white space between them, which decoders drop ("rollout —Zürich"), and folded a 79-character subject before its
    first word, which was read back with a leading space; a header set raw is sent as it is."""
    flat = " ".join(subject.split())
    if flat.isascii() and "=?" not in flat:  # "=?" would be read as the start of an encoded word
        folded = Header(flat, "us-ascii", header_name="Subject").encode()
        if folded == folded.lstrip() and all(len(line) <= _FOLDED_WIDTH for line in f"Subject: {folded}".splitlines()):
            return folded
    return Header(flat, "utf-8", header_name="Subject").encode()


def send(settings: SmtpSettings, message: EmailMessage, *, tls: ssl.SSLContext | None = None) -> None:
    """Send through the server: STARTTLS when it offers it, plain when not; raise MailError."""
    context = tls or ssl.create_default_context()
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS) as smtp:
            smtp.ehlo()
            encrypted = smtp.has_extn("starttls")
            if encrypted:
                smtp.starttls(context=context)
                smtp.ehlo()
            if settings.username:
                _login(smtp, settings, encrypted)
            # The envelope from the headers' Address objects, not from their text read back (smtplib's default).
            smtp.send_message(message, from_addr=_addresses(message, "From")[0], to_addrs=_addresses(message, "To"))
    except smtplib.SMTPAuthenticationError:
        raise MailRefusedSettings(f"{settings} refused the user name or password of {settings.username!r}") from None
    except smtplib.SMTPRecipientsRefused as error:
        raise MailRecipientError(f"{settings} refused the recipient {', '.join(error.recipients)}") from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as error:
        raise MailError(f"could not send the email through {settings}: {_safe(error, settings)}") from None
    log.info(
        "sent %r to %s through %s (%s)",
        message["Subject"],
        message["To"],
        settings,
        "STARTTLS" if encrypted else "unencrypted",
    )


def _addresses(message: EmailMessage, header: str) -> list[str]:
    """The addresses of a header build_message made (of Address objects)."""
    return [address.addr_spec for address in message[header].addresses]


def _login(smtp: smtplib.SMTP, settings: SmtpSettings, encrypted: bool) -> None:
    if not encrypted and not settings.on_loopback:
        raise MailRefusedSettings(
            f"{settings} does not offer STARTTLS, so the password would cross the network unencrypted; use a server that offers it"
        )
    if not smtp.has_extn("auth"):
        raise MailRefusedSettings(
            f"{settings} does not accept a user name and password (no AUTH); remove them from {SMTP_ENV}"
        )
    smtp.login(settings.username or "", settings.password or "")


def _safe(error: BaseException, settings: SmtpSettings) -> str:
    text = str(error) or type(error).__name__
    return text.replace(settings.password, "***") if settings.password else text


@dataclass(frozen=True)
class Outbox:
    """The app's way out for mail: the server, the From address and the public base URL (its host names each
    message's Message-ID)."""

    server: SmtpSettings
    sender: str
    base_url: str | None = None

    def send(
        self,
        text: MailText,
        *,
        to: str,
        to_name: str | None = None,
        reply_to: str | None = None,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        """Send one email; raise MailError."""
        message = build_message(
            text, sender=self.sender, to=to, to_name=to_name, reply_to=reply_to, base_url=self.base_url
        )
        send(self.server, message, tls=tls)


def outbox_from_env(environ: Mapping[str, str]) -> Outbox | None:
    """The outbox PLAYBOOK_SMTP_URL and PLAYBOOK_MAIL_FROM describe (with PLAYBOOK_BASE_URL for the Message-ID's
    domain); None when mail is not set up."""
    url = environ.get(SMTP_ENV, "").strip()
    if not url:
        return None
    server = parse_smtp_url(url)
    sender = environ.get(MAIL_FROM_ENV, "").strip() or (
        server.username if server.username and "@" in server.username else ""
    )
    sender_address(sender)  # a From no email could carry stops the app at its start, not each email
    return Outbox(server, sender, environ.get(BASE_URL_ENV, "").strip() or None)
