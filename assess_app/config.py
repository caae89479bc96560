"""Configuration from arguments and environment variables, and the process loaded at start."""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Mapping
from typing import Any

from assess_app.store import ProcessStore
from deal_records.base_url import BASE_URL_ENV
from deal_records.location import DATABASE_ENV, DEFAULT_DATABASE
from deal_records.mail import MAIL_FROM_ENV, SMTP_ENV
from sales_process.loader import DEFAULT_PROCESS, PROCESS_ENV, load_process
from sales_process.problems import InvalidFile
from site_builder.location import default_site_dir

SECRET_ENV = "PLAYBOOK_SECRET_KEY"
SECURE_COOKIES_ENV = "PLAYBOOK_SECURE_COOKIES"
TRUSTED_PROXIES_ENV = "PLAYBOOK_TRUSTED_PROXIES"
CHECK_RATE_LIMIT_ENV = "PLAYBOOK_CHECK_RATE_LIMIT"
# Self-checks (POST /check and POST /api/assess) per client address in 10 minutes. A person takes half a minute at
# least to tick and type a check, so 6,000 is 200 reps behind one office NAT address each checking twice a minute
# for the whole 10 minutes (and 4 times the fuzz test's run); one address still cannot take more than 10 requests a
# second, a fraction of a percent of what one worker answers.
CHECK_RATE_LIMIT = 6000
CHECK_RATE_WINDOW = 600
MAX_BODY_BYTES = 1024 * 1024
# gunicorn stops (instead of restarting the worker forever) when a worker exits with 3.
EXIT_INVALID_PROCESS = 3
MAX_PROXIES = 10


def settings(test_config: Mapping[str, Any] | None) -> dict[str, Any]:
    """The app's configuration: defaults, then environment variables, then `test_config`."""
    config: dict[str, Any] = {
        "PROCESS_PATH": os.environ.get(PROCESS_ENV) or DEFAULT_PROCESS,
        "SITE_DIR": default_site_dir(),
        "SECRET_KEY": os.environ.get(SECRET_ENV),
        "MAX_CONTENT_LENGTH": MAX_BODY_BYTES,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        # Behind HTTPS, cookies must never travel in clear: PLAYBOOK_SECURE_COOKIES=1.
        "SESSION_COOKIE_SECURE": secure_cookies(os.environ.get(SECURE_COOKIES_ENV, "")),
        "DATABASE_URL": os.environ.get(DATABASE_ENV) or DEFAULT_DATABASE,
        # The CSRF token lives as long as the browser session: a rep may take an hour on a deal.
        "WTF_CSRF_TIME_LIMIT": None,
        # Requests to /confirm/ per client address in a sliding window of seconds (counted in the database).
        "CONFIRM_RATE_LIMIT": (30, 600),
        # API requests whose token opens nothing, per client address in a sliding window of seconds: beyond it,
        # every token from that address is refused (429) until the window has room, so tokens cannot be guessed.
        "TOKEN_FAILURE_LIMIT": (30, 600),
        # Self-checks (the form and POST /api/assess) per client address in a sliding window of seconds; 0: no limit.
        "CHECK_RATE_LIMIT": (os.environ.get(CHECK_RATE_LIMIT_ENV) or CHECK_RATE_LIMIT, CHECK_RATE_WINDOW),
        # The mail server that sends confirmation emails; unset, the rep sends them.
        "SMTP_URL": os.environ.get(SMTP_ENV, ""),
        "MAIL_FROM": os.environ.get(MAIL_FROM_ENV, ""),
        # The public address links in emails start with; required with SMTP_URL.
        "BASE_URL": os.environ.get(BASE_URL_ENV, ""),
        # How many proxies in front of the app set X-Forwarded-For/-Proto (0: none, the client is the peer).
        "TRUSTED_PROXIES": os.environ.get(TRUSTED_PROXIES_ENV, "0"),
    }
    config.update(test_config or {})
    if not config["SECRET_KEY"]:
        # A key that changes on restart signs everyone out and expires open forms;
        # several workers must share one key (assess_app.gunicorn_conf preloads the app).
        config["SECRET_KEY"] = secrets.token_hex(32)
        config["SECRET_KEY_IS_RANDOM"] = True  # assess_app.startup warns of it
    return config


_ON, _OFF = ("1", "true", "yes", "on"), ("", "0", "false", "no", "off")


def secure_cookies(value: str) -> bool:
    """PLAYBOOK_SECURE_COOKIES as a switch, in any case; a clean start-up error for any other word, which would
    otherwise leave the cookie sent in clear behind HTTPS without a word (`True` and `on` did)."""
    word = value.strip().lower()
    if word not in _ON + _OFF:
        print(
            f"assess_app: cannot start: {SECURE_COOKIES_ENV} is {value!r}; give 1 (cookies over HTTPS only, behind "
            "TLS) or 0 (plain HTTP, on this machine)",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_INVALID_PROCESS)
    return word in _ON


def trusted_proxies(value: object) -> int:
    """The number of trusted proxies (PLAYBOOK_TRUSTED_PROXIES); a clean start-up error when it is not 0 to 10."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and int(text) <= MAX_PROXIES):
        print(
            f"assess_app: cannot start: {TRUSTED_PROXIES_ENV} is {text!r}; give how many proxies (0 to {MAX_PROXIES}) "
            f"stand in front of the app and set X-Forwarded-For, e.g. {TRUSTED_PROXIES_ENV}=1 behind one nginx",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_INVALID_PROCESS)
    return int(text)


def check_rate_limit(value: object) -> int:
    """The self-checks one client address may send in 10 minutes (PLAYBOOK_CHECK_RATE_LIMIT; 0: no limit); a clean
    start-up error when it is not a whole number."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        print(
            f"assess_app: cannot start: {CHECK_RATE_LIMIT_ENV} is {str(value)!r}; give how many self-checks (the "
            f"form and POST /api/assess) one client address may send in 10 minutes, e.g. {CHECK_RATE_LIMIT_ENV}="
            f"{CHECK_RATE_LIMIT} (the default), or 0 for no limit",
            file=sys.stderr,
        )
        raise SystemExit(EXIT_INVALID_PROCESS)
    return int(text)


def load_store(process_path: str) -> ProcessStore:
    """Load the process at start; print its errors and exit when it is invalid."""
    try:
        return ProcessStore(load_process(process_path))
    except InvalidFile as error:
        for diagnostic in error.diagnostics:
            print(diagnostic, file=sys.stderr)
        print(f"assess_app: cannot start, {process_path} is not a valid process (see above)", file=sys.stderr)
        raise SystemExit(EXIT_INVALID_PROCESS) from None
