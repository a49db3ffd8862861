"""Run a system's conformance suite against the bundled mock, served on a free port.

``python -m apidouble.conformance.selfcheck aliquora [-- extra check args]``: the
tox ``conformance`` environment and the project's own tests use it.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from apidouble.cli import main as cli_main
from apidouble.mock_server import create_app
from apidouble.mock_server.core import Config
from apidouble.serving import served_in_thread as served  # re-exported for the tests


@contextmanager
def mock_base_url(system: str, **config: Any) -> Iterator[str]:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / (system + '.sqlite3')}"
        with served(create_app(system, Config(db_url=url, **config))) as base_url:
            yield base_url


@dataclass(frozen=True)
class CheckRun:
    """An ``apidouble check`` run in a subprocess, as a user runs it, read back."""

    code: int
    verdicts: dict[str, str]  # rule -> verdict, from report.json
    output: str
    report_dir: str = ""

    def failed(self) -> dict[str, str]:
        return {rule: verdict for rule, verdict in self.verdicts.items() if verdict == "failed"}


def check_in_subprocess(system: str, base_url: str, report_dir: Path, *extra: str) -> CheckRun:
    result = subprocess.run(
        [sys.executable, "-m", "apidouble", "check", system, "--base-url", base_url,
         "--report-dir", str(report_dir), *extra],
        capture_output=True, text=True, timeout=600,
    )
    output = result.stdout[-4000:] + result.stderr[-2000:]
    path = report_dir / "report.json"
    if not path.exists():
        raise AssertionError(f"no report was written:\n{output}")
    rules = json.loads(path.read_text())["rules"]
    return CheckRun(result.returncode, {r["rule"]: r["verdict"] for r in rules}, output,
                    str(report_dir))


def main(argv: list[str]) -> int:
    system, *extra = argv or ["aliquora"]
    if extra[:1] == ["--"]:
        extra = extra[1:]
    with mock_base_url(system) as base_url:
        return cli_main(["check", system, "--base-url", base_url, *extra])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
