"""The Content-Security-Policy of a playbook page: its own inline scripts allowed by hash."""

from __future__ import annotations

import base64
import functools
import hashlib
import re
from pathlib import Path

from assess_app.security import content_security_policy

# The theme writes a few static inline scripts; a hash allows exactly those and nothing injected.
_INLINE_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_SRC = re.compile(r"\bsrc\s*=", re.IGNORECASE)


def script_hashes(html: str) -> list[str]:
    """The CSP source expressions ('sha256-...') of the page's inline scripts."""
    hashes = []
    for match in _INLINE_SCRIPT.finditer(html):
        if _SRC.search(match.group("attrs")) or not match.group("body"):
            continue
        digest = hashlib.sha256(match.group("body").encode("utf-8")).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return hashes


@functools.lru_cache(maxsize=512)
def _policy(path: str, mtime_ns: int, size: int) -> str:
    html = Path(path).read_text(encoding="utf-8", errors="replace")
    return content_security_policy(script_hashes(html), inline_styles=True)


def page_policy(path: Path) -> str:
    """The policy for one built page, computed once per version of the file."""
    stat = path.stat()
    return _policy(str(path), stat.st_mtime_ns, stat.st_size)
