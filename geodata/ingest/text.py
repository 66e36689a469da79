"""A CSV's bytes as text (UTF-8 with or without BOM, GBK, GB18030, UTF-16, UTF-32) and its
delimiter; Big5 and Shift-JIS refused by name."""

from __future__ import annotations

import codecs
import csv
from collections import Counter

from geodata.ingest.errors import ImportFileError


def _decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV and the encoding it was read in; refuses what it cannot read.

    UTF-32 and UTF-16 with a byte-order mark, UTF-16 without one (every other byte
    zero in the ASCII parts), UTF-8 with or without BOM, then GBK/GB18030. Traditional
    Chinese (Big5) and Japanese (Shift-JIS) files also decode as GBK, into nonsense
    characters: they are refused with the encoding named instead.
    Line endings are made ``\\n``; an old Mac (Excel "CSV (Macintosh)") file ends its
    lines with a bare ``\\r``.

    Examples
    --------
    >>> _decode("代码,人数\\r110101,3\\r".encode("gbk"))
    ('代码,人数\\n110101,3\\n', 'gbk')
    >>> _decode("代码,人数\\n".encode("utf-16-le"))[1], _decode(codecs.BOM_UTF32 + "代码".encode("utf-32"))[1]
    ('utf-16-le', 'utf-32')
    """
    text, encoding = _decode_bytes(data)
    if "\r" in text and "\n" not in text:  # CR-only rows: read them as the rows they are
        text = text.replace("\r", "\n")
    return text, encoding


def _decode_bytes(data: bytes) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16's BOM
        try:
            return data.decode("utf-32"), "utf-32"
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"cannot decode the UTF-32 file: {exc.reason}") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"cannot decode the UTF-16 file: {exc.reason}") from None
    head = data[:8192]
    if b"\x00" in head:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise ImportFileError("not a CSV or XLSX file (binary content)")
    try:
        text = data.decode("utf-8-sig")
        return text, "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    except UnicodeDecodeError:
        pass
    for enc in ("gbk", "gb18030"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        other = _other_cjk_encoding(data, text)
        if other:
            raise ImportFileError(
                f"the CSV looks like {other}, not simplified Chinese (GBK) or UTF-8: "
                "save it as UTF-8 CSV"
            )
        return text, enc
    other = _other_cjk_encoding(data, "")
    raise ImportFileError(
        f"the CSV looks like {other}: save it as UTF-8 CSV" if other else
         "cannot decode the CSV: it is neither UTF-8 nor GBK/GB18030 (save it as UTF-8 CSV)"
    )  # fmt: skip


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text without a byte-order mark: in CSV text (digits, commas, line breaks)
    one byte of most characters is zero, at even positions (big-endian) or odd ones."""
    sample = data[: 8192 - 8192 % 2]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    enc = "utf-16-le" if odd > 0.3 > even else "utf-16-be" if even > 0.3 > odd else None
    if enc is None:
        return None
    try:
        text = data.decode(enc)
    except UnicodeDecodeError:
        return None
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text[:4096])
    return (text, enc) if printable >= 0.95 * min(len(text), 4096) else None


def _cjk(text: str) -> list[str]:
    return [ch for ch in text if "\u3400" <= ch <= "\u9fff"]


def _common_share(chars: list[str]) -> float:
    """Share of characters in GB2312 (the 6,763 common simplified characters)."""
    ok = 0
    for ch in chars:
        try:
            ch.encode("gb2312")
            ok += 1
        except UnicodeEncodeError:
            pass
    return ok / len(chars) if chars else 1.0


def _other_cjk_encoding(data: bytes, as_gbk: str) -> str | None:
    """``"Big5 (traditional Chinese)"`` or ``"Shift-JIS (Japanese)"`` when the bytes read
    cleanly in that encoding and their characters are common ones, while as GBK they
    are mostly rare ones (how Big5 and Shift-JIS text looks when read as GBK)."""
    if as_gbk and _common_share(_cjk(as_gbk[:20000])) >= 0.8:
        return None
    for enc, name in (
        ("big5", "Big5 (traditional Chinese)"),
        ("shift_jis", "Shift-JIS (Japanese)"),
    ):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        kana = sum("\u3040" <= ch <= "\u30ff" for ch in text)
        if enc == "shift_jis" and kana == 0:
            continue
        if _cjk(text) or kana:
            return name
    return None


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
