"""The registry of analysis methods: what each needs, what it returns, how it runs.

A method is one module under ``geodata/analysis/`` with a function
``run(params, inputs) -> DataFrame`` (results are numbers and category codes only;
labels and colours belong to the UI, ``dashboard/methods.py``), plus one
:class:`Method` entry in :data:`REGISTRY` below. Built-in methods are registered with
:func:`register`, the same call an extension would use. The entry names its runner as
``"module:function"`` so that importing the registry stays cheap (esda and spopt load
when a method first runs).

The API, the CLI, the map modes and the exports take the list of methods from here.
``docs/contributing.md`` walks through adding one.

Examples
--------
>>> sorted(REGISTRY["gistar"].needs)
['values', 'weights']
>>> REGISTRY["2sfca"].value_column, REGISTRY["lisa"].class_column
('access_per_1000', 'lisa_cluster')
"""

from __future__ import annotations

import importlib
import logging
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geodata.analysis.params import AnalysisParams

log = logging.getLogger(__name__)

#: What a method may ask for (see :class:`Inputs`).
NEEDS = frozenset({"values", "weights", "facilities", "previous_values", "rates"})

#: Rate indicators whose Empirical Bayes LISA uses (event column, base column).
RATE_INPUTS = {
    "left_behind_rate": ("left_behind", "children"),
    "migrant_rate": ("migrant", "children"),
}
WEIGHTS_FILE = "weights-queen-islands-joined-v2.pkl"
"""v2: pickled from geodata.analysis.weights (a v1 file names the old module path)."""


@dataclass(frozen=True)
class Inputs:
    """What a method runs on; the caller fills what the method's ``needs`` name."""

    table: pd.DataFrame
    """Joined county table (``cx, cy``, measures, facility counts) indexed by code."""
    values: pd.Series | None = None
    """The indicator's values."""
    weights: object | None = None
    """:class:`geodata.analysis.weights.CountyWeights` of the full layer."""
    facilities: pd.DataFrame | None = None
    """Facility points ``lon, lat``."""
    previous_values: pd.Series | None = None
    """The indicator in the previous period."""
    candidates: pd.DataFrame | None = None
    """Candidate sites ``lon, lat`` indexed by an id (siting; default county centres)."""

    def need_values(self, method: str) -> pd.Series:
        """Finite indicator values, refusing fewer than 10 counties."""
        if self.values is None:
            raise ValueError(f"{method} needs indicator values")
        v = self.values.astype(float).replace([np.inf, -np.inf], np.nan).dropna()
        if len(v) < 10:
            raise ValueError(f"{method} needs values for at least 10 counties, got {len(v)}")
        return v

    def need_points(self, method: str) -> pd.DataFrame:
        """Facility points as floats, refusing none."""
        if self.facilities is None or self.facilities.empty:
            raise ValueError(f"{method} needs facility points (none in this period)")
        return self.facilities[["lon", "lat"]].astype(float).dropna()


@dataclass(frozen=True)
class Method:
    """One analysis method, as the data layer knows it (no labels, no colours)."""

    id: str
    runner: str
    """``"module:function"`` of ``run(params, inputs) -> DataFrame``."""
    columns: tuple[str, ...]
    """Result columns, in order; the result is indexed like the input table."""
    needs: frozenset[str] = frozenset()
    uses: tuple[str, ...] = ()
    """The parameters that change its result (the page shows only these)."""
    class_column: str | None = None
    """Drawn as categories: the column holding each county's class code..."""
    classes: tuple = ()
    """...and the class codes in legend order."""
    value_column: str | None = None
    """Drawn as values: the column classified like an indicator."""
    attrs: tuple[str, ...] = field(default=())
    """Extra results in ``DataFrame.attrs`` (e.g. ``summary``, ``sites``)."""

    def __post_init__(self) -> None:
        if not self.needs <= NEEDS:
            raise ValueError(f"{self.id}: unknown needs {sorted(self.needs - NEEDS)}")
        if (self.class_column is None) == (self.value_column is None):
            raise ValueError(f"{self.id}: drawn either as classes or as values")

    @property
    def run(self) -> Callable[[AnalysisParams, Inputs], pd.DataFrame]:
        module, _, name = self.runner.partition(":")
        return getattr(importlib.import_module(module), name)


REGISTRY: dict[str, Method] = {}


def register(method: Method) -> Method:
    """Add a method to the registry (built-in methods and extensions alike)."""
    REGISTRY[method.id] = method
    return method


def get(method_id: str) -> Method:
    """The registered method `method_id` (``ValueError`` naming the choices)."""
    try:
        return REGISTRY[method_id]
    except KeyError:
        raise ValueError(
            f"unknown method {method_id!r}; use one of {', '.join(REGISTRY)}"
        ) from None


def run(
    params: AnalysisParams,
    table: pd.DataFrame,
    values: pd.Series | None = None,
    *,
    weights=None,
    facilities: pd.DataFrame | None = None,
    previous_values: pd.Series | None = None,
    candidates: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Run one method; returns its columns indexed like ``table`` (extras in ``attrs``)."""
    method = get(params.method)
    if "weights" in method.needs and weights is None:
        raise ValueError(f"{method.id} needs spatial weights")
    if "previous_values" in method.needs and previous_values is None:
        raise ValueError(f"{method.id} needs the indicator in a previous period with data")
    inputs = Inputs(table, values, weights, facilities, previous_values, candidates)
    out = method.run(params, inputs)
    result = out.reindex(table.index)[list(method.columns)]
    result.attrs.update(out.attrs)
    return result


def load_weights(layers, directory: Path | None = None):
    """Queen weights (islands joined) for the full layer, built once and pickled.

    The pickle sits in the layer's cache directory, so a new layer gets new weights.
    """
    from geodata.analysis.weights import build_weights

    directory = Path(directory or layers.path)
    path = directory / WEIGHTS_FILE
    if path.is_file():
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except Exception as exc:  # corrupt or from an incompatible version: rebuild
            log.warning("weights cache %s unreadable (%s); rebuilding", path, exc)
    log.info("building county neighbour weights (once; about half a minute)")
    cw = build_weights(layers.counties_full)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(cw, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return cw


# --- the built-in methods -----------------------------------------------------------
_SPATIAL = ("indicator", "permutations", "seed", "alpha", "fdr")

register(Method(
    "lisa", "geodata.analysis.clusters:run", ("lisa_i", "lisa_p", "lisa_cluster"),
    needs=frozenset({"values", "weights"}), uses=_SPATIAL,
    class_column="lisa_cluster", classes=("HH", "LL", "HL", "LH", "ns"),
))  # fmt: skip
register(Method(
    "lisa_rate", "geodata.analysis.clusters:run_rate", ("lisa_i", "lisa_p", "lisa_cluster"),
    needs=frozenset({"weights", "rates"}), uses=_SPATIAL,
    class_column="lisa_cluster", classes=("HH", "LL", "HL", "LH", "ns"),
))  # fmt: skip
register(Method(
    "geary", "geodata.analysis.geary:run", ("geary_c", "geary_p", "geary_cluster"),
    needs=frozenset({"values", "weights"}), uses=_SPATIAL,
    class_column="geary_cluster", classes=("HH", "LL", "other", "negative", "ns"),
))  # fmt: skip
register(Method(
    "gistar", "geodata.analysis.hotspots:run", ("gi_z", "gi_p", "gi_bin"),
    needs=frozenset({"values", "weights"}), uses=_SPATIAL,
    class_column="gi_bin", classes=(3, 2, 1, 0, -1, -2, -3),
))  # fmt: skip
register(Method(
    "cluster_change", "geodata.analysis.change:run",
    ("lisa_cluster_before", "lisa_cluster", "transition"),
    needs=frozenset({"values", "weights", "previous_values"}), uses=_SPATIAL,
    class_column="transition", classes=("entered", "left", "switched", "stayed", "stable"),
))  # fmt: skip
register(Method(
    "coverage", "geodata.analysis.coverage:run",
    ("need", "facilities", "child_directors", "facilities_per_1000", "directors_per_1000",
     "children_per_facility", "no_facility", "need_pct", "coverage_pct", "gap_score",
     "bivariate"),
    class_column="bivariate",
    classes=tuple(f"{c}-{n}" for n in (1, 2, 3) for c in (1, 2, 3)),
))  # fmt: skip
register(Method(
    "2sfca", "geodata.analysis.access:run",
    ("access_per_1000", "facilities_in_reach", "nearest_facility_km"),
    needs=frozenset({"facilities"}), uses=("radius_km",), value_column="access_per_1000",
))  # fmt: skip
register(Method(
    "mclp", "geodata.analysis.siting:run",
    ("covered_before", "covered_after", "new_site", "site_order", "coverage_class"),
    needs=frozenset({"facilities"}), uses=("k", "radius_km"),
    class_column="coverage_class", classes=(0, 1, 2), attrs=("summary", "sites"),
))  # fmt: skip
register(Method(
    "reporting", "geodata.analysis.reporting:run", ("reporting_status", "reported_version"),
    class_column="reporting_status", classes=("reported", "missing"),
))  # fmt: skip
