"""Six-digit county codes from what users type or spreadsheets store.

Uploaded tables carry 6-digit GB/T 2260 codes, 9-digit township or 12-digit statistical
codes, the same behind the ``156`` country prefix, and numbers that lost their
formatting.  :func:`normalize_code` reads all of them into the six-digit county code, or
None; whether that code exists is :meth:`geodata.codes.Registry.resolve`'s business.

Examples
--------
>>> normalize_code("156110101"), normalize_code(110101001000), normalize_code("１１０１０１")
('110101', '110101', '110101')
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from typing import Any

PROVINCE_PREFIXES = frozenset(
    [f"{p}" for p in range(11, 16)]
    + [f"{p}" for p in range(21, 24)]
    + [f"{p}" for p in range(31, 38)]
    + [f"{p}" for p in range(41, 47)]
    + [f"{p}" for p in range(50, 55)]
    + [f"{p}" for p in range(61, 66)]
    + ["71", "81", "82"]
)
"""GB/T 2260 province prefixes.  ``15`` (Inner Mongolia) is one; ``156`` is not a
province but ISO 3166 numeric China, which some systems put in front of codes."""

_FLOATISH = re.compile(r"^[+]?(\d+)(?:\.(\d*))?(?:[eE]([+]?\d+))?$")
_JUNK = re.compile(r"[\s\u00a0\u2000-\u200b\u3000'\"`_,]")


def _digits(value: Any) -> str | None:
    """The digit string a value stands for, or None (bools, NaN, fractions, text)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return str(int(value)) if int(value) > 0 else None
    if isinstance(value, numbers.Real):
        f = float(value)
        if not math.isfinite(f) or f <= 0 or f != int(f) or f >= 1e16:
            return None
        return str(int(f))
    if isinstance(value, bytes):
        value = value.decode("utf-8", "ignore")
    if not isinstance(value, str):
        return None
    s = _JUNK.sub("", unicodedata.normalize("NFKC", value))
    if s.isdigit():
        return s
    m = _FLOATISH.match(s)
    if not m:
        return None
    whole, frac, exp = m.group(1), m.group(2) or "", m.group(3)
    if exp is None:  # "110101.0", "110101."
        return whole if set(frac) <= {"0"} else None
    shift = int(exp)  # "1.10101e5": move the point instead of trusting float rounding
    if len(frac) > shift and set(frac[shift:]) - {"0"}:
        return None
    return (whole + frac[:shift].ljust(shift, "0")).lstrip("0") or None


def normalize_code(value: Any) -> str | None:
    """Six-digit county code from a raw value, or None when it is not a code.

    Accepts 6 digits (GB/T 2260), 9 (township: county + 3), 12 (statistical division
    code: county + 6) and the same with the ``156`` country prefix (156+6, 156+9,
    156+12); ints, floats that lost their formatting (``110101.0``, ``1.10101e5``),
    strings with spaces, full-width digits or a trailing ``.0``.

    A 9- or 12-digit value starting with ``156`` is read as prefixed when its digits 4-5
    are a province prefix: ``156110101`` is 110101.  The other reading would be a
    township or statistical code of province 15 (Inner Mongolia) in prefecture ``6x``,
    which does not exist (its prefectures are 1501-1509, 1522, 1525, 1529).  The
    result must start with a valid province prefix; whether the code exists is
    :meth:`Registry.resolve`'s business.

    Examples
    --------
    >>> [normalize_code(v) for v in (110101, 110101.0, "1.10101e5", " 110101 ")]
    ['110101', '110101', '110101', '110101']
    >>> normalize_code("156110101000000"), normalize_code("110101001")
    ('110101', '110101')
    >>> normalize_code("999999") is None, normalize_code("1101") is None
    (True, True)
    """
    s = _digits(value)
    if s is None:
        return None
    if s.startswith("156") and len(s) in (9, 12, 15) and s[3:5] in PROVINCE_PREFIXES:
        s = s[3:]
    if len(s) not in (6, 9, 12):
        return None
    code = s[:6]
    return code if code[:2] in PROVINCE_PREFIXES else None
