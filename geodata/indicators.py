"""The indicator registry: what the map can show, in both languages, with its formula.

Every map colour, legend, table column and API field is one :class:`Indicator`. Keeping
names, units, one-line definitions and formulas together means the dashboard, the JSON
API and the exports cannot disagree about what a number means.

Definitions are deliberately explicit about *which* official definition a count uses,
because three exist and must never be mixed in one indicator (see ``docs/demo-data.md``):

- left-behind children: MCA 2016 (State Council opinion 2016 No. 13): rural-hukou
  children under 16 whose parents both work away, or one works away and the other
  cannot act as guardian;
- migrant children: 2024 action plan (MCA and 20 departments): under 16, living with a
  parent or guardian across county lines for more than six months;
- risk groups: the five groups on the 2024 focused-care list.

Input tables
------------
``compute(table, previous=None)`` takes a *joined county table*: one row per county,
indexed by the six-character county code (a ``code`` column, if present, is used as the
index instead), with the measure columns (``children``, ``left_behind``, ``migrant``,
``risk_*``), the facility counts (``children_homes``, ``activity_centres``,
``child_directors``, ``child_supervisors``) and ``area_km2``. A column that is absent
gives an all-NaN result (no data), never an error, so a period without facility data
still renders. Division by zero gives NaN, never ``inf``.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"code": ["110101", "110102"], "children": [1000, 0],
...                   "left_behind": [50, 0]})
>>> get("left_behind_rate").compute(t).tolist()
[50.0, nan]
>>> sorted(groups())[:2]
['change', 'counts']
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

Group = Literal["counts", "rates", "shares", "density", "change", "coverage"]
HigherIs = Literal["need", "coverage", "neutral"]
ComputeFn = Callable[[pd.DataFrame, "pd.DataFrame | None"], pd.Series]

MEASURES: tuple[str, ...] = (
    "children",
    "left_behind",
    "migrant",
    "risk_hardship",
    "risk_disability",
    "risk_unguarded",
    "risk_street",
    "risk_psych",
)
"""Columns of a children dataset (counts of children under 16)."""

RISK_COLUMNS: tuple[str, ...] = MEASURES[3:]
FACILITY_COUNTS: tuple[str, ...] = (
    "children_homes",
    "activity_centres",
    "child_directors",
    "child_supervisors",
)
"""Facility-count columns per county."""

GROUPS: tuple[Group, ...] = ("counts", "rates", "shares", "density", "change", "coverage")
GROUP_NAMES: dict[str, tuple[str, str]] = {
    "counts": ("人数与数量", "Counts"),
    "rates": ("千人比率", "Rates per 1,000"),
    "shares": ("占比", "Shares"),
    "density": ("密度", "Density"),
    "change": ("变化", "Change"),
    "coverage": ("服务覆盖", "Service coverage"),
}
"""Display names (zh, en) of the groups, in display order."""


@dataclass(frozen=True)
class Indicator:
    """One mappable quantity.

    Attributes
    ----------
    id : str
        Stable identifier used in URLs, the API and exports.
    group : str
        One of ``GROUPS``.
    name_zh, name_en, unit_zh, unit_en, definition_zh, definition_en : str
        Display texts; each definition is one line naming the official definition.
    compute : callable
        ``compute(table, previous=None) -> pd.Series`` of floats indexed by county code.
    higher_is : str
        ``"need"`` (higher = more children to reach; warm colours), ``"coverage"``
        (higher = better served) or ``"neutral"``.
    diverging : bool
        True for changes, which need a diverging palette centred on zero.
    """

    id: str
    group: Group
    name_zh: str
    name_en: str
    unit_zh: str
    unit_en: str
    definition_zh: str
    definition_en: str
    compute: ComputeFn
    higher_is: HigherIs = "need"
    diverging: bool = False

    def meta(self) -> dict[str, object]:
        """Plain, JSON-serialisable description (everything except the formula)."""
        return {
            "id": self.id,
            "group": self.group,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "unit_zh": self.unit_zh,
            "unit_en": self.unit_en,
            "definition_zh": self.definition_zh,
            "definition_en": self.definition_en,
            "higher_is": self.higher_is,
            "diverging": self.diverging,
        }


# --- formula helpers -----------------------------------------------------------------


def _indexed(table: pd.DataFrame) -> pd.DataFrame:
    """Index by county code so that tables from two periods align on code."""
    if "code" in table.columns:
        return table.set_index("code", drop=False)
    return table


def _col(table: pd.DataFrame, name: str) -> pd.Series:
    """A column as float64 (NaN for missing values); all-NaN if the column is absent."""
    t = _indexed(table)
    if name not in t.columns:
        return pd.Series(np.nan, index=t.index, dtype="float64", name=name)
    return pd.to_numeric(t[name], errors="coerce").astype("float64")


def _sum(table: pd.DataFrame, names: tuple[str, ...]) -> pd.Series:
    """Row sum that stays NaN unless every part is present (a partial total would mislead)."""
    parts = [_col(table, n) for n in names]
    total = parts[0].copy()
    for part in parts[1:]:
        total = total + part
    return total


def safe_divide(numerator: pd.Series, denominator: pd.Series, scale: float = 1.0) -> pd.Series:
    """``scale * numerator / denominator`` with NaN wherever the denominator is 0 or NaN.

    Examples
    --------
    >>> safe_divide(pd.Series([1.0, 1.0, 0.0]), pd.Series([4.0, 0.0, 0.0]), 100).tolist()
    [25.0, nan, nan]
    """
    num = numerator.astype("float64")
    den = denominator.astype("float64").reindex(num.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = scale * num / den
    out = out.where(np.isfinite(out) & (den != 0))
    return out.astype("float64")


def _count(name: str) -> ComputeFn:
    def compute(table: pd.DataFrame, previous: pd.DataFrame | None = None) -> pd.Series:
        return _col(table, name)

    return compute


def _ratio(num: tuple[str, ...], den: tuple[str, ...], scale: float) -> ComputeFn:
    def compute(table: pd.DataFrame, previous: pd.DataFrame | None = None) -> pd.Series:
        return safe_divide(_sum(table, num), _sum(table, den), scale)

    return compute


def _total(names: tuple[str, ...]) -> ComputeFn:
    def compute(table: pd.DataFrame, previous: pd.DataFrame | None = None) -> pd.Series:
        return _sum(table, names)

    return compute


def _national_share(name: str) -> ComputeFn:
    def compute(table: pd.DataFrame, previous: pd.DataFrame | None = None) -> pd.Series:
        values = _col(table, name)
        total = values.sum(min_count=1)
        return safe_divide(values, pd.Series(total, index=values.index), 100.0)

    return compute


def _change(name: str, percent: bool) -> ComputeFn:
    def compute(table: pd.DataFrame, previous: pd.DataFrame | None = None) -> pd.Series:
        now = _col(table, name)
        if previous is None:
            return pd.Series(np.nan, index=now.index, dtype="float64")
        before = _col(previous, name).reindex(now.index)
        if percent:
            return safe_divide(now - before, before, 100.0)
        return (now - before).astype("float64")

    return compute


def _facilities(table: pd.DataFrame) -> pd.Series:
    return _sum(table, ("children_homes", "activity_centres"))


def _facilities_per_1000_lb(table: pd.DataFrame, previous: pd.DataFrame | None = None) -> pd.Series:
    return safe_divide(_facilities(table), _col(table, "left_behind"), 1000.0)


def _lb_per_facility(table: pd.DataFrame, previous: pd.DataFrame | None = None) -> pd.Series:
    return safe_divide(_col(table, "left_behind"), _facilities(table))


# --- the registry ---------------------------------------------------------------------

_LB_ZH = "农村留守儿童（民政部2016年定义：父母双方外出务工或一方外出另一方无监护能力的不满16周岁农村户籍儿童）"
_LB_EN = (
    "rural left-behind children (MCA 2016 definition: rural-hukou children under 16 whose "
    "parents both work away, or one works away and the other cannot act as guardian)"
)
_MG_ZH = "流动儿童（2024年行动方案定义：随父母或监护人跨县域流动、居住半年以上的不满16周岁儿童）"
_MG_EN = (
    "migrant children (2024 action plan definition: under 16, living with a parent or "
    "guardian across county lines for more than six months)"
)
_RISK = {
    "risk_hardship": ("家庭困难", "in family hardship", "家庭经济困难", "family in hardship"),
    "risk_disability": ("残疾", "with a disability", "本人残疾", "disability"),
    "risk_unguarded": (
        "监护缺失",
        "lacking guardianship",
        "监护缺失或不当",
        "lack of guardianship",
    ),
    "risk_street": ("流浪", "living on the streets", "流浪乞讨", "living on the streets"),
    "risk_psych": (
        "心理行为问题",
        "with psychological problems",
        "心理或行为问题",
        "psychological or behavioural problems",
    ),
}
_FAC = {
    "children_homes": (
        "儿童之家",
        "Children's homes",
        "所",
        "homes",
        "儿童之家数量（全国妇联推动的村、社区儿童活动与服务场所）",
        "number of children's homes (儿童之家; village, community or township child activity and service sites)",
        "coverage",
    ),
    "activity_centres": (
        "留守儿童活动中心",
        "Activity centres",
        "个",
        "centres",
        "留守儿童活动中心（站）数量",
        "number of activity centres for left-behind children",
        "coverage",
    ),
    "child_directors": (
        "儿童主任",
        "Child directors",
        "人",
        "people",
        "儿童主任人数（2019年十部门意见：每个村、社区一名）",
        "number of child directors (2019 ten-ministry opinion: one per village or community)",
        "coverage",
    ),
    "child_supervisors": (
        "儿童督导员",
        "Child supervisors",
        "人",
        "people",
        "儿童督导员人数（2019年十部门意见：每个乡镇、街道一名）",
        "number of child supervisors (2019 ten-ministry opinion: one per township or street office)",
        "coverage",
    ),
}


@functools.cache
def _build() -> tuple[Indicator, ...]:
    """Build the registry once (frozen indicators in a tuple: nothing to mutate).

    It was rebuilt on every lookup, about 0.25 ms each, several times per request.
    """
    out: list[Indicator] = [
        Indicator(
            "children",
            "counts",
            "儿童人数",
            "Children",
            "人",
            "children",
            "不满16周岁儿童人数（常住）",
            "children under 16 (resident population)",
            _count("children"),
            higher_is="neutral",
        ),
        Indicator(
            "left_behind",
            "counts",
            "农村留守儿童",
            "Left-behind children",
            "人",
            "children",
            _LB_ZH,
            _LB_EN,
            _count("left_behind"),
        ),
        Indicator(
            "migrant",
            "counts",
            "流动儿童",
            "Migrant children",
            "人",
            "children",
            _MG_ZH,
            _MG_EN,
            _count("migrant"),
        ),
    ]
    for col, (short_zh, short_en, long_zh, long_en) in _RISK.items():
        out.append(
            Indicator(
                col,
                "counts",
                f"重点关爱：{short_zh}",
                f"Focused care: {short_en}",
                "人",
                "children",
                f"纳入重点关爱名单的留守和流动儿童中{long_zh}的人数（2024年行动方案风险类别）",
                f"left-behind and migrant children on the focused-care list with {long_en} (2024 action plan risk group)",
                _count(col),
            )
        )
    out.append(
        Indicator(
            "risk_total",
            "counts",
            "重点关爱儿童（五类合计）",
            "Focused-care children (5 groups)",
            "人次",
            "cases",
            "五类风险人数之和（一名儿童可属多类，故为人次）",
            "sum of the five risk groups of the 2024 action plan (a child may be in several, so these are cases)",
            _total(RISK_COLUMNS),
        )
    )
    for col, (nzh, nen, uzh, uen, dzh, den, hi) in _FAC.items():
        out.append(
            Indicator(col, "counts", nzh, nen, uzh, uen, dzh, den, _count(col), higher_is=hi)
        )  # type: ignore[arg-type]
    out += [
        Indicator(
            "left_behind_rate",
            "rates",
            "留守儿童比率",
            "Left-behind rate",
            "‰",
            "per 1,000 children",
            "每千名不满16周岁儿童中的农村留守儿童（民政部2016年定义）；分母为全部儿童，非仅农村儿童",
            "MCA-2016 rural left-behind children per 1,000 children under 16 (all children, not only rural ones)",
            _ratio(("left_behind",), ("children",), 1000.0),
        ),
        Indicator(
            "migrant_rate",
            "rates",
            "流动儿童比率",
            "Migrant rate",
            "‰",
            "per 1,000 children",
            "每千名不满16周岁儿童中的流动儿童（2024年行动方案定义，跨县域）",
            "migrant children (2024 action plan, across county lines) per 1,000 children under 16",
            _ratio(("migrant",), ("children",), 1000.0),
        ),
        Indicator(
            "left_behind_share",
            "shares",
            "留守儿童占比",
            "Left-behind share",
            "%",
            "% of children",
            "农村留守儿童（民政部2016年定义）占不满16周岁儿童的百分比",
            "MCA-2016 rural left-behind children as a percentage of all children under 16",
            _ratio(("left_behind",), ("children",), 100.0),
        ),
        Indicator(
            "migrant_share",
            "shares",
            "流动儿童占比",
            "Migrant share",
            "%",
            "% of children",
            "流动儿童（2024年行动方案定义）占不满16周岁儿童的百分比",
            "migrant children (2024 action plan) as a percentage of all children under 16",
            _ratio(("migrant",), ("children",), 100.0),
        ),
        Indicator(
            "left_behind_national_share",
            "shares",
            "占全国留守儿童比重",
            "Share of national left-behind",
            "%",
            "% of total",
            "本县农村留守儿童占表中各县合计的百分比（民政部2016年定义）",
            "county's MCA-2016 rural left-behind children as a percentage of the total of all counties in the table",
            _national_share("left_behind"),
        ),
        Indicator(
            "children_density",
            "density",
            "儿童密度",
            "Child density",
            "人/平方公里",
            "per km²",
            "每平方公里不满16周岁儿童人数（县域总面积）",
            "children under 16 per km² of county area",
            _ratio(("children",), ("area_km2",), 1.0),
            higher_is="neutral",
        ),
        Indicator(
            "left_behind_density",
            "density",
            "留守儿童密度",
            "Left-behind density",
            "人/平方公里",
            "per km²",
            "每平方公里农村留守儿童人数（民政部2016年定义，县域总面积）",
            "MCA-2016 rural left-behind children per km² of county area",
            _ratio(("left_behind",), ("area_km2",), 1.0),
        ),
    ]
    change_names = {
        "left_behind": ("农村留守儿童", "left-behind children", "Left-behind"),
        "migrant": ("流动儿童", "migrant children", "Migrant"),
        "children": ("儿童", "children under 16", "Children"),
    }
    for col, (zh, en, title) in change_names.items():
        out += [
            Indicator(
                f"{col}_change",
                "change",
                f"{zh}变化",
                f"{title} change",
                "人",
                "children",
                f"{zh}人数较上一期的变化（本期减上期；上期无数据则为空）",
                f"change in {en} since the previous period (this minus previous; blank if no previous data)",
                _change(col, percent=False),
                higher_is="neutral",
                diverging=True,
            ),
            Indicator(
                f"{col}_change_pct",
                "change",
                f"{zh}变化率",
                f"{title} change (%)",
                "%",
                "%",
                f"{zh}人数较上一期的变化百分比（上期为零或无数据则为空）",
                f"percentage change in {en} since the previous period (blank if previous is zero or missing)",
                _change(col, percent=True),
                higher_is="neutral",
                diverging=True,
            ),
        ]
    out += [
        Indicator(
            "facilities_per_1000_left_behind",
            "coverage",
            "每千名留守儿童服务场所",
            "Facilities per 1,000 left-behind",
            "所/千人",
            "per 1,000 children",
            "（儿童之家＋留守儿童活动中心）÷农村留守儿童×1000",
            "(children's homes + activity centres) per 1,000 MCA-2016 rural left-behind children",
            _facilities_per_1000_lb,
            higher_is="coverage",
        ),
        Indicator(
            "directors_per_1000_left_behind",
            "coverage",
            "每千名留守儿童儿童主任",
            "Child directors per 1,000 left-behind",
            "人/千人",
            "per 1,000 children",
            "儿童主任÷农村留守儿童×1000",
            "child directors per 1,000 MCA-2016 rural left-behind children",
            _ratio(("child_directors",), ("left_behind",), 1000.0),
            higher_is="coverage",
        ),
        Indicator(
            "left_behind_per_facility",
            "coverage",
            "每所场所对应留守儿童",
            "Left-behind per facility",
            "人/所",
            "children per facility",
            "农村留守儿童÷（儿童之家＋留守儿童活动中心）；越高表示服务越紧张",
            "MCA-2016 rural left-behind children per children's home or activity centre (higher = more stretched)",
            _lb_per_facility,
            higher_is="need",
        ),
    ]
    return tuple(out)


def all_indicators() -> list[Indicator]:
    """Every indicator in display order (grouped as in ``GROUPS``)."""
    items = _build()
    order = {g: i for i, g in enumerate(GROUPS)}
    return sorted(items, key=lambda ind: order[ind.group])


def get(indicator_id: str) -> Indicator:
    """Look an indicator up by id.

    Raises
    ------
    KeyError
        Naming the unknown id and listing the known ones.

    Examples
    --------
    >>> get("migrant_rate").unit_en
    'per 1,000 children'
    """
    for ind in _build():
        if ind.id == indicator_id:
            return ind
    known = ", ".join(ind.id for ind in _build())
    raise KeyError(f"unknown indicator {indicator_id!r}; known: {known}")


def groups() -> dict[str, list[str]]:
    """Indicator ids by group, groups in display order (for grouped dropdowns)."""
    out: dict[str, list[str]] = {g: [] for g in GROUPS}
    for ind in all_indicators():
        out[ind.group].append(ind.id)
    return out


def meta() -> list[dict[str, object]]:
    """Plain dicts for the JSON API, one per indicator, in display order.

    Examples
    --------
    >>> m = meta()[0]
    >>> sorted(m)[:3]
    ['definition_en', 'definition_zh', 'diverging']
    """
    return [ind.meta() for ind in all_indicators()]


def compute_all(table: pd.DataFrame, previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every indicator for every county, one column per indicator id.

    Handy for exports and the data table.
    """
    return pd.DataFrame({ind.id: ind.compute(table, previous) for ind in all_indicators()})
