"""`playbook digest`: the weekly email to each rep and manager, printed, or sent through PLAYBOOK_SMTP_URL."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from playbook_cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    HelpFormatter,
    add_process_option,
    iso_date,
    load_or_report,
    warn,
)
from playbook_cli.records import CommandError, add_database_option, guarded, open_sessions
from sales_process import clock
from sales_process.vocabulary import plural

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from deal_records.digest_mail import DigestEmail, Links
    from deal_records.mail import Outbox

EXAMPLE = """examples:
  playbook digest                          print every digest (nothing is sent or recorded)
  playbook digest --as-of 2027-03-01       as it would read on that day
  playbook digest --send                   send them through $PLAYBOOK_SMTP_URL
  0 7 * * 1 cd /srv/playbook && set -a && . ./playbook.env && venv/bin/playbook digest --send
                                           a cron line: Mondays at 07:00, the app's settings read

each rep gets their open deals whose evidence goes stale within 14 days, those whose verified
stage fell, and their buyers' replies (confirmations and "Not quite"); each manager gets the team's
claimed and verified weighted pipeline then and now, the deals that slid and the largest gaps.
"then" is the recipient's last digest sent with --send; a first digest gives the pipeline now alone
(nothing to compare with) and covers the 7 days before --as-of.
--send needs PLAYBOOK_SMTP_URL (smtp://user:password@host:port), PLAYBOOK_MAIL_FROM and, as the app
does, PLAYBOOK_BASE_URL (https://playbook.example.com): each deal listed links to its page."""
SEPARATOR = "-" * 72


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the digest command."""
    parser = commands.add_parser(
        "digest",
        help="the weekly email to each rep and manager: expiring evidence, slid deals, gaps",
        epilog=EXAMPLE,
        formatter_class=HelpFormatter,
    )
    parser.add_argument(
        "--send", action="store_true", help="send the emails through $PLAYBOOK_SMTP_URL (default: print them)"
    )
    parser.add_argument(
        "--as-of", type=iso_date, metavar="DATE", help="judge the evidence on this date, YYYY-MM-DD (default: today)"
    )
    add_process_option(parser)
    add_database_option(parser)
    parser.set_defaults(run=guarded(run_digest))


def run_digest(args: argparse.Namespace) -> int:
    """Print the digests, or send them and record each one delivered."""
    from deal_records.database import reading
    from deal_records.digest_mail import digest_emails
    from deal_records.models import utc_now

    outbox = _outbox() if args.send else None
    links = _links(mail_configured=outbox is not None)
    loaded = load_or_report(args.process)
    if loaded is None:
        return 1
    sessions = open_sessions(args.database)
    as_of: dt.date = args.as_of or clock.today()
    with reading(sessions) as db:
        emails = digest_emails(db, loaded, as_of, utc_now(), links)
    if not emails:
        print("no active reps or managers to write to; add them with: playbook users add EMAIL --role rep|manager")
        return EXIT_OK
    behind = _before_last_digest(emails, as_of)
    if behind and outbox is not None:
        raise CommandError(
            f"{behind}, which the next one reports from: its span would end before it starts; leave --as-of out "
            f"(today), or give a day from {max(email.span.since for email in emails).date().isoformat()} on; "
            "nothing was sent (without --send the digests print as a preview)"
        )
    if behind:
        warn("digest", f"{behind}: a preview only; --send refuses it")
    if outbox is None:
        print(f"\n{SEPARATOR}\n".join(_printed(email) for email in emails), end="")
        return EXIT_OK
    return _send(sessions, outbox, emails, as_of)


def _before_last_digest(emails: Sequence[DigestEmail], as_of: dt.date) -> str:
    """What is wrong when --as-of is a day before a recipient's last digest (its span would end before it starts,
    and a recorded delivery would move their next span back): naming them; "" when no recipient's is."""
    behind = [email for email in emails if not email.span.first and as_of < email.span.since.date()]
    if not behind:
        return ""
    names = [email.user.email for email in behind]
    who = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    latest = max(email.span.since for email in behind).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    at = "at" if len({email.span.since for email in behind}) == 1 else "the latest at"
    return f"--as-of {as_of.isoformat()} is before the last digest sent to {who} ({at} {latest})"


def _outbox() -> Outbox:
    """The outbox of PLAYBOOK_SMTP_URL and PLAYBOOK_MAIL_FROM; a clear error when they are missing or wrong."""
    from deal_records.mail import SMTP_ENV, MailSettingsError, outbox_from_env

    try:
        outbox = outbox_from_env(os.environ)
    except MailSettingsError as error:
        raise CommandError(str(error)) from None
    if outbox is None:
        raise CommandError(
            f"--send needs {SMTP_ENV}, the mail server, e.g. {SMTP_ENV}=smtp://user:password@mail.example.com:587; "
            "without --send the digests are printed"
        )
    return outbox


def _links(mail_configured: bool) -> Links:
    """The deal pages' links from PLAYBOOK_BASE_URL (needed to send, as the app needs it with mail set up)."""
    from deal_records.base_url import BASE_URL_ENV, BaseUrlError, require_base_url
    from deal_records.digest_mail import Links

    try:
        return Links(require_base_url(os.environ.get(BASE_URL_ENV, ""), mail_configured=mail_configured))
    except BaseUrlError as error:
        raise CommandError(str(error)) from None


def _printed(email: DigestEmail) -> str:
    """An email as printed: To, Subject, a blank line and the body."""
    to = f"{email.user.name} <{email.user.email}>" if email.user.name else email.user.email
    return f"To: {to}\nSubject: {email.text.subject}\n\n{email.text.body}"


def _send(sessions: sessionmaker[Session], outbox: Outbox, emails: Sequence[DigestEmail], as_of: dt.date) -> int:
    """Send each email and record it at once. A recipient this server cannot mail (an address saved before the email
    rule, one the server refuses) is skipped with a line saying so, and the others still get theirs: the status is
    then 1. A server that cannot be reached or refuses the login stops the run, saying how many went."""
    from deal_records.database import writing
    from deal_records.digest import record_delivery
    from deal_records.mail import SMTP_ENV, MailError, MailRecipientError, MailRefusedSettings

    skipped = 0
    for done, email in enumerate(emails):
        try:
            outbox.send(email.text, to=email.user.email, to_name=email.user.name)
        except MailRecipientError as error:
            skipped += 1
            print(
                f"playbook digest: not sent to {email.user.email!r}: {error} "
                f"(its digest is not recorded, so the next run covers the same span)",
                file=sys.stderr,
            )
            continue
        except MailError as error:
            then = (
                f"correct {SMTP_ENV}, then run the command again"
                if isinstance(error, MailRefusedSettings)
                else "run the command again when the server is reachable"
            )
            sent = done - skipped
            raise CommandError(
                f"{error}; {sent} of {plural(len(emails), 'digest')} sent (each one sent is recorded); {then}"
            ) from None
        with writing(sessions) as db:
            record_delivery(db, email.user.id, email.span, as_of)
    sent = len(emails) - skipped
    if not skipped:
        print(f"sent {plural(len(emails), 'digest')} through {outbox.server}")
        return EXIT_OK
    print(f"sent {sent} of {plural(len(emails), 'digest')} through {outbox.server}")
    print(
        f"playbook digest: {plural(skipped, 'digest')} not sent (see above): disable each such user "
        "(`playbook users disable EMAIL`) and add them again with an address this server can mail "
        "(`playbook users add EMAIL --role ROLE`)",
        file=sys.stderr,
    )
    return EXIT_INVALID
