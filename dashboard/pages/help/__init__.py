"""The help page (``/help``): what the indicators and map modes mean for a planner,
how to read the keys, where the data come from, how to cite, keyboard use."""
