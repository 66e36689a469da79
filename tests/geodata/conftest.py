"""Shared fixtures for geodata tests."""

import os
import uuid

import geopandas as gpd
import numpy as np
import pytest
import shapely
import sqlalchemy as sa
from shapely.geometry import Polygon, box

# 31 mainland provinces plus Taiwan, Hong Kong and Macau, as in the real layer.
_PROVINCES = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
]  # fmt: skip
# Six counties per province on a 3 x 2 block: two districts, three counties, one city.
_SUFFIX_KIND = [("01", "district"), ("02", "district"), ("21", "county"), ("22", "county"),
                ("23", "county"), ("81", "city")]  # fmt: skip


def make_grid_counties(provinces: list[str] | None = None) -> gpd.GeoDataFrame:
    """A small county layer shaped like ``geodata.boundaries`` ``counties_full``.

    Provinces sit on a 6-wide grid of 3 x 2 degree blocks; each county is a one-degree
    cell, alternately the whole cell or a triangle in it (so that a point in the cell's
    bounds is not necessarily in the county).
    """
    rows = []
    for i, p in enumerate(provinces or _PROVINCES):
        bx, by = 80 + (i % 6) * 3, 22 + (i // 6) * 2
        for j, (suffix, kind) in enumerate(_SUFFIX_KIND):
            x, y = bx + j % 3, by + j // 3
            geom = (
                box(x, y, x + 1, y + 1) if j % 2 == 0 else Polygon([(x, y), (x + 1, y), (x, y + 1)])
            )
            code = f"{p}01{suffix}" if p not in ("71",) else f"7100{suffix}"
            rows.append(
                {
                    "code": code,
                    "name_zh": f"测试{p}{suffix}{'区' if kind == 'district' else '县' if kind == 'county' else '市'}",
                    "prefecture_code": f"{p}0100",
                    "prefecture_zh": f"测试{p}市",
                    "province_code": f"{p}0000",
                    "province_zh": f"测试省{p}",
                    "kind": "other" if p == "71" else kind,
                    "geometry": geom,
                }
            )
    g = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    rep = g.geometry.representative_point()
    g["cx"], g["cy"] = rep.x, rep.y
    g["area_km2"] = shapely.area(g.geometry.values) * 111.32 * 110.57 * np.cos(np.radians(g["cy"]))
    g = g.set_index("code", drop=False)
    g.index.name = None
    cols = ["code", "name_zh", "prefecture_code", "prefecture_zh", "province_code",
            "province_zh", "kind", "area_km2", "cx", "cy", "geometry"]  # fmt: skip
    return g[cols]


@pytest.fixture(scope="session")
def grid_counties() -> gpd.GeoDataFrame:
    """204 fake counties in 34 provinces (see :func:`make_grid_counties`)."""
    return make_grid_counties()


# --------------------------------------------------------------------------- store backends

_TRUE = {"1", "true", "yes", "on"}


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def store(request, tmp_path):
    """An empty :class:`geodata.store.Store` (tables created), once per backend.

    ``sqlite``: a fresh file in ``tmp_path``. ``postgres``: a fresh schema on the server
    named by ``DATABASE_URL_TEST`` (``make test`` starts one, see
    ``scripts/pg-test-server.sh``), dropped afterwards; skipped without that variable,
    but failed under ``CI=true`` so that a broken server setup cannot pass silently.
    """
    from geodata.store import Store, sqlite_url

    if request.param == "sqlite":
        s = Store(sqlite_url(tmp_path / "atlas.sqlite"))
        s.create_all()
        yield s
        s.dispose()
        return

    url = os.environ.get("DATABASE_URL_TEST")
    if not url:
        message = "DATABASE_URL_TEST is not set (make test starts a PostgreSQL server)"
        if os.environ.get("CI", "").lower() in _TRUE:
            pytest.fail(f"CI=true: {message}")
        pytest.skip(message)
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    s = Store(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        s.create_all()
        yield s
    finally:
        s.dispose()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
