"""Reporting status: which counties of a period have reported figures (a collection round).

Not a statistic but a map mode like the others, so it is registered the same way: a
county has *reported* when any of its counts came from an upload (``source`` of the
county table is ``reported`` or ``mixed``), *missing* otherwise. Taiwan, Hong Kong and
Macao have no county counts and are no data, never "missing".

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"source": ["reported", "mixed", "synthetic", ""],
...                   "source_version": [3, 2, 1, None],
...                   "province_code": ["520000", "520000", "520000", "710000"]},
...                  index=["520102", "520103", "520111", "710001"])
>>> status(t)["reporting_status"].tolist()
['reported', 'reported', 'missing', None]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geodata.regions import NO_COUNTS_PROVINCES

CLASSES = ("reported", "missing")


def status(table: pd.DataFrame) -> pd.DataFrame:
    """``reporting_status`` (reported / missing / None) and the ``reported_version``."""
    source = table["source"].fillna("").astype(str)
    reported = source.isin(("reported", "mixed")).to_numpy()
    no_counts = table["province_code"].astype(str).isin(NO_COUNTS_PROVINCES).to_numpy()
    state = np.array(
        [
            ("reported" if r else None if n else "missing")
            for r, n in zip(reported, no_counts, strict=True)
        ],
        dtype=object,
    )
    version = pd.to_numeric(table["source_version"], errors="coerce").where(reported)
    return pd.DataFrame(
        {
            "reporting_status": pd.Series(state, index=table.index, dtype=object),
            "reported_version": version.astype(float),
        },
        index=table.index,
    )


def run(params, inputs) -> pd.DataFrame:
    """Registry runner (``reporting``): the status of every county of the period."""
    return status(inputs.table)
