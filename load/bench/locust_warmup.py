"""A Locust file added to a profile by the benchmark: statistics start after the warm-up.

Locust counts from the first request, so a mixed run's percentiles would include
every user's log-in burst (slow on purpose: passwords are hashed with PBKDF2) and
the first requests of a cold worker. The benchmark passes the warm-up seconds in
``APIDOUBLE_BENCH_WARMUP``; once they are over, every statistic is reset, so the
figures cover the measured seconds only, as ``wrk``'s do.
"""

from __future__ import annotations

import os
from typing import Any

import gevent
from locust import events

WARMUP_ENV = "APIDOUBLE_BENCH_WARMUP"


@events.test_start.add_listener
def _reset_after_warmup(environment: Any, **_kwargs: Any) -> None:
    seconds = float(os.environ.get(WARMUP_ENV, "0") or 0)
    if seconds > 0 and environment.runner is not None:
        gevent.spawn_later(seconds, environment.runner.stats.reset_all)
