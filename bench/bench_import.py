"""Import benchmark: a 3,000-row county file through ``geodata.ingest.import_file``.

Builds realistic files in a temporary directory (CSV in GBK with a title row, and the
same table as XLSX), imports each into a fresh SQLite store with the raw file kept, and
prints one markdown table row per file.  The county registry is loaded once beforehand
(the app loads it at start), and its load time is reported on its own line.

    python bench/bench_import.py            # 5 repeats, median
    python bench/bench_import.py --repeat 1
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geodata.codes import load_registry  # noqa: E402
from geodata.ingest import import_file  # noqa: E402
from geodata.store import Store, sqlite_url  # noqa: E402

HEADER = ["序号", "省份", "地市", "区划代码", "县（市、区）", "未满16周岁儿童数", "农村留守儿童",
          "流动儿童", "困境儿童", "残疾儿童", "事实无人抚养儿童", "流浪儿童", "心理行为问题儿童"]  # fmt: skip


def rows(registry, n: int = 3000) -> list[list]:
    """All county-level units (about 2,870) with a 小计 row after each prefecture, as
    provincial tables have, cut at `n` rows; one blank row for realism."""
    c = registry.counties
    out: list[list] = []
    last_pref = None
    for i, code in enumerate(code for code in c.index if c.at[code, "kind"] != "other"):
        r = c.loc[code]
        if last_pref is not None and r["prefecture_code"] != last_pref:
            out.append(["", "", "", "", "小计", 1, 1, 1, 0, 0, 0, 0, 0])
        last_pref = r["prefecture_code"]
        children = 20_000 + (i * 7919) % 180_000
        lb = children // (5 + i % 7)
        out.append([i + 1, r["province_zh"], r["prefecture_zh"], code, r["name_zh"], children,
                    lb, children // 9, lb // 40, lb // 90, lb // 200, i % 3, lb // 150])  # fmt: skip
    out.insert(200, [""] * len(HEADER))
    return out[:n]


def write_csv(path: Path, data: list[list]) -> None:
    import csv

    with path.open("w", encoding="gbk", newline="") as fh:
        fh.write("2025年上半年农村留守儿童和困境儿童统计表\n")
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(data)


def write_xlsx(path: Path, data: list[list]) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2025年上半年农村留守儿童和困境儿童统计表"])
    ws.append(HEADER)
    for r in data:
        ws.append([None if v == "" else v for v in r])
    wb.save(path)


def floor_read_and_insert(path: Path, db: Path) -> None:
    """Floor: read the same file with pandas (GBK CSV) or openpyxl (XLSX, read-only) and
    insert its rows into SQLite with one executemany: no header detection, no code
    resolution, no validation, no report."""
    import sqlite3

    import pandas as pd

    if path.suffix == ".csv":
        df = pd.read_csv(path, encoding="gbk", skiprows=1, dtype=str)
        records = df.fillna("").values.tolist()
    else:
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        records = [list(r) for r in wb.active.iter_rows(min_row=3, values_only=True)]
        wb.close()
    width = max(len(r) for r in records)
    con = sqlite3.connect(db)
    con.execute(f"CREATE TABLE t ({', '.join(f'c{i}' for i in range(width))})")
    con.executemany(
        f"INSERT INTO t VALUES ({', '.join('?' * width)})",
        [list(r) + [None] * (width - len(r)) for r in records],
    )
    con.commit()
    con.close()


_MEMORY_CHILD = """
import gc, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
which, path = sys.argv[2], Path(sys.argv[3])
import openpyxl, pandas  # both sides pay for the same imports
if which == "subject":
    from geodata.codes import load_registry
    from geodata.ingest import import_file
    registry = load_registry()
def status(field):
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith(field))
gc.collect()
with open("/proc/self/clear_refs", "w") as fh:  # reset the peak (VmHWM) to what is in use now
    fh.write("5")
base = status("VmRSS:")
if which == "floor":
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
else:
    rep = import_file(None, registry, path, kind="children", period="2025-H1", dry_run=True)
    assert rep.rows_imported > 0
print(base, status("VmHWM:"))
"""


def peak_memory(path: Path, which: str) -> tuple[float, float]:
    """(MB before, MB at peak) of reading `path` in a fresh process: ``floor`` is
    openpyxl's read-only load of every row, ``subject`` the whole importer (dry run)."""
    import subprocess

    out = subprocess.run(
        [sys.executable, "-c", _MEMORY_CHILD, str(ROOT), which, str(path)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout.split()  # fmt: skip
    return int(out[-2]) / 1024, int(out[-1]) / 1024


def memory_rows(path: Path, repeat: int) -> None:
    """Peak memory of the importer against the floor, interleaved, same run."""
    subj, floor = [], []
    for _ in range(repeat):
        b, p = peak_memory(path, "floor")
        floor.append(p - b)
        b, p = peak_memory(path, "subject")
        subj.append(p - b)
    s, f = statistics.median(subj), statistics.median(floor)
    print(
        "\n| peak memory, 3,000-row XLSX | importer (dry run) | floor: openpyxl read-only load | ratio |"
    )
    print("|---|---|---|---|")
    print(
        f"| added to the process, median of {repeat} | {s:,.1f} MB | {f:,.1f} MB | {s / max(f, 0.1):.1f}x |"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rows", type=int, default=3000)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    registry = load_registry()
    load = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        data = rows(registry, args.rows)
        files = {"CSV (GBK, title row)": base / "counties.csv", "XLSX": base / "counties.xlsx"}
        write_csv(files["CSV (GBK, title row)"], data)
        write_xlsx(files["XLSX"], data)
        print(
            "| import | rows | imported | skipped | rejected | size | median s | max s "
            "| floor s | ratio |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        for label, path in files.items():
            times, rep = [], None
            floors = []
            for k in range(args.repeat):
                t = time.perf_counter()  # the floor first, alternating with the subject
                floor_read_and_insert(path, base / f"floor-{path.suffix[1:]}-{k}.sqlite")
                floors.append(time.perf_counter() - t)
                store = Store(sqlite_url(base / f"atlas-{path.suffix[1:]}-{k}.sqlite"))
                store.create_all()
                t = time.perf_counter()
                rep = import_file(
                    store, registry, path, kind="children", period="2025-H1",
                    raw_dir=base / "uploads",
                )  # fmt: skip
                times.append(time.perf_counter() - t)
                store.dispose()
            assert rep is not None and rep.dataset_version == 1
            print(
                f"| {rep.rows_total:,}-row county file, {label} | {rep.rows_total:,} | "
                f"{rep.rows_imported:,} | {rep.rows_skipped} | {rep.rows_rejected} | "
                f"{path.stat().st_size / 1024:,.0f} KB | {statistics.median(times):.2f} | "
                f"{max(times):.2f} | {statistics.median(floors):.2f} | "
                f"{statistics.median(a / b for a, b in zip(times, floors, strict=True)):.1f}x |"
            )
        memory_rows(files["XLSX"], max(3, args.repeat // 2))
    print(f"\nCounty registry load (once per process, not in the figures above): {load:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
