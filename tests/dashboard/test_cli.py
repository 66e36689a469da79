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


MESSY = (
    "2025年上半年留守儿童统计表\n"
    "区划代码,县区,儿童总数,留守儿童,流动儿童\n"
    "110101,东城区,45000,40,27000\n"
    "156410381000,偃师市,80000,3100,2500\n"
    "合计,,125000,3140,29500\n"
    "999999,不存在县,10,1,1\n"
    "110102,西城区,abc,5,5\n"
)


def test_import_json_report_and_commit(tmp_path, layers):
    data = make_data_dir(tmp_path, layers)
    f = tmp_path / "messy.csv"
    f.write_bytes(MESSY.encode("gb18030"))
    r = run(
        ["import", str(f), "--kind", "children", "--period", "2025-H1", "--dry-run", "--json"], data
    )
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["rows_total"] == 5
    assert rep["rows_total"] == rep["rows_imported"] + rep["rows_skipped"] + rep["rows_rejected"]
    assert rep["rows_imported"] == 2 and rep["rows_skipped"] == 1 and rep["rows_rejected"] == 2
    assert rep["codes_remapped"] == {"410381": "410307"}
    assert {p["row"] for p in rep["problems"]} == {5, 6, 7}
    assert rep["dataset_version"] is None
    r = run(["import", str(f), "--kind", "children", "--period", "2025-H1", "--json"], data)
    assert json.loads(r.stdout)["dataset_version"] == 1
    assert list((data / "uploads").iterdir())  # the raw file is kept


def test_import_merge_replace_scoped_user_and_rounds(tmp_path, layers):
    """`import --mode/--scope/--user` and `round open`, as a provincial office runs them."""
    data = make_data_dir(tmp_path, layers)
    r = run(["user", "add", "gz", "--role", "editor", "--region", "520100", "--password-stdin"],
            data, input="correct horse battery\n")  # fmt: skip
    assert r.returncode == 0 and "520100" in r.stdout, r.stderr
    f = tmp_path / "贵阳2026年上半年.csv"
    f.write_text("区划代码,县区,留守儿童\n520102,南明区,321\n520201,钟山区,5\n", "utf-8")
    base = ["import", str(f), "--kind", "children", "--json"]
    r = run([*base, "--user", "gz", "--dry-run"], data)
    rep = json.loads(r.stdout)
    assert rep["period"] == "2026-H1"  # from the file name
    assert (rep["mode"], rep["scope"], rep["rows_imported"]) == ("merge", None, 1)
    assert [p["rule"] for p in rep["problems"]] == ["outside_region"]
    assert (rep["counties_updated"], rep["counties_added"], rep["counties_unchanged"],
            rep["counties_unreported"]) == (1, 0, 0, 0)  # fmt: skip
    r = run([*base, "--user", "gz", "--mode", "replace", "--scope", "520100"], data)
    rep = json.loads(r.stdout)
    assert rep["mode"] == "replace" and rep["scope"] == "520100" and rep["dataset_version"] == 2
    assert rep["counties_unreported"] == 9 and "520102" not in rep["changes"]["unreported"]
    r = run([*base, "--mode", "replace"], data)
    assert r.returncode == 2 and "--scope" in r.stderr
    r = run(["import", str(f), "--kind", "children", "--mode", "replace", "--scope", "520000",
             "--user", "gz"], data)  # fmt: skip
    assert r.returncode == 2 and "not inside your region" in r.stderr
    r = run(["import", str(f), "--kind", "children", "--dry-run"], data)  # plain text preview
    assert "merge: 1 counties updated, 0 new, 1 unchanged" in r.stdout, r.stdout
    r = run(["round", "open", "2026-H2", "--deadline", "2099-07-31"], data)
    assert r.returncode == 0 and "days left" in r.stdout, r.stderr
    rounds = json.loads(run(["round", "list", "--json"], data).stdout)
    assert rounds[0]["period"] == "2026-H2" and rounds[0]["days_left"] > 0
    assert run(["round", "open", "2026-H2", "--deadline", "July"], data).returncode == 2


def test_import_unreadable_file_is_one_line_error(tmp_path, layers):
    data = make_data_dir(tmp_path, layers)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not really a workbook")
    r = run(["import", str(bad), "--kind", "children", "--period", "2025-H1"], data)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_user_commands(tmp_path):
    import sqlite3

    data = tmp_path
    r = run(["user", "add", "zhang", "--role", "editor", "--password-stdin"], data,
            input="correct horse battery\n")  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = run(["user", "add", "li", "--role", "viewer", "--password-stdin"], data, input="short\n")
    assert r.returncode == 2 and "at least 10" in r.stderr and "Traceback" not in r.stderr
    r = run(["user", "add", "li", "--role", "root", "--password-stdin"], data, input="x" * 12)
    assert r.returncode == 2  # argparse refuses the role
    r = run(["user", "add", "zhang", "--role", "viewer", "--password-stdin"], data,
            input="another password\n")  # fmt: skip
    assert r.returncode == 2 and "exists" in r.stderr
    with sqlite3.connect(data / "atlas.sqlite") as db:
        (stored,) = db.execute("SELECT password_hash FROM users WHERE name='zhang'").fetchone()
    assert "correct horse" not in stored and stored.startswith("scrypt:")
    r = run(["user", "passwd", "zhang", "--password-stdin"], data, input="a new password!\n")
    assert r.returncode == 0, r.stderr
    with sqlite3.connect(data / "atlas.sqlite") as db:
        (changed,) = db.execute("SELECT password_hash FROM users WHERE name='zhang'").fetchone()
    assert changed != stored
    listed = json.loads(run(["user", "list", "--json"], data).stdout)
    assert [(u["name"], u["role"]) for u in listed] == [("zhang", "editor")]
    assert "zhang" in run(["user", "list"], data).stdout
    assert run(["user", "remove", "zhang"], data).returncode == 0
    r = run(["user", "remove", "zhang"], data)
    assert r.returncode == 2 and "no user" in r.stderr
    assert json.loads(run(["user", "list", "--json"], data).stdout) == []


def test_programme_commands(tmp_path, layers):
    data = make_data_dir(tmp_path, layers)
    listed = run(["programme", "list", "--json"], data)
    assert listed.returncode == 0, listed.stderr
    demo = json.loads(listed.stdout)
    assert len(demo) == 1 and demo[0]["synthetic"] and demo[0]["counties"] == 40
    codes = tmp_path / "codes.txt"
    codes.write_text("110101\n东城区\n999999\n420102\n", encoding="utf-8")
    bad = run(["programme", "add", "项目甲", "--codes", str(codes)], data)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "entry 3 '999999': not used: unknown county code" in bad.stderr
    ok = run(["programme", "add", "项目甲", "--codes", str(codes), "--allow-problems"], data)
    assert ok.returncode == 0 and "2 counties" in ok.stdout, ok.stderr
    pid = int(ok.stdout.split()[2])
    shown = run(["programme", "show", str(pid), "--json"], data)
    cmp = json.loads(shown.stdout)
    assert cmp["n_inside"] == 2 and cmp["synthetic"] and cmp["previous"] == "2025-H2"
    assert run(["programme", "remove", str(pid)], data).returncode == 0
    gone = run(["programme", "show", str(pid)], data)
    assert gone.returncode == 2 and f"no programme {pid}" in gone.stderr


def test_prepare_says_each_step_as_it_goes(tmp_path, layers):
    data = make_data_dir(tmp_path, layers)
    out = run(["prepare"], data)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("preparing ")
    assert any(
        line.startswith("[") and "s] generating and loading the synthetic demo data" in line
        for line in lines
    ), lines
    assert json.loads(lines[-1])["demo_loaded"] is True


class _Terminal:
    def __init__(self):
        self.parts: list[str] = []

    def write(self, s):
        self.parts.append(s)

    def flush(self):
        pass

    def isatty(self):
        return True


def test_step_printer_ticks_on_a_terminal_and_prints_lines_elsewhere():
    import io
    import logging
    import time

    from dashboard.cli import StepPrinter

    log = logging.getLogger("geodata.boundaries.layers")
    term = _Terminal()
    with StepPrinter(term, tick=0.02):
        log.info("boundary layers 2/4: simplifying %d counties", 2875)
        time.sleep(0.2)
        log.info("boundary layers 3/4: provinces")
    text = "".join(term.parts)
    assert text.count("\r") >= 4  # the line was rewritten while the step ran
    assert "simplifying 2875 counties" in text and text.endswith("provinces\n")
    plain = io.StringIO()
    with StepPrinter(plain):
        log.info("boundary layers 1/4: reading")
        logging.getLogger("dashboard.atlas").warning("cache unavailable")
    lines = plain.getvalue().splitlines()
    assert len(lines) == 2 and "\r" not in plain.getvalue()
    assert lines[0].endswith("boundary layers 1/4: reading")
    assert lines[1].endswith("warning: cache unavailable")
    assert not log.handlers  # removed afterwards


def test_building_the_layers_logs_four_steps(tmp_path, monkeypatch, caplog, layers):
    import logging

    from geodata.boundaries import layers as layers_mod

    monkeypatch.setattr(layers_mod, "read_source", lambda: layers.counties_full.iloc[:40].copy())
    monkeypatch.setattr(layers_mod, "_attach_measures", lambda df: df)
    monkeypatch.setattr(layers_mod, "simplify_coverage", lambda g, p: g)
    monkeypatch.setattr(layers_mod, "write_cache", lambda lay, d: d)
    monkeypatch.setattr(layers_mod, "read_maritime", lambda p: layers.maritime)
    with caplog.at_level(logging.INFO, logger="geodata"):
        layers_mod.load_layers(tmp_path)
    steps = [r.getMessage() for r in caplog.records if "boundary layers" in r.getMessage()]
    assert [s.split(":")[0] for s in steps[1:]] == [f"boundary layers {i}/4" for i in range(1, 5)]
    assert "about two minutes" in steps[0]
