"""The importer's errors, and quoting cells and headers briefly in their messages."""

from __future__ import annotations

from collections.abc import Iterable


class ImportFileError(ValueError):
    """The file cannot be read (or the columns cannot be used) at all; one-line message."""

    MAX_LEN = 400

    def __init__(self, message: object = "") -> None:
        # One line, always: messages quote headers and cells, which may hold line breaks;
        # and short, since a quoted header may be a megabyte long.
        text = " ".join(str(message).split())
        if len(text) > self.MAX_LEN:
            text = text[: self.MAX_LEN - 1] + "…"
        super().__init__(text)


def clip(text: str, limit: int = 40) -> str:
    """`text` cut to `limit` characters (with …), for quoting cells in messages."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def headers_text(headers: Iterable[str], limit: int = 20) -> str:
    """The non-blank headers, each clipped, at most `limit` of them, for a message."""
    shown = [clip(h) for h in headers if h]
    more = len(shown) - limit
    return ", ".join(shown[:limit]) + (f" … (+{more})" if more > 0 else "")


class MappingError(ImportFileError):
    """A required column is missing from the mapping."""
