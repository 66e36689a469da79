"""The command line, run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import ROOT, make_data_dir


def run(args, data_dir, **kw):
    env = {**os.environ, "ATLAS_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        **kw,
    )


def test_geodata_json(tmp_path, layers):
    data = make_data_dir(tmp_path, layers)
    out = run(["geodata", "--json"], data)
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["counts"]["counties"] == 2875 and info["counts"]["provinces"] == 34
    assert info["crs"] == "EPSG:4326"
    assert info["vertices"]["counties_web"] > 100_000
    assert info["cache_path"].endswith(layers.path.name)
    assert info["codes"]["no_polygon"]  # codes that exist but have no polygon are reported


def test_geodata_plain_and_settings(tmp_path, layers):
    data = make_data_dir(tmp_path, layers)
    out = run(["geodata"], data)
    assert out.returncode == 0 and "counties 2,875" in out.stdout
    out = run(["settings"], data)
    assert "ATLAS_DATA_DIR" in out.stdout


def test_bad_setting_is_a_clear_error(tmp_path):
    env = {**os.environ, "PORT": "eighty", "ATLAS_DATA_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, str(ROOT / "app.py"), "geodata"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 2
    assert "PORT" in out.stderr and "Traceback" not in out.stderr


def test_analyze_writes_csv(tmp_path, layers):
    data = make_data_dir(tmp_path, layers)
    out = tmp_path / "out" / "mclp.csv"
    r = run(
        ["analyze", "--method", "mclp", "--k", "5", "--radius-km", "10", "--out", str(out)], data
    )
    assert r.returncode == 0, r.stderr
    assert "SYNTHETIC" in r.stdout and '"sites": 5' in r.stdout
    text = out.read_text(encoding="utf-8-sig")
    assert text.startswith("period,code,") and "covered_after" in text.splitlines()[0]
    assert (tmp_path / "out" / "mclp-sites.csv").is_file()
    bad = run(
        [
            "analyze",
            "--method",
            "lisa_rate",
            "--indicator",
            "children",
            "--out",
            str(tmp_path / "x.csv"),
        ],
        data,
    )
    assert bad.returncode == 2 and "rate" in bad.stderr and "Traceback" not in bad.stderr
