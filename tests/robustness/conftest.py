"""The self-check app fixtures (a built playbook, the app, a test client), shared with tests/app."""

from tests.app.conftest import app, client, site_dir

__all__ = ["app", "client", "site_dir"]
