"""The UI side of the analysis methods: every registered method is shown, named in
both languages, coloured per class, and no-data counties stay no data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard import methods
from dashboard.i18n import STRINGS
from geodata.analysis import REGISTRY, AnalysisParams


def test_every_registered_method_has_a_view_and_words_in_both_languages():
    assert set(methods.VIEWS) == set(REGISTRY)
    assert methods.mode_ids() == ("values", *REGISTRY)
    for mid, method in REGISTRY.items():
        view = methods.view(mid)
        for key in (f"mode.{mid}", f"title.{mid}", f"note.{mid}"):
            assert set(STRINGS[key]) == {"zh", "en"}, key
        if method.class_column:
            assert set(view.colours) == set(method.classes), mid
            assert len(set(view.colours.values())) == len(method.classes), mid
            for lang in ("zh", "en"):
                labels = [view.class_label(c, lang) for c in method.classes]
                assert all(lab and not lab.startswith("class.") for lab in labels), (mid, labels)


def test_rate_lisa_and_lisa_have_different_titles():
    p, r = AnalysisParams("lisa"), AnalysisParams("lisa_rate")
    for lang in ("zh", "en"):
        assert methods.view("lisa").title(p, lang) != methods.view("lisa_rate").title(r, lang)


@pytest.mark.parametrize("method", [m for m in REGISTRY if REGISTRY[m].class_column])
def test_empty_class_is_no_data(method):
    m = REGISTRY[method]
    codes = list(m.classes)
    result = pd.DataFrame({m.class_column: [codes[0], None, np.nan, "nonsense"]})
    cats = methods.categories(AnalysisParams(method), result, "en")
    assert cats.classes.tolist() == [0, -1, -1, -1]
    assert len(cats.labels) == len(cats.colours) == len(codes)


def test_bivariate_legend_cells():
    assert methods.BIVARIATE_COLOURS["1-3"] == "#be64ac"  # priority: saturated pink
    assert methods.BIVARIATE_COLOURS["1-1"] == "#e8e8e8"
    assert methods.BIVARIATE_COLOURS["3-3"] == "#3b4994"
    for lang in ("en", "zh"):
        leg = methods.bivariate_legend(lang)
        assert len(leg["cells"]) == 9
        top_left = next(c for c in leg["cells"] if c["row"] == 0 and c["col"] == 0)
        assert top_left["label"] == "1-3" and top_left["colour"] == "#be64ac"
        assert all(leg[k] and not leg[k].startswith("bivariate.") for k in ("title", "x", "y"))


def test_progress_and_summary_lines():
    assert "999" in methods.progress_text("lisa", 999, "en")
    assert "CBC" in methods.progress_text("mclp", None, "en")
    result = pd.DataFrame(index=["a"])
    result.attrs["summary"] = {"newly_covered": 1234.0, "share_before": 0.5,
                               "share_after": 0.75, "sites": 3}  # fmt: skip
    line = methods.summary_line(AnalysisParams("mclp"), result, "en")
    assert "1,234" in line and "50.0% → 75.0%" in line and "3 sites" in line
    assert methods.summary_line(AnalysisParams("lisa"), result, "en") == ""
