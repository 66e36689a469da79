"""Finding your way (issue 16): the header on every page, the help page, Back and
Forward, controls that follow the map mode, narrow screens and print."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import shot
from tests.e2e.test_map_page import choose, wait_for_map
from tests.e2e.test_upload_page import editor  # noqa: F401 - the account fixture

pytestmark = pytest.mark.e2e

MODE_JS = "() => window.location.search"


def nav_texts(page) -> list[str]:
    return [s.strip() for s in page.locator(".site-nav a, .site-nav button").all_inner_texts()]


def test_header_reaches_every_page(page, live_server, editor):  # noqa: F811
    for path, ready in (("/", "#map"), ("/help", "#help-page"), ("/upload", "#upload-login-link")):
        page.goto(live_server + path)
        page.locator(ready).wait_for(timeout=60_000)
        texts = nav_texts(page)
        assert texts[:2] == ["地图", "帮助"], (path, texts)  # no upload link signed out
        assert "登录" in texts and "English" in texts, (path, texts)
        assert page.locator(".site-nav .current").count() == (path != "/upload"), path
    # signing in from the header comes back to the page, which now links to uploads
    page.goto(live_server + "/help?lang=en")
    page.locator("#nav-signin").click()
    page.locator("#login-name").fill(editor[0])
    page.locator("#login-password").fill(editor[1])
    page.locator("#login-submit").click()
    page.wait_for_url("**/help?lang=en")
    page.locator("#help-page").wait_for()
    assert nav_texts(page)[:3] == ["Map", "Upload data", "Help"]
    assert "e2e-editor" in page.locator(".site-nav .user-box").inner_text()
    page.locator("#nav-upload").click()
    page.wait_for_url("**/upload?lang=en")
    page.locator("#nav-upload.current").wait_for()
    shot(page, "header-upload-en")
    page.locator("#nav-signout").click()  # a plain form: works on any page
    page.wait_for_url("**/?lang=en")
    wait_for_map(page)
    assert "Sign in" in nav_texts(page) and "Upload data" not in nav_texts(page)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_help_page_in_each_language(page, live_server, lang):
    from dashboard import methods
    from dashboard.i18n import t

    page.goto(f"{live_server}/help?lang={lang}")
    page.locator("#help-page").wait_for(timeout=60_000)
    text = page.locator("#help-page").inner_text()
    for mode in methods.mode_ids():  # every registered map mode, plain words then method
        entry = page.locator(f'[data-mode="{mode}"]').inner_text()
        assert methods.mode_name(mode, lang) in entry
        assert t(f"help.mode.{mode}", lang) in entry
    for key in ("help.keys.title", "help.cite.title", "help.bivariate.title", "help.data.demo"):
        assert t(key, lang) in text, key
    assert page.locator("#help-page .bv-cell").count() == 9
    page.locator('a[href="#keys"]').click()
    assert page.locator("#keys").is_visible()
    page.set_viewport_size({"width": 1366, "height": 768})
    shot(page, f"help-{lang}-1366")
    page.set_viewport_size({"width": 1920, "height": 1080})
    shot(page, f"help-{lang}-1920")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, f"help-{lang}-390")


def test_back_and_forward_restore_the_view(page, live_server):
    """Today's bug: Back changed the URL to / but the page kept showing Sichuan."""
    page.goto(live_server + "/?region=510000")
    wait_for_map(page, minimum=100)
    crumbs = page.locator("#breadcrumb")
    assert "四川省" in crumbs.inner_text()
    page.locator("#breadcrumb button:not([disabled])").first.click()  # up to China
    page.wait_for_function("!window.location.search.includes('region=')", timeout=20_000)
    page.wait_for_function("!document.querySelector('#breadcrumb').innerText.includes('四川')")
    choose(page, "indicator", "migrant")
    page.wait_for_function("window.location.search.includes('indicator=migrant')")
    choose(page, "map-mode", "gistar")
    page.wait_for_function("window.location.search.includes('mode=gistar')")

    page.go_back()  # the indicator change, before the mode
    page.wait_for_function("!window.location.search.includes('mode=')")
    page.wait_for_function("document.querySelector('#map-mode').innerText.includes('指标数值')")
    assert "indicator=migrant" in page.evaluate(MODE_JS)
    page.go_back()  # before the indicator: left-behind children, national
    page.wait_for_function("!window.location.search.includes('indicator=migrant')")
    page.wait_for_function("document.querySelector('#indicator').innerText.includes('农村留守')")
    page.go_back()  # Sichuan again, and the page shows it
    page.wait_for_function("window.location.search.includes('region=510000')")
    page.wait_for_function("document.querySelector('#breadcrumb').innerText.includes('四川省')")
    page.wait_for_function(  # the map zoomed back in: a province frame, not China's
        "document.querySelector('#map .js-plotly-plot').layout.geo.lonaxis.range[1]"
        " - document.querySelector('#map .js-plotly-plot').layout.geo.lonaxis.range[0] < 30"
    )
    page.go_forward()
    page.go_forward()
    page.go_forward()  # all the way: Forward was kept
    page.wait_for_function("window.location.search.includes('mode=gistar')")
    page.wait_for_function("document.querySelector('#map-mode').innerText.includes('Gi*')")
    page.wait_for_function("document.querySelector('#indicator').innerText.includes('流动')")
    search = page.evaluate(MODE_JS)
    page.locator("#lang-other").click()  # the same view in English
    page.wait_for_url("**lang=en**")
    wait_for_map(page)
    assert page.evaluate(MODE_JS) == search.replace("lang=zh", "lang=en")
    page.wait_for_function("document.querySelector('#map-mode').innerText.includes('Hot spots')")


def test_controls_follow_the_map_mode(page, live_server):
    page.goto(live_server + "/?county=510722")
    wait_for_map(page)
    mode_box = page.locator("#map-mode").bounding_box()
    # the county panel floats over the map: the controls stay where they were
    panel = page.locator("#county-panel")
    assert panel.is_visible()
    card = page.locator(".atlas-map-card").bounding_box()
    box = panel.bounding_box()
    assert box["x"] >= card["x"] and box["y"] + box["height"] <= card["y"] + card["height"] + 1
    page.goto(live_server + "/")
    wait_for_map(page)
    assert abs(page.locator("#map-mode").bounding_box()["y"] - mode_box["y"]) < 2

    def shown():
        return {
            name: page.locator(f"#{cid}").is_visible()
            for name, cid in (("radius", "radius-km"), ("k", "sites-k"),
                              ("expert", "expert-params"))
        }  # fmt: skip

    assert shown() == {"radius": False, "k": False, "expert": False}
    choose(page, "map-mode", "2sfca")
    page.wait_for_function("document.querySelector('#radius-km').offsetParent !== null")
    assert shown() == {"radius": True, "k": False, "expert": False}
    choose(page, "map-mode", "mclp")
    page.wait_for_function("document.querySelector('#sites-k').offsetParent !== null")
    assert shown() == {"radius": True, "k": True, "expert": False}
    choose(page, "map-mode", "lisa")
    page.wait_for_function("document.querySelector('#expert-params').offsetParent !== null")
    assert shown() == {"radius": False, "k": False, "expert": True}
    assert not page.locator("#permutations").is_visible()  # folded away
    page.locator("#expert-params summary").click()
    assert page.locator("#permutations").is_visible() and page.locator("#seed").is_visible()
    shot(page, "controls-lisa-expert")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_narrow_screen_drawer_touch_and_print(browser, live_server, lang):
    ctx = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", has_touch=True, is_mobile=True
    )
    page = ctx.new_page()
    try:
        page.goto(f"{live_server}/?lang={lang}&county=510722")
        wait_for_map(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways
        toggle = page.locator("#controls-drawer")
        assert toggle.is_visible() and not page.locator("#atlas-controls").is_visible()
        graph = page.locator("#map").bounding_box()
        assert graph["width"] >= 360 and graph["height"] >= 300
        # the colour key under the map, not over it (tests/e2e/test_map_legend.py)
        page.locator("#map-legend li").first.wait_for()
        legend_font = page.evaluate(
            "Math.min(...[...document.querySelectorAll('#map-legend li')]"
            ".map(t => parseFloat(getComputedStyle(t).fontSize)))"
        )
        assert legend_font >= 12
        legend = page.locator("#map-legend").bounding_box()
        assert legend["y"] >= graph["y"] + graph["height"] - 1
        # place names would pile up on a phone: hidden (the hover and breadcrumb name places)
        shown_names = page.evaluate(
            "[...document.querySelectorAll('#map .scattergeo text')]"
            ".filter(t => t.getBBox().width > 0 && getComputedStyle(t).display != 'none').length"
        )
        assert shown_names == 0
        panel = page.locator("#county-panel").bounding_box()
        assert panel["y"] >= legend["y"] + legend["height"] - 1  # below map and key
        assert panel["width"] >= 340
        shot(page, f"narrow-{lang}-390")
        toggle.tap()  # touch
        page.locator("#atlas-controls").wait_for(state="visible")
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.locator("#atlas-controls").bounding_box()["y"] < graph["y"] + 10
        shot(page, f"narrow-{lang}-390-drawer")
        toggle.tap()
        page.locator("#atlas-controls").wait_for(state="hidden")
        page.emulate_media(media="print")
        assert not page.locator("#controls-drawer").is_visible()
        assert not page.locator(".export-links").is_visible()
        assert page.locator("#map").is_visible() and page.locator("#county-panel").is_visible()
    finally:
        ctx.close()


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_header_screenshots(browser, live_server, size):
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="zh-CN")
    page = ctx.new_page()
    try:
        for lang in ("zh", "en"):
            page.goto(f"{live_server}/?lang={lang}")
            wait_for_map(page)
            header = page.locator(".atlas-header").bounding_box()
            assert header["height"] < 80  # one line at common widths
            shot(page, f"explorer-header-{lang}-{size[0]}")
    finally:
        ctx.close()
