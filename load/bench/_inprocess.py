"""The app the in-process profiles measure (``profile_lists``, ``profile_writes``,
``profile_mix``): built on a fresh SQLite file, with rate limits and the page cache
off, so every request pays the stateful path."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from apidouble.mock_server.core import Config
from apidouble.mock_server.systems import create_app


@contextmanager
def fresh_app(system: str) -> Iterator[tuple[Flask, str]]:
    """(the app, its database file), both gone at the end."""
    with tempfile.TemporaryDirectory(prefix="apidouble-profile-") as tmp:
        db = f"{tmp}/{system}.sqlite3"
        yield create_app(system, Config(db_url=f"sqlite:///{db}", rate_limits=False,
                                        page_cache=False)), db
