"""Spatial analysis of the county table: one module per method, one registry.

=============  ==========================================================
``params``     :class:`AnalysisParams`: defaults and bounds, declared once
``methods``    the registry (:data:`REGISTRY`, :func:`register`, :func:`run`)
``clusters``   Local Moran's I and its Empirical Bayes rate version (LISA)
``geary``      Local Geary's c: counties like or unlike their neighbours
``hotspots``   Getis-Ord Gi* hot and cold spots
``change``     cluster transitions between two periods
``coverage``   need versus service coverage, gap score, bivariate classes
``access``     two-step floating catchment (2SFCA) and nearest facility
``siting``     where to build next: maximal covering location (spopt)
``weights``    queen contiguity with the islands joined
``classify``   class breaks for choropleths (mapclassify)
=============  ==========================================================

Results are numbers and category codes only; the UI names and colours them
(``dashboard/methods.py``).
"""

from geodata.analysis.methods import REGISTRY, Inputs, Method, get, load_weights, register, run
from geodata.analysis.params import BOUNDS, DEFAULT_SEED, AnalysisParams

__all__ = [
    "BOUNDS",
    "DEFAULT_SEED",
    "REGISTRY",
    "AnalysisParams",
    "Inputs",
    "Method",
    "get",
    "load_weights",
    "register",
    "run",
]
