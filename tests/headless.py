"""A minimal W3C WebDriver client over ``requests``, driving Debian's chromium headless.

Enough for tests that must click in a real page (the docs page's "try it out"):
open a URL, run a script, wait for a condition, take a screenshot. It talks to
``chromedriver`` directly, so no browser-automation package is needed.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from apidouble.serving import free_port

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,1600"]


def available() -> bool:
    return Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()


class Browser:
    def __init__(self, endpoint: str, session_id: str) -> None:
        self.endpoint = f"{endpoint}/session/{session_id}"

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = requests.request(method, self.endpoint + path, json=body, timeout=60)
        value = response.json().get("value")
        if response.status_code != 200:
            raise RuntimeError(f"webdriver {path}: {value}")
        return value

    def open(self, url: str) -> None:
        self._call("POST", "/url", {"url": url})

    def run(self, script: str, *args: Any) -> Any:
        """Run ``script`` as a function body in the page (``return`` gives the value)."""
        return self._call("POST", "/execute/sync", {"script": script, "args": list(args)})

    def wait_for(self, script: str, timeout: float = 20.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = self.run(script)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for: {script}")
            time.sleep(0.2)

    def screenshot(self, path: Path) -> Path:
        path.write_bytes(base64.b64decode(self._call("GET", "/screenshot")))
        return path


@contextmanager
def browser(profile_dir: Path) -> Iterator[Browser]:
    """A headless chromium session for the duration of the block."""
    port = free_port()
    driver = subprocess.Popen([CHROMEDRIVER, f"--port={port}"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(endpoint)
        options = {"binary": CHROMIUM, "args": [*FLAGS, f"--user-data-dir={profile_dir}"]}
        capabilities = {"alwaysMatch": {"browserName": "chrome",
                                        "goog:chromeOptions": options}}
        created = requests.post(f"{endpoint}/session", json={"capabilities": capabilities},
                                timeout=60).json()["value"]
        session = Browser(endpoint, created["sessionId"])
        try:
            yield session
        finally:
            requests.delete(session.endpoint, timeout=30)
    finally:
        driver.terminate()
        driver.wait(timeout=10)


def _wait_until_up(endpoint: str) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{endpoint}/status", timeout=1).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError("chromedriver did not start")
