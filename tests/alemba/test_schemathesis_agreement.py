"""``schemathesis run`` of spec/alemba.yaml against the mock finds nothing (a bounded run:
its examples and coverage phases; the fuzzing phase is left to scheduled runs).

``positive_data_acceptance`` is left out: a create's or update's inputs differ per
entity and are described at run time by the Create action's metadata
(``$create?$options``), which one static ``RecordInput`` schema cannot express, so a
schema-valid body for ``call`` is rightly refused by ``service-order-item``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import requests

from apidouble.conformance.selfcheck import served
from apidouble.mock_server import create_app
from apidouble.mock_server.alemba.demo import Demo
from apidouble.mock_server.core import Config

SPEC = Path(__file__).resolve().parents[2] / "spec" / "alemba.yaml"


def test_schemathesis_finds_no_disagreement(tmp_path: Path) -> None:
    app = create_app("alemba", Config(db_url=f"sqlite:///{tmp_path / 'st.sqlite3'}"))
    form = Demo.start(app).form("analyst")
    binary = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert binary, "schemathesis is a dev dependency"
    with served(app) as base:
        token = requests.post(f"{base}/alemba.web/oauth/login", data=form,
                              timeout=10).json()["access_token"]
        run = subprocess.run(
            [binary, "run", str(SPEC), "--url", f"{base}/alemba.api/api/v1",
             "-H", f"Authorization: Bearer {token}", "--max-examples", "1",
             "--exclude-path-regex", "^/oauth", "--generation-deterministic",
             "--continue-on-failure", "--exclude-checks", "positive_data_acceptance",
             "--phases", "examples,coverage", "--no-color"],
            capture_output=True, text=True, timeout=120, cwd=tmp_path)
    tail = run.stdout[-6000:]
    assert run.returncode == 0, tail
