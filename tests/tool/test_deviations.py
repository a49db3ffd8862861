"""Every deviation of every system makes `apidouble check` fail naming its rule.

For each system in ``SYSTEMS`` and each :class:`Deviation` of its profile the
mock is served in-process (one server per system), reset, the deviation is
switched on through ``POST /__admin/deviations``, and ``apidouble check
<system> -k <RULE_underscored>`` runs in a subprocess, as a user runs it. The
rule must be reported failed, and no other selected rule may fail. The whole
suite per deviation is ``tox -e deviations`` (``APIDOUBLE_DEVIATIONS_FULL=1``).
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

import pytest

from apidouble.conformance.selfcheck import check_in_subprocess, mock_base_url
from apidouble.mock_server.core.deviations import Deviation
from apidouble.mock_server.systems import SYSTEMS, profile

FULL = os.environ.get("APIDOUBLE_DEVIATIONS_FULL") == "1"


def catalogue() -> list[tuple[str, Deviation]]:
    return [(system, deviation) for system in sorted(SYSTEMS)
            for deviation in profile(system).deviations]


CASES = catalogue()


def admin(base_url: str, method: str, path: str, body: object | None = None) -> object:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base_url}/__admin/{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read() or b"null")


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, str]]:
    """One mock per system, started on first use and kept for the module."""
    started: dict[str, str] = {}
    stack = []
    try:
        yield _LazyServers(started, stack)  # type: ignore[misc]
    finally:
        for context in reversed(stack):
            context.__exit__(None, None, None)


class _LazyServers(dict):  # type: ignore[type-arg]
    def __init__(self, started: dict[str, str], stack: list) -> None:  # type: ignore[type-arg]
        super().__init__()
        self.stack = stack

    def __missing__(self, system: str) -> str:
        context = mock_base_url(system)
        self[system] = context.__enter__()
        self.stack.append(context)
        return self[system]


def test_every_wire_rule_has_a_deviation() -> None:
    for system in sorted(SYSTEMS):
        package = import_module(f"apidouble.conformance.{system}")
        wire = set(package.RULES) - set(package.TOOL_RULES)
        covered = {d.rule for d in profile(system).deviations}
        missing = sorted(wire - covered)
        if missing:
            pytest.xfail(f"{system}: no deviation yet for {', '.join(missing)}")


@pytest.mark.parametrize(("system", "deviation"), CASES,
                         ids=[f"{s}-{d.rule}-{d.variant}" for s, d in CASES])
def test_deviation_fails_its_rule(servers: dict[str, str], tmp_path: Path, system: str,
                                  deviation: Deviation) -> None:
    base_url = servers[system]
    admin(base_url, "POST", "reset", {})
    admin(base_url, "POST", "deviations", {"rule": deviation.rule, "variant": deviation.variant})
    selection = [] if FULL else ["-k", deviation.rule.replace("-", "_")]
    run = check_in_subprocess(system, base_url, tmp_path / "report", *selection)
    assert run.code != 0, run.output
    assert run.verdicts[deviation.rule] == "failed", (run.verdicts, run.output)
    others = set(run.failed()) - {deviation.rule}
    assert FULL or not others, (f"{deviation.key} also failed {sorted(others)}", run.output)
