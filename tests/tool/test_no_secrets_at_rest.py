"""Nothing leaks: after a FULL conformance run, no secret is at rest or shown by the admin.

Each system's mock runs on a temporary SQLite file behind a small WSGI
recorder that collects every secret the mock hands out during the run
(tokens minted at login, keys created, authorization codes); the demo secrets
come from ``/__admin/credentials``. ``apidouble check --allow-writes`` runs the
system's whole conformance suite against it (measured: 40-55 s for all five
systems on two cores, inside the CI budget, so no subset is needed). Then:

- the database file, its WAL and shared-memory files are searched, byte for
  byte, for every one of those secrets;
- every parameterless ``GET /__admin/...`` answer (the journal, the data
  export, tokens, sessions, keys, ...) is searched too. No answer shows a
  secret issued during the run (a new key's one-time answer is a POST answer,
  never read again); the demo credentials are shown only where that is the
  answer's job: ``/__admin/credentials``, and the docs page, which is
  pre-authorised with a demo credential (``SystemProfile.docs_authorization``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from importlib import resources
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
MASKED = "****"  # a value the mock masked is no secret
CREDENTIALS = "/__admin/credentials"
#: the admin answers whose job is to show demo credentials (never a secret issued later)
DEMO_ANSWERS = (CREDENTIALS, "/__admin/docs", "/__admin/docs/")
JOURNAL = "/__admin/requests"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


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
        found: set[str] = set()
        for pattern in IN_TEXT:
            for match in pattern.finditer(text):
                found.add(match.group(match.lastindex or 0))
        for pair in re.finditer(r'"([A-Za-z_]+)"\s*:\s*"([^"]{8,})"', text):
            if SECRET_NAME.search(pair.group(1)):
                found.add(pair.group(2))
        self.secrets |= {value for value in found if MASKED not in value}


def spec_text(system: str) -> str:
    return resources.files("apidouble.spec").joinpath(f"{system}.yaml").read_text("utf-8")


def demo_secrets(credentials: list[dict[str, Any]]) -> set[str]:
    return {value for entry in credentials for name, value in entry.items()
            if isinstance(value, str) and len(value) >= 8 and SECRET_NAME.search(name)}


def admin_answers(app: Any) -> dict[str, bytes]:
    """Every parameterless admin GET answer (the journal read in full, per method)."""
    client = app.test_client()
    paths = sorted({rule.rule for rule in app.url_map.iter_rules()
                    if rule.rule.startswith("/__admin") and "GET" in rule.methods
                    and "<" not in rule.rule})
    answers = {path: client.get(path).get_data() for path in paths}
    for method in METHODS:
        answers[f"{JOURNAL}?method={method}"] = client.get(
            JOURNAL, query_string={"limit": 1000, "method": method}).get_data()
    return answers


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_no_secret_of_a_full_run_is_at_rest_or_shown(system: str, tmp_path: Path) -> None:
    database = tmp_path / f"{system}.sqlite3"
    app = create_app(system, Config(db_url=f"sqlite:///{database}"))
    credentials = app.test_client().get(CREDENTIALS).get_json()["credentials"]
    recorder = Recorder(app)
    with served(recorder) as base_url:
        run = check_in_subprocess(system, base_url, tmp_path / "report", "--allow-writes")
    assert run.verdicts, run.output
    answers = admin_answers(app)  # read first, so that their own journal entries are searched
    app.extensions["apidouble"].requests.flush()
    demo = demo_secrets(credentials)
    public = spec_text(system)  # the spec's examples (QATrack's DRF sample token) are public
    issued = {secret for secret in recorder.secrets - demo if secret not in public}
    secrets = demo | issued
    assert len(secrets) >= 2, f"too few secrets to prove anything: {secrets}"
    files = [path for path in tmp_path.glob(f"{system}.sqlite3*") if path.is_file()]
    stored = b"".join(path.read_bytes() for path in files)
    at_rest = sorted(s for s in secrets if s.encode() in stored)
    assert not at_rest, f"secrets stored in plaintext in {[f.name for f in files]}: {at_rest}"
    leaks = {path: found for path, body in answers.items()
             if (found := shown_in(body, issued if path in DEMO_ANSWERS else secrets))}
    assert not leaks, f"admin answers show raw secrets: {leaks}"


def shown_in(body: bytes, secrets: set[str]) -> list[str]:
    return sorted(secret for secret in secrets if secret.encode() in body)
