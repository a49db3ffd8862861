"""Fixtures shared by every system's tests: a headless Chromium that prints a page's DOM.

Chromium's own ``--dump-dom`` loads the page and prints the DOM, so no Python
browser driver is needed; tests skip when Debian's ``chromium`` is absent.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def dump_dom(url: str, profile: Path) -> str:
    """The DOM of ``url`` after Chromium loaded it (skips when Chromium cannot run)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"chromium could not run here: {exc}")
    if "<html" not in done.stdout:
        pytest.skip(f"chromium printed no page: {done.stderr[-300:]}")
    return done.stdout


@pytest.fixture()
def browser_dom(tmp_path: Path) -> Callable[[str], str]:
    """``browser_dom(url)``: the page as headless Chromium renders it."""
    return lambda url: dump_dom(url, tmp_path / "chromium-profile")
