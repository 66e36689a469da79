"""Every setting of the Atlas, declared once: name, environment variable, default, help.

The README's configuration table is generated from :data:`SETTINGS` (``python app.py
settings --markdown``) and a test keeps the two in step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    """One declared setting."""

    name: str
    env: str
    default: Any
    help: str
    cast: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "data_dir",
        "ATLAS_DATA_DIR",
        "./data",
        "Data directory: SQLite database, caches, raw uploads.",
        Path,
    ),
    Setting(
        "database_url",
        "DATABASE_URL",
        "",
        "SQLAlchemy URL (e.g. postgresql+psycopg://...); empty = SQLite in the data dir.",
    ),
    Setting("host", "HOST", "127.0.0.1", "Address the server listens on."),
    Setting("port", "PORT", 8050, "Port the server listens on.", int),
    Setting(
        "redis_url",
        "REDIS_URL",
        "",
        "Redis for the cache and the background-job queue (Celery) that every process "
        "shares; empty = filesystem cache, jobs run by the web process (one machine).",
    ),
    Setting(
        "web_concurrency",
        "WEB_CONCURRENCY",
        0,
        "Gunicorn worker processes of `make serve`; 0 = 2 x CPUs + 1, at most 8.",
        int,
    ),
    Setting(
        "proxy_fix",
        "ATLAS_PROXY_FIX",
        0,
        "Reverse proxies in front whose X-Forwarded-For/-Proto/-Host/-Port are trusted "
        "(0 = none: do not trust the headers).",
        int,
    ),
    Setting(
        "secure_cookies",
        "ATLAS_SECURE_COOKIES",
        False,
        "Mark the sign-in cookie Secure (set when users reach the site over HTTPS).",
        bool,
    ),
    Setting(
        "secret_key",
        "ATLAS_SECRET_KEY",
        "",
        "Session signing key; empty = a random key kept in the data dir.",
    ),
    Setting(
        "cache_timeout",
        "ATLAS_CACHE_TIMEOUT",
        3600,
        "Seconds a computed result stays in the cache.",
        int,
    ),
    Setting("default_lang", "ATLAS_LANG", "zh", "Default language: zh or en."),
    Setting("debug", "ATLAS_DEBUG", False, "Dash debug mode (never in production).", bool),
    Setting("log_level", "ATLAS_LOG_LEVEL", "INFO", "Python logging level."),
    Setting(
        "simplify_tolerance",
        "ATLAS_SIMPLIFY_TOLERANCE",
        0.01,
        "Web-layer simplification tolerance in degrees (changes the cache key).",
        float,
    ),
    Setting("demo_seed", "ATLAS_DEMO_SEED", 20251123, "Seed of the synthetic demo dataset.", int),
    Setting(
        "review",
        "ATLAS_REVIEW",
        False,
        "Uploads by county and prefecture editors wait for approval by an editor whose "
        "region contains them (off: every editor's commit applies at once).",
        bool,
    ),
    Setting(
        "load_demo",
        "ATLAS_LOAD_DEMO",
        True,
        "Load the synthetic demo data when the database has no children data.",
        bool,
    ),
    Setting(
        "session_hours",
        "ATLAS_SESSION_HOURS",
        8,
        "Hours a sign-in lasts before the user must sign in again.",
        int,
    ),
    Setting(
        "suppress_below",
        "ATLAS_SUPPRESS_BELOW",
        0,
        "Small-number protection: child counts from 1 to k-1 show as '<k' in tooltips, "
        "tables, exports and the API (0 = off; 5 is usual).",
        int,
    ),
    Setting(
        "analysis_rate",
        "ATLAS_ANALYSIS_RATE",
        20,
        "Analysis requests per minute one anonymous client may make through the API "
        "(data.csv?analysis=...); more get 429 (0 = no limit; signed-in users are not limited).",
        int,
    ),
    Setting(
        "export_warmup",
        "ATLAS_EXPORT_WARMUP",
        True,
        "Start the export browser (chromium) in each web process soon after start, so "
        "that the first PNG/SVG/PDF export does not wait for it; about 270 MB per "
        "process (off: the first export starts it).",
        bool,
    ),
    Setting(
        "map_review_number",
        "ATLAS_MAP_REVIEW_NUMBER",
        "",
        "Map review number (审图号) printed on briefings and exports; empty = none.",
    ),
)


def _cast(setting: Setting, raw: str) -> Any:
    if setting.cast is bool:
        v = raw.strip().lower()
        if v in {"1", "true", "yes", "on"}:
            return True
        if v in {"0", "false", "no", "off", ""}:
            return False
        raise ValueError(f"{setting.env}={raw!r} is not a boolean")
    try:
        return setting.cast(raw)
    except ValueError as exc:
        raise ValueError(f"{setting.env}={raw!r}: {exc}") from None


@dataclass(frozen=True)
class Settings:
    """Resolved settings; build with :meth:`from_env` or pass overrides in tests."""

    data_dir: Path = Path("./data")
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8050
    redis_url: str = ""
    web_concurrency: int = 0
    proxy_fix: int = 0
    secure_cookies: bool = False
    secret_key: str = ""
    cache_timeout: int = 3600
    default_lang: str = "zh"
    debug: bool = False
    log_level: str = "INFO"
    simplify_tolerance: float = 0.01
    demo_seed: int = 20251123
    review: bool = False
    load_demo: bool = True
    session_hours: int = 8
    suppress_below: int = 0
    analysis_rate: int = 20
    export_warmup: bool = True
    map_review_number: str = ""
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Read every declared setting from the environment, then apply overrides."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for s in SETTINGS:
            values[s.name] = (
                _cast(s, env[s.env])
                if s.env in env
                else (s.cast(s.default) if s.cast is Path else s.default)
            )
        values.update(overrides)
        # Absolute, so that every path made from it (database, caches, uploads, geometry
        # files sent by Flask) means the same place whatever the working directory or
        # the Flask app's root.
        values["data_dir"] = Path(values["data_dir"]).expanduser().resolve()
        if not 0 <= values["suppress_below"] <= 100:
            raise ValueError(
                f"ATLAS_SUPPRESS_BELOW must be 0 to 100, not {values['suppress_below']}"
            )
        for name in ("web_concurrency", "proxy_fix"):
            if values[name] < 0:
                env_name = next(s.env for s in SETTINGS if s.name == name)
                raise ValueError(f"{env_name} must be 0 or more, not {values[name]}")
        if values["default_lang"] not in ("zh", "en"):
            raise ValueError(f"ATLAS_LANG must be zh or en, not {values['default_lang']!r}")
        return cls(**values)

    @property
    def db_url(self) -> str:
        """The SQLAlchemy URL actually used."""
        return self.database_url or f"sqlite:///{(self.data_dir / 'atlas.sqlite').resolve()}"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def upload_dir(self) -> Path:
        return self.data_dir / "uploads"


def markdown_table() -> str:
    """The README configuration table."""
    lines = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for s in SETTINGS:
        default = "(empty)" if s.default == "" else f"`{s.default}`"
        lines.append(f"| `{s.env}` | {default} | {s.help} |")
    return "\n".join(lines)


assert {f.name for f in fields(Settings)} - {"extra"} == {s.name for s in SETTINGS}
