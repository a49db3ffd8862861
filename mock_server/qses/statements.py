"""Statements built once per table and kept in the table's ``info``.

Each app has its own tables, so this is once per app. Building a SQLAlchemy
statement and its cache key costs more per request than running it on SQLite;
a kept statement with bound parameters (``sa.bindparam``) hits the compiled
cache at once.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import sqlalchemy as sa

Built = TypeVar("Built")


def kept(table: sa.Table, key: Hashable, build: Callable[[], Built]) -> Built:
    """``build()`` the first time ``key`` is asked of ``table``, the same object after."""
    found: dict[Hashable, Any] = table.info.setdefault("qses_statements", {})
    if key not in found:
        found[key] = build()
    return found[key]  # type: ignore[no-any-return]
