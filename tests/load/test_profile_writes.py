"""``profile_writes`` sends the bench's own writes and measures the writer's turn."""

from __future__ import annotations

import re

import pytest

from apidouble.load.bench import profile_writes
from apidouble.mock_server.core.requestlog import RequestLog


def test_every_write_runs_and_takes_one_turn(capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # The journal writes its batch after half a second, in a turn of its own; on a busy
    # machine three writes can take that long, and the count would then be 1.3.
    monkeypatch.setattr(RequestLog, "FLUSH_SECONDS", 3600)
    assert profile_writes.main(["--requests", "3"]) == 0
    report = capsys.readouterr().out
    for system in profile_writes.SYSTEMS:
        found = re.search(rf"##### {system}: \d+ us/request, writer turn held \d+ us "
                          r"in ([\d.]+) turns", report)
        assert found is not None, report
        assert found.group(1) == "1.0"  # one write, one turn: nothing nested or repeated


def test_a_system_without_a_bench_write_is_one_clear_error(
        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        profile_writes.main(["alemba"])
    assert "no bench write for alemba" in capsys.readouterr().err
