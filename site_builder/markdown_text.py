"""Put text written in process.yaml into generated Markdown safely.

Two kinds of user text exist: plain text (names, questions, evidence...), which
must show exactly as typed, and Markdown fields (descriptions, guidance), which
keep their formatting but never inject raw HTML such as ``<script>``.
"""

from __future__ import annotations

import html
import re

# Characters that start emphasis, code, links, attribute lists or table cells anywhere in a line...
_INLINE_MARKUP = re.compile(r"([\\`*_{}\[\]|])")
# ...and those that start a heading or a list only at the start of a line (e.g. "1. Foo" in a list item).
_BLOCK_START = re.compile(r"^([#+-]|\d+(?=\.))")
_WHITESPACE = re.compile(r"\s+")
# Code stays verbatim: fenced blocks first, then inline code spans.
_CODE = re.compile(
    r"(^[ \t]*(?P<fence>```+|~~~+)[^\n]*\n.*?^[ \t]*(?P=fence)[ \t]*$|(?P<ticks>`+).+?(?P=ticks))", re.M | re.S
)
# "<" that would open an HTML tag or comment; autolinks such as <https://...> stay links.
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])(?![A-Za-z][A-Za-z0-9+.\-]*:[^\s>]*>)")


def inline(text: str) -> str:
    """Plain text as inline Markdown that renders exactly as typed, on one line."""
    one_line = _WHITESPACE.sub(" ", text).strip()
    escaped = _INLINE_MARKUP.sub(r"\\\1", html.escape(one_line, quote=False))
    return _BLOCK_START.sub(_escape_block_start, escaped, count=1)


def _escape_block_start(match: re.Match[str]) -> str:
    marker = match.group(1)
    return marker + "\\" if marker[0].isdigit() else "\\" + marker


def block(text: str) -> str:
    """A Markdown field, formatting kept, raw HTML shown as text; ends without a newline."""
    parts: list[str] = []
    position = 0
    for code in _CODE.finditer(text):
        parts.append(_TAG_OPEN.sub("&lt;", text[position : code.start()]))
        parts.append(code.group(0))
        position = code.end()
    parts.append(_TAG_OPEN.sub("&lt;", text[position:]))
    return "".join(parts).strip("\n")


def indent(text: str, prefix: str = "    ") -> str:
    """Indent every non-empty line, e.g. to nest Markdown inside an admonition."""
    return "\n".join(prefix + line if line.strip() else "" for line in text.split("\n"))


def mermaid_label(text: str) -> str:
    """Text for a quoted Mermaid label: quotes and angle brackets as Mermaid entities."""
    one_line = _WHITESPACE.sub(" ", text).strip()
    return one_line.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def percent(probability: int) -> str:
    """A probability as readers see it, e.g. ``40%``."""
    return f"{probability}%"
