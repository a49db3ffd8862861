"""Every deviation of every system makes `apidouble check` fail naming its rule.

For each system in ``SYSTEMS`` one subprocess (``_deviation_driver.py``)
serves the mock in-process and, for each :class:`Deviation` of the system's
profile, resets the mock, switches the deviation on through
``POST /__admin/deviations`` and runs ``apidouble check <system> -k
<RULE_underscored>``. The rule must be reported failed and no other selected
rule may fail. One process per system, not per deviation, keeps this inside
the CI budget. The whole suite per deviation is ``tox -e deviations``
(``APIDOUBLE_DEVIATIONS_FULL=1``), where only the rule's own verdict is held.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest

from apidouble.mock_server.systems import SYSTEMS, profile

FULL = os.environ.get("APIDOUBLE_DEVIATIONS_FULL") == "1"
DRIVER = Path(__file__).with_name("_deviation_driver.py")
WITH_DEVIATIONS = [system for system in sorted(SYSTEMS) if profile(system).deviations]


@pytest.mark.parametrize("system", sorted(SYSTEMS))
def test_every_wire_rule_has_a_deviation(system: str) -> None:
    package = import_module(f"apidouble.conformance.{system}")
    wire = set(package.RULES) - set(package.TOOL_RULES)
    missing = sorted(wire - {d.rule for d in profile(system).deviations})
    assert not missing, f"{system}: no deviation for {', '.join(missing)}"


@pytest.mark.parametrize("system", WITH_DEVIATIONS)
def test_each_deviation_fails_its_rule(system: str, tmp_path: Path) -> None:
    results_path = tmp_path / "results.json"
    command = [sys.executable, str(DRIVER), system, str(results_path)]
    run = subprocess.run([*command, *(["--full"] if FULL else [])], capture_output=True,
                         text=True, timeout=3600 if FULL else 600)
    assert results_path.exists(), run.stdout[-4000:] + run.stderr[-4000:]
    results = json.loads(results_path.read_text())
    problems = []
    for deviation in profile(system).deviations:
        verdicts = results[deviation.key]
        failed = {rule for rule, verdict in verdicts.items() if verdict == "failed"}
        if deviation.rule not in failed:
            problems.append(f"{deviation.key}: {deviation.rule} was "
                            f"{verdicts.get(deviation.rule)!r}, not failed")
        elif not FULL and failed != {deviation.rule}:
            problems.append(f"{deviation.key}: also failed {sorted(failed - {deviation.rule})}")
    assert not problems, "\n".join(problems)
