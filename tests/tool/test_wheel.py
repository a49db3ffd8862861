"""The built wheel works from the repository root, where the checkout's own ``apidouble/``
folder sits next to the installed package: ``serve`` and ``check`` both run.

The wheel goes into a fresh venv that sees this environment's site-packages
(so no dependency is downloaded again); the wheel's own ``apidouble`` is
installed into the venv and wins over the editable install of the checkout.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
import requests
from servers import free_port

ROOT = Path(__file__).resolve().parents[2]


def sh(*args: str | Path, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          check=True, timeout=300, **kwargs)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("wheel")
    sh(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
       "-w", where / "dist", ROOT)
    (wheel,) = (where / "dist").glob("apidouble-*.whl")
    env = where / "venv"
    sh(sys.executable, "-m", "venv", "--without-pip", env)
    # This environment's dependencies, as a plain path: its .pth files (the editable
    # install of the checkout among them) are not run, so only the wheel is apidouble.
    (site,) = (env / "lib").glob("python3*/site-packages")
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # the venv has no pip of its own: this one installs into it
    sh(sys.executable, "-m", "pip", "--python", env / "bin" / "python", "install", "-q",
       "--no-deps", "--no-index", wheel)
    return env


def test_serve_and_check_from_the_repository_root(venv: Path, tmp_path: Path) -> None:
    binary = venv / "bin" / "apidouble"
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    clean["XDG_DATA_HOME"] = str(tmp_path)
    code = "import apidouble.mock_server as m; print(m.__file__)"
    found = sh(venv / "bin" / "python", "-c", code,
               cwd=tmp_path, env=clean).stdout
    assert str(venv) in found  # the wheel, not the editable checkout
    port = free_port()
    server = subprocess.Popen([binary, "serve", "aliquora", "--port", str(port)], cwd=ROOT,
                              env=clean, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, start_new_session=True)
    base = f"http://127.0.0.1:{port}/aliquora"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            try:
                requests.get(base + "/__admin/credentials", timeout=1).raise_for_status()
                break
            except requests.RequestException:
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.3)
        check = subprocess.run([binary, "check", "aliquora", "--base-url", base, "-k", "AQ_07",
                                "--report-dir", str(tmp_path / "report")], cwd=ROOT, env=clean,
                               capture_output=True, text=True, timeout=300)
        assert check.returncode == 0, check.stdout[-3000:] + check.stderr[-2000:]
        assert "AQ-07" in check.stdout
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
