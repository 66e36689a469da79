"""A CSV's bytes as text (UTF-8 with or without BOM, GBK, GB18030, UTF-16) and its delimiter."""

from __future__ import annotations

import codecs
import csv
from collections import Counter

from geodata.ingest.errors import ImportFileError


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"cannot decode the UTF-16 file: {exc.reason}") from None
    if b"\x00" in data[:8192]:
        raise ImportFileError("not a CSV or XLSX file (binary content)")
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    except UnicodeDecodeError:
        pass
    for enc in ("gbk", "gb18030"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise ImportFileError(
        "cannot decode the CSV: it is neither UTF-8 nor GBK/GB18030 (save it as UTF-8 CSV)"
    )


_DELIMITERS = (",", "\t", ";", "|")


def _sniff_delimiter(text: str) -> str:
    """Delimiter giving the most rows of the same width (>1) in the first 50 lines.

    The full-width comma ``，`` is tried only when no ASCII delimiter splits anything,
    because Chinese text cells often contain it.
    """
    lines = [ln for ln in text[:65536].splitlines()[:50] if ln.strip()]

    def score(d: str) -> tuple[int, int]:
        widths = [len(r) for r in csv.reader(lines, delimiter=d) if len(r) > 1]
        if not widths:
            return (0, 0)
        width, freq = Counter(widths).most_common(1)[0]
        return (freq, width)

    best, best_score = ",", (0, 0)
    for d in _DELIMITERS:
        s = score(d)
        if s > best_score:
            best, best_score = d, s
    if best_score == (0, 0) and score("，") > (0, 0):
        return "，"
    return best
