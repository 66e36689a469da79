"""The pages: registered with Dash Pages, every URL renders its page with the shared
header, the help page follows the method registry, Back/Forward's restore."""

from __future__ import annotations

import json

import pytest

from dashboard import ids
from dashboard.i18n import STRINGS, t
from dashboard.view import ViewState
from tests.dashboard.conftest import VIEWER, signed_in
from tests.dashboard.test_i18n import visible


def _layout(client, path: str) -> dict:
    r = client.get("/_dash-layout", headers={"Referer": f"http://localhost{path}"})
    assert r.status_code == 200, r.data[:300]
    return r.get_json()


def _props(node, name: str) -> list[str]:
    """Every string value of the prop `name` in a layout's JSON, in page order."""
    out: list[str] = []

    def walk(n):
        if isinstance(n, dict):
            value = n.get("props", {}).get(name)
            if isinstance(value, str):
                out.append(value)
            for v in n.values():
                walk(v)
        elif isinstance(n, list):
            for v in n:
                walk(v)

    walk(node)
    return out


def _ids(node) -> set[str]:
    return set(_props(node, "id"))


def _hrefs(node) -> list[str]:
    return _props(node, "href")


def test_pages_are_registered_with_dash_pages(dash_app):
    import dash

    pages = {p["module"]: p for p in dash.page_registry.values()}
    assert pages["dashboard.pages.explorer"]["path"] == "/"
    assert pages["dashboard.pages.upload"]["path"] == "/upload"
    assert "/datasets" in pages["dashboard.pages.upload"]["aliases"]
    assert pages["dashboard.pages.help"]["path"] == "/help"
    assert [p["order"] for p in pages.values()] == sorted(p["order"] for p in pages.values())


#: (address, an id only that page has)
URLS = [
    ("/", ids.MAP),
    ("/?lang=en&region=510000", ids.MAP),
    ("/?indicator=migrant&mode=lisa&perm=99", ids.MODE),
    ("/?region=510000&briefing=1", ids.BRIEFING_MAP),
    ("/upload", "upload-login-link"),
    ("/upload?lang=en", "upload-login-link"),
    ("/datasets", "upload-login-link"),
    ("/help", ids.HELP),
    ("/help?lang=en", ids.HELP),
]


@pytest.mark.parametrize(("path", "marker"), URLS)
def test_every_url_keeps_its_page(client, path, marker):
    layout = _layout(client, path)
    assert marker in _ids(layout), path
    if "briefing=1" not in path:  # every page but the sheet has the header
        assert {ids.TITLE, "nav-map", "nav-help", ids.NAV_SIGNIN} <= _ids(layout), path
        assert "nav-upload" not in _ids(layout)  # only for signed-in users


def test_unknown_address_says_so_with_the_header(client):
    layout = _layout(client, "/no/such/page?lang=en")
    texts = visible(layout)
    assert t("not_found.title", "en") in texts
    assert {"nav-map", "nav-help"} <= _ids(layout) and ids.MAP not in _ids(layout)


def test_header_links_keep_the_language_and_come_back_after_sign_in(client):
    layout = _layout(client, "/help?lang=en")
    hrefs = _hrefs(layout)
    assert "/?lang=en" in hrefs and "/help?lang=en" in hrefs
    assert "/login?next=%2Fhelp%3Flang%3Den&lang=en" in hrefs
    assert "?lang=zh" in hrefs  # the language switch: the same page in Chinese


def test_signed_in_header_links_to_uploads_and_signs_out_with_a_form(rw_app):
    client, _ = signed_in(rw_app, VIEWER)
    layout = _layout(client, "/help?lang=en")
    assert {"nav-upload", ids.NAV_SIGNOUT} <= _ids(layout)
    assert ids.NAV_SIGNIN not in _ids(layout)
    form = json.dumps(layout)
    assert '"action": "/logout"' in form and '"name": "csrf_token"' in form
    assert VIEWER[0] in " ".join(visible(layout))


def test_help_lists_every_map_mode_plain_words_first(client):
    from dashboard import methods

    for lang in ("zh", "en"):
        texts = visible(_layout(client, f"/help?lang={lang}"))
        joined = "\n".join(texts)
        for mode in methods.mode_ids():
            assert methods.mode_name(mode, lang) in texts, mode
            plain = joined.index(t(f"help.mode.{mode}", lang))
            note = methods.note(mode, lang)
            if note:  # the method after the plain words
                assert joined.index(note) > plain, mode


def test_every_map_mode_has_help_in_both_languages():
    from dashboard import methods

    for mode in methods.mode_ids():
        assert set(STRINGS.get(f"help.mode.{mode}", {})) == {"zh", "en"}, mode


def test_a_new_method_appears_in_help(monkeypatch, dash_app):
    """Register a method and its view: the help page lists it without being edited."""
    from dashboard import methods
    from dashboard.pages.help.layout import help_page
    from geodata.analysis import REGISTRY
    from geodata.analysis.methods import Method

    new = Method("demo_new", "geodata.analysis.clusters:run", ("x",), class_column="x",
                 classes=("a",), uses=("radius_km",))  # fmt: skip
    monkeypatch.setitem(REGISTRY, "demo_new", new)
    monkeypatch.setitem(methods.VIEWS, "demo_new", methods.MethodView("demo_new", {"a": "#000"}))
    for key, text in (("mode", "Planted method"), ("help.mode", "Planted plain words"),
                      ("note", "Planted method note")):  # fmt: skip
        monkeypatch.setitem(STRINGS, f"{key}.demo_new", {"zh": text, "en": text})
    with dash_app.server.test_request_context("/help"):
        texts = visible(json.loads(json.dumps(help_page("en").to_plotly_json(), default=_plain)))
    assert {"Planted method", "Planted plain words", "Planted method note"} <= set(texts)


def _plain(obj):
    return obj.to_plotly_json() if hasattr(obj, "to_plotly_json") else str(obj)


def test_controls_show_the_parameters_the_registry_names():
    from dashboard.pages.explorer.controls import shown_params
    from geodata.analysis import REGISTRY

    assert shown_params("values") == set() and shown_params("coverage") == set()
    assert shown_params("2sfca") == {"radius_km"}
    assert shown_params("mclp") == {"k", "radius_km"}
    assert {"permutations", "seed", "fdr"} <= shown_params("lisa")
    for mode, method in REGISTRY.items():
        assert shown_params(mode) == set(method.uses)


VIEWS = [
    ViewState(),
    ViewState(indicator="migrant", period="2025-H2", region="510000", county="510722",
              palette="PuOr", pooled=True, scheme="user", breaks="10, 100"),
    ViewState(mode="gistar", perm=199, seed=7, fdr=True, layers=("facilities",), lang="en"),
    ViewState(mode="mclp", k=5, radius=25.0, programme=None),
    ViewState(mode="2sfca", radius=12.5, period="2026-H1"),
]  # fmt: skip


@pytest.mark.parametrize("state", VIEWS)
def test_control_values_are_the_inverse_of_from_controls(state):
    """Back restores the controls from an address; reading them back must give the same
    view, or the restore would push a new history entry and lose Forward."""
    from dashboard.pages.explorer.callbacks.map import VIEW_FIELDS, control_values

    values = dict(zip(VIEW_FIELDS, control_values(state), strict=True))
    assert ViewState.from_controls(**values) == state


def test_restore_sets_the_controls_from_the_address(client, dash_app):
    from dashboard.pages.explorer.callbacks.map import VIEW_CONTROLS
    from tests.dashboard.test_map_callbacks import call, callback_key, ok

    outputs = [(c, p) for c, p in VIEW_CONTROLS[:-1]]
    outputs += [(ids.BREADCRUMB, "children"), (ids.VIEW_QUERY, "data")]
    popped = "?region=510000&indicator=migrant&mode=gistar&perm=99&lang=en"
    out = ok(
        call(
            client,
            outputs,
            [(ids.POPPED, "data", {"q": popped, "at": 1})],
            [(ids.LANG, "data", "zh")],  # the page's language wins: one language a page
            key=callback_key(dash_app, f"{ids.VIEW_QUERY}.data", ids.POPPED),
        )
    )
    assert out[ids.REGION]["data"] == "510000"
    assert out[ids.INDICATOR]["value"] == "migrant"
    assert out[ids.MODE]["value"] == "gistar" and out[ids.PERMUTATIONS]["value"] == 99
    assert out[ids.SELECTED]["data"] == ""
    view = out[ids.VIEW_QUERY]["data"]
    assert view["replace"] is True and view["for"] == popped
    assert "region=510000" in view["q"] and "lang=zh" in view["q"]
    crumbs = " ".join(visible(out[ids.BREADCRUMB]["children"]))
    assert "四川省" in crumbs
