"""Errors a user can fix. Their message is one line: what is wrong, and what to do about it."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or an unusable environment; the CLI prints the message alone and exits non-zero."""
