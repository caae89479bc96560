"""`playbook deals export`: the saved deals in the audit's CSV format (latest answers of each)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, TextIO

from playbook_cli.common import EXIT_OK, HelpFormatter, add_action, add_process_option, load_or_report
from playbook_cli.records import add_database_option, guarded, open_sessions
from sales_process.vocabulary import plural

if TYPE_CHECKING:
    from sales_process.loader import LoadedProcess

EXAMPLE = """examples:
  playbook deals export > pipeline.csv
  playbook deals export --output pipeline.csv && playbook audit pipeline.csv

the columns are those `playbook audit` and `playbook import` read: deal, stage (id),
amount, owner (email), one column per milestone with .evidence (the rep's words, also
under a buyer's confirmation; under a buyer's "Not quite", their answer, said as such) and
.date, .confirmed_by (the buyer who confirmed it, as Name <email>; blank when they answered
"Not quite") for a milestone with a buyer_statement, crm_id when any
deal has one (`playbook audit` reads it as is), currency (an ISO code such as USD)
when any deal's amount has one, segment when any deal has one, and status (open, won, lost) and close_date;
a won deal's amount is the final amount it was won for, when one was recorded. A cell a spreadsheet would run as a formula (=, +, -, @) is written
with a leading ' and read back without it by `playbook import` and `playbook audit`. The file starts
with UTF-8's byte order mark, so Excel shows accented names right; both commands read it."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the deals command."""
    parser = commands.add_parser(
        "deals", help="export the saved deals as CSV", epilog=EXAMPLE, formatter_class=HelpFormatter
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    export = add_action(
        actions, "deals", "export", examples=EXAMPLE, help="every saved deal with its latest answers, as CSV"
    )
    add_process_option(export)
    add_database_option(export)
    export.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    export.set_defaults(run=guarded(run_export))


def _private(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)


def run_export(args: argparse.Namespace) -> int:
    """Write the CSV."""
    loaded = load_or_report(args.process)
    if loaded is None:
        return 1
    if args.output:
        # The file holds evidence and buyers' emails: a new one is its owner's alone, as the database is.
        with open(args.output, "w", encoding="utf-8", newline="", opener=_private) as out:
            count = _export(args, loaded, out)
        print(f"wrote {plural(count, 'deal')} to {args.output}", file=sys.stderr)
    else:
        _export(args, loaded, sys.stdout)
    return EXIT_OK


def _export(args: argparse.Namespace, loaded: LoadedProcess, out: TextIO) -> int:
    from deal_records.database import reading
    from deal_records.export import write_deals

    with reading(open_sessions(args.database)) as db:
        return write_deals(db, loaded.process, out)
