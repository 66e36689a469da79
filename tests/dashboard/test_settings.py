"""Settings are declared once; the README's table is generated from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard.settings import SETTINGS, Settings, markdown_table

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_and_env():
    s = Settings.from_env(env={})
    assert s.port == 8050 and s.host == "127.0.0.1" and s.default_lang == "zh"
    s = Settings.from_env(
        env={
            "PORT": "9000",
            "HOST": "0.0.0.0",
            "ATLAS_DEBUG": "yes",
            "ATLAS_DATA_DIR": "/tmp/atlas",
        }
    )
    assert s.port == 9000 and s.host == "0.0.0.0" and s.debug is True
    assert s.db_url == "sqlite:////tmp/atlas/atlas.sqlite"
    assert Settings.from_env(env={"DATABASE_URL": "postgresql://x/y"}).db_url == "postgresql://x/y"


@pytest.mark.parametrize(
    "env", [{"PORT": "eighty"}, {"ATLAS_DEBUG": "maybe"}, {"ATLAS_LANG": "fr"}]
)
def test_bad_values_name_the_variable(env):
    with pytest.raises(ValueError, match=next(iter(env))):
        Settings.from_env(env=env)


def test_readme_table_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown_table() in readme, "run: python app.py settings --markdown"
    assert all(f"`{s.env}`" in readme for s in SETTINGS)


def test_readme_quick_start_has_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme


def test_data_dir_is_absolute_whatever_the_working_directory(tmp_path, monkeypatch):
    """A relative ATLAS_DATA_DIR (the default is ./data) becomes absolute: Flask sends
    files relative to the app's package, not the working directory, so a relative
    layer path made every geometry request answer 500 in `make run`."""
    from dashboard.settings import Settings

    monkeypatch.chdir(tmp_path)
    s = Settings.from_env(env={})
    assert s.data_dir.is_absolute() and s.data_dir == tmp_path / "data"
    assert s.cache_dir.is_absolute() and s.upload_dir.is_absolute()
    assert Settings.from_env(env={"ATLAS_DATA_DIR": "rel/dir"}).data_dir == tmp_path / "rel/dir"
