"""What the app says when it starts: which process, database, site and mail it serves with, and what an operator
must fix before a team uses it (a random secret key, a site not built). Under gunicorn these lines go to its error
log; nothing in them is a secret (the database URL and the mail server are shown without their passwords)."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from assess_app.asking import OUTBOX_KEY
from assess_app.config import SECRET_ENV, SECURE_COOKIES_ENV, TRUSTED_PROXIES_ENV, trusted_proxies
from assess_app.current import STORE_KEY
from assess_app.records import RECORDS_KEY, Records
from assess_app.store import ProcessStore
from deal_records.database import shown_url
from deal_records.mail import Outbox

SHORT_KEY = 32  # characters of a secret key below which the log warns: token_hex(32) gives 64
NEW_KEY = "python -c 'import secrets; print(secrets.token_hex(32))'"


def say_how_it_starts(app: Flask) -> None:
    """Log one line per setting an operator checks at start, and a warning for each that needs fixing."""
    log = app.logger  # "assess_app", with Flask's handler to stderr unless logging is configured
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)  # the operator's own logging configuration, when set, decides instead
    store: ProcessStore = app.extensions[STORE_KEY]
    loaded = store.current
    version = f" {loaded.process.version}" if loaded.process.version else ""
    log.info(
        "process: %s%s (%s), from %s", loaded.process.name, version, loaded.short_sha, Path(loaded.path).absolute()
    )
    log.info("database: %s", shown_url(app.config["DATABASE_URL"]))
    records: Records = app.extensions[RECORDS_KEY]
    for line in records.migration.lines if records.migration else ():
        log.info("database: %s", line)
    site = Path(app.config["SITE_DIR"]).resolve()
    if app.config.get("LIVE_RELOAD"):
        pass  # `playbook serve` builds the site after it listens, and says so
    elif (site / "index.html").is_file():
        log.info("playbook site: %s", site)
    else:
        log.warning("playbook site: %s holds no built site; `playbook build` writes it (until then / is a 404)", site)
    outbox: Outbox | None = app.extensions.get(OUTBOX_KEY)
    log.info(
        "mail: %s",
        f"through {outbox.server}, from {outbox.sender}" if outbox else "none set up (reps send buyers their links)",
    )
    log.info("clients: %s", _clients(trusted_proxies(app.config["TRUSTED_PROXIES"])))
    log.info("cookies: %s", _cookies(bool(app.config.get("SESSION_COOKIE_SECURE"))))
    if app.config.get("SECRET_KEY_IS_RANDOM"):
        log.warning(
            "no %s set: a random key signs sessions and forms, so a restart signs everyone out; "
            "set it to a long random value (%s)",
            SECRET_ENV,
            NEW_KEY,
        )
    elif len(app.config["SECRET_KEY"]) < SHORT_KEY:
        log.warning(
            "%s is %d characters: a key that short can be guessed, and with it anyone can sign in as anyone; "
            "set it to a long random value (%s)",
            SECRET_ENV,
            len(app.config["SECRET_KEY"]),
            NEW_KEY,
        )


def _clients(proxies: int) -> str:
    if not proxies:
        return f"each request's address is its peer's ({TRUSTED_PROXIES_ENV} is 0: no proxy is believed)"
    return (
        f"the address and scheme set by the {proxies} prox{'y' if proxies == 1 else 'ies'} in front "
        f"(X-Forwarded-For and -Proto; {TRUSTED_PROXIES_ENV}={proxies})"
    )


def _cookies(secure: bool) -> str:
    if secure:
        return f"over HTTPS only, with HSTS ({SECURE_COOKIES_ENV}=1)"
    return f"sent over plain HTTP too (behind HTTPS, set {SECURE_COOKIES_ENV}=1)"
