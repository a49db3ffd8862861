"""The server under test: its base URL, the identities we may use, and a polite HTTP client.

A target is *our own mock* when ``<base>/__admin/credentials`` answers; then
identities come from there and the admin clock may be moved. Against any
other server, identities come only from the user, and nothing is written
unless ``--allow-writes`` was given.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
import requests

from .exchanges import ExchangeLog

USER_AGENT = "apidouble-conformance/0.1"
ADMIN_TOKEN_HEADER = "X-Apidouble-Admin-Token"


def admin_headers() -> dict[str, str]:
    """Our mock's admin token (``check --admin-token`` / APIDOUBLE_ADMIN_TOKEN), if given."""
    token = os.environ.get("APIDOUBLE_ADMIN_TOKEN")
    return {ADMIN_TOKEN_HEADER: token} if token else {}
MAX_RATE_WAIT = 75.0  # seconds we wait out one 429 before giving up
MAX_RATE_RETRIES = 6


class NotCheckable(Exception):
    """A rule's prerequisites are missing for this target."""


@dataclass
class Target:
    system: str
    base_url: str
    credentials: dict[str, str] = field(default_factory=dict)
    allow_writes: bool = False
    admin: dict[str, Any] | None = None
    #: how long the system's documented window is, for 429s without Retry-After
    default_rate_wait: float = 60.0
    retry_after_parser: Callable[[requests.Response], float | None] | None = None
    session: requests.Session = field(default_factory=requests.Session)
    #: the last few exchanges of the running test, for a failure's report entry
    exchanges: ExchangeLog = field(init=False)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        self.session.headers["User-Agent"] = USER_AGENT
        self.exchanges = ExchangeLog(self.credentials.values())
        self.exchanges.attach(self.session)
        if self.admin is not None:
            self.session.headers.update(admin_headers())

    @property
    def is_mock(self) -> bool:
        return self.admin is not None

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def request(self, method: str, path: str, *, wait_on_429: bool = True,
                **kwargs: Any) -> requests.Response:
        """Send a request; a 429 is waited out (by Retry-After or the documented window)."""
        kwargs.setdefault("timeout", 30)
        kwargs.setdefault("allow_redirects", False)
        deadline = time.monotonic() + MAX_RATE_WAIT * 2
        for _attempt in range(MAX_RATE_RETRIES):
            response = self.session.request(method, self.url(path), **kwargs)
            if response.status_code != 429 or not wait_on_429:
                return response
            pause = self._pause(response)
            if self.is_mock:
                # Our mock's clock can be moved: wait out the window without sleeping.
                self.advance_clock(pause)
            elif time.monotonic() + pause > deadline:
                return response
            else:
                time.sleep(pause)
        return response

    def _pause(self, response: requests.Response) -> float:
        seconds = self.retry_after_parser(response) if self.retry_after_parser else None
        if seconds is None:
            seconds = retry_after_seconds(response.headers.get("Retry-After"))
        if seconds is None:
            seconds = self.default_rate_wait
        return min(max(seconds, 0.5), MAX_RATE_WAIT)

    # --- prerequisites -------------------------------------------------------------
    def need(self, name: str, why: str) -> str:
        """A credential or identity, or skip the test as not checkable, saying why."""
        value = self.credentials.get(name)
        if not value:
            pytest.skip(f"not checkable: needs {why} (give --identity {name}=...)")
        return value

    def need_writes(self) -> None:
        if not self.is_mock and not self.allow_writes:
            pytest.skip("not checkable: creates records; run with --allow-writes")

    def need_mock(self, why: str) -> None:
        if not self.is_mock:
            pytest.skip(f"not checkable against this target: {why}")

    # --- our mock's admin side ------------------------------------------------------
    def advance_clock(self, seconds: float) -> None:
        self.need_mock("needs the mock's movable clock")
        response = self.session.post(self.url("/__admin/clock"), json={"advance": seconds},
                                     timeout=30)
        response.raise_for_status()


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(moment.timestamp() - time.time(), 0.0)


def probe_admin(base_url: str) -> dict[str, Any] | None:
    """Our mock's ``/__admin/credentials``, or None when the target is something else."""
    try:
        response = requests.get(base_url.rstrip("/") + "/__admin/credentials",
                                headers=admin_headers(), timeout=10)
        body = response.json() if response.status_code == 200 else None
    except (requests.RequestException, ValueError):
        return None
    if isinstance(body, dict) and isinstance(body.get("credentials"), list):
        return body
    return None
