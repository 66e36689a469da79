"""Map views of the Atlas: the initial figure and value-only patches.

Mixed into :class:`dashboard.services.Atlas`; kept apart so the data code stays short.
"""

from __future__ import annotations

from dashboard.i18n import t
from geodata import boundaries, indicators


class MapViews:
    """Figure assembly for :class:`Atlas` (kept apart to keep the data code readable)."""

    topojson_url = "/assets/topojson/"
    _static_parts: dict | None = None

    def geo_url(self, name: str) -> str:
        """URL of a static gzipped GeoJSON; the cache key makes it immutable."""
        return f"/geo/{self.layers.meta['key']}/{name}.geojson"

    def _static_map_parts(self) -> dict:
        def compute() -> dict:
            from dashboard.figures import inset_positions, main_positions

            web = self.layers.counties_web
            return {
                "codes": web.index.tolist(),
                "names": web[["name_zh", "prefecture_zh", "province_zh"]].values.tolist(),
                "inset": inset_positions(web["cx"].to_numpy(), web["cy"].to_numpy()),
                "main": main_positions(web.geometry.bounds["miny"].to_numpy()),
                "province_codes": self.layers.provinces.index.tolist(),
                "maritime": boundaries.maritime_lines(self.layers),
            }

        # Static for the life of the layer: computed once per process, never per request.
        if self._static_parts is None:
            self._static_parts = compute()
        return self._static_parts

    def map_figure(self, indicator: str, period: str | None, scheme: str, lang: str) -> dict:
        """The full initial figure (geometry by URL) as a plain dict, memoised."""
        p = self.resolve_period(period)
        return self._memo(
            f"figure:{indicator}:{p}:{scheme}:{lang}",
            lambda: self._map_figure(indicator, p, scheme, lang).to_plotly_json(),
        )

    def _map_figure(self, indicator: str, period: str | None, scheme: str, lang: str):
        from dashboard.figures import MapStyle, map_figure

        parts = self._static_map_parts()
        mv = self.map_values(indicator, period, scheme, lang)
        return map_figure(
            counties_url=self.geo_url("counties"),
            provinces_url=self.geo_url("provinces"),
            province_codes=parts["province_codes"],
            codes=parts["codes"],
            names=parts["names"],
            inset_index=parts["inset"],
            main_index=parts["main"],
            maritime=parts["maritime"],
            z=mv.z,
            text=mv.text,
            style=MapStyle(mv.colours, mv.tick_text, mv.title),
            hover_value_label=mv.title.split("<br>")[0],
            hover_note=t("synthetic_short", lang) if mv.synthetic else "",
            inset_title=t("inset_title", lang),
            credit=t("boundary_credit", lang),
        )

    def map_patch(self, patch, indicator: str, period: str | None, scheme: str, lang: str):
        """Fill a ``dash.Patch`` with the values of a new view (no geometry, no names)."""
        from dashboard.figures import stepped_colorscale, tick_positions

        parts = self._static_map_parts()
        mv = self.map_values(indicator, period, scheme, lang)
        k = len(mv.colours)
        scale = stepped_colorscale(mv.colours)
        label = mv.title.split("<br>")[0]
        note = t("synthetic_short", lang) if mv.synthetic else ""
        hover = (
            "<b>%{customdata[0]}</b><br>%{customdata[1]} · %{customdata[2]}<br>"
            f"{label}: %{{text}}<br><i>{note}</i><extra></extra>"
        )
        subsets = [parts["main"], parts["inset"]]
        for i, idx in enumerate(subsets):
            z, text = [mv.z[j] for j in idx], [mv.text[j] for j in idx]
            trace = patch["data"][0 if i == 0 else 2]
            trace["z"] = z
            trace["text"] = text
            trace["colorscale"] = scale
            trace["zmax"] = max(k - 1, 0)
            trace["hovertemplate"] = hover
        bar = patch["data"][0]["colorbar"]
        bar["tickvals"] = tick_positions(k)
        bar["ticktext"] = list(mv.tick_text)
        bar["title"]["text"] = mv.title
        return patch

    def summary_text(self, indicator: str, period: str | None, lang: str) -> str:
        """One line: counties with data and the national total or median."""
        ind = indicators.get(indicator)
        values = self.indicator_values(indicator, period)
        n = int(values.notna().sum())
        line = f"{t('counties_with_data', lang)}: {n:,} / {len(values):,}"
        if ind.group == "counts" and n:
            line += f" · {t('total', lang)}: {values.sum():,.0f}"
        return line
