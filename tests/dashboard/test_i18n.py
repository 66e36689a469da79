"""The message catalogue, and every page in one language only.

The pages are rendered through Dash's own endpoints (``/_dash-layout`` with the page's
URL as Referer, ``/_dash-update-component`` for callbacks) and the sign-in page as
plain HTML; every string a reader sees is collected and checked for text of the other
language.
"""

from __future__ import annotations

import re
import string

import pytest

from dashboard import ids
from dashboard.i18n import STRINGS, t
from dashboard.sheets.briefing import SYNTHETIC_SOURCE

# --- the catalogue -----------------------------------------------------------------------


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_entry_has_both_languages_with_the_same_placeholders():
    for key, entry in STRINGS.items():
        assert set(entry) == {"zh", "en"}, key
        assert entry["zh"].strip() and entry["en"].strip(), key
        assert _placeholders(entry["zh"]) == _placeholders(entry["en"]), key


def test_every_entry_is_in_its_own_language():
    """Checked without the page: each entry's Chinese and English (placeholders aside)."""
    for key, entry in STRINGS.items():
        for lang in ("zh", "en"):
            text = re.sub(r"\{\w*\}", " ", entry[lang])
            assert foreign([text], lang) == [], (key, lang)


def test_every_problem_outcome_and_rule_is_translated():
    """The problems table of an upload: no raw key in the outcome or the rule's label."""
    from dashboard.pages.upload.layout import RULES, report_view
    from geodata.ingest import SEVERITIES

    problems = [
        {"row": 2, "column": "c", "value": "v", "severity": sev, "rule": rule, "reason": ""}
        for sev in SEVERITIES
        for rule in RULES
    ]
    rep = {"rows_total": 1, "rows_imported": 0, "rows_skipped": 0, "rows_rejected": 1}
    for lang in ("zh", "en"):
        texts = visible(as_json(report_view({**rep, "problems": problems}, lang)))
        assert t("rows_rejected", lang) in texts
        assert not [s for s in texts if s.startswith("rows_")], lang
        assert foreign(texts, lang) == [], lang


def test_one_chinese_name_for_activity_centres():
    """The registry's term (留守儿童活动中心), never 未成年人活动中心."""
    zh = " ".join(e["zh"] for e in STRINGS.values())
    assert "未成年人活动中心" not in zh
    assert "留守儿童活动中心" in t("facility.activity_centre", "zh")


# --- the checker -------------------------------------------------------------------------

#: Latin words a Chinese page may show: proper names, abbreviations and codes.
ZH_ALLOWED = {
    # analysis methods and their statistics
    "LISA", "Getis", "Ord", "Moran", "Geary", "SFCA", "MCLP", "FDR", "CBC", "spopt",
    # file formats and print settings
    "CSV", "XLSX", "PNG", "SVG", "PDF", "dpi",
    # coordinate systems, boundary source and its licence, the font
    "WGS", "GCJ", "cnmaps", "data", "Amap", "MIT", "Noto",
    # names of classification methods (Fisher-Jenks natural breaks)
    "Fisher", "Jenks",
    # the read-only account role as the administrator sets it (``users add NAME viewer``)
    "viewer",
    # the software an export needs, named as its packages are (what to install)
    "Debian", "chromium", "CJK",
    # a key named as on the keyboard (the table's screen-reader hints)
    "Alt",
    # units and the language switch link
    "km", "English",
    # keys of the keyboard, as printed on them (the help page's keyboard section)
    "Tab", "Shift", "Enter", "Esc",
}  # fmt: skip
#: Chinese an English page may show: the link back to Chinese, and the names of the
#: Chinese map approval (审图号) and of the children's home programme (儿童之家, in an
#: indicator's definition), each given beside its English description.
EN_ALLOWED = ("中文", "审图号", "儿童之家")
#: Deliberately in both languages on every page: the demo-data source line of a briefing
#: (README, "Briefing view"), so that a cropped export cannot pass as statistics.
BOTH = (SYNTHETIC_SOURCE,)

_LATIN_RUN = re.compile(r"[A-Za-z]{3,}")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def foreign(texts, lang: str, names=()) -> list[str]:
    """The strings of `texts` with text of the other language than `lang`.

    ``names``: values from the data, not wording: Chinese place, programme and facility
    names (no English form), stored sources, user names (longest first, so a name is
    removed whole).
    """
    bad = []
    for text in texts:
        for both in (*BOTH, *names):
            text = text.replace(both, " ")
        text = re.sub(r"<[^>]+>", " ", text)  # markup in hover templates
        text = re.sub(r"%\{[^}]*\}", " ", text)  # hover template fields
        text = re.sub(r"[\w/-]+\.md\b", " ", text)  # file names of the project's docs
        if lang == "zh":
            if any(w not in ZH_ALLOWED for w in _LATIN_RUN.findall(text)):
                bad.append(text)
        else:
            rest = text
            for name in EN_ALLOWED:
                rest = rest.replace(name, " ")
            if _CJK.search(rest):
                bad.append(text)
    return bad


_SKIP_PROPS = {"id", "className", "style", "href", "src", "figure", "config", "htmlFor"}


def visible(node) -> list[str]:
    """Every string a reader sees in a Dash component tree (JSON form)."""
    out: list[str] = []
    if isinstance(node, str):
        out.append(node)
    elif isinstance(node, list):
        for item in node:
            out += visible(item)
    elif isinstance(node, dict) and "props" in node and "type" in node:
        props = node["props"]
        for key, value in props.items():
            if key == "children":
                out += visible(value)
            elif key in ("placeholder", "title", "label") and isinstance(value, str):
                out.append(value)
            elif key == "options" and isinstance(value, list):
                out += [o["label"] for o in value if isinstance(o, dict) and "label" in o]
                out += [o for o in value if isinstance(o, str)]
            elif key == "figure" and isinstance(value, dict):
                out += figure_text(value)
            elif key == "labels" and isinstance(value, dict):  # a dropdown's own words
                out += [re.sub(r"\{\w+\}", " ", v) for v in value.values() if isinstance(v, str)]
            elif key == "dashGridOptions" and isinstance(value, dict):  # the grid's words
                out += [v for v in (value.get("localeText") or {}).values() if isinstance(v, str)]
            elif key == "data" and node["type"] == "Store":
                out += _header_names(value)
            elif key not in _SKIP_PROPS and isinstance(value, dict) and "props" in value:
                out += visible(value)
    return [s for s in out if s.strip()]


def as_json(component) -> dict:
    """A component tree as the browser receives it."""
    import json

    from plotly.utils import PlotlyJSONEncoder

    return json.loads(json.dumps(component, cls=PlotlyJSONEncoder))


def _header_names(data) -> list[str]:
    """Column headings of a table kept in a Store (the ranked table's ``defs``)."""
    if isinstance(data, dict):
        own = [data["headerName"]] if isinstance(data.get("headerName"), str) else []
        return own + [s for v in data.values() for s in _header_names(v)]
    if isinstance(data, list):
        return [s for v in data for s in _header_names(v)]
    return []


def figure_text(fig: dict) -> list[str]:
    """Colour bar titles and tick labels and the hover templates of a plotly figure."""
    out: list[str] = []

    def colorbar(cb):
        if not isinstance(cb, dict):
            return
        title = cb.get("title")
        out.extend([title["text"]] if isinstance(title, dict) and "text" in title else [])
        out.extend(s for s in cb.get("ticktext") or [] if isinstance(s, str))

    for trace in fig.get("data", []):
        if trace.get("mode") == "text":  # place names printed on the map
            out.extend(s for s in trace.get("text") or [] if isinstance(s, str))
        colorbar(trace.get("colorbar"))
        colorbar((trace.get("marker") or {}).get("colorbar"))
        if isinstance(trace.get("hovertemplate"), str):
            out.append(trace["hovertemplate"])
    for key, value in fig.get("layout", {}).items():
        if key.startswith("coloraxis") and isinstance(value, dict):
            colorbar(value.get("colorbar"))
    return out


def test_the_checker_flags_planted_text():
    """The check can fail: text of the other language is found, allowed words are not."""
    assert foreign(["全国 county ranking"], "zh") == ["全国 county ranking"]
    assert foreign(["局部莫兰指数（LISA）", "导出 PNG", "English"], "zh") == []
    assert foreign(["Rank in China", "Back to 地图"], "en") == ["Back to 地图"]
    assert foreign(["中文", "Dongcheng 东城区"], "en", names=("东城区",)) == []
    tree = {
        "type": "Div",
        "namespace": "dash_html_components",
        "props": {
            "id": "planted-id",
            "className": "word-in-class",
            "children": [
                {"type": "Dropdown", "props": {"placeholder": "选择", "options": [
                    {"label": "Planted option", "value": "v"}]}},
                {"type": "Store", "props": {"data": {"defs": [{"headerName": "县"}]}}},
            ],
        },
    }  # fmt: skip
    assert visible(tree) == ["选择", "Planted option", "县"]
    assert foreign(visible(tree), "zh") == ["Planted option"]


# --- the pages ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def names(dash_app) -> tuple[str, ...]:
    """Chinese names from the data: counties, programmes, facilities (longest first).

    Not provinces and prefectures: they have English names (``region_english_name``).
    """
    atlas = dash_app.atlas
    found = set(atlas.layers.counties_web["name_zh"])
    found |= set(atlas.store.programmes()["name"])
    found |= set(atlas.facility_points(None)["name"])
    return tuple(sorted((str(n) for n in found if n), key=len, reverse=True))


def layout_text(client, query: str, path: str = "/") -> list[str]:
    r = client.get("/_dash-layout", headers={"Referer": f"http://localhost{path}{query}"})
    assert r.status_code == 200, r.data[:300]
    return visible(r.get_json())


#: (path, query, a catalogue key whose text the page must show: the check saw it)
PAGES = [
    ("/", "?lang={lang}", "no_data"),  # in the colour bar's tick labels
    ("/", "?lang={lang}", "dropdown.no_options_found"),  # every dropdown's own words
    ("/", "?lang={lang}&region=510000", "selection.clear"),
    ("/", "?lang={lang}&county=110101&layers=facilities", "panel.rank_nation"),
    ("/", "?lang={lang}&mode=lisa", "column.lisa_i"),  # the table's column headings
    ("/", "?lang={lang}&mode=coverage", "bivariate.title"),
    ("/", "?lang={lang}&briefing=1", "back_to_explorer"),
    ("/upload", "?lang={lang}", "upload_signin_needed"),
    ("/help", "?lang={lang}", "help.keys.title"),
    ("/no-such-page", "?lang={lang}", "not_found.title"),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("path", "query", "key"), PAGES)
def test_page_in_one_language(client, names, lang, path, query, key):
    texts = layout_text(client, query.format(lang=lang), path)
    assert any(t(key, lang) in s for s in texts), (key, texts)
    assert foreign(texts, lang, names) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sign_in_page_in_one_language(client, lang):
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.texts: list[str] = []

        def handle_data(self, data):
            if data.strip():
                self.texts.append(data.strip())

    page = client.get(f"/login?lang={lang}").get_data(as_text=True)
    parser = Text()
    parser.feed(page)
    assert t("login_title", lang) in parser.texts
    assert foreign(parser.texts, lang) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_callbacks_answer_in_one_language(client, names, lang):
    from tests.dashboard.test_map_callbacks import _update, call, ok

    panel = ok(
        call(
            client,
            [(ids.PANEL, "children")],
            [(ids.SELECTED, "data", "110101"), (ids.PERIOD, "value", "2026-H1")],
            [(ids.LANG, "data", lang)],
        )
    )
    texts = visible(panel[ids.PANEL]["children"])
    assert t("panel.rank_nation", lang) in texts
    assert foreign(texts, lang, names) == []
    out = ok(_update(client, "left_behind", lang=lang))
    texts = visible([out[ids.SUMMARY]["children"], out[ids.DEFINITION]["children"]])
    assert texts
    assert foreign(texts, lang, names) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_signed_in_upload_page_in_one_language(rw_app, lang):
    """The editor's and the viewer's upload page: the form and the datasets table.

    It found the role shown as its key ("已登录：zhang (editor)") on the Chinese page.
    """
    from dashboard import uploads
    from tests.dashboard.conftest import VIEWER, signed_in

    # data, not wording: uploads' stored sources (file names) and the user names; the
    # demo's versions are worded by the catalogue (its stored line is English)
    rows = uploads.datasets(rw_app.atlas)
    uploaded = [str(d["source"]) for d in rows if not (d["synthetic"] and not d.get("mode"))]
    assert len(uploaded) < len(rows)  # the demo's versions are listed too
    allowed = (*uploaded, "zhang")
    for who in (None, VIEWER):
        client, _ = signed_in(rw_app, *(() if who is None else (who,)))
        texts = layout_text(client, f"?lang={lang}", "/upload")
        assert t("datasets_title", lang) in texts
        assert foreign(texts, lang, allowed) == [], foreign(texts, lang, allowed)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_facility_layer_in_one_language(dash_app, names, lang):
    """The facility markers' legend names and hover texts, nationally and in a region."""
    from dashboard.presenters import overlays

    texts = []
    for region in (None, "110000"):
        layer = overlays.facility_layer(dash_app.atlas, None, region, lang)
        for kind in layer.values():
            if kind:
                texts += [kind["name"], *kind["text"][:200]]
    assert texts
    assert foreign(texts, lang, names) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_table_grid_speaks_the_page_language(lang):
    """Paging, filter menus and screen-reader labels: AG Grid's localeText."""
    from dashboard.pages.explorer.table_card import table_grid

    texts = visible(as_json(table_grid(lang)))
    assert t("grid.pageSizeSelectorLabel", lang) in texts and t("grid.contains", lang) in texts
    assert foreign(texts, lang) == []
    other = visible(as_json(table_grid("en" if lang == "zh" else "zh")))
    assert foreign(other, lang)  # the check would see the other language


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_place_names_on_the_map_are_in_the_page_language(client, names, lang):
    """Names printed on the map: provinces nationally, prefectures in a province (the
    Chinese county names are data, allowed; the prefectures' are not)."""
    for query in ("", "&region=520000"):
        texts = layout_text(client, f"?lang={lang}{query}")
        assert foreign(texts, lang, names) == []
    assert ("遵义市" if lang == "zh" else "Zunyi") in layout_text(
        client, f"?lang={lang}&region=520000"
    )
