"""The exceptions canon_nlp raises; their messages are the ones the `canon`
command line prints (without its `canon: ` prefix)."""

from __future__ import annotations

from typing import Optional


class CanonError(Exception):
    """An error canon reports: a file that cannot be read, a bad furniture
    file, an output that failed."""


class AliasTableError(CanonError, ValueError):
    """An alias table that does not load. The message lists every problem
    found, one per line, as ``file:line: message``."""


class RejectedError(CanonError, ValueError):
    """A text canon rejects, as ``canon normalize`` rejects the record:
    binary data, or more than ``max_bytes`` bytes of UTF-8.

    ``index`` is the text's 0-based position in the batch (0 for
    ``analyze``); ``reason`` is the CLI's reason (``binary: ...``,
    ``record of N bytes exceeds --max-bytes M``)."""

    def __init__(self, message: str, index: Optional[int] = None, reason: Optional[str] = None):
        super().__init__(message)
        self.index = index
        self.reason = reason if reason is not None else message
