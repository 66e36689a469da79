"""The Makefile's Debian packages: installed when missing, or named exactly."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.conftest import ROOT

MAKE = shutil.which("make")


@pytest.fixture()
def bare_path(tmp_path):
    """A PATH without chromium, with no CJK fonts and an apt-get that cannot install."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    for tool in ("grep", "id"):
        (bin_ / tool).symlink_to(shutil.which(tool))
    for name, body in (("apt-get", 'echo apt-get $@ >> "$0.log"; exit 100'), ("fc-list", "")):
        f = bin_ / name
        f.write_text(f"#!/bin/sh\n{body}\n")
        f.chmod(0o755)
    return bin_


def _make(target: str, path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "BROWSER_PATH"}
    env["PATH"] = str(path)
    return subprocess.run(
        [MAKE, "--no-print-directory", target], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_export_packages_are_installed_when_missing_or_named(bare_path):
    out = _make("export-deps", bare_path)
    assert out.returncode == 0, out.stderr  # the map works without them: go on
    assert "installing Debian packages: chromium fonts-noto-cjk" in out.stdout
    assert "sudo apt-get install chromium fonts-noto-cjk" in out.stdout
    assert "update" in (bare_path / "apt-get.log").read_text()


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_test_packages_are_required(bare_path):
    out = _make("system-deps", bare_path)
    assert out.returncode != 0
    assert "sudo apt-get install chromium fonts-noto-cjk redis-server" in out.stdout


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_run_and_serve_install_what_exports_need():
    for target in ("run", "serve"):
        out = subprocess.run(
            [MAKE, "-n", "-W", "requirements.txt", target], cwd=ROOT, capture_output=True,
            text=True, timeout=60,
        )  # fmt: skip
        assert "fonts-noto-cjk" in out.stdout and "chromium" in out.stdout, target
