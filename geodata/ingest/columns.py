"""Header aliases (Chinese and English) and mapping a table's headers to fields."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from geodata.indicators import FACILITY_COUNTS, MEASURES, RISK_COLUMNS
from geodata.ingest.errors import MappingError, clip, headers_text

KINDS = ("children", "facilities")


_UNIT_PARENS = re.compile(
    r"[(（\[【]\s*(?:单位\s*[:：]?\s*)?(?:人|个|名|所|处|家|户|万人|人数|个数|数量|number|count|persons?|"
    r"wgs-?84|gcj-?02|bd-?09|度|°)?\s*[)）\]】]",
    re.IGNORECASE,
)
_KEEP = re.compile(r"[^0-9a-z\u4e00-\u9fff]")


def header_key(text: str) -> str:
    """Normalised header: NFKC, lower case, unit brackets and punctuation removed.

    Examples
    --------
    >>> header_key("县（市、区）"), header_key("留守儿童（人）"), header_key("Left-behind children")
    ('县市区', '留守儿童', 'leftbehindchildren')
    """
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    s = _UNIT_PARENS.sub("", s)
    s = _KEEP.sub("", s)
    for prefix in ("其中", "含"):
        if s.startswith(prefix) and len(s) > len(prefix) + 1:
            s = s[len(prefix) :]
    return s


# field -> (exact keys, contained keys); keys are already header_key()-normalised.
_COMMON: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "code": (
        ("代码", "编码", "区划代码", "行政区划代码", "统计用区划代码", "区划编码", "行政代码",
         "行政区代码", "县区代码", "区县代码", "县级代码", "县代码", "行政区划编码", "code",
         "adcode", "countycode", "areacode", "regioncode", "divisioncode", "gbcode"),
        ("区划代码", "区划编码", "行政区划", "adcode", "代码", "编码", "code"),
    ),
    "county": (
        ("县区", "区县", "县市区", "县区市", "区县市", "县市", "县级单位", "县级行政区",
         "县级行政区划", "县区名称", "区县名称", "县名", "县", "行政区划名称", "区划名称",
         "行政区名称", "所在县区", "所属县区", "所在区县", "所属区县", "county", "district",
         "countyname", "countyzh", "namezh"),
        ("县区", "区县", "县市区", "所在县", "所属县", "countyname", "county"),
    ),
    "province": (
        ("省", "省份", "省名", "省级", "省区市", "省自治区直辖市", "所属省份", "所在省份",
         "省级单位", "province", "provincename", "provincezh"),
        ("省份", "province"),
    ),
    "prefecture": (
        ("市", "地市", "市州", "地级市", "市地州盟", "地州市", "市州盟", "地区", "所属地市",
         "所属市", "所在地市", "市级", "城市", "市名", "地市州", "prefecture", "city",
         "cityname", "prefecturename", "prefecturezh"),
        ("地市", "市州", "地级市", "prefecture"),
    ),
    "period": (
        ("期次", "时期", "统计期", "统计期次", "报告期", "统计时间", "统计周期", "期间",
         "时段", "period", "halfyear"),
        ("期次", "统计期", "报告期", "period"),
    ),
}  # fmt: skip
_CHILDREN: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "children": (
        ("儿童总数", "儿童数", "儿童人数", "儿童", "儿童总人数", "未满16周岁儿童",
         "未满16周岁儿童数", "16周岁以下儿童", "不满16周岁儿童", "children", "totalchildren",
         "childrentotal", "numberofchildren", "childrenunder16", "under16"),
        ("儿童总数", "儿童总人数", "未满16周岁", "不满16周岁", "16周岁以下", "totalchildren",
         "childrenunder16"),
    ),
    "left_behind": (
        ("留守儿童", "农村留守儿童", "留守儿童数", "农村留守儿童数", "留守儿童人数",
         "农村留守儿童人数", "留守", "leftbehind", "leftbehindchildren", "ruralleftbehind"),
        ("留守儿童", "leftbehind", "留守"),
    ),
    "migrant": (
        ("流动儿童", "流动儿童数", "流动儿童人数", "流动", "migrant", "migrantchildren"),
        ("流动儿童", "migrant"),
    ),
    "risk_hardship": (
        ("困境儿童", "困境", "家庭困境", "困境家庭儿童", "家庭困难", "hardship", "riskhardship"),
        ("困境", "困难", "hardship"),
    ),
    "risk_disability": (
        ("残疾", "残疾儿童", "disability", "disabled", "riskdisability"),
        ("残疾", "disab"),
    ),
    "risk_unguarded": (
        ("监护缺失", "无人监护", "监护缺失儿童", "事实无人抚养", "事实无人抚养儿童",
         "无人抚养", "unguarded", "riskunguarded", "lackofguardianship"),
        ("监护", "无人抚养", "guardian", "unguarded"),
    ),
    "risk_street": (
        ("流浪", "流浪儿童", "流浪乞讨", "流浪乞讨儿童", "street", "streetchildren", "riskstreet"),
        ("流浪", "street"),
    ),
    "risk_psych": (
        ("心理", "心理行为", "心理行为问题", "心理或行为问题", "心理问题", "行为问题", "psych",
         "psychological", "riskpsych", "mentalhealth"),
        ("心理", "行为问题", "psych", "mental", "behavio"),
    ),
}  # fmt: skip
_POINTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "facility_id": (
        ("编号", "机构编号", "设施编号", "场所编号", "机构代码", "统一社会信用代码", "id",
         "facilityid"),
        ("编号", "facilityid"),
    ),
    "name": (
        ("机构名称", "名称", "场所名称", "设施名称", "站点名称", "阵地名称", "儿童之家名称",
         "活动中心名称", "机构", "场所", "name", "facilityname", "facility"),
        ("机构名称", "场所名称", "设施名称", "名称", "name"),
    ),
    "type": (
        ("类型", "机构类型", "场所类型", "设施类型", "类别", "type", "kind", "category",
         "facilitytype"),
        ("类型", "类别", "type"),
    ),
    "lon": (
        ("经度", "东经", "lon", "lng", "long", "longitude", "x"),
        ("经度", "longitude"),
    ),
    "lat": (
        ("纬度", "北纬", "lat", "latitude", "y"),
        ("纬度", "latitude"),
    ),
    "lonlat": (
        ("经纬度", "坐标", "位置坐标", "经纬度坐标", "coordinates", "lnglat", "lonlat", "location"),
        ("经纬度", "coordinates"),
    ),
    "datum": (
        ("坐标系", "坐标系统", "坐标系类型", "datum", "crs", "coordsystem", "coordinatesystem",
         "srs"),
        ("坐标系", "datum"),
    ),
}  # fmt: skip
_FACILITY_COUNTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "children_homes": (
        ("儿童之家", "儿童之家数", "儿童之家数量", "childrenhomes", "childrenshomes"),
        ("儿童之家", "childrenshome", "childrenhome"),
    ),
    "activity_centres": (
        ("活动中心", "活动中心数", "留守儿童活动中心", "留守儿童活动中心数", "关爱服务站",
         "儿童关爱服务站", "activitycentres", "activitycenters"),
        ("活动中心", "服务站", "activitycent"),
    ),
    "child_directors": (
        ("儿童主任", "儿童主任数", "儿童主任人数", "childdirectors"),
        ("儿童主任", "director"),
    ),
    "child_supervisors": (
        ("儿童督导员", "督导员", "儿童督导员数", "儿童督导员人数", "childsupervisors"),
        ("督导", "supervisor"),
    ),
}  # fmt: skip

_CODEISH = ("代码", "编码", "code", "编号")
_RATIO = ("率", "比例", "比重", "占比", "百分", "rate", "percent", "share", "ratio")
_FACILITY_WORDS = ("活动中心", "之家", "主任", "督导", "服务站", "centre", "center", "home")
_RISK_WORDS = tuple(k for f in RISK_COLUMNS for k in _CHILDREN[f][1])
_ORG_WORDS = ("机构", "信用", "组织", "社会")


def _fields_for(kind: str | None) -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    if kind == "children":
        extra = {"county": (_COMMON["county"][0] + ("名称", "单位", "name"), _COMMON["county"][1])}
        return {**_COMMON, **extra, **_CHILDREN}
    if kind == "facilities":
        return {**_COMMON, **_POINTS, **_FACILITY_COUNTS}
    return {**_COMMON, **_CHILDREN, **_POINTS, **_FACILITY_COUNTS}


def _eligible(fld: str, key: str) -> bool:
    """Exclusion rules that keep, e.g., a rate column off a count field."""
    counts = fld in MEASURES or fld in FACILITY_COUNTS
    if counts and any(w in key for w in _RATIO):
        return False
    if fld in ("children", "left_behind", "migrant") and (
        any(w in key for w in _FACILITY_WORDS) or any(w in key for w in _RISK_WORDS)
    ):
        return False
    if fld in MEASURES and any(w in key for w in _CODEISH):
        return False
    if fld == "code" and any(w in key for w in _ORG_WORDS):
        return False
    if fld not in ("code", "facility_id") and any(w in key for w in _CODEISH):
        return False
    return not (fld == "lonlat" and "坐标系" in key)


def _scores(header: str, fields: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]):
    """(score, field) pairs for one header: 1.0 exact, 0.5-0.9 contained."""
    key = header_key(header)
    if not key:
        return []
    out = []
    for fld, (exact, contained) in fields.items():
        if not _eligible(fld, key):
            continue
        if key in exact:
            out.append((1.0, fld))
            continue
        best = max((len(s) for s in contained if s in key), default=0)
        if best:
            out.append((round(0.5 + 0.4 * best / len(key), 3), fld))
    return out


def _best_field(header: str, fields) -> str | None:
    s = _scores(header, fields)
    return max(s)[1] if s else None


@dataclass
class ColumnMapping:
    """Which column (by position) holds each field.

    ``fields`` maps field names (``code``, ``county``, ``left_behind`` ...) to column
    positions; ``confidence`` is 1.0 for exact header matches, less for partial ones,
    and 1.0 for user overrides; ``unmapped`` lists non-empty headers no field took.
    """

    kind: str
    headers: list[str]
    fields: dict[str, int]
    confidence: dict[str, float]
    unmapped: list[str]
    overridden: list[str] = field(default_factory=list)

    def header(self, fld: str) -> str | None:
        pos = self.fields.get(fld)
        return None if pos is None else self.headers[pos]

    def to_dict(self) -> dict[str, str]:
        """field -> header text (what the UI shows and the report records)."""
        return {f: self.headers[p] for f, p in self.fields.items()}

    @property
    def mode(self) -> str:
        """``points`` for facility files with coordinates, else ``counts``."""
        if self.kind == "facilities" and (
            {"lon", "lat"} <= set(self.fields) or "lonlat" in self.fields
        ):
            return "points"
        return "counts"


def detect_columns(
    headers: list[str],
    kind: str,
    overrides: Mapping[str, str | int | None] | None = None,
) -> ColumnMapping:
    """Map headers to fields for `kind` (``children`` or ``facilities``).

    Each header goes to at most one field and each field to at most one header, best
    scores first (exact matches, then the longest contained synonym).  `overrides`
    maps a field to a header text, a column position, or None (to unmap it).

    Examples
    --------
    >>> m = detect_columns(["序号", "区划代码", "县（市、区）", "农村留守儿童（人）"], "children")
    >>> m.to_dict(), m.unmapped
    ({'code': '区划代码', 'county': '县（市、区）', 'left_behind': '农村留守儿童（人）'}, ['序号'])
    """
    if kind not in KINDS:
        raise ValueError(f"invalid kind {kind!r}: expected one of {KINDS}")
    headers = [str(h).strip() for h in headers]
    fields = _fields_for(kind)
    cands = []
    for pos, h in enumerate(headers):
        for score, fld in _scores(h, fields):
            cands.append((-score, pos, list(fields).index(fld), fld))
    cands.sort()
    taken_f: dict[str, int] = {}
    conf: dict[str, float] = {}
    taken_h: set[int] = set()
    overridden: list[str] = []
    if overrides:
        for fld, target in overrides.items():
            if fld not in fields:
                raise MappingError(f"unknown field {fld!r} for {kind}; fields: {', '.join(fields)}")
            overridden.append(fld)
            if target is None or target == "":
                continue
            pos = _header_pos(headers, target)
            if pos in taken_h:
                raise MappingError(f"column {clip(headers[pos])!r} is mapped to two fields")
            taken_f[fld], conf[fld] = pos, 1.0
            taken_h.add(pos)
    for neg, pos, _, fld in cands:
        if fld in taken_f or fld in overridden or pos in taken_h:
            continue
        taken_f[fld], conf[fld] = pos, -neg
        taken_h.add(pos)
    order = list(fields)
    ordered = dict(sorted(taken_f.items(), key=lambda kv: order.index(kv[0])))
    unmapped = [h for p, h in enumerate(headers) if h and p not in taken_h]
    return ColumnMapping(
        kind, headers, ordered, {f: conf[f] for f in ordered}, unmapped, overridden
    )


def _header_pos(headers: list[str], target: str | int) -> int:
    if isinstance(target, int) and not isinstance(target, bool):
        if 0 <= target < len(headers):
            return target
        raise MappingError(f"column position {target} out of range (0-{len(headers) - 1})")
    t = str(target).strip()
    if t in headers:
        return headers.index(t)
    keys = [header_key(h) for h in headers]
    if header_key(t) and header_key(t) in keys:
        return keys.index(header_key(t))
    raise MappingError(f"no column {clip(t)!r}; headers: {headers_text(headers)}")
