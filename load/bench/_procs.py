"""Process plumbing for the benchmarks: free ports, readiness, process groups, RSS.

Every server runs in its own session (process group) on 127.0.0.1 and is
killed as a group when its ``with`` block ends, on SIGTERM, and at exit.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"
_LIVE: set[subprocess.Popen[bytes]] = set()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return int(sock.getsockname()[1])


def get_json(url: str, headers: dict[str, str] | None = None, timeout: float = 5.0) -> Any:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (loopback)
        return json.load(response)


def _kill_group(process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass
    _LIVE.discard(process)


def _kill_all() -> None:
    for process in list(_LIVE):
        _kill_group(process, grace=3.0)


def install_cleanup() -> None:
    """Kill every server still running at exit, also when stopped with SIGTERM."""
    atexit.register(_kill_all)
    signal.signal(signal.SIGTERM, _exit_on_signal)


def _exit_on_signal(signo: int, _frame: object) -> None:
    raise SystemExit(128 + signo)  # unwinds through every ``server`` block's cleanup


@contextmanager
def server(command: Sequence[str], ready_url: str, log: Path, env: dict[str, str],
           timeout: float = 90.0) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` in a new process group until ``ready_url`` answers 200; stop it after."""
    with open(log, "wb") as out:
        process = subprocess.Popen(list(command), stdout=out, stderr=subprocess.STDOUT, env=env,
                                   start_new_session=True)
    _LIVE.add(process)
    try:
        _wait_ready(ready_url, process, log, timeout)
        yield process
    finally:
        _kill_group(process)


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"server exited with {process.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} within {timeout:.0f}s (log: {log})")


# ---------------------------------------------------------------- memory


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants (from /proc/<pid>/stat parent ids)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def _kb(path: str, label: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(label):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def vm_rss_kb(pid: int) -> int:
    return _kb(f"/proc/{pid}/status", "VmRSS:")


def pss_kb(pid: int) -> int:
    """Proportional set size: shared pages divided among their sharers (sums honestly)."""
    return _kb(f"/proc/{pid}/smaps_rollup", "Pss:")


@dataclass
class RssSampler:
    """Samples a process tree's memory every ``interval`` seconds, in a thread."""

    root: int
    interval: float = 0.25
    peak_rss_kb: int = 0
    peak_pss_kb: int = 0
    peak_per_process_kb: dict[int, int] = field(default_factory=dict)
    samples: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def sample(self) -> None:
        pids = process_tree(self.root)
        rss = {pid: vm_rss_kb(pid) for pid in pids}
        self.peak_rss_kb = max(self.peak_rss_kb, sum(rss.values()))
        self.peak_pss_kb = max(self.peak_pss_kb, sum(pss_kb(pid) for pid in pids))
        for pid, value in rss.items():
            self.peak_per_process_kb[pid] = max(self.peak_per_process_kb.get(pid, 0), value)
        self.samples += 1

    def __enter__(self) -> RssSampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)
