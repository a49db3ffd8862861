"""pytest plugin: ``apidouble_server``, a running mock for an integrator's own tests.

Installed with the package (entry point ``pytest11``), so a project that depends
on apidouble just asks for the fixture::

    def test_my_client_reads_samples(apidouble_server):
        client = MyLimsClient(apidouble_server.base_url("aliquora"),
                              apidouble_server.credential("aliquora", "apiKey"))
        ...

Configure it in ``pytest.ini`` / ``pyproject.toml`` (or on the command line):

- ``apidouble_systems`` (``--apidouble-serve``): the systems to serve (default: all);
- ``apidouble_data`` (``--apidouble-data``): data files loaded at start (and after
  every reset);
- ``apidouble_mode`` (``--apidouble-mode``): ``inprocess`` (a thread, the default)
  or ``subprocess`` (``apidouble serve``, gunicorn, as a user runs it);
- ``apidouble_rate_limits``: ``true`` (default) or ``false``.

The server starts once per session on a free port with a fresh database; every
test that asks for ``apidouble_server`` starts from a reset (seed, data files,
real time, no faults, no deviations, an empty journal).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests

from apidouble.serving import serve_subprocess, served_in_thread


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("apidouble-server", "apidouble mock server fixture")
    group.addoption("--apidouble-serve", action="append", default=None, metavar="SYSTEM",
                    help="system the apidouble_server fixture serves (repeatable)")
    group.addoption("--apidouble-data", action="append", default=None, metavar="FILE",
                    help="data file the apidouble_server fixture loads (repeatable)")
    group.addoption("--apidouble-mode", choices=("inprocess", "subprocess"), default=None)
    parser.addini("apidouble_systems", "systems the apidouble_server fixture serves",
                  type="args", default=[])
    parser.addini("apidouble_data", "data files the apidouble_server fixture loads",
                  type="paths", default=[])
    parser.addini("apidouble_mode", "inprocess or subprocess", default="inprocess")
    parser.addini("apidouble_rate_limits", "true or false", default="true")


class ApidoubleServer:
    """A running mock: base URLs, demo credentials, and the admin interface's controls."""

    def __init__(self, root: str, systems: tuple[str, ...]) -> None:
        self.root = root
        self.systems = systems
        self.http = requests.Session()

    def base_url(self, system: str | None = None) -> str:
        return f"{self.root}/{self._system(system)}"

    def admin(self, method: str, path: str, system: str | None = None,
              **kwargs: Any) -> Any:
        """Call ``<base>/__admin/<path>``; raise on an error answer, return its JSON."""
        response = self.http.request(method, f"{self.base_url(system)}/__admin/{path}",
                                     timeout=60, **kwargs)
        if response.status_code >= 400:
            raise AssertionError(f"admin {method} {path}: {response.status_code} "
                                 f"{response.text[:300]}")
        return response.json() if response.content else None

    # what a test reads
    def credentials(self, system: str | None = None) -> list[dict[str, Any]]:
        return list(self.admin("GET", "credentials", system)["credentials"])

    def credential(self, system: str | None = None, field: str | None = None,
                   **match: Any) -> Any:
        """The first demo credential whose fields equal ``match``; one field of it if asked."""
        for entry in self.credentials(system):
            if all(entry.get(name) == value for name, value in match.items()):
                return entry[field] if field else entry
        raise LookupError(f"no demo credential with {match}")

    def requests(self, system: str | None = None, **filters: Any) -> list[dict[str, Any]]:
        """The journal, newest first; filters ``method``, ``path`` (glob), ``status``, ..."""
        return list(self.admin("GET", "requests", system, params=filters)["requests"])

    def count(self, system: str | None = None, **matcher: Any) -> int:
        return int(self.admin("POST", "requests/count", system, json=matcher)["count"])

    # what a test changes
    def reset(self) -> None:
        for system in self.systems:
            self.admin("POST", "reset", system)

    def advance_clock(self, seconds: float, system: str | None = None) -> str:
        return str(self.admin("POST", "clock", system, json={"advance": seconds})["now"])

    def fault(self, system: str | None = None, **fault: Any) -> dict[str, Any]:
        """Add a fault (``path`` glob, ``status``, ``delayMs``, ``times``, ...)."""
        return dict(self.admin("POST", "faults", system, json=fault))

    def deviate(self, rule: str, variant: str | None = None,
                system: str | None = None) -> None:
        body = {"rule": rule, **({"variant": variant} if variant else {})}
        self.admin("POST", "deviations", system, json=body)

    def load_data(self, document: dict[str, Any], system: str | None = None) -> None:
        self.admin("POST", "data", system or document.get("system"), json=document)

    def _system(self, system: str | None) -> str:
        if system is None:
            if len(self.systems) != 1:
                raise ValueError(f"name the system: this server runs {', '.join(self.systems)}")
            return self.systems[0]
        if system not in self.systems:
            raise ValueError(f"{system!r} is not served; served: {', '.join(self.systems)}")
        return system


def _settings(config: pytest.Config) -> tuple[tuple[str, ...], list[str], str, bool]:
    from apidouble.mock_server.systems import SYSTEMS

    systems = tuple(config.getoption("--apidouble-serve") or config.getini("apidouble_systems")
                    or SYSTEMS)
    unknown = [name for name in systems if name not in SYSTEMS]
    if unknown:
        raise pytest.UsageError(f"apidouble: unknown system(s) {', '.join(unknown)}; "
                                f"known: {', '.join(SYSTEMS)}")
    data = [str(p) for p in (config.getoption("--apidouble-data")
                             or config.getini("apidouble_data"))]
    mode = config.getoption("--apidouble-mode") or config.getini("apidouble_mode")
    rate_limits = str(config.getini("apidouble_rate_limits")).lower() not in ("false", "0", "no")
    return systems, data, mode, rate_limits


@contextmanager
def _in_process(systems: tuple[str, ...], db_url: str, data: list[str],
                rate_limits: bool) -> Iterator[str]:
    from apidouble.mock_server.core.config import Config
    from apidouble.mock_server.serve import ServeOptions, combined_app

    config = Config(db_url=db_url, rate_limits=rate_limits)
    if data:
        config = config.with_(data_files=tuple(data))
    with served_in_thread(combined_app(ServeOptions(systems, False, config))) as root:
        yield root


@contextmanager
def _subprocess(systems: tuple[str, ...], db_url: str, data: list[str],
                rate_limits: bool) -> Iterator[str]:
    args = [*systems, "--db", db_url, *(arg for path in data for arg in ("--data", path))]
    if not rate_limits:
        args.append("--no-rate-limits")
    with serve_subprocess(args, ready_path="/") as root:
        yield root


@pytest.fixture(scope="session")
def apidouble_session_server(pytestconfig: pytest.Config) -> Iterator[ApidoubleServer]:
    """The session's mock server (started once); prefer ``apidouble_server``."""
    systems, data, mode, rate_limits = _settings(pytestconfig)
    start = _subprocess if mode == "subprocess" else _in_process
    with tempfile.TemporaryDirectory(prefix="apidouble-") as directory:
        db_url = f"sqlite:///{Path(directory) / 'mock.sqlite3'}"
        with start(systems, db_url, data, rate_limits) as root:
            yield ApidoubleServer(root, systems)


@pytest.fixture
def apidouble_server(apidouble_session_server: ApidoubleServer) -> ApidoubleServer:
    """The mock, reset for this test."""
    apidouble_session_server.reset()
    return apidouble_session_server
