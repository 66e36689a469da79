"""Half-year reporting periods written ``"2025-H2"``.

Local civil affairs bureaus update the list of children needing focused care at least
every six months (2024 action plan), so the atlas counts in half-years. One canonical
spelling, ``YYYY-H1`` or ``YYYY-H2``, keeps periods sortable as plain strings, usable as
database keys and readable in both languages. Strict functions (:func:`parse_period`,
:func:`validate_period`) raise a ``ValueError`` naming the bad value; the forgiving
:func:`normalize_period` accepts the spellings found in uploaded spreadsheets and
returns ``None`` when it cannot tell.

Examples
--------
>>> next_period("2025-H2")
'2026-H1'
>>> period_range("2025-H1", "2026-H1")
['2025-H1', '2025-H2', '2026-H1']
>>> normalize_period("2025年下半年")
'2025-H2'
>>> latest(["2026-H1", "2025-H2"])
'2026-H1'
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable

MIN_YEAR = 1900
MAX_YEAR = 2100

_CANONICAL = re.compile(r"^(\d{4})-H([12])$")

# Forgiving patterns, tried in order on a stripped, upper-cased, full-width-folded string.
_HALF_WORDS = {"上": 1, "下": 2, "前": 1, "后": 2, "後": 2, "一": 1, "二": 2, "1": 1, "2": 2}
_MESSY = (
    # 2025H2, 2025-H2, 2025 H2, 2025_H2, 2025/H2, 2025S2, 2025-HY2, 2025年H2
    re.compile(r"^(\d{4})\s*(?:年)?\s*[-_/.\s]?\s*(?:H|S|HY)\s*([12])$"),
    # H2 2025, H2-2025, S2/2025
    re.compile(r"^(?:H|S|HY)\s*([12])\s*[-_/.\s]?\s*(\d{4})$"),
    # 2025-2, 2025/2, 2025.2, 2025 2, 2025_2 (a single digit: the half, not a month)
    re.compile(r"^(\d{4})\s*[-_/.\s]\s*([12])$"),
    # 2025年下半年, 2025下半年, 2025年上半年度, 2025年第二个半年
    re.compile(r"^(\d{4})\s*年?\s*(?:度)?\s*(?:第)?([上下前后後一二12])(?:个)?半年(?:度)?$"),
)
_MONTH_RANGE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*[-~至到—–]\s*(\d{1,2})\s*月(?:份)?$")
_CN_MONTH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(?:份)?(?:\s*(\d{1,2})\s*日)?(?:底|末)?$")
_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T\s].*)?$")


def format_period(year: int, half: int) -> str:
    """Write a period in its canonical form.

    Parameters
    ----------
    year : int
        Calendar year, between ``MIN_YEAR`` and ``MAX_YEAR``.
    half : int
        1 for January-June, 2 for July-December.

    Examples
    --------
    >>> format_period(2025, 2)
    '2025-H2'
    """
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"invalid period year {year!r}: expected an integer {MIN_YEAR}-{MAX_YEAR}")
    if isinstance(half, bool) or half not in (1, 2):
        raise ValueError(f"invalid period half {half!r}: expected 1 or 2")
    return f"{year:04d}-H{half}"


def parse_period(value: str) -> tuple[int, int]:
    """Split a canonical period into ``(year, half)``; strict.

    Only the canonical spelling is accepted, so that a typo in stored data is caught
    rather than silently reinterpreted. Use :func:`normalize_period` for uploads.

    Raises
    ------
    ValueError
        If `value` is not of the form ``YYYY-H1`` or ``YYYY-H2``.

    Examples
    --------
    >>> parse_period("2026-H1")
    (2026, 1)
    """
    if not isinstance(value, str):
        raise ValueError(f"invalid period {value!r}: expected a string like '2025-H2'")
    match = _CANONICAL.match(value)
    if match is None:
        raise ValueError(
            f"invalid period {value!r}: expected 'YYYY-H1' or 'YYYY-H2', e.g. '2025-H2'"
        )
    year, half = int(match.group(1)), int(match.group(2))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"invalid period {value!r}: year outside {MIN_YEAR}-{MAX_YEAR}")
    return year, half


def validate_period(value: str) -> str:
    """Return `value` unchanged if it is a canonical period, else raise ``ValueError``.

    Examples
    --------
    >>> validate_period("2025-H2")
    '2025-H2'
    """
    parse_period(value)
    return value


def is_period(value: object) -> bool:
    """Whether `value` is a canonical period string.

    Examples
    --------
    >>> is_period("2025-H2"), is_period("2025H2")
    (True, False)
    """
    try:
        parse_period(value)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True


def period_key(value: str) -> tuple[int, int]:
    """Sort key: ``(year, half)``. Use with ``sorted(periods, key=period_key)``.

    Canonical strings also sort correctly as text; the key additionally validates.
    """
    return parse_period(value)


def shift_period(value: str, steps: int) -> str:
    """Move `steps` half-years forward (negative: backward).

    Examples
    --------
    >>> shift_period("2025-H2", -3)
    '2024-H1'
    """
    year, half = parse_period(value)
    index = year * 2 + (half - 1) + steps
    return format_period(index // 2, index % 2 + 1)


def next_period(value: str) -> str:
    """The half-year after `value`.

    Examples
    --------
    >>> next_period("2025-H1")
    '2025-H2'
    """
    return shift_period(value, 1)


def previous_period(value: str) -> str:
    """The half-year before `value`.

    Examples
    --------
    >>> previous_period("2026-H1")
    '2025-H2'
    """
    return shift_period(value, -1)


def period_range(start: str, end: str) -> list[str]:
    """All periods from `start` to `end`, both included, in order.

    Empty if `end` comes before `start` (like ``range``), so callers need no special case.

    Examples
    --------
    >>> period_range("2025-H2", "2026-H2")
    ['2025-H2', '2026-H1', '2026-H2']
    """
    y0, h0 = parse_period(start)
    y1, h1 = parse_period(end)
    first, last = y0 * 2 + h0 - 1, y1 * 2 + h1 - 1
    return [format_period(i // 2, i % 2 + 1) for i in range(first, last + 1)]


def sort_periods(periods: Iterable[str]) -> list[str]:
    """Validate, de-duplicate and sort periods oldest first.

    Examples
    --------
    >>> sort_periods(["2026-H1", "2025-H2", "2026-H1"])
    ['2025-H2', '2026-H1']
    """
    return sorted(set(periods), key=period_key)


def latest(periods: Iterable[str]) -> str | None:
    """The most recent period, or ``None`` for an empty input.

    Raises ``ValueError`` if any item is not canonical, so bad data are not hidden.

    Examples
    --------
    >>> latest(["2025-H2", "2026-H1", "2025-H1"])
    '2026-H1'
    >>> latest([]) is None
    True
    """
    items = list(periods)
    if not items:
        return None
    return max(items, key=period_key)


def period_of_date(value: _dt.date) -> str:
    """The half-year containing a date (a ``datetime`` or pandas ``Timestamp`` works too).

    Examples
    --------
    >>> import datetime
    >>> period_of_date(datetime.date(2025, 6, 30))
    '2025-H1'
    """
    return format_period(int(value.year), 1 if int(value.month) <= 6 else 2)


def _fold(text: str) -> str:
    # Full-width ASCII (common in Chinese spreadsheets) -> half-width, then upper-case.
    folded = "".join(
        chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else (" " if c == "\u3000" else c)
        for c in text
    )
    return folded.strip().upper()


def normalize_period(value: object) -> str | None:
    """Best-effort reading of a period from messy input; canonical string or ``None``.

    Accepted spellings (case-insensitive, full-width digits folded):

    - ``2025-H2``, ``2025H2``, ``2025 h2``, ``2025_H2``, ``H2 2025``, ``2025S2``;
    - ``2025-2``, ``2025/2``, ``2025.2`` (a *single* digit 1 or 2 is the half);
    - ``2025年下半年``, ``2025上半年``, ``2025年第二个半年``;
    - ``2025年7-12月`` (months within one half), ``2025年6月``, ``2025年12月31日``
      and ISO dates ``2025-06-30``: the half containing that month or day;
    - ``datetime.date``/``datetime.datetime``/pandas ``Timestamp`` objects.

    A two-digit ``2025-06`` is rejected (month or half?), as is any month range that
    straddles both halves.

    Examples
    --------
    >>> [normalize_period(v) for v in ["2025h2", "2025-1", "2025年上半年", "H2 2025"]]
    ['2025-H2', '2025-H1', '2025-H1', '2025-H2']
    >>> normalize_period("2025-06") is None
    True
    """
    if isinstance(value, _dt.date):  # datetime and pandas Timestamp are subclasses
        try:
            return period_of_date(value)
        except (ValueError, TypeError):
            return None
    if not isinstance(value, str):
        return None
    text = _fold(value)
    if not text:
        return None
    year: int | None = None
    half: int | None = None
    if (m := _CANONICAL.match(text)) is not None:
        year, half = int(m.group(1)), int(m.group(2))
    elif (m := _MESSY[1].match(text)) is not None:
        half, year = int(m.group(1)), int(m.group(2))
    elif (m := _MESSY[0].match(text) or _MESSY[2].match(text)) is not None:
        year, half = int(m.group(1)), int(m.group(2))
    elif (m := _MESSY[3].match(text)) is not None:
        year, half = int(m.group(1)), _HALF_WORDS[m.group(2)]
    elif (m := _MONTH_RANGE.match(text)) is not None:
        first, last = int(m.group(2)), int(m.group(3))
        if 1 <= first <= last <= 6:
            year, half = int(m.group(1)), 1
        elif 7 <= first <= last <= 12:
            year, half = int(m.group(1)), 2
    elif (m := _CN_MONTH.match(text) or _ISO_DATE.match(text)) is not None:
        day = m.group(3)
        try:
            date = _dt.date(int(m.group(1)), int(m.group(2)), int(day) if day else 1)
        except ValueError:
            return None
        year, half = date.year, 1 if date.month <= 6 else 2
    if year is None or half is None or not MIN_YEAR <= year <= MAX_YEAR:
        return None
    return format_period(year, half)
