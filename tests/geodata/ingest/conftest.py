"""Fixtures shared by the importer's tests (plain helpers are in ``helpers.py``)."""

import pytest

from geodata.codes import load_registry


@pytest.fixture(scope="module")
def registry():
    return load_registry()
