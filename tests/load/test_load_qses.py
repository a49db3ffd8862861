"""The QS Enrolment load profile runs against a throttled mock without failures; the
benchmark's Lua script rotates over its pages."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from apidouble.load.bench.bench_qses import paths
from apidouble.load.bench.suite import rotate_script

from ..qses.test_mock_throttles import gunicorn_base  # noqa: F401 (fixture)

EXPECTED = {("GET", "/crms/api/contacts"), ("POST", "/crms/api/processes/upsertcontact"),
            ("POST", "/crms/api/othercommunications"), ("GET", "/crms/api/courses"),
            ("POST", "/crms/api/token")}


def test_the_script_rotates_over_every_page(tmp_path: Path) -> None:
    script = rotate_script(tmp_path, "qses", paths(), {"Authorization": "Bearer tok"}).read_text()
    assert all(f'"{path}"' in script for path in paths()) and len(paths()) == 24
    assert 'wrk.headers["Authorization"] = "Bearer tok"' in script


def test_the_profile_runs_paced_under_the_throttles(gunicorn_base: str,  # noqa: F811
                                                    tmp_path: Path) -> None:
    prefix = tmp_path / "qses"
    env = {**os.environ, "APIDOUBLE_TOUR": "1", "APIDOUBLE_THINK_TIME": "0,0.05"}
    for name in ("APIDOUBLE_USERNAME", "APIDOUBLE_PASSWORD", "APIDOUBLE_SHAPE"):
        env.pop(name, None)
    run = subprocess.run(
        [sys.executable, "-m", "apidouble", "load", "qses", "--base-url", gunicorn_base,
         "--users", "3", "--spawn-rate", "3", "--run-time", "6s", "--csv", str(prefix)],
        capture_output=True, env=env, timeout=120)
    output = (run.stdout + run.stderr).decode(errors="replace")
    assert run.returncode == 0, output[-3000:]
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = [row for row in csv.DictReader(stats) if row["Name"] != "Aggregated"]
    counts = {(row["Type"], row["Name"]): int(row["Request Count"]) for row in rows}
    assert not {r for r in EXPECTED if not counts.get(r)}, output[-3000:]
    assert [row["Name"] for row in rows if int(row["Failure Count"])] == [], output[-3000:]
