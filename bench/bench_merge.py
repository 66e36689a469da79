"""Merge-commit benchmark: a 3,000-row county file merged into a period that already
holds every county (the demo), on SQLite and on PostgreSQL, against a same-run floor.

Subject: ``geodata.ingest.import_file(..., mode="merge")``: read, validate, read the
active version, merge, write the next version (every county: a version is a whole
snapshot) and its provenance, raw file kept. Floor: read the same file with pandas and
insert its rows with one ``executemany`` into the same database: no validation, no
merge. The two alternate, so both see the same machine load.

    python bench/bench_merge.py                       # SQLite; PostgreSQL too when
    DATABASE_URL_TEST=postgresql+psycopg://... python bench/bench_merge.py   # set
    python bench/bench_merge.py --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from bench.bench_import import rows, write_csv  # noqa: E402
from geodata.codes import load_registry  # noqa: E402
from geodata.indicators import MEASURES  # noqa: E402
from geodata.ingest import import_file  # noqa: E402
from geodata.store import Store, sqlite_url  # noqa: E402

PERIOD = "2025-H1"


def fresh_store(backend: str, base: Path, k: int, pg_url: str | None):
    """An empty store (a new SQLite file, or a new PostgreSQL schema) and its cleanup."""
    if backend == "sqlite":
        store = Store(sqlite_url(base / f"merge-{k}.sqlite"))
        store.create_all()
        return store, store.dispose
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(pg_url, poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    store = Store(pg_url, connect_args={"options": f"-csearch_path={schema}"})
    store.create_all()

    def cleanup():
        store.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return store, cleanup


def demo_base(store: Store, codes: list[str]) -> None:
    """The period's first version: every county, synthetic, every measure."""
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"code": codes})
    for m in MEASURES:
        df[m] = rng.integers(0, 50_000, len(codes)).astype(float)
    store.add_children(PERIOD, df, source="bench demo", synthetic=True)


def floor(store: Store, path: Path) -> None:
    """Read the file with pandas and insert its rows with one executemany."""
    df = pd.read_csv(path, encoding="gbk", skiprows=1, dtype=str).fillna("")
    cols = [f"c{i}" for i in range(df.shape[1])]
    table = sa.Table(f"floor_{uuid.uuid4().hex[:8]}", sa.MetaData(),
                     *(sa.Column(c, sa.Text) for c in cols))  # fmt: skip
    with store.engine.begin() as conn:
        table.create(conn)
        conn.execute(table.insert(), [dict(zip(cols, r, strict=True)) for r in df.values.tolist()])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pg-url", default=os.environ.get("DATABASE_URL_TEST") or None)
    args = ap.parse_args(argv)
    registry = load_registry()
    codes = [c for c in registry.counties.index if registry.counties.at[c, "kind"] != "other"]
    backends = ["sqlite"] + (["postgresql"] if args.pg_url else [])
    print("| merge-commit, 3,000-row CSV | counties updated | median s | max s | floor s | ratio |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        path = base / "2025年上半年.csv"
        write_csv(path, rows(registry, 3000))
        for backend in backends:
            times, floors, rep = [], [], None
            for k in range(args.repeat):
                store, cleanup = fresh_store(backend, base, k, args.pg_url)
                try:
                    demo_base(store, codes)
                    t = time.perf_counter()
                    floor(store, path)
                    floors.append(time.perf_counter() - t)
                    t = time.perf_counter()
                    rep = import_file(store, registry, path, kind="children", period=PERIOD,
                                      raw_dir=base / "uploads", mode="merge")  # fmt: skip
                    times.append(time.perf_counter() - t)
                    assert rep.dataset_version == 2, rep.dataset_version
                finally:
                    cleanup()
            s, f = statistics.median(times), statistics.median(floors)
            print(
                f"| {backend} | {len(rep.changes['updated']):,} | {s:.2f} | {max(times):.2f} "
                f"| {f:.2f} | {s / f:.1f}x |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
