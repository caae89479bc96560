"""`playbook serve`: the playbook, the self-check form and the API at one address."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from assess_app import create_app
from assess_app.store import ProcessStore
from assess_app.watch import FileWatcher
from deal_records.database import BadDatabaseUrl, database_url, safe_url
from deal_records.mail import is_loopback
from playbook_cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    HelpFormatter,
    add_process_option,
    add_site_dir_option,
    host_address,
    load_or_report,
    port_number,
    report,
)
from playbook_cli.records import CommandError, add_database_option, open_engine, saved_deal_warnings
from sales_process.loader import LoadedProcess
from sales_process.problems import InvalidFile
from site_builder.build import SiteBuildError, build_site
from site_builder.common import DEFAULT_LINKS, SiteLinks

EXAMPLE = """examples:
  playbook serve --process process.yaml --port 8000
  playbook serve --database postgresql+psycopg://playbook@db.internal/playbook

then open http://127.0.0.1:8000/ (the playbook), /check (the deal self-check form)
/deals (saved deals: sign in first, see `playbook users add`) and /api/openapi.json
(the JSON API). The deal records are in ./playbook.db unless --database says otherwise.
Saving process.yaml rebuilds the playbook and open pages reload; an invalid edit is
reported here and at the top of every page, above the last good version."""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the serve command."""
    parser = commands.add_parser(
        "serve",
        help="serve the playbook, the self-check form and the API",
        epilog=EXAMPLE,
        formatter_class=HelpFormatter,
    )
    add_process_option(parser)
    parser.add_argument(
        "--host", type=host_address, default="127.0.0.1", help="the address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument("--port", type=port_number, default=8000, help="the port (default: 8000; 0 picks a free one)")
    add_site_dir_option(parser, "where the playbook is built")
    add_database_option(parser)
    parser.set_defaults(run=run)


def build(
    process: Path, site_dir: Path, links: SiteLinks = DEFAULT_LINKS, loaded: LoadedProcess | None = None
) -> LoadedProcess | None:
    """Validate the process (unless `loaded` is its validated version) and build the playbook; print the errors
    and return None on failure."""
    try:
        return build_site(process, site_dir, links=links, loaded=loaded)
    except InvalidFile as error:
        report(error)
    except SiteBuildError as error:
        print(f"playbook serve: the playbook did not build:\n{error}", file=sys.stderr)
    return None


def rebuild(
    process: Path, site_dir: Path, store: ProcessStore, links: SiteLinks = DEFAULT_LINKS, database: str | None = None
) -> None:
    """After an edit: serve the new process and playbook, or keep the last good ones and show why; warn of saved
    deals the edit orphans (a stage or milestone id changed without `renamed_from`)."""
    try:
        loaded = build_site(process, site_dir, links=links)
    except InvalidFile as error:
        report(error)
        store.keep_last_good([str(diagnostic) for diagnostic in error.diagnostics])
    except SiteBuildError as error:
        print(f"playbook serve: the playbook did not build:\n{error}", file=sys.stderr)
        store.keep_last_good(["the playbook did not build:", *str(error).splitlines()])
    else:
        print(f"playbook serve: rebuilt from {process} ({loaded.short_sha})", file=sys.stderr, flush=True)
        store.replace(loaded, _warned(loaded, database))
        return
    print(
        f"playbook serve: still serving the last good version ({store.current.short_sha})", file=sys.stderr, flush=True
    )


def _warned(loaded: LoadedProcess, database: str | None) -> list[str]:
    """Print the lint's warnings, as `playbook build` does (an editor previews here), and the saved deals an edit
    orphans; the same lines go on the preview's pages, where the editor is looking."""
    warnings = [str(warning) for warning in (*loaded.warnings, *saved_deal_warnings(loaded, database, "serve"))]
    for warning in warnings:
        print(warning, file=sys.stderr, flush=True)
    return warnings


def _listen(
    host: str, port: int, store: ProcessStore, process: Path, site_dir: Path, database: str
) -> BaseWSGIServer | None:
    app = create_app(
        {"PROCESS_PATH": str(process), "SITE_DIR": str(site_dir), "LIVE_RELOAD": True, "DATABASE_URL": database},
        store=store,
    )
    try:
        return make_server(host, port, app, threaded=True, request_handler=_Handler)
    except (OSError, SystemExit) as error:
        reason = getattr(error, "strerror", None) or "the port is in use or the address is not available"
        print(f"playbook serve: cannot listen on {host}:{port}: {reason}", file=sys.stderr)
        return None


class _Handler(WSGIRequestHandler):
    """Werkzeug's handler, without naming Werkzeug's and Python's versions in the Server header to every client."""

    server_version = "playbook"

    def version_string(self) -> str:
        """The Server header: the product's name alone (http.server appends a space and the Python version)."""
        return str(self.server_version)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace) -> int:
    """Build, serve, and rebuild on every change of the process file until Ctrl-C."""
    process, site_dir = Path(args.process), Path(args.site_dir)
    # The process file first: a folder without one must not be left holding a new, empty playbook.db.
    checked = load_or_report(str(process))
    if checked is None:
        return EXIT_INVALID
    try:
        database = database_url(args.database)
        open_engine(args.database).dispose()  # SQLite: created and migrated; PostgreSQL: must be migrated
    except (BadDatabaseUrl, CommandError) as error:
        print(f"playbook serve: error: {error}", file=sys.stderr)
        return EXIT_INVALID
    store = ProcessStore(checked)
    server = _listen(args.host, args.port, store, process, site_dir, database)
    if server is None:
        return EXIT_INVALID
    # Listening first tells the pages the address they are served on (the port may be picked at random).
    links = SiteLinks(served_at=f"http://{args.host}:{server.server_port}/")
    # The version validated above is built and served; a save since then (the server was starting) is
    # the watcher's first change, handled as any later save: an invalid one keeps this version and shows why.
    loaded = build(process, site_dir, links, checked)
    if loaded is None:
        server.server_close()
        return EXIT_INVALID
    store.replace(loaded, _warned(loaded, database))
    watcher = FileWatcher(
        process, lambda: rebuild(process, site_dir, store, links, database), loaded_sha256=loaded.sha256
    )
    watcher.start()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    print(f"playbook serve: deal records in {safe_url(database)}", file=sys.stderr, flush=True)
    if not is_loopback(args.host):
        print(
            f"playbook serve: warning: listening on {args.host}, beyond this machine, with a development server "
            "in plain HTTP; for a team, run gunicorn behind HTTPS (the manual's Serving page)",
            file=sys.stderr,
            flush=True,
        )
    try:
        print(
            f"Serving {loaded.process.name} on http://{args.host}:{server.server_port}/  (form: /check, deals: /deals, API: /api/; Ctrl-C stops)",
            flush=True,
        )
        server.serve_forever()
    except KeyboardInterrupt:
        print("playbook serve: stopped", file=sys.stderr)
    finally:
        watcher.stop()
        server.server_close()
    return EXIT_OK
