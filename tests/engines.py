"""Real PostgreSQL and Redis for the shared-mock tests: a fresh database per run.

The URLs come from ``APIDOUBLE_TEST_POSTGRES_URL`` and ``APIDOUBLE_TEST_REDIS_URL``
(``.ci/run`` starts both services and exports them). Without them the tests
skip, except in CI (``CI`` set), where a missing service is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


def required_env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not set: CI must run PostgreSQL and Redis (see .ci/run)")
        pytest.skip(f"{name} is not set (PostgreSQL/Redis tests need it)")
    return value


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty database on the test server; dropped afterwards."""
    import psycopg
    from sqlalchemy.engine import make_url

    base = make_url(required_env("APIDOUBLE_TEST_POSTGRES_URL"))
    name = f"apidouble_test_{uuid.uuid4().hex[:12]}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def redis_url() -> str:
    return required_env("APIDOUBLE_TEST_REDIS_URL")
