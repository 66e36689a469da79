"""County names: stems, pinyin and English names, and the keys the search box matches.

Pure string rules, no data files: :func:`split_name` cuts a Chinese name into stem,
ethnic groups and type suffix; :func:`english_name` and :func:`region_english_name`
write the English names; ``_initials`` and ``_ascii_key`` are what typed pinyin is
compared with.  pypinyin is imported only when a reading is needed (it takes about a
second to load), which is why the readings of the layer are precomputed in
``data/names_en.csv`` (:mod:`geodata.codes.names_file`).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

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
    "满": "Manchu", "蒙古": "Mongol", "回": "Hui", "维吾尔": "Uyghur", "达斡尔": "Daur", "鄂伦春": "Oroqen",
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


def label_name(code: str, name: str, level: str, lang: str = "zh") -> str:
    """The short name a map prints for a unit (``level``: province, prefecture, county).

    Why short: a map label must fit its unit; Chinese maps print 广西, 黔东南州 and
    务川县 for 广西壮族自治区, 黔东南苗族侗族自治州 and 务川仡佬族苗族自治县, and English
    maps the place name without its type (the hover and the tables keep full names).

    >>> label_name("450000", "广西壮族自治区", "province"), label_name("810000", "香港特别行政区", "province")
    ('广西', '香港')
    >>> label_name("150000", "内蒙古自治区", "province"), label_name("622927", "东乡族自治县", "county")
    ('内蒙古', '东乡县')
    >>> label_name("522600", "黔东南苗族侗族自治州", "prefecture"), label_name("520300", "遵义市", "prefecture")
    ('黔东南州', '遵义市')
    >>> label_name("520326", "务川仡佬族苗族自治县", "county"), label_name("150726", "新巴尔虎左旗", "county")
    ('务川县', '新巴尔虎左旗')
    >>> label_name("522600", "黔东南苗族侗族自治州", "prefecture", "en"), label_name("450000", "广西壮族自治区", "province", "en")
    ('Qiandongnan', 'Guangxi')
    >>> label_name("520326", "务川仡佬族苗族自治县", "county", "en"), label_name("513300", "甘孜藏族自治州", "prefecture", "en")
    ('Wuchuan', 'Garzê')
    """
    if lang != "zh":
        if level == "county":
            if code in OFFICIAL_EN:
                return OFFICIAL_EN[code]
            st = stem(name)
            return ETHNIC_EN.get(st) or _format_pinyin(stem_pinyin(name))
        full = region_english_name(code, name)
        if level == "province":
            return full
        for word in (" Autonomous Prefecture", " Prefecture", " League", " City"):
            if full.endswith(word):
                full = full[: -len(word)]
                break
        peoples = [f" and {e}" for e in ETHNIC_EN.values()] + [f" {e}" for e in ETHNIC_EN.values()]
        while tail := next((p for p in peoples if full.endswith(p) and len(full) > len(p)), ""):
            full = full[: -len(tail)]  # "Qiandongnan Miao and Dong" -> "Qiandongnan"
        return full
    for tail in ("特别行政区", "省"):
        if name.endswith(tail) and len(name) > len(tail) + 1:
            return name[: -len(tail)]
    if level == "province" and name.endswith("市"):
        return name[:-1]
    for tail, short in (("自治区", ""), ("自治州", "州"), ("自治县", "县"), ("自治旗", "旗")):
        if name.endswith(tail):
            st = name[: -len(tail)]
            while tok := next((t for t in _ETHNIC_TOKENS if st.endswith(t[0])), None):
                if len(st) - len(tok[0]) < 2:  # 东乡族自治县, 内蒙古: the people name it
                    st = tok[1] if len(st) == len(tok[0]) else st
                    break
                st = st[: -len(tok[0])]
            return st + short
    return name


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
