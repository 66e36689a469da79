"""Exports and briefings (issue 5): real files rendered by kaleido in Debian's chromium.

One renderer serves the whole session (it is what the app uses too); its browser gets a
proxy that only counts connections, so a test can prove that nothing was fetched.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import struct
import subprocess
import sys
import zlib

import pytest

from dashboard.sheets import briefing
from dashboard.sheets import render as export
from tests.conftest import ROOT, make_data_dir

pytestmark = pytest.mark.slow


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pdf_text(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def _crc_ok(png: bytes) -> bool:
    pos = 8
    while pos < len(png):
        (n,) = struct.unpack(">I", png[pos : pos + 4])
        (crc,) = struct.unpack(">I", png[pos + 8 + n : pos + 12 + n])
        if zlib.crc32(png[pos + 4 : pos + 8 + n]) != crc:
            return False
        pos += 12 + n
    return True


def test_png_is_a4_at_300_dpi(xclient):
    from PIL import Image

    r = xclient.get("/export/map.png?indicator=left_behind&lang=zh")
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    assert r.mimetype == "image/png"
    cd = r.headers["Content-Disposition"]
    assert cd.startswith("attachment;") and "synthetic" in cd and cd.endswith('.png"')
    assert r.headers["X-Atlas-Synthetic"] == "true"
    data = r.get_data()
    assert _crc_ok(data)
    img = Image.open(io.BytesIO(data))
    assert img.width >= 2480 and img.height >= 1754  # A4 at 300 dpi (landscape: 3508)
    assert img.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    # A map, not a blank page: many saturated (coloured) pixels.
    small = img.convert("RGB").resize((351, 248))
    coloured = sum(1 for p in small.get_flattened_data() if max(p) - min(p) > 60)
    assert coloured > 0.1 * 351 * 248


def test_svg_is_vector_with_text(xclient):
    r = xclient.get("/export/map.svg?region=510000&lang=en&indicator=migrant")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    svg = r.get_data(as_text=True)
    assert svg.lstrip().startswith("<svg") and svg.count("<path") > 100
    assert "Migrant children, Sichuan" in svg
    assert briefing.SYNTHETIC_SOURCE in svg
    assert "<image" not in svg  # nothing rasterised


def test_pdf_map_has_real_chinese_text(xclient):
    from pypdf import PdfReader

    r = xclient.get("/export/map.pdf?region=510000")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    data = r.get_data()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(842, abs=2)  # A4 landscape, in points
    assert float(box.height) == pytest.approx(595, abs=2)
    text = _plain(reader.pages[0].extract_text())
    assert "四川省农村留守儿童（2026年上半年）" in text
    assert _plain(briefing.SYNTHETIC_SOURCE) in text
    assert "WGS-84" in text and "导出日期" in text
    assert not re.search("[\u2e80-\u2fdf]", text), "radicals instead of characters"
    assert "四川省农村留守儿童" in reader.metadata.title


def test_briefing_pdf_has_four_pages(xclient):
    r = xclient.get("/export/briefing.pdf?region=510000&indicator=left_behind")
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    assert "atlas-briefing-510000-left_behind" in r.headers["Content-Disposition"]
    pages = [_plain(p) for p in _pdf_text(r.get_data())]
    assert len(pages) == 4
    assert "四川省农村留守儿童" in pages[0]
    assert "关键数字与优先关注县" in pages[1] and "缺口分" in pages[1]
    assert "空间聚类" in pages[2] and "高-高聚集" in pages[2]
    assert "方法说明" in pages[3] and "阿尔伯斯等积圆锥投影" in pages[3]
    for i, page in enumerate(pages, 1):
        assert _plain(briefing.SYNTHETIC_SOURCE) in page
        assert f"第{i}页，共4页" in page


def test_priority_table_ranks_the_regions_counties(dash_app):
    atlas = dash_app.atlas
    state = export.export_state(atlas, {"region": "510000"})
    rows = briefing.priority_rows(atlas, state)
    assert len(rows) == 20 and rows["rank"].tolist() == list(range(1, 21))
    assert set(rows["province_zh"]) == {"四川省"}
    assert rows["gap_score"].is_monotonic_decreasing
    figures = dict(briefing.key_figures(atlas, state))
    assert figures["农村留守儿童"].replace(",", "").isdigit()


def test_exports_are_cached(xclient, monkeypatch):
    calls = []
    real = export.export_map
    monkeypatch.setattr(export, "export_map", lambda *a, **k: calls.append(1) or real(*a, **k))
    # A view no other test exports, so the first request renders and the second does not.
    url = "/export/map.svg?region=460000&scheme=equal_interval&palette=PuOr&lang=en"
    first = xclient.get(url).get_data()
    second = xclient.get(url).get_data()
    assert first == second and first.startswith(b"<svg") and len(calls) == 1


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("indicator=nope", "indicator"),
        ("period=1999-H1", "period"),
        ("period=garbage", "period"),
        ("scheme=magic", "scheme"),
        ("region=999999", "region"),
        ("lang=fr", "lang"),
        ("palette=Rainbow", "palette"),
        ("pooled=maybe", "pooled"),
        ("scheme=user&breaks=1,two", "breaks"),
        ("scheme=user", "breaks"),
    ],
)
def test_bad_parameters_are_400_naming_them(xclient, query, name):
    for path in ("/export/map.png", "/export/briefing.pdf"):
        r = xclient.get(f"{path}?{query}")
        assert r.status_code == 400, (path, query, r.status_code)
        assert r.json["parameter"] == name and name in r.json["error"]


def test_unknown_format_is_404(xclient):
    assert xclient.get("/export/map.gif").status_code == 404


def test_nothing_is_fetched_from_the_network(renderer, proxy_hits, dash_app):
    """Every render of this session went through a browser whose proxy counts requests."""
    from datetime import date

    atlas = dash_app.atlas
    geo = export.inline_geometry(atlas.layers)
    spec = briefing.map_sheet(atlas, export.export_state(atlas, {}), geo, today=date.today())
    for trace in spec["data"]:
        if "geojson" in trace:
            assert isinstance(trace["geojson"], dict) and trace["geojson"]["features"]
    assert renderer.topojson_url.startswith("file://")
    assert renderer.topojson_url.endswith("/assets/topojson/")
    renderer.render(spec, "svg")
    assert renderer.running
    # Chromium itself still tries its own services (update and time checks, the default
    # search engine); they reach only the proxy, which in production is a closed port.
    # Nothing a figure needs may be asked for: scripts, fonts, topojson, geometry.
    wanted = [
        h
        for h in proxy_hits[1]
        if re.search(rb"plot|mathjax|cdn|topojson|geojson|font|\.js", h, re.I)
    ]
    assert wanted == [], f"a render asked the network: {wanted[:3]}"


def test_review_number_and_real_source_lines(dash_app, monkeypatch):
    from datetime import date

    atlas = dash_app.atlas
    state = export.export_state(atlas, {"lang": "zh"})
    assert briefing.sheet_text(atlas, state, today=date(2026, 1, 2)).review == ""
    monkeypatch.setattr(
        atlas, "settings", dataclasses.replace(atlas.settings, map_review_number="GS(2026)1号")
    )
    text = briefing.sheet_text(atlas, state, today=date(2026, 1, 2))
    assert text.review == "审图号：GS(2026)1号" and text.date == "导出日期：2026-01-02"
    assert text.synthetic and briefing.SYNTHETIC_SOURCE in text.source
    en = briefing.sheet_text(atlas, state.replace(lang="en"), today=date(2026, 1, 2))
    assert en.title.startswith("Left-behind children, China,") and "审图号" in en.review


def test_png_dpi_chunk_and_cmap_fix():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(buf, "PNG", dpi=(72, 72))
    out = export.png_with_dpi(buf.getvalue(), 300)
    assert _crc_ok(out) and out.count(b"pHYs") == 1
    assert Image.open(io.BytesIO(out)).info["dpi"] == pytest.approx((300, 300), abs=0.01)
    cmap = b"2 beginbfchar\n<01> <2F09>\n<02> <2EA0>\nendbfchar\n1 beginbfrange\n<03> <04> <2F3E>\nendbfrange\nendcmap"
    fixed = export._fix_cmap(cmap)
    assert b"<01> <513F>" in fixed and b"<02> <6C11>" in fixed  # 儿, 民
    assert b"<03> <6237>" in fixed and b"<04> <624B>" in fixed  # 户 (via ⼾, 戶), 手
    assert b"0 beginbfrange" in fixed


def test_wrap_keeps_width():
    lines = briefing.wrap("农村留守儿童 " * 20 + "and some English words " * 5, 40)
    assert all(briefing.display_width(line) <= 40 for line in lines)
    assert "".join(lines).replace(" ", "").startswith("农村留守儿童农村")


def test_briefing_view_layout(dash_app):
    from dashboard import ids
    from dashboard.pages.explorer.layout import build_layout

    page = build_layout(dash_app.atlas, "?region=510000&briefing=1&lang=en")
    found = {}

    def walk(node) -> None:
        if hasattr(node, "id") and isinstance(getattr(node, "id", None), str):
            found[node.id] = node
        children = getattr(node, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and not isinstance(child, str):
                walk(child)

    walk(page)
    assert ids.INDICATOR not in found and ids.MAP not in found  # no controls
    assert found[ids.TITLE].children == "Left-behind children, Sichuan, 2026 H1 (Jan–Jun)"
    assert found[ids.BRIEFING_MAP].config["staticPlot"] is True
    assert found[ids.EXPORT_PNG].href == "/export/map.png?region=510000&lang=en"
    assert found[ids.BRIEFING_VIEW].href == "?region=510000&lang=en"  # back to the explorer
    explorer = build_layout(dash_app.atlas, "?region=510000")
    walk(explorer)
    assert found[ids.BRIEFING_VIEW].href == "?region=510000&briefing=1"


# --- command line ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cli_data(tmp_path_factory, layers):
    return make_data_dir(tmp_path_factory.mktemp("export-cli"), layers)


def _cli(args, data_dir):
    env = {**os.environ, "ATLAS_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "export", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_cli_export_and_batch(cli_data, tmp_path):
    from PIL import Image

    out = tmp_path / "sichuan.png"
    r = _cli(["--region", "510000", "--lang", "en", "--out", str(out)], cli_data)
    assert r.returncode == 0, r.stderr[-2000:]
    img = Image.open(out)
    assert img.width >= 2480 and round(img.info["dpi"][0]) == 300
    batch = tmp_path / "batch"
    r = _cli(["--provinces", "510000,460000", "--format", "svg", "--out", str(batch)], cli_data)
    assert r.returncode == 0, r.stderr[-2000:]
    files = sorted(p.name for p in batch.iterdir())
    assert files == [
        "atlas-460000-left_behind-2026-H1-zh-synthetic.svg",
        "atlas-510000-left_behind-2026-H1-zh-synthetic.svg",
    ]
    assert "<path" in (batch / files[0]).read_text()


@pytest.mark.parametrize(
    "args",
    [
        ["--region", "999999", "--out", "x.png"],
        ["--briefing", "--format", "png", "--out", "x.png"],
        ["--indicator", "nope", "--out", "x.png"],
        ["--out", "x.gif"],
        ["--provinces", "51", "--out", "dir"],
    ],
)
def test_cli_bad_arguments_exit_2(cli_data, tmp_path, args):
    r = _cli(args, cli_data)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")


@pytest.mark.parametrize(
    ("mode", "words"),
    [("gistar", ("Getis-Ord Gi*", "Hot spots")), ("2sfca", ("2SFCA",)), ("coverage", ("Need",))],
)
def test_map_export_follows_the_analysis_mode(xclient, mode, words):
    """A user looking at a hot-spot map exports the hot-spot map, not the values."""
    from pypdf import PdfReader

    r = xclient.get(f"/export/map.pdf?lang=en&indicator=left_behind_rate&mode={mode}&perm=99")
    assert r.status_code == 200, r.get_data()[:200]
    text = _plain(PdfReader(io.BytesIO(r.get_data())).pages[0].extract_text())
    assert all(_plain(w) in text for w in words), text[:400]
    assert xclient.get("/export/map.png?mode=bogus").json["parameter"] == "mode"


def test_this_machine_has_what_exports_need_and_a_bare_one_is_named(monkeypatch, tmp_path):
    assert export.missing_packages() == ()
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))  # no chromium, no fc-list
    assert export.missing_packages() == ("chromium", "fonts-noto-cjk")


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh", ["无法导出", "sudo apt-get install chromium fonts-noto-cjk"]),
     ("en", ["Cannot export", "sudo apt-get install chromium fonts-noto-cjk"])],
)  # fmt: skip
def test_an_export_without_chromium_says_what_to_install_in_the_page_language(
    dash_app, monkeypatch, lang, words
):
    monkeypatch.setattr(export, "missing_packages", lambda: ("chromium", "fonts-noto-cjk"))
    old = export.set_shared_renderer(export.Renderer())
    try:
        # a view no other test exports, so that no cached file answers
        r = dash_app.server.test_client().get(
            f"/export/map.svg?lang={lang}&indicator=migrant&scheme=user&breaks=1,2,3,{77 + len(lang)}"
        )
    finally:
        export.set_shared_renderer(old)
    assert r.status_code == 503
    body = r.get_json()
    assert body["missing"] == ["chromium", "fonts-noto-cjk"]
    assert all(w in body["error"] for w in words), body
    other = "[\u4e00-\u9fff]" if lang == "en" else "[A-Za-z]{4,}"
    assert not re.search(other, body["error"].replace("sudo apt-get install", "").replace(
        "chromium", "").replace("fonts-noto-cjk", "").replace("Debian", "").replace(
        "Noto CJK", "")), body["error"]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "names"),
    [("lang=en", ["Sichuan", "Inner Mongolia", "Xinjiang"]),
     ("lang=zh&region=510000", ["成都市", "甘孜州"]),
     ("lang=en&region=510100", ["Pengzhou", "Jintang"])],
)  # fmt: skip
def test_exported_maps_name_places_like_the_page(xclient, dash_app, query, names):
    from dashboard.presenters.labels import map_labels

    r = xclient.get(f"/export/map.svg?{query}")
    assert r.status_code == 200
    svg = r.get_data(as_text=True)
    for name in names:
        assert f">{name}<" in svg, name
    q = dict(p.split("=") for p in query.split("&"))
    page = set(map_labels(dash_app.atlas, q.get("region"), q["lang"]).text)
    printed = {n for n in page if f">{n}<" in svg}
    assert len(printed) >= 0.8 * len(page)  # the sheet is a little smaller than the page
