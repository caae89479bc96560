"""A problem's message on a page, beside or about the field it names.

The deal parser names a field by its key, as the API's clients need ("'amount': '12k' is not an amount"); a page
names it by its label, or not at all where the message sits under the field.
"""

from __future__ import annotations


def _key_prefix(message: str, key: str) -> str | None:
    """The prefix naming the field by its key ("'amount': " or "'evidence' "), when the message starts with one."""
    for prefix in (f"'{key}': ", f"'{key}' "):
        if message.startswith(prefix):
            return prefix
    return None


def for_field(message: str, key: str, label: str) -> str:
    """The message with the field named by its label: "'buyer_email' 'x@' is not an email address" reads
    "The buyer's email 'x@' is not …", "'amount': '12k' is not an amount" reads "Amount: '12k' is not …"."""
    prefix = _key_prefix(message, key)
    if prefix is None:
        return message
    return label + prefix[len(key) + 2 :] + message[len(prefix) :]


def under_field(message: str, key: str, label: str) -> str:
    """The message to show under its field, which the page already labels: "'amount': '12k' is not an amount"
    reads "'12k' is not an amount"; a message whose key is its subject ("'evidence' is 5000 characters long")
    reads "Evidence is 5000 characters long"."""
    prefix = _key_prefix(message, key)
    if prefix is None:
        return message
    return message[len(prefix) :] if prefix.endswith(": ") else for_field(message, key, label)
