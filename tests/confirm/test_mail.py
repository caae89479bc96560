"""The confirmation email: its text, the mailto: link, and sending it through a real SMTP server."""

from __future__ import annotations

import datetime as dt
import logging
import re
import socket
import ssl
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from assess_app.mail import confirmation_mail, mailto_link
from deal_records.mail import (
    MailError,
    MailRecipientError,
    MailSettingsError,
    MailText,
    Outbox,
    SmtpSettings,
    build_message,
    outbox_from_env,
    parse_smtp_url,
)
from tests.mail_server import MailServer, self_signed_certificate

PASSWORD = "s3cr:t@pass/word"
ENCODED = "s3cr%3At%40pass%2Fword"
LINK = "https://playbook.example/confirm/Q2xlYXJseU5vdEFSZWFsVG9rZW5CdXRUaGVSaWdodExlbmd0aA"
EXPIRES = dt.datetime(2027, 3, 15, 9, 30, tzinfo=dt.UTC)
TEXT = confirmation_mail(
    company="Contoso",
    deal_name="Fabrikam renewal",
    buyer_name="Dana Buyer",
    statements=["We have agreed that a proposal is the next step.", "Our budget for this project is approved."],
    link=LINK,
    expires_at=EXPIRES,
    sender_name="Riley Rep",
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example:587", SmtpSettings("mail.example", 587)),
        ("smtp://mail.example", SmtpSettings("mail.example", 25)),
        (
            f"smtp://rep%40contoso.example:{ENCODED}@mail.example:2525",
            SmtpSettings("mail.example", 2525, "rep@contoso.example", PASSWORD),
        ),
        ("  smtp://user:@127.0.0.1:25/ ", SmtpSettings("127.0.0.1", 25, "user", "")),
    ],
)
def test_a_good_url(url: str, expected: SmtpSettings) -> None:
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mail.example:25", "PLAYBOOK_SMTP_URL must start with smtp:// (it has 'mail.example')"),
        ("", "PLAYBOOK_SMTP_URL must start with smtp:// (it has no scheme)"),
        (f"smtp://u:{ENCODED}@:25", "PLAYBOOK_SMTP_URL names no server"),
        (
            f"smtp://u:{ENCODED}@mail.example:abc",
            "PLAYBOOK_SMTP_URL has a bad port or address (the port must be a number from 1 to 65535)",
        ),
        (
            f"smtp://u:{ENCODED}@mail.example:70000",
            "PLAYBOOK_SMTP_URL has a bad port or address (the port must be a number from 1 to 65535)",
        ),
        (f"smtp://:{ENCODED}@mail.example:25", "PLAYBOOK_SMTP_URL has a password but no user name"),
        ("smtp://mail.example:25/inbox?x=1", "PLAYBOOK_SMTP_URL must end after the port (found '/inbox?x=1')"),
    ],
)
def test_a_bad_url_says_what_is_wrong_and_never_shows_the_password(url: str, message: str) -> None:
    with pytest.raises(MailSettingsError) as raised:
        parse_smtp_url(url)
    assert (
        str(raised.value)
        == f"{message}; write it as smtp://user:password@host:port (percent-encode '@' as %40, ':' as %3A, '/' as %2F "
        "in the user name or password)"
    )
    assert PASSWORD not in str(raised.value) and ENCODED not in str(raised.value)


IMPLICIT_TLS = (
    "PLAYBOOK_SMTP_URL starts with smtps://, implicit TLS (smtps, port 465), which is not supported: write "
    "smtp://user:password@host:587, the server's submission port, where it offers STARTTLS (see the manual's Mail page)"
)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        pytest.param(f"smtps://u:{ENCODED}@mail.example:465", IMPLICIT_TLS, id="smtps"),
        pytest.param(f"SMTPS://u:{ENCODED}@mail.example", IMPLICIT_TLS, id="smtps-in-capitals"),
        # urlsplit would end the password at '/', '?' or '#' and read the rest as a port or a path, and say so.
        pytest.param(
            "smtp://u:s3cr/t123@mail.example:587",
            "PLAYBOOK_SMTP_URL cannot be read: the password holds '/': percent-encode it as %2F (and '@' as %40, "
            "':' as %3A)",
            id="slash-in-the-password",
        ),
        pytest.param(
            "smtp://u:s3cr?t@mail.example:587",
            "PLAYBOOK_SMTP_URL cannot be read: the password holds '?': percent-encode it as %3F (and '@' as %40, "
            "':' as %3A, '/' as %2F)",
            id="question-mark-in-the-password",
        ),
        pytest.param(
            "smtp://sales/eu:pw@mail.example:587",
            "PLAYBOOK_SMTP_URL cannot be read: the user name holds '/': percent-encode it as %2F (and '@' as %40, "
            "':' as %3A)",
            id="slash-in-the-user-name",
        ),
    ],
)
def test_a_url_the_reader_would_misread_says_what_to_write(url: str, message: str) -> None:
    with pytest.raises(MailSettingsError) as raised:
        parse_smtp_url(url)
    assert str(raised.value) == message
    assert "s3cr" not in str(raised.value) and ENCODED not in str(raised.value)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        # The URL as the operator wrote it, without the password: '@' in a user name stays %40.
        (
            "smtp://sales%40contoso.example:app-password@mail.contoso.example:587",
            "smtp://sales%40contoso.example@mail.contoso.example:587",
        ),
        (
            "smtp://sales@contoso.example:app-password@mail.contoso.example:587",
            "smtp://sales%40contoso.example@mail.contoso.example:587",
        ),
        ("smtp://rep:app-password@mail.contoso.example", "smtp://rep@mail.contoso.example:25"),
        ("smtp://[::1]:2525", "smtp://[::1]:2525"),
    ],
)
def test_the_server_is_shown_as_written_without_the_password(url: str, shown: str) -> None:
    assert str(parse_smtp_url(url)) == shown


def test_the_settings_never_show_the_password() -> None:
    settings = parse_smtp_url(f"smtp://rep:{ENCODED}@mail.example:587")
    assert str(settings) == "smtp://rep@mail.example:587"
    assert PASSWORD not in repr(settings)


def test_only_a_loopback_server_counts_as_local() -> None:
    assert [
        SmtpSettings(host).on_loopback for host in ("127.0.0.1", "::1", "localhost", "mail.example", "10.0.0.1")
    ] == [True, True, True, False, False]


def test_the_email_text() -> None:
    assert TEXT.subject == "Please confirm where we stand: Fabrikam renewal"
    assert TEXT.body == (
        "Hello Dana Buyer,\n\n"
        "To make sure we at Contoso understand where Fabrikam renewal stands, could you tell us whether these points are right?\n\n"
        "  - We have agreed that a proposal is the next step.\n"
        "  - Our budget for this project is approved.\n\n"
        "Please open this link and answer each point with \u201cYes, this is right\u201d or \u201cNot quite\u201d (a comment is welcome):\n"
        f"{LINK}\n\n"
        "You need no account. The link works once and expires on 15 March 2027, 09:30 UTC. "
        "It is meant for you alone, so please do not forward it.\n\n"
        "Thank you,\nRiley Rep\n"
    )


def test_one_statement_is_one_point() -> None:
    one = confirmation_mail(
        company="Contoso", deal_name="D", buyer_name="B", statements=["We agree."], link=LINK, expires_at=EXPIRES
    )
    assert "could you tell us whether this point is right?" in one.body
    assert "answer it with" in one.body
    assert one.body.endswith("Thank you,\nContoso\n")


def test_the_mailto_link_opens_the_same_email() -> None:
    link = mailto_link("dana+deals@fabrikam.example", TEXT)
    parts = urlsplit(link)
    assert (parts.scheme, parts.path) == ("mailto", "dana%2Bdeals@fabrikam.example")
    query = parse_qs(parts.query)
    assert (query["subject"], query["body"]) == ([TEXT.subject], [TEXT.body])
    assert " " not in link and "\n" not in link


@pytest.fixture
def plain_server() -> Iterator[MailServer]:
    server = MailServer(logins={"rep@contoso.example": PASSWORD}).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[MailServer]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    server = MailServer(tls=context, require_starttls=True, logins={"rep@contoso.example": PASSWORD}).start()
    yield server
    server.stop()


def _outbox(server: MailServer, user: str | None = None, password: str = PASSWORD) -> Outbox:
    login = (
        f"{user.replace('@', '%40')}:{password.replace(':', '%3A').replace('@', '%40').replace('/', '%2F')}@"
        if user
        else ""
    )
    outbox = outbox_from_env(
        {
            "PLAYBOOK_SMTP_URL": f"smtp://{login}127.0.0.1:{server.port}",
            "PLAYBOOK_MAIL_FROM": "Contoso Sales <sales@contoso.example>",
        }
    )
    assert outbox is not None
    return outbox


def _send(outbox: Outbox, tls: ssl.SSLContext | None = None) -> None:
    outbox.send(TEXT, to="dana@fabrikam.example", to_name="Dana Buyer", reply_to="riley@contoso.example", tls=tls)


def test_the_email_goes_out_through_a_plain_server(plain_server: MailServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "deal_records.mail")
    _send(_outbox(plain_server))
    [received] = plain_server.received
    assert (received.sender, received.recipients, received.login) == (
        "sales@contoso.example",
        ["dana@fabrikam.example"],
        None,
    )
    message = received.message
    assert (message["Subject"], message["From"], message["To"], message["Reply-To"]) == (
        TEXT.subject,
        "Contoso Sales <sales@contoso.example>",
        "Dana Buyer <dana@fabrikam.example>",
        "riley@contoso.example",
    )
    assert message.get_content().replace("\r\n", "\n") == TEXT.body
    assert caplog.messages == [
        f"sent '{TEXT.subject}' to Dana Buyer <dana@fabrikam.example> through smtp://127.0.0.1:{plain_server.port} (unencrypted)"
    ]


@pytest.mark.parametrize(
    ("subject", "to_name"),
    [
        ("Please confirm where we stand: Fabrikam rollout — Zürich 🇨🇭", "Jürgen Weiß"),
        # 79 characters of ASCII: folded before its first word, it was read back with a leading space.
        ("Team pipeline: verified EUR 149,500.00, claimed EUR 463,500.00, 0 slid", "Lee Chen"),
        (
            "Please confirm where we stand: " + "Bø Ærenlund — Société Générale 👩‍💼 " * 6 + "end",
            "Bø Ærenlund — Zürich 🇨🇭",
        ),
        ("Please confirm where we stand: " + "x" * 120, "Dana Buyer"),
        ("Please confirm where we stand: =?utf-8?b?SGk=?= and friends", "Dana Buyer"),  # text, not an encoded word
        ("Please confirm where we stand: Fabrikam", None),
    ],
)
def test_every_header_reads_back_exactly_as_written(
    plain_server: MailServer, subject: str, to_name: str | None
) -> None:
    """The buyer read "Fabrikam rollout —Zürich 🇨🇭": the header was two encoded words with only folding white space
    between them, which every decoder drops; the digest's Subject was folded before its first word. Each header is
    parsed back from the bytes the server received, as a mail reader would."""
    _outbox(plain_server).send(MailText(subject, "Hello\n"), to="dana@fabrikam.example", to_name=to_name)
    [received] = plain_server.received
    [recipient] = received.message["To"].addresses
    assert (received.message["Subject"], recipient.display_name) == (subject, to_name or "")
    # Folded as RFC 5322 asks (the received headers are kept as sent: written back unfolded again).
    headers = received.message.as_bytes(policy=policy.SMTP).split(b"\r\n\r\n")[0]
    assert all(len(line) <= 78 for line in headers.split(b"\r\n"))


def test_a_login_to_a_loopback_server_without_tls(plain_server: MailServer) -> None:
    _send(_outbox(plain_server, "rep@contoso.example"))
    assert [r.login for r in plain_server.received] == ["rep@contoso.example"]


def test_a_wrong_password_is_a_clear_error_without_the_password(plain_server: MailServer) -> None:
    with pytest.raises(MailError) as raised:
        _send(_outbox(plain_server, "rep@contoso.example", "wrong-password"))
    assert (
        str(raised.value)
        == f"smtp://rep%40contoso.example@127.0.0.1:{plain_server.port} refused the user name or password of 'rep@contoso.example'"
    )
    assert plain_server.received == []


def test_starttls_with_the_servers_certificate_trusted(
    tls_server: MailServer, certificate: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    trusted = ssl.create_default_context(cafile=str(certificate[0]))
    _send(_outbox(tls_server, "rep@contoso.example"), tls=trusted)
    [received] = tls_server.received
    assert (received.login, received.message.get_content().replace("\r\n", "\n")) == ("rep@contoso.example", TEXT.body)
    assert f"through smtp://rep%40contoso.example@127.0.0.1:{tls_server.port} (STARTTLS)" in caplog.text
    assert PASSWORD not in caplog.text and LINK not in caplog.text


def test_an_untrusted_certificate_stops_the_email(tls_server: MailServer) -> None:
    with pytest.raises(
        MailError,
        match=r"could not send the email through smtp://rep%40contoso.example@127.0.0.1:\d+: .*CERTIFICATE_VERIFY_FAILED",
    ):
        _send(_outbox(tls_server, "rep@contoso.example"))
    assert tls_server.received == []


def test_no_server_listening() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outbox = Outbox(SmtpSettings("127.0.0.1", port), "sales@contoso.example")
    with pytest.raises(
        MailError, match=rf"^could not send the email through smtp://127.0.0.1:{port}: .*[Cc]onnection refused"
    ):
        outbox.send(MailText("s", "b"), to="dana@fabrikam.example")


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"PLAYBOOK_SMTP_URL": "smtp://mail.example"}, "set PLAYBOOK_MAIL_FROM to the address the emails come from"),
        (
            {"PLAYBOOK_SMTP_URL": "smtp://u:p@mail.example"},
            "set PLAYBOOK_MAIL_FROM to the address the emails come from, e.g. "
            "PLAYBOOK_MAIL_FROM='Sales <sales@example.com>'",
        ),
        # Set, but not to an address: said so, with the value, not as if it were unset.
        (
            {"PLAYBOOK_SMTP_URL": "smtp://u:p@mail.example", "PLAYBOOK_MAIL_FROM": "sales"},
            "PLAYBOOK_MAIL_FROM is 'sales', which is not an email address; set it to the address the emails come "
            "from, e.g. PLAYBOOK_MAIL_FROM='Sales <sales@example.com>'",
        ),
        (
            {
                "PLAYBOOK_SMTP_URL": "smtp://sales%40contoso.example:p@mail.example",
                "PLAYBOOK_MAIL_FROM": "not an address",
            },
            "PLAYBOOK_MAIL_FROM is 'not an address', which is not an email address; set it to the address the emails "
            "come from, e.g. PLAYBOOK_MAIL_FROM='Sales <sales@example.com>'",
        ),
    ],
)
def test_the_sender_must_be_an_address(environ: dict[str, str], message: str) -> None:
    with pytest.raises(MailSettingsError) as raised:
        outbox_from_env(environ)
    assert str(raised.value).startswith(message)


def test_without_a_url_there_is_no_outbox_and_a_login_address_is_the_sender() -> None:
    assert outbox_from_env({}) is None
    outbox = outbox_from_env({"PLAYBOOK_SMTP_URL": "smtp://sales%40contoso.example:pw@mail.example:587"})
    assert outbox is not None and outbox.sender == "sales@contoso.example"


def test_every_email_carries_a_date_and_a_message_id_on_the_apps_domain(plain_server: MailServer) -> None:
    from email.utils import parsedate_to_datetime

    environ = {
        "PLAYBOOK_SMTP_URL": f"smtp://127.0.0.1:{plain_server.port}",
        "PLAYBOOK_MAIL_FROM": "Contoso Sales <sales@contoso.example>",
    }
    without_base_url = outbox_from_env(environ)
    with_base_url = outbox_from_env({**environ, "PLAYBOOK_BASE_URL": "https://playbook.contoso.example:8443/sales"})
    assert without_base_url is not None and with_base_url is not None
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for outbox in (with_base_url, with_base_url, without_base_url):
        _send(outbox)
    ids = [received.message["Message-ID"] for received in plain_server.received]
    assert [i.rpartition("@")[2] for i in ids] == [
        "playbook.contoso.example>",
        "playbook.contoso.example>",
        "contoso.example>",
    ]
    assert len(set(ids)) == 3 and all(i.startswith("<") for i in ids)
    for received in plain_server.received:
        sent = parsedate_to_datetime(received.message["Date"])
        assert sent.tzinfo is not None and before <= sent <= dt.datetime.now(dt.UTC)


# A buyer's name as a rep may type it: with an address in it, quotes, commas, accents and line breaks of old records.
_NAMES = st.text(alphabet="Dana <>@\",;:()\\.é€\t'[]=?\r\n\x00", min_size=1, max_size=40)


@example("Dana <ceo@evil.example> é")  # the reviewer's: read back as a To of ceo@evil.example
@example('Dana\\" <ceo@evil.example> é')
@example("é" * 80 + " <ceo@evil.example>")  # folded over lines
@given(_NAMES)
def test_a_display_name_is_only_ever_read_as_a_name(name: str) -> None:
    message = build_message(TEXT, sender="Contoso Sales <sales@contoso.example>", to="buyer5@example.com", to_name=name)
    read = message_from_bytes(message.as_bytes(policy=policy.SMTP), policy=policy.default)
    [address] = read["To"].addresses
    assert address.addr_spec == "buyer5@example.com"
    # Compared without white space: Python reads a space between the encoded words a long name is folded into.
    assert "".join(address.display_name.split()) == "".join(name.replace("\x00", "").split())


def test_the_envelope_goes_to_the_buyer_whatever_their_name_holds(plain_server: MailServer) -> None:
    outbox = Outbox(SmtpSettings("127.0.0.1", plain_server.port), "Contoso Sales <sales@contoso.example>")
    outbox.send(TEXT, to="buyer5@example.com", to_name="Dana <ceo@evil.example> é", reply_to="riley@contoso.example")
    [received] = plain_server.received
    assert (received.sender, received.recipients) == ("sales@contoso.example", ["buyer5@example.com"])
    [to] = received.message["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Dana <ceo@evil.example> é", "buyer5@example.com")
    [reply] = received.message["Reply-To"].addresses
    assert reply.addr_spec == "riley@contoso.example"


@pytest.mark.parametrize(
    ("to", "reply_to", "said"),
    [
        # Addresses saved before the email rule: a UnicodeEncodeError from formataddr, a 500 or a traceback.
        ("d@exämple.com", None, "the recipient's address 'd@exämple.com' has a latin small letter a with diaeresis"),
        ("dana@müller.example", None, "as DNS and mail servers know it: dana@xn--mller-kva.example"),
        ("josé@example.com", None, "the recipient's address 'josé@example.com' has a latin small letter e with acute"),
        ("dana@fabrikam.example", "ana\u200b@contoso.example", "the Reply-To address"),
    ],
)
def test_an_address_the_server_cannot_mail_is_a_clear_error_and_nothing_is_sent(
    plain_server: MailServer, to: str, reply_to: str | None, said: str
) -> None:
    outbox = Outbox(SmtpSettings("127.0.0.1", plain_server.port), "sales@contoso.example")
    with pytest.raises(MailRecipientError) as raised:
        outbox.send(TEXT, to=to, to_name="Dana", reply_to=reply_to)
    assert said in str(raised.value)
    assert plain_server.received == []


@pytest.mark.parametrize(
    ("sender", "said"),
    [
        ("a@contoso.example, b@contoso.example", "set PLAYBOOK_MAIL_FROM to the address the emails come from"),
        ("Ventes <ventes@société.example>", "PLAYBOOK_MAIL_FROM's address 'ventes@société.example' has"),
    ],
)
def test_a_from_address_no_email_could_carry_stops_at_the_start(sender: str, said: str) -> None:
    with pytest.raises(MailSettingsError, match=re.escape(said)):
        outbox_from_env({"PLAYBOOK_SMTP_URL": "smtp://mail.example", "PLAYBOOK_MAIL_FROM": sender})


def test_a_from_name_with_accents_is_encoded_as_a_name(plain_server: MailServer) -> None:
    outbox = outbox_from_env(
        {"PLAYBOOK_SMTP_URL": f"smtp://127.0.0.1:{plain_server.port}", "PLAYBOOK_MAIL_FROM": "Ventes Société <v@x.fr>"}
    )
    assert outbox is not None
    outbox.send(TEXT, to="dana@fabrikam.example")
    [received] = plain_server.received
    [sender] = received.message["From"].addresses
    assert (received.sender, sender.display_name, sender.addr_spec) == ("v@x.fr", "Ventes Société", "v@x.fr")
