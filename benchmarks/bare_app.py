"""The HTTP baseline: a bare Flask app whose one route returns a small page (GET or POST)."""

from __future__ import annotations

from flask import Flask

PAGE = "<!doctype html><html lang=en><title>ok</title><p>Hello from a bare Flask endpoint.</p></html>"


def create_app() -> Flask:
    """The app gunicorn serves as the baseline: no templates, no forms, no process."""
    app = Flask(__name__)

    @app.route("/", methods=["GET", "POST"])
    def page() -> str:
        return PAGE

    return app
