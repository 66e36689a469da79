"""Reading raw values into six-digit county codes (``geodata.codes.normalise``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geodata.codes.normalise import PROVINCE_PREFIXES, normalize_code


@pytest.mark.parametrize(
    "value",
    [
        "110101",
        110101,
        np.int64(110101),
        110101.0,
        np.float64(110101.0),
        1.10101e5,
        "110101.0",
        "1.10101e5",
        "1.10101E+05",
        " 110101 ",
        "110 101",
        "１１０１０１",
        "\u3000１１０１０１\u3000",
        "'110101",
        "110101001",  # township: county + 3
        110101001,
        "110101001000",  # statistical division code: county + 6
        110101001000,
        110101001000.0,
        "156110101",  # 156 + 6
        156110101,
        "156110101001",  # 156 + 9
        "156110101000000",  # 156 + 12
        156110101000000,
    ],
)
def test_normalize_code_forms(value):
    assert normalize_code(value) == "110101"


@pytest.mark.parametrize(
    "value",
    [None, "", "abc", True, False, float("nan"), pd.NA, -110101, 0, "1101", "11010", "1101011",
     "11010100", "1101010010", "999999", "001101", "110101.5", "1.101015e5", 1.5, [110101],
     "15611010", "156"],
)  # fmt: skip
def test_normalize_code_rejects(value):
    assert normalize_code(value) is None


def test_normalize_156_versus_township():
    # 156 + six digits, not a township of Inner Mongolia (there is no prefecture 156x).
    assert normalize_code("156441900") == "441900"
    # A real Inner Mongolia township code starting 15 stays in Inner Mongolia.
    assert normalize_code("150102001") == "150102"
    # 156 followed by an invalid province is not stripped; 1561xx is no county either.
    assert normalize_code("156991001") == "156991"


def test_province_prefixes_documented():
    assert "15" in PROVINCE_PREFIXES and "156"[:2] == "15"
    assert {"71", "81", "82"} <= PROVINCE_PREFIXES
    assert "16" not in PROVINCE_PREFIXES and "47" not in PROVINCE_PREFIXES
