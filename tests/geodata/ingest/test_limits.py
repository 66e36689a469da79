"""The importer's limits (geodata.ingest.limits): hostile files are refused in one line,
and memory stays bounded.

The memory test runs the real importer in a child process under an address-space limit
(``RLIMIT_AS``) of :data:`MEMORY_BOUND` above the warmed-up process: a file that made the
importer expand beyond it would end in ``MemoryError`` there instead of a refusal.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from geodata import ingest
from geodata.ingest import ImportFileError, limits, read_table
from tests.conftest import LAYER_CACHE, ROOT

MEMORY_BOUND = 1 << 30
"""Address space an import may add to a warmed-up process (docs/import.md states it)."""


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def shared_string_workbook(path: Path, ncells: int, string: str, header=None) -> Path:
    """A tiny XLSX whose data cells all point at one shared string (20 cells a row)."""
    header = header or ["区划代码", "县区", "留守儿童", "流动儿童"]
    strings = [*header, string]
    sst = "".join(f"<si><t>{s}</t></si>" for s in strings)
    big = len(header)
    head = "".join(f'<c t="s"><v>{i}</v></c>' for i in range(len(header)))
    rows = [f'<row r="1">{head}</row>']
    for r in range(ncells // 20):
        cells = f'<c t="s"><v>{big}</v></c>' * 20
        rows.append(f'<row r="{r + 2}">{cells}</row>')
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_PKG}">'
            f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{_NS}"><sheetData>{"".join(rows)}</sheetData></worksheet>'
        ),
        "xl/sharedStrings.xml": f'<sst xmlns="{_NS}" count="{ncells}">{sst}</sst>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, xml in parts.items():
            zf.writestr(name, '<?xml version="1.0" encoding="UTF-8"?>' + xml)
    return path


def test_shared_string_bomb_is_refused_at_once(tmp_path):
    # The attack: an 18 KB workbook, 2,000 cells pointing at one 0.9 MB string.
    bomb = shared_string_workbook(tmp_path / "bomb.xlsx", 2000, "留" * 300_000)
    assert bomb.stat().st_size < 20_000
    t0 = time.perf_counter()
    with pytest.raises(ImportFileError) as err:
        read_table(bomb)
    assert time.perf_counter() - t0 < 5
    msg = str(err.value)
    assert "\n" not in msg and len(msg) <= ImportFileError.MAX_LEN
    assert "32,767" in msg and "row 2" in msg


def test_many_cells_under_the_cell_limit_are_refused_by_total(tmp_path):
    # Each cell within Excel's limit, but 2,000 of them decode to 60 M characters.
    bomb = shared_string_workbook(tmp_path / "bomb.xlsx", 2000, "x" * 30_000)
    with pytest.raises(ImportFileError, match="characters of text"):
        read_table(bomb)


def test_the_same_workbook_under_the_limits_reads(tmp_path):
    ok = shared_string_workbook(tmp_path / "ok.xlsx", 40, "x" * 100)
    raw = read_table(ok)
    assert raw.headers[:2] == ["区划代码", "县区"] and len(raw.body) == 2


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("a," * 30_000 + "\n", "30,001 columns"),  # 30 KB of commas
        ("代码," + ",".join(f"c{i}" for i in range(10_000)) + "\n110101,1\n", "columns"),
        ("区划代码,县区\n110101," + "x" * 200_000 + "\n", "32,767"),  # over csv's own limit
        ("区划代码,县区\n110101," + "x" * 40_000 + "\n", "32,767"),
    ],
)
def test_wide_or_long_csv_is_refused_quickly(text, match):
    t0 = time.perf_counter()
    with pytest.raises(ImportFileError, match=match) as err:
        read_table(text.encode(), "wide.csv")
    assert time.perf_counter() - t0 < 2, "refused early, before per-column work"
    assert "\n" not in str(err.value)


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 100)
    text = "区划代码,留守儿童\n" + "110101,1\n" * 99
    assert len(read_table(text.encode(), "a.csv").body) == 99
    with pytest.raises(ImportFileError, match="more than 100 rows"):
        read_table((text + "110101,1\n" * 200).encode(), "a.csv")


def test_blank_formatted_rows_do_not_count(monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS", 10)
    text = "区划代码,留守儿童\n110101,1\n" + ",\n" * 500
    assert len(read_table(text.encode(), "a.csv").body) == 1


def test_messages_quote_huge_headers_briefly():
    text = ("x" * 20_000 + ",y\n1,2\n").encode()
    raw = read_table(text, "a.csv")
    with pytest.raises(ingest.MappingError) as err:
        ingest.validate(raw, None, "children", "2025-H1")
    assert len(str(err.value)) <= ImportFileError.MAX_LEN


def test_problem_rows_quote_cells_briefly():
    raw = read_table(("区划代码,留守儿童\n" + "9" * 30_000 + ",1\n").encode(), "a.csv")
    rep = ingest.validate(raw, None, "children", "2025-H1")
    (problem,) = rep.problems
    assert len(problem["value"]) <= limits.PROBLEM_QUOTE_CHARS
    assert len(problem["reason"]) <= 2 * limits.PROBLEM_QUOTE_CHARS


_CHILD = textwrap.dedent(
    """
    import json, resource, sys
    from pathlib import Path
    from geodata import boundaries, ingest
    from geodata.codes import load_registry

    layers = boundaries.load_layers(Path(sys.argv[1]))
    registry = load_registry()
    bound, files = int(sys.argv[2]), json.loads(sys.argv[3])

    def run(path, kind):
        try:
            rep = ingest.import_file(None, registry, Path(path), kind=kind, period="2025-H1",
                                     dry_run=True, counties=layers.counties_full)
            return f"rows {rep.rows_total}"
        except ingest.ImportFileError as exc:
            return f"refused: {exc}"

    run(files[0][0], files[0][1])  # warm up: every lazy load happens before the limit
    with open("/proc/self/status") as fh:
        vm = next(int(l.split()[1]) * 1024 for l in fh if l.startswith("VmSize:"))
    resource.setrlimit(resource.RLIMIT_AS, (vm + bound, vm + bound))
    out = {}
    for path, kind in files:
        try:
            out[Path(path).name] = run(path, kind)
        except MemoryError:
            out[Path(path).name] = "MemoryError"
    print(json.dumps(out))
    """
)


@pytest.mark.slow
def test_importer_memory_stays_bounded(tmp_path, layers):
    """Every hostile or largest-accepted shape runs under RLIMIT_AS = warm process + 1 GiB."""
    rng = random.Random(20251123)
    small = tmp_path / "small.csv"
    small.write_text("区划代码,留守儿童\n110101,1\n", encoding="utf-8")
    rows = tmp_path / "rows.csv"  # the most rows allowed, nearly all rejected
    with rows.open("w", encoding="utf-8") as fh:
        fh.write("区划代码,县区,留守儿童,流动儿童\n")
        for i in range(limits.MAX_ROWS):
            fh.write(f"{110101 + i % 900},东城区,{rng.randint(0, 9999)},{rng.randint(0, 99)}\n")
    points = tmp_path / "points.csv"  # the most facility points allowed
    with points.open("w", encoding="utf-8") as fh:
        fh.write("名称,类型,经度,纬度\n")
        for i in range(limits.MAX_ROWS):
            lon, lat = rng.uniform(100, 120), rng.uniform(22, 40)
            fh.write(f"第{i}号儿童之家,儿童之家,{lon:.5f},{lat:.5f}\n")
    long_cells = tmp_path / "long.xlsx"  # just under the text limit, through shared strings
    n = limits.MAX_TEXT_CHARS // limits.MAX_CELL_CHARS // 20 * 20
    shared_string_workbook(long_cells, n, "9" * limits.MAX_CELL_CHARS)
    bomb = shared_string_workbook(tmp_path / "bomb.xlsx", 2000, "留" * 300_000)
    files = [
        [str(small), "children"],
        [str(bomb), "children"],
        [str(rows), "children"],
        [str(points), "facilities"],
        [str(long_cells), "children"],
    ]
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(LAYER_CACHE), str(MEMORY_BOUND), json.dumps(files)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "MemoryError" not in out.values(), out
    assert out["bomb.xlsx"].startswith("refused:"), out
    assert out["rows.csv"] == f"rows {limits.MAX_ROWS}", out
    assert out["points.csv"] == f"rows {limits.MAX_ROWS}", out
    assert out["long.xlsx"] == f"rows {n // 20}", out
