"""Live preview under `playbook serve`: open pages reload after a rebuild and show the saved file's errors.

Only `playbook serve` registers it (config LIVE_RELOAD); a site built for hosting and the app
under gunicorn have no reload script. The browser long-polls /_live/changes with the version
its page was rendered from; the answer comes as soon as a rebuild (good or bad) happens.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("live", __name__, url_prefix="/_live", template_folder="templates", static_folder="static")

from assess_app.live import views  # noqa: E402,F401  (registers the routes on bp)
