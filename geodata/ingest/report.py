"""The outcome of an import (:class:`ImportReport`) and formula-safe CSV cells."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

SEVERITIES = ("rejected", "skipped", "warning")
_CHANGE_KEYS = ("updated", "added", "unchanged", "unreported")


@dataclass
class ImportReport:
    """Outcome of validating (and maybe committing) one upload.

    Invariant: ``rows_total == rows_imported + rows_skipped + rows_rejected``.
    ``problems`` holds one dict per finding: ``row`` (spreadsheet row number, None for
    file-level notes), ``column`` (header text or None), ``value``, ``rule`` (a stable
    machine name, see ``docs/import.md``), ``reason`` (English sentence) and
    ``severity`` (``rejected`` / ``skipped`` / ``warning``).  A warning never changes a
    row's outcome.

    ``layout`` is how the file gives its data (``counts`` per county, or facility
    ``points``); ``mode`` how it is committed (``merge`` or ``replace`` of ``scope``);
    ``changes`` the county codes the commit updates, adds, leaves unchanged and makes
    not reported (filled by the preview and the commit, empty before).
    """

    filename: str
    kind: str
    period: str
    format: str
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    header_row: int
    mapping: dict[str, str]
    unmapped: list[str]
    confidence: dict[str, float]
    layout: str
    rows_total: int
    rows_imported: int
    rows_skipped: int
    rows_rejected: int
    problems: list[dict[str, Any]]
    codes_remapped: dict[str, str]
    data: pd.DataFrame = field(repr=False)
    points: pd.DataFrame | None = field(default=None, repr=False)
    outcomes: pd.Series | None = field(default=None, repr=False)
    sha256: str = ""
    size: int = 0
    dry_run: bool = True
    dataset_version: int | None = None
    raw_upload_id: int | None = None
    stored_path: str | None = None
    seconds: float = 0.0
    mode: str = "merge"
    scope: str | None = None
    region: str | None = None
    changes: dict[str, list[str]] = field(default_factory=dict)
    base_version: int | None = None
    submission_id: int | None = None

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        """Assert the count invariant (every row is imported, skipped or rejected)."""
        assert self.rows_total == self.rows_imported + self.rows_skipped + self.rows_rejected, (
            f"row counts do not add up: {self.rows_total} != {self.rows_imported} + "
            f"{self.rows_skipped} + {self.rows_rejected}"
        )

    @property
    def committed(self) -> bool:
        return self.dataset_version is not None

    def to_json(self, max_problems: int | None = None) -> dict[str, Any]:
        """Plain JSON-serialisable dict (no data frames); problems sorted by row."""
        probs = self.problems if max_problems is None else self.problems[:max_problems]
        return {
            "filename": self.filename,
            "kind": self.kind,
            "period": self.period,
            "layout": self.layout,
            "mode": self.mode,
            "scope": self.scope,
            "region": self.region,
            **{f"counties_{k}": len(self.changes.get(k, [])) for k in _CHANGE_KEYS},
            "changes": {k: list(self.changes.get(k, [])) for k in _CHANGE_KEYS},
            "base_version": self.base_version,
            "submission_id": self.submission_id,
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "mapping": dict(self.mapping),
            "unmapped": list(self.unmapped),
            "confidence": {k: float(v) for k, v in self.confidence.items()},
            "rows_total": int(self.rows_total),
            "rows_imported": int(self.rows_imported),
            "rows_skipped": int(self.rows_skipped),
            "rows_rejected": int(self.rows_rejected),
            "problems": [dict(p) for p in probs],
            "problems_total": len(self.problems),
            "codes_remapped": dict(self.codes_remapped),
            "sha256": self.sha256,
            "size": int(self.size),
            "dry_run": bool(self.dry_run),
            "dataset_version": self.dataset_version,
            "raw_upload_id": self.raw_upload_id,
            "seconds": round(float(self.seconds), 3),
        }

    def problems_frame(self) -> pd.DataFrame:
        cols = ["row", "column", "value", "severity", "rule", "reason"]
        return pd.DataFrame(self.problems, columns=cols)

    def problems_csv(self) -> bytes:
        """The problems as a CSV download: UTF-8 with BOM (Excel), formula-safe cells."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(["row", "column", "value", "severity", "rule", "reason"])
        for p in self.problems:
            w.writerow(
                [
                    "" if p["row"] is None else p["row"],
                    csv_safe(p.get("column")),
                    csv_safe(p.get("value")),
                    p["severity"],
                    p["rule"],
                    csv_safe(p["reason"]),
                ]
            )
        return buf.getvalue().encode("utf-8-sig")


def csv_safe(value: Any) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula.

    Examples
    --------
    >>> csv_safe("=HYPERLINK(1)"), csv_safe("-5"), csv_safe("ok"), csv_safe(None)
    ("'=HYPERLINK(1)", "'-5", 'ok', '')
    """
    if value is None:
        return ""
    s = str(value)
    return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s


def csv_safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells are :func:`csv_safe` (numbers and NaN left alone).

    For every CSV the Atlas writes from stored data: names and notes can come from
    uploads, and a spreadsheet opening the file must not run them as formulas.

    >>> csv_safe_frame(pd.DataFrame({"n": ["=1+1", "ok"], "v": [-5, 2]}))["n"].tolist()
    ["'=1+1", 'ok']
    """
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(lambda v: csv_safe(v) if isinstance(v, str) else v)
    return out
