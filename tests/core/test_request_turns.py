"""On SQLite a worker's requests take turns; waits (body upload, fault delay) do not hold one."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
import requests
from engines import fresh_postgres_database

from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config
from apidouble.mock_server.core.bodies import read_body_first
from apidouble.mock_server.core.request_turns import RequestTurns
from apidouble.serving import served_in_thread

LIMIT = 1024


class Busy:
    """A WSGI app that notes how many of its calls overlap."""

    def __init__(self, work: Callable[[], None] = lambda: time.sleep(0.005)) -> None:
        self.work = work
        self.running = 0
        self.most = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            self.work()
        finally:
            with self._lock:
                self.running -= 1
        return [environ["wsgi.input"].read()]


def environ(body: bytes = b"", stream: Any = None) -> dict[str, Any]:
    return {"CONTENT_LENGTH": str(len(body)) if body else "",
            "wsgi.input": stream if stream is not None else io.BytesIO(body)}


def in_threads(app: Any, threads: int = 8, calls: int = 5) -> None:
    def client() -> None:
        for _ in range(calls):
            app(environ(), lambda *_: None)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)


def test_calls_of_a_wrapped_app_never_overlap() -> None:
    unwrapped = Busy()
    in_threads(unwrapped)
    assert unwrapped.most > 1  # the threads do overlap, so the next check can fail
    wrapped = Busy()
    in_threads(RequestTurns().wrap(wrapped))
    assert wrapped.most == 1


def test_a_released_wait_lets_another_request_run() -> None:
    turns = RequestTurns()
    other_ran = threading.Event()
    seen: list[bool] = []

    def waits() -> None:
        with turns.released():
            seen.append(other_ran.wait(timeout=5))

    waiting = threading.Thread(target=turns.wrap(Busy(waits)),
                               args=(environ(), lambda *_: None))
    waiting.start()
    time.sleep(0.05)
    turns.wrap(Busy(other_ran.set))(environ(), lambda *_: None)
    waiting.join(timeout=10)
    assert seen == [True]
    assert not turns.holding()


def test_an_app_calling_another_in_its_turn_does_not_wait_for_itself() -> None:
    turns = RequestTurns()
    inner = turns.wrap(Busy())
    outer = turns.wrap(Busy(lambda: inner(environ(), lambda *_: None)))
    call = threading.Thread(target=outer, args=(environ(), lambda *_: None), daemon=True)
    call.start()
    call.join(timeout=5)
    assert not call.is_alive()


def test_an_error_gives_the_turn_back() -> None:
    turns = RequestTurns()

    def fails() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        turns.wrap(Busy(fails))(environ(), lambda *_: None)
    assert turns.wrap(Busy())(environ(b"after"), lambda *_: None) == [b"after"]


class SlowUpload(io.RawIOBase):
    """A request body that arrives only once ``arrived`` is set."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.arrived = threading.Event()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.arrived.wait(timeout=10)
        body, self.body = self.body, b""
        return body


@pytest.mark.parametrize("framing", [{"CONTENT_LENGTH": "100"},
                                     {"HTTP_TRANSFER_ENCODING": "chunked",
                                      "wsgi.input_terminated": True}],
                         ids=["length", "chunked"])
def test_a_slow_upload_is_read_before_the_turn(framing: dict[str, Any]) -> None:
    app = read_body_first(RequestTurns().wrap(Busy()), LIMIT)  # as build_app composes them
    upload = SlowUpload(b"x" * 100)
    answers: list[Any] = []
    uploading = threading.Thread(
        target=lambda: answers.append(app({**framing, "wsgi.input": upload},
                                          lambda *_: None)))
    uploading.start()
    time.sleep(0.05)
    started = time.perf_counter()
    assert app(environ(b"quick"), lambda *_: None) == [b"quick"]
    assert time.perf_counter() - started < 1
    upload.arrived.set()
    uploading.join(timeout=10)
    assert answers == [[b"x" * 100]]


def test_a_delay_fault_holds_up_no_other_request_over_http(tmp_path: Path) -> None:
    app = create_app("aliquora", Config(db_url=f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    assert getattr(app.wsgi_app.__wrapped__, "takes_turns", False)  # inside the body reader
    app.test_client().post("/__admin/faults", json={"path": "/api/v1/whoami",
                                                    "delayMs": 1500, "times": 1})
    with served_in_thread(app) as base:
        delayed = threading.Thread(target=requests.get, args=(f"{base}/api/v1/whoami",),
                                   kwargs={"timeout": 10})
        delayed.start()
        time.sleep(0.3)
        started = time.perf_counter()
        assert requests.get(f"{base}/api/v1/samples", timeout=10).status_code == 401
        assert time.perf_counter() - started < 0.8
        delayed.join(timeout=10)


def test_an_app_on_postgresql_does_not_take_turns() -> None:
    with fresh_postgres_database() as url:
        app = create_app("aliquora", Config(db_url=url, seed_on_start=False))
        assert not getattr(app.wsgi_app.__wrapped__, "takes_turns", False)
        app.extensions["apidouble"].storage.engine.dispose()
