"""Callbacks of the explorer page, one module per area."""
