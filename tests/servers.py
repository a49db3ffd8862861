"""Starting ``apidouble serve`` in a subprocess for a test: a free port, and waiting for it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[str], timeout: float = 60) -> None:
    """Return once ``url`` answers at all; fail the test if the server exits or never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited: {process.stdout.read() if process.stdout else ''}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:  # refused, or accepted before a worker is up
            time.sleep(0.2)
    pytest.fail("server did not start")


@contextmanager
def serve(*args: str, ready_path: str = "/__admin/credentials") -> Iterator[str]:
    """``apidouble serve ARGS --port <free>``; yields the base URL, stops the server after."""
    port = free_port()
    command = [sys.executable, "-m", "apidouble", "serve", *args, "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + ready_path, process)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
