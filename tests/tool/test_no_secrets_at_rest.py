"""No secret is ever at rest: after a conformance run, the database files hold none.

Each system's mock runs on a temporary SQLite file behind a small WSGI
recorder that collects every secret the mock hands out during the run
(tokens minted at login, keys created, authorization codes); the demo secrets
come from ``/__admin/credentials``. ``apidouble check`` runs the system's
authentication tests against it (the whole suite per system would not fit
the CI budget); then the database file, its WAL and shared-memory files are
searched, byte for byte, for every one of those secrets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from apidouble.conformance.selfcheck import check_in_subprocess, served
from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config
from apidouble.mock_server.systems import SYSTEMS

SECRET_NAME = re.compile(r"(token|secret|password|apikey|api_key|rawkey)$", re.I)
IN_TEXT = [re.compile(r"\blk_[A-Za-z0-9_\-]{20,}"),
           re.compile(r"[?&](?:code|access_token|Login_Token)=([^&\s\"']{8,})")]
SELECTION = "auth or identity or token or login or key"


class Recorder:
    """WSGI middleware that keeps every secret-looking value the app answers with."""

    def __init__(self, app: Any) -> None:
        self.app, self.secrets = app, set[str]()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        seen: list[tuple[str, str]] = []

        def keep(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            seen.extend(headers)
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, keep))
        self.collect(body.decode("utf-8", "replace") + " ".join(v for _, v in seen))
        return [body]

    def collect(self, text: str) -> None:
        for pattern in IN_TEXT:
            for match in pattern.finditer(text):
                self.secrets.add(match.group(match.lastindex or 0))
        for found in re.finditer(r'"([A-Za-z_]+)"\s*:\s*"([^"]{8,})"', text):
            if SECRET_NAME.search(found.group(1)):
                self.secrets.add(found.group(2))


def demo_secrets(credentials: list[dict[str, Any]]) -> set[str]:
    return {value for entry in credentials for name, value in entry.items()
            if isinstance(value, str) and len(value) >= 8 and SECRET_NAME.search(name)}


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_no_secret_issued_during_a_run_is_in_the_database_files(
        system: str, tmp_path: Path) -> None:
    database = tmp_path / f"{system}.sqlite3"
    app = create_app(system, Config(db_url=f"sqlite:///{database}"))
    credentials = app.test_client().get("/__admin/credentials").get_json()["credentials"]
    recorder = Recorder(app)
    with served(recorder) as base_url:
        run = check_in_subprocess(system, base_url, tmp_path / "report", "-k", SELECTION)
    assert run.verdicts, run.output
    app.extensions["apidouble"].requests.flush()
    secrets = demo_secrets(credentials) | recorder.secrets
    assert len(secrets) >= 2, secrets
    files = [path for path in tmp_path.glob(f"{system}.sqlite3*") if path.is_file()]
    stored = b"".join(path.read_bytes() for path in files)
    at_rest = sorted(s for s in secrets if s.encode() in stored)
    assert not at_rest, f"secrets stored in plaintext in {[f.name for f in files]}: {at_rest}"
