"""`playbook tokens`: API tokens, shown once and stored only as their sha256."""

from __future__ import annotations

import argparse
import sys

from playbook_cli.common import EXIT_OK, HelpFormatter, add_action
from playbook_cli.records import add_database_option, guarded, open_sessions
from sales_process.vocabulary import plural

EXAMPLE = """examples:
  playbook tokens create ana@example.com       prints a new token once: keep it secret
  curl -H "Authorization: Bearer TOKEN" http://127.0.0.1:8000/api/deals
  playbook tokens list ana@example.com         ids and dates (never the tokens)
  playbook tokens revoke ana@example.com --id 3
  playbook tokens revoke ana@example.com       every token of the user"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the tokens command."""
    parser = commands.add_parser(
        "tokens", help="API tokens: create, list, revoke", epilog=EXAMPLE, formatter_class=HelpFormatter
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    create = add_action(actions, "tokens", "create", examples=EXAMPLE, help="a new token for the user, printed once")
    create.add_argument("email", help="the user the token acts as")
    listing = add_action(actions, "tokens", "list", examples=EXAMPLE, help="the user's tokens (ids and dates)")
    listing.add_argument("email", help="the user whose tokens to list")
    revoke = add_action(
        actions, "tokens", "revoke", examples=EXAMPLE, help="revoke one token (--id) or all of the user's tokens"
    )
    revoke.add_argument("email", help="the user whose token to revoke")
    revoke.add_argument("--id", type=int, metavar="N", help="the token's id (see tokens list)")
    for action, run in ((create, run_create), (listing, run_list), (revoke, run_revoke)):
        add_database_option(action)
        action.set_defaults(run=guarded(run))


def run_create(args: argparse.Namespace) -> int:
    """Create a token and print it once."""
    from deal_records.database import writing
    from deal_records.people import create_token

    with writing(open_sessions(args.database)) as db:
        row, token = create_token(db, args.email)
        token_id = row.id
    print(token)
    print(
        f"token {token_id} for {args.email.strip().lower()}: shown only this once; send it as Authorization: Bearer TOKEN",
        file=sys.stderr,
    )
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    """List a user's tokens."""
    from deal_records.database import reading
    from deal_records.people import list_tokens

    with reading(open_sessions(args.database)) as db:
        tokens = list_tokens(db, args.email)
    if not tokens:
        print(f"{args.email.strip().lower()} has no tokens")
    for row in tokens:
        state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M} UTC" if row.revoked_at else "active"
        print(f"{row.id}\tcreated {row.created_at:%Y-%m-%d %H:%M} UTC\t{state}")
    return EXIT_OK


def run_revoke(args: argparse.Namespace) -> int:
    """Revoke tokens."""
    from deal_records.database import writing
    from deal_records.people import revoke_tokens

    with writing(open_sessions(args.database)) as db:
        count = revoke_tokens(db, args.email, args.id)
    print(f"revoked {plural(count, 'token')} of {args.email.strip().lower()}")
    return EXIT_OK
