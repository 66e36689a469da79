"""From a view's data to what the page draws: ``map`` (the figure, value and analysis
patches, linked charts, summary line) and ``overlays`` (facilities, programmes, the
selected county). Functions of :class:`dashboard.atlas.Atlas`; no Dash callbacks here."""
