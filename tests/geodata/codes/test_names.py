"""Stems, pinyin and English names, and the precomputed names file."""

from __future__ import annotations

import pytest

from geodata.boundaries import source
from geodata.codes import names, names_file


def test_names_file_matches_layer():
    rows = names_file._read_names_file()
    layer = source.counties()["name_zh"]
    assert set(rows) == set(layer.index), "run python -m geodata.codes"
    assert all(rows[c][0] == n for c, n in layer.items())


@pytest.mark.parametrize(
    ("name", "stem"),
    [("朝阳区", "朝阳"), ("大厂回族自治县", "大厂"), ("东乡族自治县", "东乡"), ("城区", "城区"),
     ("和县", "和"), ("长白朝鲜族自治县", "长白"), ("万柏林区", "万柏林"), ("神农架林区", "神农架"),
     ("土默特左旗", "土默特"), ("塔什库尔干塔吉克自治县", "塔什库尔干")],
)  # fmt: skip
def test_stem(name, stem):
    assert names.stem(name) == stem


def test_names_file_is_what_the_rules_write(tmp_path):
    # The shipped file is the rules' output, not hand edits (fix a reading in the rules).
    out = tmp_path / "names_en.csv"
    assert names_file.write_names_file(out) == len(source.counties())
    assert out.read_bytes() == names_file.NAMES_FILE.read_bytes(), "run python -m geodata.codes"
