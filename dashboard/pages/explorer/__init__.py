"""The explorer (``/``): the map, its controls, the linked charts and the table; with
``briefing=1`` in the query, the same view as a sheet (:mod:`dashboard.pages.briefing`)."""
