"""geodata.ingest.cells: parsing count cells."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata import ingest


def test_parse_counts_accepts_and_rejects():
    v, e = ingest.parse_counts(
        pd.Series(["1,234", "１２３４", " 12 ", "12.0", "", "-", "—", "无", "abc", "12.5", "-3",
                   "1,23", "nan", "inf", "1e3", "1 234"])
    )  # fmt: skip
    assert v[:4].tolist() == [1234, 1234, 12, 12]
    assert np.isnan(v[4:8]).all() and list(e[4:8]) == [""] * 4
    assert list(e[8:14]) == ["non_numeric", "not_whole", "negative", "non_numeric",
                             "non_numeric", "non_numeric"]  # fmt: skip
    assert v[14] == 1000 and v[15] == 1234
