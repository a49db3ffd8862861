"""Configuration of one mock system, passed to ``create_app``; nothing is read at import."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_SEED = 20260618


def default_data_dir() -> Path:
    """Per-user data directory (XDG on Linux), where the default SQLite files live."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / "apidouble"


@dataclass(frozen=True)
class Config:
    """Everything a system's app needs to start.

    ``db_url`` None means an SQLite file per system in :func:`default_data_dir`;
    ``sqlite:///:memory:`` gives a private in-memory database (tests). When one
    URL serves several systems, each system's tables carry its name as prefix.
    """

    db_url: str | None = None
    #: where the default SQLite files live (None: :func:`default_data_dir`)
    data_dir: str | None = None
    seed: int = DEFAULT_SEED
    rate_limits: bool = True
    page_cache: bool = True
    redis_url: str | None = None
    time_zone: str | None = None  # None: the system's own default zone
    seed_on_start: bool = True
    max_body_bytes: int = 10 * 1024 * 1024
    #: origins allowed to call the API from a browser (``serve --cors``); ``*`` for any
    cors_origins: tuple[str, ...] = ()
    #: required in ``X-Apidouble-Admin-Token`` by the admin interface when set
    admin_token: str | None = None
    extra: dict[str, object] = field(default_factory=dict)
    #: data files applied after the seed, at start and on every reset (each goes to the
    #: system its envelope names)
    data_files: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "data_files", tuple(str(p) for p in self.data_files))

    def database_url(self, system: str) -> str:
        if self.db_url:
            return self.db_url
        directory = Path(self.data_dir) if self.data_dir else default_data_dir()
        directory.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{directory / (system + '.sqlite3')}"

    def with_(self, **changes: object) -> Config:
        return replace(self, **changes)  # type: ignore[arg-type]
