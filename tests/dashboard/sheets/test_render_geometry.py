"""Export geometry (dashboard.sheets.render.InlineGeometry) from the layer's own files."""

from __future__ import annotations

import json

import numpy as np

from dashboard.sheets import render
from geodata import boundaries


def test_inline_geometry_is_the_web_layer_and_its_province_outlines(layers):
    g = render._build_geometry(layers)
    assert g.counties == render._features(layers.counties_web)  # read from the GeoJSON file
    prov = boundaries.main_frame_provinces(layers)
    assert set(g.province_bounds) == set(prov.index)
    for code, b in zip(prov.index, prov.geometry.bounds.to_numpy(), strict=True):
        assert np.allclose(g.province_bounds[code], b, atol=1e-9), code


def test_national_sheet_geometry_is_kept_beside_the_layers(layers, tmp_path, monkeypatch):
    import shutil

    copy = tmp_path / layers.path.name
    shutil.copytree(layers.path, copy, symlinks=True)
    mine = boundaries.read_cache(copy)
    first = render._coarse_features(mine)
    kept = list(copy.glob("sheet-national-*.json.gz"))
    assert len(kept) == 1
    monkeypatch.setattr(render, "_simplified_features", lambda _l: (_ for _ in ()).throw(
        AssertionError("computed again")))  # fmt: skip
    again = render._coarse_features(mine)
    assert json.dumps(again) == json.dumps(first)
