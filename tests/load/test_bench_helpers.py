"""The benchmark's pure helpers: reading wrk's report, and the process tree it measures."""

from __future__ import annotations

import os

import pytest

from apidouble.load.bench._procs import process_tree, vm_rss_kb
from apidouble.load.bench._wrk import parse_wrk

REPORT = """\
Running 10s test @ http://127.0.0.1:8000/api/v1/samples?limit=50
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     7.26ms    3.89ms  33.95ms   76.80%
    Req/Sec   280.09     44.75   358.00     68.18%
  Latency Distribution
     50%  735.00us
     75%    8.90ms
     90%   11.92ms
     99%    1.02s
  6180 requests in 10.10s, 9.20MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    611.88
Transfer/sec:    933.68KB
"""


def test_parse_wrk_reads_rate_percentiles_in_any_unit_and_errors() -> None:
    result = parse_wrk(REPORT)
    assert result.requests_per_s == 611.88
    assert result.p50_ms == pytest.approx(0.735)
    assert result.p99_ms == pytest.approx(1020.0)
    assert (result.requests, result.seconds) == (6180, pytest.approx(10.1))
    assert (result.non_2xx, result.socket_errors) == (4, 3)


def test_parse_wrk_refuses_a_report_without_latency_distribution() -> None:
    without = "\n".join(line for line in REPORT.splitlines() if "%  " not in line)
    with pytest.raises(ValueError):
        parse_wrk(without)


def test_process_tree_starts_at_the_root_and_memory_is_read() -> None:
    assert process_tree(os.getpid())[0] == os.getpid()
    assert vm_rss_kb(os.getpid()) > 0
