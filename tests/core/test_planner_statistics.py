"""The query planner knows each system's tables after a seed and after a data file.

Without statistics SQLite takes every index as selective and may walk one whose values
all rows share, then sort; with them it scans in key order and stops after the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from apidouble.mock_server.core import Config
from apidouble.mock_server.core.datafile import apply_document, read_document
from apidouble.mock_server.systems import SYSTEMS, create_app


def _row_counts(connection: sa.Connection) -> dict[str, int]:
    """Rows per table as ``sqlite_stat1`` records them (its first number is the count)."""
    rows = connection.execute(sa.text("SELECT tbl, stat FROM sqlite_stat1"))
    return {table: int(stat.split()[0]) for table, stat in rows}


@pytest.mark.parametrize("system", SYSTEMS)
def test_every_seeded_data_table_has_statistics(system: str, tmp_path: Path) -> None:
    app = create_app(system, Config(db_url=f"sqlite:///{tmp_path / 'data.db'}"))
    core = app.extensions["apidouble"]
    with core.storage.connect() as connection:
        recorded = _row_counts(connection)
        for table in core.data_tables():
            rows = connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            if rows:  # SQLite records no line for an empty table
                assert recorded.get(table.name) == rows, table.name


def test_a_data_file_refreshes_the_statistics(tmp_path: Path) -> None:
    app = create_app("qatrack", Config(db_url=f"sqlite:///{tmp_path / 'data.db'}"))
    core = app.extensions["apidouble"]
    units = core.storage["units"]
    with core.storage.connect() as connection:
        before = _row_counts(connection)[units.name]
    text = ("system: qatrack\nversion: 1\nqatrack:\n"
            "  units: [{number: 901, name: X1}, {number: 902, name: X2}]\n")
    with app.test_request_context():
        apply_document(core, read_document(text, "w.yaml"))
    with core.storage.connect() as connection:
        assert _row_counts(connection)[units.name] == before + 2
