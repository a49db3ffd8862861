"""Starting a mock for a program that drives it: a free port, a thread or a subprocess.

One place for what the pytest plugin, ``apidouble.conformance.selfcheck`` and
the project's own tests all need: serve a WSGI app in a thread on a free port,
or run ``apidouble serve`` as a user runs it and wait until it answers.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import requests
from werkzeug.serving import WSGIRequestHandler, make_server


class ServerDidNotStart(RuntimeError):
    """``apidouble serve`` exited or never answered; ``str()`` ends with its output."""


class QuietHandler(WSGIRequestHandler):
    """No access log: the driving program's own output is what a reader wants to see."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served_in_thread(app: Any) -> Iterator[str]:
    """Serve a WSGI app on 127.0.0.1 and a free port, in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def wait_until_up(url: str, process: subprocess.Popen[str], timeout: float = 60,
                  **request: Any) -> None:
    """Return once ``url`` answers at all; raise :class:`ServerDidNotStart` if the
    server exits first or never answers. ``request`` goes to ``requests.get``
    (``verify=`` for HTTPS, say)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise ServerDidNotStart(f"apidouble serve exited ({process.returncode}): "
                                    f"{output[-4000:]}")
        try:
            requests.get(url, timeout=1, **request)
            return
        except (requests.RequestException, OSError):  # refused, not up yet, no CA file yet
            time.sleep(0.2)
    raise ServerDidNotStart(f"apidouble serve did not answer {url} within {timeout:.0f} s")


def start_serve(args: Sequence[str], port: int,
                env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
    """``python -m apidouble serve ARGS --port PORT`` in its own process group."""
    command = [sys.executable, "-m", "apidouble", "serve", *args, "--port", str(port)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True,
                            env=None if env is None else {**os.environ, **env})


def stop(process: subprocess.Popen[str], timeout: float = 30) -> None:
    """SIGTERM the server's whole process group (gunicorn's workers too) and reap it."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


@contextmanager
def serve_subprocess(args: Sequence[str], *, ready_path: str = "/__admin/credentials",
                     env: Mapping[str, str] | None = None, timeout: float = 90,
                     scheme: str = "http", **request: Any) -> Iterator[str]:
    """``apidouble serve ARGS --port <free>`` as a user runs it; yields the base URL
    once ``ready_path`` answers, and stops the server afterwards."""
    port = free_port()
    process = start_serve(args, port, env)
    base = f"{scheme}://127.0.0.1:{port}"
    try:
        wait_until_up(base + ready_path, process, timeout, **request)
        yield base
    finally:
        stop(process)
