"""Compiled theme templates kept in memory across the builds of one process.

MkDocs makes a new Jinja environment for every build, so each rebuild of the live preview
compiled Material's 40-odd templates again: about a third of a rebuild. Jinja's bytecode
cache is keyed by the template's name and a checksum of its source, so an edited template
is compiled afresh.
"""

from __future__ import annotations

import threading

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class MemoryBytecodeCache(BytecodeCache):
    """Jinja bytecode in a dictionary (templates change only when the theme is upgraded)."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill the bucket from the cache, when this version of the template was compiled before."""
        with self._lock:
            data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep a freshly compiled template."""
        with self._lock:
            self._store[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = MemoryBytecodeCache()
