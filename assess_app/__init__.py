"""The deal self-check form, the JSON API and the built playbook, served by one Flask app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from assess_app.asking import init_outbox
from assess_app.check.limit import init_check_limit
from assess_app.client import ClientAddress
from assess_app.compress import init_compression
from assess_app.config import load_store, settings, trusted_proxies
from assess_app.confirm.logs import redact_request_logs
from assess_app.current import STORE_KEY, current_process, current_store, page_language
from assess_app.errors import init_errors
from assess_app.hosts import init_hosts
from assess_app.idempotent import init_idempotency
from assess_app.inputs import init_inputs
from assess_app.records import init_confirmations, init_records, init_token_limit
from assess_app.security import init_security
from assess_app.session_cookie import SessionCookie
from assess_app.signed_in import user_for_page
from assess_app.startup import say_how_it_starts
from assess_app.store import ProcessStore
from sales_process.confirmation import ConfirmationStore
from site_builder.template_cache import TEMPLATES


def create_app(
    test_config: Mapping[str, Any] | None = None,
    *,
    store: ProcessStore | None = None,
    confirmations: ConfirmationStore | None = None,
    engine: Engine | None = None,
) -> Flask:
    """Build the app: `/` the playbook, `/check` the form, `/deals` and `/pipeline`, `/api/` the JSON API, `/confirm/` the buyer's page.

    Configuration comes from `test_config`, else the environment (PLAYBOOK_PROCESS,
    PLAYBOOK_SITE_DIR, PLAYBOOK_SECRET_KEY, PLAYBOOK_DATABASE_URL, PLAYBOOK_SECURE_COOKIES,
    PLAYBOOK_SMTP_URL, PLAYBOOK_MAIL_FROM, PLAYBOOK_BASE_URL, PLAYBOOK_TRUSTED_PROXIES,
    PLAYBOOK_CHECK_RATE_LIMIT).
    The database is opened here: SQLite is created and migrated, PostgreSQL must be migrated.
    The process is loaded once, here, unless a `store` is given (`playbook serve` passes one it
    swaps after each rebuild, and sets LIVE_RELOAD so that open pages reload and show the
    saved file's errors). Buyer confirmation links are kept with the deal records unless a
    `confirmations` store is given (the confirmation page's own tests use one in memory). An `engine` given, of
    DATABASE_URL, is the database's (the tests share one per database among their apps), else one is made.
    """
    app = Flask(__name__)
    app.config.from_mapping(settings(test_config))
    proxies = trusted_proxies(app.config["TRUSTED_PROXIES"])
    if proxies:
        # Only then is X-Forwarded-For believed: the client address (rate limits, sign-in failures) comes from it.
        # Flask's documented way to add WSGI middleware; mypy sees wsgi_app as a method it may not replace.
        # ClientAddress, inside it, checks that what the proxies forwarded is an address (else the proxy's own).
        app.wsgi_app = ProxyFix(ClientAddress(app.wsgi_app), x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.session_interface = SessionCookie()
    # Each app has its own Jinja environment: every app of a process (the tests make hundreds) shares the
    # compiled templates, as every build does.
    app.jinja_env.bytecode_cache = TEMPLATES
    app.extensions[STORE_KEY] = store or load_store(app.config["PROCESS_PATH"])
    if isinstance(app.json, DefaultJSONProvider):
        app.json.sort_keys = False  # key order is part of the JSON contract
    csrf = CSRFProtect(app)
    init_inputs(app)  # before the blueprints: it bounds their <int:...> ids

    from assess_app.api import bp as api_bp
    from assess_app.auth import bp as auth_bp
    from assess_app.check import bp as check_bp
    from assess_app.confirm import bp as confirm_bp
    from assess_app.deals import bp as deals_bp
    from assess_app.health import bp as health_bp
    from assess_app.health.views import quiet_health_logs
    from assess_app.pipeline import bp as pipeline_bp
    from assess_app.playbook_site import bp as site_bp

    csrf.exempt(api_bp)  # the API takes JSON from other programs and uses no cookies
    csrf.exempt(confirm_bp)  # the buyer has no session: the form carries its own signed key
    init_records(app, engine)
    init_confirmations(app, confirmations)
    init_token_limit(app)
    init_check_limit(app)
    init_outbox(app)
    init_hosts(app)  # before the blueprints' own checks (the confirmation page's rate limit)
    app.register_blueprint(health_bp)
    app.register_blueprint(check_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(deals_bp)
    app.register_blueprint(pipeline_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(confirm_bp)
    app.register_blueprint(site_bp)
    if app.config.get("LIVE_RELOAD"):
        from assess_app.live import bp as live_bp
        from assess_app.live.views import banner, reload_script

        app.register_blueprint(live_bp)
        app.jinja_env.globals.update(live_banner=banner, live_script=lambda: reload_script(current_store().version))
    init_security(app)
    init_compression(app)
    init_errors(app)
    redact_request_logs()
    quiet_health_logs()
    init_idempotency(app)

    @app.context_processor
    def current() -> dict[str, object]:
        return {"current": current_process(), "signed_in": user_for_page, "page_language": page_language}

    say_how_it_starts(app)
    return app
