"""Parameters of an analysis run: one declared place for their defaults and bounds.

The page, the URL, the HTTP API, the CLI and the exports all build
:class:`AnalysisParams` from these, so a default seed or a permutation cap is written
once. Every field is part of the result's cache key (:meth:`AnalysisParams.key`).

Examples
--------
>>> p = AnalysisParams("gistar", permutations=99)
>>> p.seed == DEFAULT_SEED, p.key().startswith("alpha=0.05:fdr=False:indicator=left_behind")
(True, True)
>>> AnalysisParams("lisa", permutations=99_999)
Traceback (most recent call last):
...
ValueError: permutations must be between 0 and 9999
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

DEFAULT_SEED = 20251123
"""Seed of the permutation tests unless the user sets one (same seed, same map)."""


@dataclass(frozen=True)
class Bound:
    """A numeric parameter: its default, the range a user may set, and its URL name."""

    name: str
    query: str
    default: float
    low: float
    high: float
    cast: type = int


#: The user-settable numeric parameters. ``low``/``high`` bound the page's inputs, the
#: URL, the API and the CLI alike (permutations cap at 9,999: a request for 99,999 cost
#: 32 s of CPU each).
BOUNDS: dict[str, Bound] = {
    b.name: b
    for b in (
        Bound("permutations", "perm", 999, 0, 9_999, int),
        Bound("seed", "seed", DEFAULT_SEED, 0, 2**31 - 1, int),
        Bound("radius_km", "radius", 10.0, 1, 500, float),
        Bound("k", "k", 20, 1, 200, int),
    )
}


@dataclass(frozen=True)
class AnalysisParams:
    """Parameters of a run; every field is part of the cache key."""

    method: str
    indicator: str = "left_behind"
    permutations: int = int(BOUNDS["permutations"].default)
    seed: int = DEFAULT_SEED
    alpha: float = 0.05
    fdr: bool = False
    radius_km: float = BOUNDS["radius_km"].default
    k: int = int(BOUNDS["k"].default)

    def __post_init__(self) -> None:
        from geodata.analysis.methods import REGISTRY

        if self.method not in REGISTRY:
            raise ValueError(f"unknown method {self.method!r}; use one of {', '.join(REGISTRY)}")
        for name, b in BOUNDS.items():
            v = getattr(self, name)
            if not b.low <= v <= b.high:
                raise ValueError(f"{name} must be between {b.low:g} and {b.high:g}")
        if not 0 < self.alpha < 1:
            raise ValueError("alpha must be between 0 and 1")

    def key(self) -> str:
        """A stable text key of every field (for caches)."""
        return ":".join(f"{k}={v}" for k, v in sorted(asdict(self).items()))

    def with_method(self, method: str) -> AnalysisParams:
        """The same parameters for another method (cluster change runs LISA twice)."""
        return replace(self, method=method)
