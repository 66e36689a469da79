"""Small layers shared by the analysis tests (weights, clusters, hot spots, ...).

Kept out of ``conftest.py`` so the analysis tests do not depend on fixtures other
modules define; import the helpers directly.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

SIZE = 0.1  # degrees: cells of about 10 x 11 km near 30N


def grid(n: int, *, x0: float = 100.0, y0: float = 30.0, size: float = SIZE) -> gpd.GeoDataFrame:
    """An n x n grid of squares in EPSG:4326, codes ``"RRRCCC"`` (row, column)."""
    rows = [(r, c) for r in range(n) for c in range(n)]
    codes = [code(r, c) for r, c in rows]
    geoms = [
        box(x0 + c * size, y0 + r * size, x0 + (c + 1) * size, y0 + (r + 1) * size) for r, c in rows
    ]
    return gpd.GeoDataFrame(
        {"code": codes, "name_zh": codes, "province_code": "110000"},
        geometry=geoms,
        index=pd.Index(codes),
        crs="EPSG:4326",
    )


def code(r: int, c: int) -> str:
    return f"{r:03d}{c:03d}"


def block(r0: int, c0: int, k: int = 3) -> list[str]:
    """Codes of the k x k block whose lower-left cell is (r0, c0)."""
    return [code(r, c) for r in range(r0, r0 + k) for c in range(c0, c0 + k)]


def planted(n: int = 7, *, seed: int = 0, high: float = 10.0, low: float = 0.0) -> pd.Series:
    """Noise around 10 with a +high 3x3 block at the lower left and -low at the upper right."""
    g = grid(n)
    y = pd.Series(np.random.default_rng(seed).normal(10.0, 1.0, n * n), index=g.index)
    y[block(0, 0)] += high
    if low:
        y[block(n - 3, n - 3)] -= low
    return y


def sids2() -> gpd.GeoDataFrame:
    """libpysal's bundled North Carolina SIDS layer (ships with the package), by FIPS."""
    import libpysal

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        g = gpd.read_file(libpysal.examples.get_path("sids2.shp"))
    g = g.set_index("FIPS")
    g.index = g.index.astype(str)
    return g.set_crs("EPSG:4326", allow_override=True)


def sids2_gal():
    """The rook contiguity that esda's own tests use with sids2."""
    import libpysal

    return libpysal.io.open(libpysal.examples.get_path("sids2.gal")).read()
