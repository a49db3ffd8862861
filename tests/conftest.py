"""Fixtures shared by every test folder.

``chromium``: Debian's headless Chromium, driven through its own command-line
switches (``--dump-dom``, ``--screenshot``), so no Python browser driver is
needed; a test that asks for it skips when Chromium is absent or cannot run.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass(frozen=True)
class Chromium:
    profile: Path  # a throw-away user data directory

    def run(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        command = [CHROMIUM, *FLAGS, f"--user-data-dir={self.profile}", *arguments]
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=60,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            pytest.skip(f"chromium could not run here: {exc}")

    def dump_dom(self, url: str) -> str:
        """The DOM after the page loaded (scripts ran)."""
        done = self.run("--dump-dom", url)
        if "<html" not in done.stdout:
            pytest.skip(f"chromium printed no page: {done.stderr[-300:]}")
        return done.stdout

    def screenshot(self, url: str, path: Path, size: str = "1200,1600") -> Path:
        """A PNG of the rendered page, kept at ``path``."""
        done = self.run(f"--screenshot={path}", f"--window-size={size}", url)
        if not path.exists():
            pytest.skip(f"chromium took no screenshot: {done.stderr[-300:]}")
        return path


@pytest.fixture
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Chromium:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return Chromium(tmp_path_factory.mktemp("chromium-profile"))


@pytest.fixture
def browser_dom(chromium: Chromium) -> Callable[[str], str]:
    """``browser_dom(url)``: the page as headless Chromium renders it."""
    return chromium.dump_dom
