"""Where the built playbook is: the setting that names its folder and its default.

One place for `playbook build`, `playbook serve` and the app, so that a build in a shell writes the
folder the server reads (with PLAYBOOK_SITE_DIR set in both).
"""

from __future__ import annotations

import os

SITE_ENV = "PLAYBOOK_SITE_DIR"
DEFAULT_SITE = "site"


def default_site_dir() -> str:
    """$PLAYBOOK_SITE_DIR, else ./site."""
    return os.environ.get(SITE_ENV) or DEFAULT_SITE
