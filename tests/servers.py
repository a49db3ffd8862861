"""``apidouble serve`` in a subprocess for a test: the package's helpers, failing the test
(not erroring it) when the server does not come up."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from apidouble import serving
from apidouble.serving import free_port, start_serve, stop

__all__ = ["free_port", "serve", "start_serve", "stop", "wait_until_up"]


def wait_until_up(url: str, process: subprocess.Popen[str], timeout: float = 60,
                  **request: Any) -> None:
    """Return once ``url`` answers at all; fail the test if the server exits or never does."""
    try:
        serving.wait_until_up(url, process, timeout, **request)
    except serving.ServerDidNotStart as error:
        pytest.fail(str(error))


@contextmanager
def serve(*args: str, ready_path: str = "/__admin/credentials", **options: Any) -> Iterator[str]:
    """``apidouble serve ARGS --port <free>``; yields the base URL, stops the server after."""
    try:
        with serving.serve_subprocess(args, ready_path=ready_path, **options) as base:
            yield base
    except serving.ServerDidNotStart as error:
        pytest.fail(str(error))
