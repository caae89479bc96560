"""The user name and password a URL carries (the database's, the mail server's): where they end, which characters
in them the URL's reader would take for the URL's own punctuation, and the URL as a message shows it.

The password ends at the URL's last '@' before the host, as an operator means it; SQLAlchemy and libpq end it at the
first, and then read the rest of the password as the host, which an error message repeats. So a '@' (or another
character the reader stops at) is refused before anything connects, with the percent-encoding to write instead.
Kept free of SQLAlchemy: the mail settings use it too.
"""

from __future__ import annotations

from dataclasses import dataclass

_ENCODED = {"@": "%40", ":": "%3A", "/": "%2F", "?": "%3F", "#": "%23"}
ENCODINGS = "'@' as %40, ':' as %3A, '/' as %2F"  # what every hint to percent-encode a user name or password names
HIDDEN = "***"


@dataclass(frozen=True)
class Written:
    """A URL as written: its scheme, the user name and password (up to the last '@'; None without one) and the
    rest (host, port, path, query)."""

    scheme: str | None
    userinfo: str | None
    rest: str

    @property
    def user(self) -> str | None:
        """The user name as written (before the first ':')."""
        return None if self.userinfo is None else self.userinfo.partition(":")[0]

    @property
    def password(self) -> str | None:
        """The password as written (after the first ':'); None without one."""
        if self.userinfo is None or ":" not in self.userinfo:
            return None
        return self.userinfo.partition(":")[2]


def written(url: str) -> Written:
    """Split `url` at its '://' and at its last '@'; a URL whose part after '://' starts with '/' (a SQLite file)
    has no user name, whatever '@' its path holds."""
    scheme, separator, after = url.partition("://")
    if not separator:
        # Not a URL a reader can split: anything up to a '@' may be a password.
        userinfo, at, rest = url.rpartition("@")
        return Written(None, userinfo if at else None, rest)
    if after.startswith("/"):
        return Written(scheme, None, after)
    userinfo, at, rest = after.rpartition("@")
    return Written(scheme, userinfo if at else None, rest if at else after)


def masked(url: str) -> str:
    """The URL as written, its password replaced by *** (when the URL has no '://', what lies between its first
    ':' and its last '@')."""
    parts = written(url)
    if parts.userinfo is None:
        return url
    if parts.scheme is None:  # what comes before its first ':' is a scheme or a user name, never the password
        head = f"{parts.user}:" if parts.password is not None else ""
        return f"{head}{HIDDEN}@{parts.rest}"
    shown = parts.userinfo if parts.password is None else f"{parts.user}:{HIDDEN}"
    return f"{parts.scheme}://{shown}@{parts.rest}"


def encode_hint(character: str) -> str:
    """How to write `character` in a user name or password: its percent-encoding, and those of the others a URL
    reader stops at."""
    others = ", ".join(
        f"{other!r} as {code}" for other, code in _ENCODED.items() if other != character and other in "@:/"
    )
    return f"percent-encode it as {_ENCODED[character]} (and {others})"


def userinfo_problem(url: str, *, user_stops: str, password_stops: str) -> str | None:
    """What is wrong with the user name or password of `url` when its reader ends them at a character of
    `user_stops` or `password_stops` (SQLAlchemy ends a database URL's user name at '@' or '/', its password at
    '@'; urlsplit, which the mail settings use, ends both at '/', '?' or '#'): the character, where, and its fix;
    None when nothing is wrong."""
    parts = written(url)
    if parts.userinfo is None or parts.scheme is None:
        return None
    for where, text, stops in (
        ("user name", parts.user or "", user_stops),
        ("password", parts.password or "", password_stops),
    ):
        found = next((character for character in text if character in stops), None)
        if found is not None:
            return f"the {where} holds {found!r}: {encode_hint(found)}"
    return None
