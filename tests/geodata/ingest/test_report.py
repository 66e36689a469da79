"""geodata.ingest.report: the problems CSV, the JSON report and its invariant."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from geodata.ingest import ImportReport
from tests.geodata.ingest.helpers import P, csv_bytes, good_rows, run


def test_problems_csv_is_excel_friendly_and_formula_safe(registry):
    rows = [
        ["代码", "留守儿童"],
        ['=HYPERLINK("x")', "1"],
        ["+1", "1"],
        ["110101", "-5"],
        ["@x", "1"],
    ]
    rep = run(csv_bytes(rows), registry)
    out = rep.problems_csv()
    assert out.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(out.decode("utf-8-sig"))))
    assert table[0] == ["row", "column", "value", "severity", "rule", "reason"]
    values = [r[2] for r in table[1:]]
    assert values == ['\'=HYPERLINK("x")', "'+1", "'-5", "'@x"]
    for r in table[1:]:
        assert r[5][:1] not in "=+-@"


def test_to_json_carries_the_cli_fields(registry):
    rep = run(csv_bytes(good_rows() + [["110101", "x", "1", "1", "1"]]), registry)
    j = json.loads(json.dumps(rep.to_json()))
    for key in ("rows_total", "rows_imported", "rows_skipped", "rows_rejected", "problems",
                "codes_remapped", "dataset_version", "mode", "scope", "counties_updated",
                "counties_added", "counties_unchanged", "counties_unreported"):  # fmt: skip
        assert key in j
    assert j["mode"] == "merge" and j["layout"] == "counts"
    assert j["codes_remapped"] == {"410381": "410307"}
    assert j["problems"][0].keys() >= {"row", "column", "reason", "severity"}
    assert j["dataset_version"] is None
    assert rep.to_json(max_problems=0)["problems"] == [] and j["problems_total"] == 1


def test_report_invariant_is_asserted():
    with pytest.raises(AssertionError, match="do not add up"):
        ImportReport(
            filename="x", kind="children", period=P, format="csv", encoding=None,
            delimiter=None, sheet=None, header_row=1, mapping={}, unmapped=[], confidence={},
            layout="counts", rows_total=3, rows_imported=1, rows_skipped=1, rows_rejected=0,
            problems=[], codes_remapped={}, data=pd.DataFrame(),
        )  # fmt: skip
