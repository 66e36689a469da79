"""The explorer: the map, its controls, charts and table (``/``)."""
