"""The templates' compiled code, shared by every app made in one process.

Jinja compiles a template once per environment, and each Flask app has its own: a process that
makes many apps (the test suite makes hundreds; a gunicorn worker makes one) would compile every
template again for each. Jinja checks a cached template's source checksum before using its code,
so an edited template is compiled afresh. Every app is built by `create_app` alone, so their
environments compile alike (the same autoescaping, extensions and filters).
"""

from __future__ import annotations

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket


class SharedBytecode(BytecodeCache):
    """Compiled templates in memory, by Jinja's key (the template's name and file)."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        """Give the bucket its code, if a template of that name and file was compiled before."""
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # checks the checksum: stale code is dropped

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Keep a template's newly compiled code."""
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = SharedBytecode()
