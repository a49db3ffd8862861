"""Run one system's deviations one after another in ONE process (used by test_deviations).

``python _deviation_driver.py SYSTEM RESULTS.json [--full]``: serves the mock
in-process, and for each deviation of the system's profile resets the mock,
switches the deviation on through the admin API and runs ``apidouble check``
(in this process: only the first run pays for imports), ``-k`` limited to the
rule's tests unless ``--full``. Writes ``{"RULE/variant": {rule: verdict}}``.
"""

from __future__ import annotations

import json
import sys
import tempfile
import urllib.request
from pathlib import Path

from apidouble.cli import main as cli_main
from apidouble.conformance.selfcheck import mock_base_url
from apidouble.mock_server.systems import profile


def admin(base_url: str, path: str, body: object) -> None:
    request = urllib.request.Request(f"{base_url}/__admin/{path}", method="POST",
                                     data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=60).close()


def main(system: str, results_path: str, full: bool) -> int:
    results: dict[str, dict[str, str]] = {}
    with mock_base_url(system) as base_url:
        for deviation in profile(system).deviations:
            admin(base_url, "reset", {})
            admin(base_url, "deviations", {"rule": deviation.rule, "variant": deviation.variant})
            with tempfile.TemporaryDirectory() as directory:
                selection = [] if full else ["-k", deviation.rule.replace("-", "_")]
                cli_main(["check", system, "--base-url", base_url, "--report-dir", directory,
                          *selection])
                report = json.loads((Path(directory) / "report.json").read_text())
            results[deviation.key] = {r["rule"]: r["verdict"] for r in report["rules"]}
    Path(results_path).write_text(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], "--full" in sys.argv[3:]))
