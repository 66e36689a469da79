"""Time the spatial analysis methods of issue 3 and print a markdown table.

Usage::

    .venv/bin/python bench/bench_analysis.py            # real layer if available
    .venv/bin/python bench/bench_analysis.py --synthetic
    .venv/bin/python bench/bench_analysis.py --no-numba  # skip the numba comparison

Layer: ``geodata.boundaries.load_layers(cache_dir).counties_full`` when that module
exists, else a synthetic layer of ~2,900 irregular (Voronoi) polygons over China's
extent, denser in the east, with seven small offshore islands.  Values are a smooth
spatial field plus noise; 30,000 facility points sit near county centres.

Goals (issue 3): LISA and Gi* with 999 permutations under 1 s, 2SFCA under 2 s, MCLP
with K = 20 under 30 s.  The weights build is timed too (callers cache it).

When numba is installed, esda compiles its permutation kernels on the first call of
every process; this atlas swaps them for the plain-Python kernels by default
(:mod:`geodata.analysis._pysal`).  The script also times the numba path in a subprocess
(``ATLAS_ESDA_NUMBA=1``), first call (with compilation) and second call.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, box

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geodata.analysis.access import nearest_facility_km, two_step_fca  # noqa: E402
from geodata.analysis.clusters import global_moran, local_moran, local_moran_rate  # noqa: E402
from geodata.analysis.coverage import coverage_table  # noqa: E402
from geodata.analysis.hotspots import getis_ord_star  # noqa: E402
from geodata.analysis.siting import maximal_covering  # noqa: E402
from geodata.analysis.weights import build_weights  # noqa: E402


def synthetic_layer(n: int = 2900, seed: int = 0) -> gpd.GeoDataFrame:
    """~n Voronoi polygons over 75-135E, 18-53N (denser east), plus 7 islands."""
    rng = np.random.default_rng(seed)
    # Density falls off westwards: sample lon with a triangular distribution.
    lon = rng.triangular(75, 122, 125, n)
    lat = rng.uniform(20, 50, n)
    frame = box(73, 18, 135, 54)
    cells = shapely.voronoi_polygons(MultiPoint(np.column_stack([lon, lat])), extend_to=frame)
    polys = [shapely.intersection(c, frame) for c in cells.geoms]
    # Order polygons by the generating point they contain.
    pts = shapely.points(lon, lat)
    tree = shapely.STRtree(polys)
    order = tree.query(pts, predicate="within")
    geoms = [None] * n
    for p_idx, g_idx in zip(order[0], order[1], strict=True):
        geoms[p_idx] = polys[g_idx]
    islands = [box(136 + i * 0.5, 30 + i, 136.2 + i * 0.5, 30.2 + i) for i in range(7)]
    codes = [f"{100000 + i}" for i in range(n)] + [f"{900000 + i}" for i in range(7)]
    gdf = gpd.GeoDataFrame(
        {"code": codes, "name_zh": codes, "province_code": [c[:2] + "0000" for c in codes]},
        geometry=geoms + islands,
        index=codes,
        crs="EPSG:4326",
    )
    rp = gdf.representative_point()
    gdf["cx"], gdf["cy"] = rp.x, rp.y
    return gdf


def load_layer(synthetic: bool, cache_dir: Path) -> tuple[gpd.GeoDataFrame, str]:
    if not synthetic:
        try:
            from geodata.boundaries import load_layers  # type: ignore[attr-defined]

            layers = load_layers(cache_dir)
            return layers.counties_full, "real (geodata.boundaries counties_full)"
        except Exception as exc:  # noqa: BLE001 - fall back on anything
            print(f"(real layer unavailable: {type(exc).__name__}: {exc}; using synthetic)")
    return synthetic_layer(), "synthetic Voronoi"


def fake_data(gdf: gpd.GeoDataFrame, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    cx, cy = gdf["cx"].to_numpy(), gdf["cy"].to_numpy()
    field = np.exp(-(((cx - 108) / 8) ** 2) - ((cy - 29) / 5) ** 2)  # a Sichuan-like high
    lb = rng.poisson(500 + 20000 * field + rng.gamma(1.5, 1500, len(gdf)))
    children = lb + rng.poisson(30000, len(gdf))
    data = pd.DataFrame(
        {
            "children": children,
            "left_behind": lb,
            "children_homes": rng.poisson(8, len(gdf)),
            "activity_centres": rng.poisson(4, len(gdf)),
            "child_directors": rng.poisson(150, len(gdf)),
        },
        index=gdf.index,
    )
    k = 30000
    idx = rng.integers(0, len(gdf), k)
    fac = pd.DataFrame(
        {"lon": cx[idx] + rng.normal(0, 0.15, k), "lat": cy[idx] + rng.normal(0, 0.15, k)}
    )
    return data, fac


def timed(fn, *args, repeat: int = 1, **kwargs) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t)
    return best, out


# --- floors: the irreducible core of each family, timed in the same run ----------------


def floor_permutations(y: pd.Series, cw, permutations: int = 999) -> None:
    """999 random permutations of y and one sparse spatial lag each (numpy + scipy)."""
    rng = np.random.default_rng(0)
    w = cw.sparse if hasattr(cw, "sparse") else cw.w.sparse
    v = y.to_numpy(dtype=float)
    for _ in range(permutations):
        w @ rng.permutation(v)


def floor_catchment(counties: pd.DataFrame, fac: pd.DataFrame, radius_km: float) -> None:
    """One KD-tree on the facilities and one radius query from every county centre."""
    from scipy.spatial import cKDTree

    lat0 = np.deg2rad(35.0)

    def xy(df: pd.DataFrame, lon: str, lat: str) -> np.ndarray:
        return np.c_[df[lon].to_numpy() * 111.32 * np.cos(lat0), df[lat].to_numpy() * 110.57]

    tree = cKDTree(xy(fac, "lon", "lat"))
    tree.query_ball_point(xy(counties, "cx", "cy"), r=radius_km)


def floor_greedy(counties: pd.DataFrame, need: pd.Series, k: int, radius_km: float) -> None:
    """Greedy maximal covering on the same candidate x demand matrix (no solver)."""
    from scipy.spatial import cKDTree

    pts = np.c_[counties["cx"].to_numpy() * 91.2, counties["cy"].to_numpy() * 110.57]
    pairs = cKDTree(pts).query_ball_point(pts, r=radius_km)
    w = need.reindex(counties.index).fillna(0).to_numpy()
    covered = np.zeros(len(w), dtype=bool)
    for _ in range(k):
        gains = [w[p][~covered[p]].sum() for p in pairs]
        covered[pairs[int(np.argmax(gains))]] = True


def esda_only(pickle_path: str) -> None:
    """Subprocess entry: time LISA and Gi* (first and second call) as JSON."""
    import pickle

    with open(pickle_path, "rb") as fh:
        cw, y = pickle.load(fh)
    out = {}
    for name, fn in (("lisa", local_moran), ("gistar", getis_ord_star)):
        t1, _ = timed(fn, y, cw, permutations=999, seed=0)
        t2, _ = timed(fn, y, cw, permutations=999, seed=0)
        out[name] = [t1, t2]
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--synthetic", action="store_true", help="force the synthetic layer")
    ap.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "atlas-bench-layers",
        help="cache directory for geodata.boundaries.load_layers",
    )
    ap.add_argument("--no-numba", action="store_true", help="skip the numba comparison")
    ap.add_argument("--radius-km", type=float, default=50.0)
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--esda-only", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.esda_only:
        esda_only(args.esda_only)
        return

    gdf, source = load_layer(args.synthetic, args.cache_dir)
    data, fac = fake_data(gdf)
    rows: list[tuple[str, str, float, str]] = []
    floors: dict[str, float] = {}

    t, cw = timed(build_weights, gdf)
    rows.append(("weights (queen, islands joined)", f"{cw.n} units", t, "cached by callers"))
    y = data["left_behind"].astype(float)
    timed(local_moran, y, cw, permutations=99, seed=0)  # warm imports
    t, _ = timed(local_moran, y, cw, permutations=999, seed=0, repeat=3)
    rows.append(("LISA (Moran_Local, 999 perms)", f"{cw.n}", t, "< 1 s"))
    floors["perm"], _ = timed(floor_permutations, y, cw, repeat=3)
    t, _ = timed(
        local_moran_rate, data["left_behind"], data["children"], cw, permutations=999, repeat=3
    )
    rows.append(("EB rate LISA (999 perms)", f"{cw.n}", t, "< 1 s"))
    t, _ = timed(getis_ord_star, y, cw, permutations=999, seed=0, repeat=3)
    rows.append(("Gi* (G_Local star, 999 perms)", f"{cw.n}", t, "< 1 s"))
    t, _ = timed(global_moran, y, cw, permutations=999, repeat=3)
    rows.append(("global Moran's I (999 perms)", f"{cw.n}", t, "-"))
    t, _ = timed(coverage_table, data, repeat=3)
    rows.append(("coverage + gap + bivariate", f"{cw.n}", t, "-"))
    counties = gdf[["cx", "cy"]]
    t, _ = timed(
        two_step_fca, counties, data["left_behind"], fac, radius_km=args.radius_km, repeat=3
    )
    rows.append((f"2SFCA ({args.radius_km:g} km)", f"{cw.n} x {len(fac):,} facilities", t, "< 2 s"))
    floors["catchment"], _ = timed(floor_catchment, counties, fac, args.radius_km, repeat=3)
    floors["greedy"], _ = timed(
        floor_greedy, counties, data["left_behind"], args.k, args.radius_km, repeat=3
    )
    t, _ = timed(nearest_facility_km, counties, fac, repeat=3)
    rows.append(("nearest facility distance", f"{cw.n} x {len(fac):,}", t, "-"))
    for existing, label in (
        (None, "no existing"),
        (fac.sample(3000, random_state=0), "3,000 existing"),
    ):
        t, res = timed(
            maximal_covering,
            counties,
            data["left_behind"],
            k=args.k,
            radius_km=args.radius_km,
            existing=existing,
        )
        rows.append(
            (
                f"MCLP K={args.k}, {args.radius_km:g} km, {label} ({res.status})",
                f"{cw.n} x {cw.n} candidates",
                t,
                "< 30 s",
            )
        )

    numba_rows = []
    try:
        import numba  # noqa: F401

        has_numba = True
    except ImportError:
        has_numba = False
    if has_numba and not args.no_numba:
        import pickle

        with tempfile.NamedTemporaryFile(suffix=".pkl", delete=False) as fh:
            pickle.dump((cw, y), fh)
        env = dict(os.environ, ATLAS_ESDA_NUMBA="1")
        proc = subprocess.run(
            [sys.executable, __file__, "--esda-only", fh.name],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        os.unlink(fh.name)
        res = json.loads(proc.stdout.strip().splitlines()[-1])
        numba_rows = [
            ("LISA, numba kernels: first call (compiles)", res["lisa"][0]),
            ("LISA, numba kernels: second call", res["lisa"][1]),
            ("Gi*, numba kernels: first call (compiles)", res["gistar"][0]),
            ("Gi*, numba kernels: second call", res["gistar"][1]),
        ]

    print(f"\nLayer: {source}; {cw.n} units; islands joined: {len(cw.joins)}; ", end="")
    print(f"numba installed: {has_numba} (default: plain-Python esda kernels)\n")
    print(
        "Floors (same run): 999 permutations with a sparse lag each "
        f"{floors['perm']:.3f} s; KD-tree radius search {floors['catchment']:.3f} s; "
        f"greedy covering (no solver) {floors['greedy']:.3f} s.\n"
    )
    print("| method | size | time (s) | floor | ratio | goal |")
    print("|---|---|---:|---|---:|---|")
    for name, size, t, goal in rows:
        fam = (
            "perm"
            if "perms" in name
            else "catchment"
            if name.startswith(("2SFCA", "nearest"))
            else "greedy"
            if name.startswith("MCLP")
            else None
        )
        ratio = f"{t / floors[fam]:.1f}x" if fam else "-"
        print(f"| {name} | {size} | {t:.3f} | {fam or '-'} | {ratio} | {goal} |")
    for name, t in numba_rows:
        print(f"| {name} | {cw.n} | {t:.3f} | perm | {t / floors['perm']:.1f}x | - |")


if __name__ == "__main__":
    main()
