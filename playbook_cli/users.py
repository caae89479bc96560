"""`playbook users`: add, list, disable and enable the people who sign in, and set their passwords."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from playbook_cli.common import EXIT_OK, HelpFormatter, add_action
from playbook_cli.records import add_database_option, guarded, open_sessions, read_password
from sales_process.vocabulary import plural

if TYPE_CHECKING:
    from deal_records.people import PasswordChanged

EXAMPLE = """examples:
  playbook users add ana@example.com --role rep --name "Ana Lopez"     asks for the password
  printf '%s\\n' "$PASSWORD" | playbook users add lee@example.com --role manager
  playbook users list
  playbook users password ana@example.com                             a new password (ends sessions, revokes tokens)
  playbook users sign-out ana@example.com                             ends their browser sessions (a lost laptop); tokens stay
  playbook users disable ana@example.com                              no more sign-in or API
  playbook users enable ana@example.com                               sign-in again (new API tokens needed)
  playbook users manager ana@example.com lee@example.com              Lee's weekly digest covers Ana's deals
  playbook users manager ana@example.com --none                       every manager's digest covers them again

roles: a rep sees and checks their own deals; a manager sees every deal and /pipeline,
and does not change a rep's answers. A manager's weekly digest covers the reps they manage and
those no manager has (every rep, until managers are named). Passwords: at least 8 characters,
stored as scrypt hashes."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the users command."""
    parser = commands.add_parser(
        "users", help="manage who can sign in (reps and managers)", epilog=EXAMPLE, formatter_class=HelpFormatter
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    add = add_action(
        actions, "users", "add", examples=EXAMPLE, help="add a user; the password is read from standard input"
    )
    add.add_argument("email", help="the email they sign in with")
    add.add_argument("--role", required=True, choices=("rep", "manager"), help="rep or manager")
    add.add_argument("--name", help="the name shown on pages (default: the email)")
    listing = add_action(actions, "users", "list", examples=EXAMPLE, help="every user with role and state")
    disable = _one_user(actions, "disable", "stop a user from signing in and using tokens", "the user to disable")
    enable = _one_user(
        actions, "enable", "let a disabled user sign in again; their old tokens stay revoked", "the user to enable"
    )
    password = _one_user(
        actions,
        "password",
        "set a new password (read from standard input); their sessions end and their API tokens are revoked",
        "the user whose password to set",
    )
    sign_out = _one_user(
        actions,
        "sign-out",
        "end every browser session of a user (a lost laptop); their password and API tokens stay",
        "the user to sign out",
    )
    manager = add_action(
        actions, "users", "manager", examples=EXAMPLE, help="name the manager whose weekly digest covers a rep"
    )
    manager.add_argument("rep", metavar="REP_EMAIL", help="the rep")
    whose = manager.add_mutually_exclusive_group(required=True)
    whose.add_argument("manager", metavar="MANAGER_EMAIL", nargs="?", help="their manager")
    whose.add_argument("--none", action="store_true", help="no manager: every manager's digest covers the rep")
    actions_run = (
        (add, run_add),
        (listing, run_list),
        (disable, run_disable),
        (enable, run_enable),
        (password, run_password),
        (sign_out, run_sign_out),
        (manager, run_manager),
    )
    for action, run in actions_run:
        add_database_option(action)
        action.set_defaults(run=guarded(run))


def _one_user(
    actions: argparse._SubParsersAction[argparse.ArgumentParser], name: str, help: str, email_help: str
) -> argparse.ArgumentParser:
    """An action on one user, named by their email."""
    action = add_action(actions, "users", name, examples=EXAMPLE, help=help)
    action.add_argument("email", help=email_help)
    return action


def run_add(args: argparse.Namespace) -> int:
    """Add a user."""
    from deal_records.database import reading, writing
    from deal_records.people import add_user, check_new_user, check_password

    sessions = open_sessions(args.database, create=True)
    with reading(sessions) as db:  # a taken or malformed email is said before the password is typed twice
        check_new_user(db, args.email, args.role, args.name)
    password = read_password()
    check_password(password)
    with writing(sessions) as db:
        user = add_user(db, args.email, args.role, password, args.name)
        print(f"added {user.email} ({user.role}{', ' + user.name if user.name else ''})")
    return EXIT_OK


def run_list(args: argparse.Namespace) -> int:
    """List the users."""
    from deal_records.database import reading
    from deal_records.people import has_password, list_users, managers_of_reps

    with reading(open_sessions(args.database)) as db:
        users = list_users(db)
        managers = managers_of_reps(db)
    if not users:
        print("no users yet; add one with: playbook users add EMAIL --role rep|manager")
        return EXIT_OK
    for user in users:
        state = "" if user.active else "  (disabled)"
        if not has_password(user):
            state += f"  (no password yet: playbook users password {user.email})"
        manager = f"\tmanager: {managers[user.id].email}" if user.id in managers else ""
        print(f"{user.email}\t{user.role}\t{user.name or ''}{state}{manager}")
    return EXIT_OK


def run_disable(args: argparse.Namespace) -> int:
    """Disable a user."""
    from deal_records.database import writing
    from deal_records.people import disable_user

    with writing(open_sessions(args.database)) as db:
        user = disable_user(db, args.email)
        print(f"disabled {user.email}: they can no longer sign in or use their tokens")
    return EXIT_OK


def run_enable(args: argparse.Namespace) -> int:
    """Enable a disabled user."""
    from deal_records.database import writing
    from deal_records.people import enable_user

    with writing(open_sessions(args.database)) as db:
        user, revoked = enable_user(db, args.email)
        print(
            f"enabled {user.email}: they can sign in again with their password; their API tokens from before are "
            f"revoked ({revoked}): make a new one with `playbook tokens create {user.email}`"
        )
    return EXIT_OK


def run_password(args: argparse.Namespace) -> int:
    """Set a user's password."""
    from deal_records.database import writing
    from deal_records.people import check_password, require_user, set_password

    sessions = open_sessions(args.database)
    with writing(sessions) as db:
        require_user(db, args.email)
    password = read_password(prompt="New password: ")
    check_password(password)
    with writing(sessions) as db:
        changed = set_password(db, args.email, password)
    print(_password_changed(changed))
    return EXIT_OK


def _password_changed(changed: PasswordChanged) -> str:
    """What `users password` did, saying only what there was to undo."""
    email = changed.user.email
    said = f"password changed for {email}; their open sessions ended ({changed.sessions_ended})"
    if changed.tokens_revoked:
        tokens = plural(changed.tokens_revoked, "API token")
        then = (
            f"make a new one with `playbook tokens create {email}`"
            if changed.user.active
            else f"they are disabled: `playbook users enable {email}` lets them sign in again"
        )
        said += f" and {tokens} revoked ({then})"
    elif not changed.user.active:
        said += f"; they are disabled: `playbook users enable {email}` lets them sign in again"
    if changed.failures_forgotten:
        failures = plural(changed.failures_forgotten, "failed sign-in")
        said += f"; {failures} forgotten, so a pause on signing in to the account is lifted"
    return said


def run_sign_out(args: argparse.Namespace) -> int:
    """End every session of a user, keeping their password and API tokens."""
    from deal_records.database import writing
    from deal_records.people import end_sessions, list_tokens, require_user

    with writing(open_sessions(args.database)) as db:
        user = require_user(db, args.email)
        ended = end_sessions(db, user)
        email = user.email
        tokens = sum(token.revoked_at is None for token in list_tokens(db, email))
    sessions = "they had no open session" if ended == 0 else f"ended {plural(ended, 'open session')}"
    if tokens:
        left = (
            f"Their API {'token still works' if tokens == 1 else 'tokens still work'} (`playbook tokens revoke "
            f"{email}` ends {'it' if tokens == 1 else 'them'} too; `playbook users password {email}` if the password "
            "may be known)"
        )
    else:
        left = f"They have no API token that works (`playbook users password {email}` if the password may be known)"
    print(f"signed out {email}: {sessions}; they sign in again with their password. {left}")
    return EXIT_OK


def run_manager(args: argparse.Namespace) -> int:
    """Name a rep's manager, or none."""
    from deal_records.database import writing
    from deal_records.people import normal_email, set_manager

    with writing(open_sessions(args.database)) as db:
        manager = set_manager(db, args.rep, None if args.none else args.manager)
    rep = normal_email(args.rep)
    if manager is None:
        print(f"{rep} has no manager: every manager's weekly digest covers their deals")
    else:
        print(f"{rep} is managed by {manager.email}: their weekly digest covers {rep}'s deals, other managers' do not")
    return EXIT_OK
