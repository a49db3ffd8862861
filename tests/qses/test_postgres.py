"""On PostgreSQL too: the mock seeds, authenticates, and concurrent upserts of one person
make one contact (CI exports APIDOUBLE_TEST_POSTGRES_URL)."""

from __future__ import annotations

import threading

from engines import fresh_postgres_database

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config

from .conftest import API, person, token_for


def test_concurrent_upserts_on_postgresql() -> None:
    with fresh_postgres_database() as url:
        _concurrent_upserts(url)


def _concurrent_upserts(url: str) -> None:
    app = create_app("qses", Config(db_url=url, rate_limits=False, seed_on_start=False))
    core = app.extensions["apidouble"]
    core.storage.create_all()
    core.reset()
    try:
        client = app.test_client()
        password = next(c["password"] for c in client.get("/__admin/credentials").get_json()[
            "credentials"] if c["username"] == "integration.full")
        headers = {"Authorization": f"Bearer {token_for(client, 'integration.full', password)}"}
        created = client.post(f"{API}/contacts", headers=headers, json=person())
        assert created.status_code == 201 and created.get_json()["Data"]["CrmNumber"] > 100600
        answers: list[int] = []

        def upsert() -> None:
            answers.append(app.test_client().post(
                f"{API}/processes/upsertcontact", headers=headers,
                json=person(EmailAddress="pg.race@example.org")).get_json())

        threads = [threading.Thread(target=upsert) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(answers) == 6 and len(set(answers)) == 1, answers
    finally:
        core.storage.drop_all()
        core.storage.dispose()
