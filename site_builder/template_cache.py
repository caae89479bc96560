"""Compiled templates, kept in memory across the builds and apps of one process and on disk between runs.

MkDocs makes a new Jinja environment for every build, so each build compiles Material's 40-odd
templates again: a third of a live-preview rebuild, and a fifth of a `playbook build` from the
command line. Each Flask app has its own environment too: `create_app` gives it this cache, so a
process making many apps (the test suite makes hundreds) compiles the app's templates once. Jinja's bytecode is keyed by the template's name and a checksum of its source, and
carries the Python version, so an edited template or another Python compiles afresh.

On disk the compiled templates live in the user's cache folder, as Python keeps its `.pyc` files:
`$PLAYBOOK_CACHE_DIR`, else `$XDG_CACHE_HOME/cvo-playbook`, else `~/.cache/cvo-playbook`
(`PLAYBOOK_CACHE_DIR=` empty keeps them in memory only). Bytecode is code, so a folder that
another user owns or may write to is not read; a folder that cannot be written, or a damaged
file, only costs a compilation.
"""

from __future__ import annotations

import os
import pickle
import stat
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

_SUBFOLDER = "templates"


def cache_folder() -> Path | None:
    """Where compiled templates are kept between runs, or None to keep them in memory only."""
    configured = os.environ.get("PLAYBOOK_CACHE_DIR")
    if configured is not None:
        return Path(configured) / _SUBFOLDER if configured else None
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path(os.path.expanduser("~")) / ".cache")
    if not base.is_absolute():  # no home folder (a service account): never a folder in the working one
        return None
    return base / "cvo-playbook" / _SUBFOLDER


def _private(folder: Path) -> bool:
    """True when only this user can write to `folder` (made, owner-only, when it is missing)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        found = folder.lstat()
    except OSError:
        return False
    return (
        stat.S_ISDIR(found.st_mode)
        and found.st_uid == os.getuid()
        and not found.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


class TemplateCache(BytecodeCache):
    """Jinja bytecode in a dictionary, backed by files in the folder `where()` names on first use
    (None: the dictionary only)."""

    def __init__(self, where: Callable[[], Path | None] = cache_folder) -> None:
        self._store: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._where = where
        self._folder: Path | None = None
        self._checked = False

    def _disk(self) -> Path | None:
        """The folder, once it has been found private; None when it is not."""
        with self._lock:
            if not self._checked:
                self._checked = True
                folder = self._where()
                self._folder = folder if folder is not None and _private(folder) else None
            return self._folder

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill the bucket from memory or disk, when this version of the template was compiled before."""
        with self._lock:
            data = self._store.get(bucket.key)
        if data is None:
            data = self._read(bucket.key)
        if data is None:
            return
        try:
            bucket.bytecode_from_string(data)
        except (EOFError, pickle.UnpicklingError, ValueError):  # a damaged checksum: compile the template again
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep a freshly compiled template, in memory and on disk."""
        data = bucket.bytecode_to_string()
        with self._lock:
            self._store[bucket.key] = data
        self._write(bucket.key, data)

    def _read(self, key: str) -> bytes | None:
        folder = self._disk()
        if folder is None:
            return None
        try:
            data = (folder / f"{key}.bin").read_bytes()
        except OSError:
            return None
        with self._lock:
            self._store[key] = data
        return data

    def _write(self, key: str, data: bytes) -> None:
        """Write through a temporary file, so that another process never reads half a template."""
        folder = self._disk()
        if folder is None:
            return
        temporary: Path | None = None
        try:
            with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{key}-", delete=False) as file:
                temporary = Path(file.name)
                file.write(data)
            os.replace(temporary, folder / f"{key}.bin")
        except OSError:
            if temporary is not None:
                temporary.unlink(missing_ok=True)
            with self._lock:
                self._folder = None  # not writable after all: stop trying for this process


TEMPLATES = TemplateCache()
