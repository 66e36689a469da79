"""Tables and method notes shown beside an analysis map (pure: no Dash import)."""

from __future__ import annotations

import pandas as pd

NOTES = {
    "values": ("", ""),
    "lisa": (
        "局部莫兰指数：高-高表示该县与邻县数值都高（显著聚集），低-低反之；高-低、低-高是与邻县相反的"
        "异常值。置换检验 p<α；邻接为后/皇后邻接，行标准化，7 个海岛县与最近的县相连。",
        "Local Moran's I: High-High = the county and its neighbours are all high (a significant "
        "cluster), Low-Low the reverse; High-Low and Low-High are outliers against their "
        "neighbours. Permutation test, p < alpha; queen contiguity, row-standardised; the 7 "
        "island units are joined to their nearest county.",
    ),
    "lisa_rate": (
        "经验贝叶斯比率聚类：先把人口少的县的比率向总体收缩，再做局部莫兰指数，避免小县的偶然高比率被当成聚集。",
        "Empirical Bayes rate LISA: small counties' rates are shrunk towards the overall rate "
        "before Local Moran's I, so chance highs in small populations do not show as clusters.",
    ),
    "gistar": (
        "Getis-Ord Gi*：该县及邻县合计显著偏高为热点、偏低为冷点；99%/95%/90% 为置信水平（置换检验）。",
        "Getis-Ord Gi*: the county with its neighbours is significantly high (hot spot) or low "
        "(cold spot); 99/95/90% are confidence levels from a permutation test.",
    ),
    "cluster_change": (
        "聚类变化：本期与上一期分别做局部莫兰指数（同一权重、置换次数和种子），显示县是新进入、离开还是仍在聚类中。",
        "Cluster change: Local Moran's I in this and the previous period (same weights, "
        "permutations and seed); shows whether a county entered, left or stayed in a cluster.",
    ),
    "coverage": (
        "双变量图：纵向为需求（留守儿童人数三分位），横向为覆盖（每千名留守儿童的儿童之家和活动中心三分位）。"
        "粉色为“儿童多、服务少”，优先关注；缺口分 = 需求百分位 ×（1 − 覆盖百分位）。",
        "Bivariate map: need (left-behind children, tertiles) against coverage (children's "
        "homes and activity centres per 1,000 left-behind children, tertiles). Pink = many "
        "children, few services: priority. Gap score = need percentile x (1 - coverage "
        "percentile).",
    ),
    "2sfca": (
        "两步移动搜索法：每个设施的服务能力按其半径内的留守儿童分摊，再把县中心半径内可达的份额相加（大圆距离）。",
        "Two-step floating catchment: each facility's capacity is shared among the left-behind "
        "children within the radius, and each county sums the shares it can reach "
        "(great-circle distance from the county centre).",
    ),
    "mclp": (
        "最大覆盖选址：在县中心候选点中选 K 处新设施，使半径内尚未被现有设施覆盖的留守儿童最多（spopt，CBC 求解）。"
        "星号为选中的位置。",
        "Maximal covering location: K new sites among county centres that cover the most "
        "left-behind children not yet within the radius of an existing facility (spopt, CBC "
        "solver). Stars mark the chosen sites.",
    ),
}

COLUMN_NAMES = {
    "rank": ("排名", "Rank"),
    "name_zh": ("县", "County"),
    "prefecture_zh": ("地市", "Prefecture"),
    "province_zh": ("省", "Province"),
    "code": ("代码", "Code"),
    "need": ("留守儿童", "Left-behind"),
    "facilities": ("设施", "Facilities"),
    "facilities_per_1000": ("设施/千人", "Facilities per 1,000"),
    "directors_per_1000": ("儿童主任/千人", "Directors per 1,000"),
    "gap_score": ("缺口分", "Gap score"),
    "lisa_i": ("莫兰 I", "Moran's I"),
    "lisa_p": ("p", "p"),
    "lisa_cluster": ("聚类", "Cluster"),
    "gi_z": ("z", "z"),
    "gi_p": ("p", "p"),
    "gi_bin": ("置信", "Bin"),
    "value": ("数值", "Value"),
    "access_per_1000": ("可达性/千人", "Access per 1,000"),
    "facilities_in_reach": ("半径内设施", "Facilities in reach"),
    "nearest_facility_km": ("最近设施（公里）", "Nearest (km)"),
    "order": ("顺序", "Order"),
    "newly_covered": ("新增覆盖", "Newly covered"),
    "cumulative_covered": ("累计新增", "Cumulative"),
    "lisa_cluster_before": ("上期聚类", "Before"),
    "transition": ("变化", "Change"),
}


def table_for(
    method: str,
    result: pd.DataFrame,
    names: pd.DataFrame,
    values: pd.Series | None,
    lang: str,
    top: int = 50,
) -> pd.DataFrame:
    """The ranked table shown under the map for a mode."""
    if method == "coverage":
        from geodata.coverage import priority_table

        t = priority_table(result, names=names, top=top)
    elif method in ("lisa", "lisa_rate"):
        t = result[result["lisa_cluster"] == "HH"].sort_values("lisa_i", ascending=False)
        t = names.join(t, how="inner").head(top)
    elif method == "cluster_change":
        t = result[result["transition"].isin(["entered", "left", "switched"])]
        t = names.join(t, how="inner").sort_values("transition").head(top)
    elif method == "gistar":
        t = result[result["gi_bin"] >= 1].sort_values("gi_z", ascending=False)
        t = names.join(t, how="inner").head(top)
    elif method == "2sfca":
        t = result.dropna(subset=["access_per_1000"]).sort_values("access_per_1000")
        t = names.join(t, how="inner").head(top)
    elif method == "mclp":
        sites = result.attrs.get("sites", pd.DataFrame())
        t = names.join(sites[["order", "newly_covered", "cumulative_covered"]], how="inner")
        t = t.sort_values("order")
    else:
        v = (values if values is not None else pd.Series(dtype=float)).dropna()
        t = names.join(v.rename("value"), how="inner").sort_values("value", ascending=False)
        t = t.head(top)
    t = t.reset_index(names="code") if "code" not in t.columns else t.reset_index(drop=True)
    return t


def grid_payload(table: pd.DataFrame, lang: str) -> tuple[list[dict], list[dict]]:
    """rowData and columnDefs for dash-ag-grid."""
    keep = [c for c in table.columns if c in COLUMN_NAMES]
    t = table[keep].copy()
    for c in t.columns:
        if pd.api.types.is_float_dtype(t[c]):
            t[c] = t[c].round(3)
    zh = lang == "zh"
    defs = [
        {
            "field": c,
            "headerName": COLUMN_NAMES[c][0 if zh else 1],
            "sortable": True,
            "filter": True,
            "resizable": True,
        }
        for c in keep
    ]
    rows = t.astype(object).where(t.notna(), None).to_dict("records")
    return rows, defs


def note(method: str, lang: str) -> str:
    zh, en = NOTES.get(method, ("", ""))
    return zh if lang == "zh" else en
