"""Where each county's values came from, and what two versions differ in.

Per county of a version: ``source`` (``reported`` when every value came from uploads,
``mixed`` when some did, ``synthetic`` when none did, ``""`` when it has no data),
``source_version`` (the version whose commit last changed it), and that version's file,
uploader and time. Completeness of a collection round is read from the same place: a
county has *reported* when any of its values came from an upload.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geodata.store import merge, records
from geodata.store.schema import COLUMNS_BY_KIND, Tables, check_kind

SOURCES: tuple[str, ...] = ("reported", "mixed", "synthetic")
PROVENANCE_COLUMNS = (
    "code", "source", "source_version", "source_file", "reported_by", "reported_at",
)  # fmt: skip


class Provenance:
    """Provenance and comparison reads (part of :class:`geodata.store.Store`)."""

    engine: Engine
    tables: Tables

    def provenance(self, kind: str, period: str, version: int | None = None) -> pd.DataFrame:
        """One row per stored county of the version (default: active) of (kind, period).

        Columns :data:`PROVENANCE_COLUMNS`; an empty frame when there is no such dataset.
        """
        check_kind(kind)
        info = self._resolve(kind, period, version)
        if info is None:
            return records.empty(list(PROVENANCE_COLUMNS))
        columns = COLUMNS_BY_KIND[kind]
        v, d, r = self.tables.county_values, self.tables.datasets, self.tables.raw_uploads
        query = (
            sa.select(
                v.c.code,
                *(v.c[c] for c in columns),
                v.c.reported,
                d.c.version,
                d.c.created_by,
                d.c.created_at,
                r.c.filename,
                d.c.synthetic,
            )  # fmt: skip
            .select_from(
                v.outerjoin(d, d.c.id == v.c.source_id).outerjoin(r, r.c.id == d.c.raw_upload_id)
            )
            .where(v.c.dataset_id == info["id"])
            .order_by(v.c.code)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        names = ["code", *columns, "reported", "version", "by", "at", "file", "synthetic"]
        raw = records.frame(rows, names)
        has = raw[list(columns)].notna().to_numpy()
        bits = raw["reported"].fillna(0).astype(int).to_numpy()
        source = [merge.source_of(int(b), h) for b, h in zip(bits, has, strict=True)]
        anyrep = np.array([s in ("reported", "mixed") for s in source], dtype=bool)
        out = pd.DataFrame(
            {
                "code": raw["code"].astype(str),
                "source": source,
                "source_version": raw["version"].astype("Int64"),
                # File, uploader and time only for values that came from an upload.
                "source_file": raw["file"].where(anyrep, None),
                "reported_by": raw["by"].where(anyrep, None),
                "reported_at": raw["at"].where(anyrep, None),
            }
        )
        return out

    def provenance_counts(self, kind: str, period: str) -> dict[str, int]:
        """Counties of the active version by source: ``reported``, ``mixed``,
        ``synthetic`` and ``no_data`` (stored rows without any value)."""
        prov = self.provenance(kind, period)
        counts = prov["source"].value_counts()
        out = {s: int(counts.get(s, 0)) for s in SOURCES}
        out["no_data"] = int(counts.get("", 0))
        return out

    def compare(self, kind: str, period: str, old: int, new: int) -> pd.DataFrame:
        """Values that differ between two versions: ``code, column, old, new``.

        A county missing from a version counts as no data there.
        """
        check_kind(kind)
        columns = list(COLUMNS_BY_KIND[kind])
        frames = []
        for version in (old, new):
            info = self._resolve(kind, period, int(version))
            frames.append(self._values(info["id"], tuple(columns)).set_index("code"))
        a, b = frames
        index = a.index.union(b.index)
        a, b = a.reindex(index), b.reindex(index)
        out = []
        for c in columns:
            x, y = a[c].to_numpy(dtype=float), b[c].to_numpy(dtype=float)
            diff = ~((x == y) | (np.isnan(x) & np.isnan(y)))
            for i in np.flatnonzero(diff):
                out.append((index[i], c, _num(x[i]), _num(y[i])))
        return pd.DataFrame(out, columns=["code", "column", "old", "new"])


def _num(x: float) -> float | None:
    return None if np.isnan(x) else float(x)
