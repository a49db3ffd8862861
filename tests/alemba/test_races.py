"""Check-then-act under concurrency: 16 analysts lock the same call at once against a
two-worker ``apidouble serve``; in each of ten rounds exactly one wins. Also on
PostgreSQL when ``APIDOUBLE_TEST_POSTGRES_URL`` is set (required on CI)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from engines import fresh_postgres_database
from servers import serve

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config

CLIENTS, ROUNDS = 16, 10
LICENCES = {"Analyst": 40, "User": 40}
API = "/alemba.api/api/v1"


def database_urls(tmp_path: Path) -> list[str]:
    return [f"sqlite:///{tmp_path / 'races.sqlite3'}"]


@contextmanager
def serving(db_url: str) -> Iterator[str]:
    """Seed with room for 16 analyst sessions, then serve with two workers."""
    app = create_app("alemba", Config(db_url=db_url, extra={"alemba_licences": LICENCES}))
    core = app.extensions["apidouble"]
    core.storage.drop_all()  # a shared database may hold an older layout of these tables
    core.storage.create_all()
    core.reset()
    core.storage.dispose()
    with serve("alemba", "--root", "--workers", "2", "--db", db_url) as base:
        yield base


def analyst_tokens(base: str) -> list[str]:
    entries = requests.get(base + "/__admin/credentials", timeout=10).json()["credentials"]
    analysts = [e for e in entries if e["sessionType"] == "Analyst" and e["loginEnabled"]
                and e["grantType"] == "password" and e["clientEnabled"]
                and 1 in e["partitions"]]
    tokens = []
    for index in range(CLIENTS):
        entry = analysts[index % len(analysts)]
        form = {key: entry[name] for key, name in (("client_id", "client_id"),
                ("username", "username"), ("password", "password"), ("scope", "scope"))}
        form["grant_type"] = "password"
        if entry.get("client_secret"):
            form["client_secret"] = entry["client_secret"]
        grant = requests.post(base + "/alemba.web/oauth/login", data=form, timeout=10)
        assert grant.status_code == 200, grant.text
        tokens.append(grant.json()["access_token"])
    return tokens


def all_at_once(calls: list[Any]) -> list[int]:
    barrier = threading.Barrier(len(calls))
    statuses = [0] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        statuses[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


def open_calls(base: str, token: str) -> list[int]:
    found = requests.get(base + API + "/call", headers={"Authorization": f"Bearer {token}"},
                         params={"$filter": 'Status=="Open"&&!@IsDeleted&&Partition==1',
                                 "$top": ROUNDS, "$select": "Ref"}, timeout=10).json()
    return [row["Ref"] for row in found["results"]]


def lock_races(base: str) -> None:
    tokens = analyst_tokens(base)
    sessions = [requests.Session() for _ in tokens]
    for session, token in zip(sessions, tokens, strict=True):
        session.headers["Authorization"] = f"Bearer {token}"
    refs = open_calls(base, tokens[0])
    assert len(refs) == ROUNDS
    for ref in refs:
        url = f"{base}{API}/call/{ref}/lock"
        statuses = all_at_once([lambda s=s, url=url: s.put(url, timeout=30).status_code
                                for s in sessions])
        assert sorted(statuses) == [200] + [403] * (CLIENTS - 1), (ref, Counter(statuses))


def test_one_winner_per_lock_race_sqlite(tmp_path: Path) -> None:
    with serving(database_urls(tmp_path)[0]) as base:
        lock_races(base)


def test_one_winner_per_lock_race_postgres() -> None:
    with fresh_postgres_database() as url, serving(url) as base:
        lock_races(base)
