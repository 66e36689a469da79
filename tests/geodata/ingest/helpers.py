"""Helpers shared by the importer's tests (plain functions; the fixtures are in conftest).

Every report built in these tests goes through :func:`check`, which asserts the count
invariant ``rows_total == rows_imported + rows_skipped + rows_rejected`` and that each
skipped or rejected row is named by a problem of that severity.  Fixture files are
generated in ``tmp_path`` (nothing binary is committed).
"""

from __future__ import annotations

import csv
import io
import json

import openpyxl

from geodata import ingest
from geodata.ingest import ImportReport, read_table, validate

P = "2025-H1"
HEAD = ["区划代码", "县（市、区）", "儿童总数", "留守儿童", "流动儿童"]


def csv_bytes(rows, encoding="utf-8", delimiter=",", title=None) -> bytes:
    buf = io.StringIO()
    if title:
        buf.write(title + "\n")
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def xlsx_bytes(sheets: dict[str, list[list]], path) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path.read_bytes()


def check(rep: ImportReport) -> ImportReport:
    """Count invariant, one outcome per row, and a named problem per skipped/rejected row."""
    assert rep.rows_total == rep.rows_imported + rep.rows_skipped + rep.rows_rejected
    assert len(rep.outcomes) == rep.rows_total
    counts = rep.outcomes.value_counts()
    assert counts.get("imported", 0) == rep.rows_imported
    assert counts.get("skipped", 0) == rep.rows_skipped
    assert counts.get("rejected", 0) == rep.rows_rejected
    for sev in ("skipped", "rejected"):
        named = {p["row"] for p in rep.problems if p["severity"] == sev}
        assert named == set(rep.outcomes.index[rep.outcomes == sev])
    for p in rep.problems:
        assert p["severity"] in ingest.SEVERITIES and p["reason"] and p["rule"]
    if rep.layout == "counts":
        assert len(rep.data) == rep.rows_imported
        assert rep.data["code"].str.len().eq(6).all()
    else:
        assert len(rep.points) == rep.rows_imported
    json.dumps(rep.to_json())
    return rep


def run(data: bytes, registry, kind="children", period=P, filename="t.csv", **kw):
    mapping = kw.pop("mapping", None)
    raw = read_table(data, filename)
    return check(validate(raw, mapping, kind, period, registry, **kw))


def rules(rep, severity=None):
    return [(p["row"], p["rule"]) for p in rep.problems if severity in (None, p["severity"])]


def good_rows():
    return [
        HEAD,
        ["110101", "东城区", "1000", "100", "50"],
        ["110102", "西城区", "2000", "200", "60"],
        ["410381", "偃师市", "3000", "300", "70"],
    ]
