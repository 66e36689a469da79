"""Per-row bookkeeping while validating: each row's outcome (imported, skipped or
rejected) and the problems that name it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from geodata.ingest import limits
from geodata.ingest.errors import clip


def _bools(items: Iterable[Any]) -> np.ndarray:
    """A boolean array from an iterable (also when empty)."""
    return np.fromiter((bool(x) for x in items), dtype=bool)


def _objs(items: Iterable[Any]) -> np.ndarray:
    """An object array from an iterable, keeping None (pandas ``map`` would turn it to NaN)."""
    out = list(items)
    arr = np.empty(len(out), dtype=object)
    arr[:] = out
    return arr


class _Rows:
    """Per-row outcome bookkeeping for :func:`validate`."""

    def __init__(self, rownums: np.ndarray, headers: list[str]) -> None:
        self.rownums = rownums
        self.n = len(rownums)
        self.state = np.zeros(self.n, dtype=np.int8)  # 0 imported, 1 skipped, 2 rejected
        self.problems: list[dict[str, Any]] = []
        self.headers = headers

    @property
    def live(self) -> np.ndarray:
        return self.state == 0

    def add(
        self,
        positions: Iterable[int] | np.ndarray,
        severity: str,
        rule: str,
        reason: str | Callable[[int], str],
        column: int | None = None,
        values: pd.Series | np.ndarray | None = None,
    ) -> None:
        pos = np.asarray(positions)
        if pos.dtype == bool:
            pos = np.flatnonzero(pos)
        pos = pos.astype(np.intp, copy=False)
        if not len(pos):
            return
        # Quoted cells are clipped: a report row stays small whatever the cell holds.
        col = None if column is None else clip(self.headers[column], limits.PROBLEM_QUOTE_CHARS)
        vals = None if values is None else np.asarray(values, dtype=object)
        for i in pos.tolist():
            v = None if vals is None else vals[i]
            self.problems.append(
                {
                    "row": int(self.rownums[i]),
                    "column": col,
                    "value": None if v is None or v == "" else clip(v, limits.PROBLEM_QUOTE_CHARS),
                    "severity": severity,
                    "rule": rule,
                    "reason": clip(
                        reason(i) if callable(reason) else reason, 2 * limits.PROBLEM_QUOTE_CHARS
                    ),
                }
            )
        if severity == "rejected":
            self.state[pos] = 2
        elif severity == "skipped":
            self.state[pos] = np.where(self.state[pos] == 2, 2, 1)

    def file_warning(self, rule: str, reason: str) -> None:
        self.problems.append(
            {"row": None, "column": None, "value": None, "severity": "warning", "rule": rule,
             "reason": reason}
        )  # fmt: skip
