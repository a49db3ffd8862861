"""mypy over the package as installed (``apidouble.mock_server.core`` strictly typed).

The wheel maps top-level folders to subpackages of ``apidouble`` (see setup.py);
an editable install does it with an import hook mypy cannot follow, so the
same layout is assembled here with symbolic links and checked as ``-p apidouble``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = {"mock_server": "mock_server", "conformance": "conformance", "load": "load",
           "fixtures": "fixtures", "spec": "spec"}


def test_mypy_finds_no_errors(tmp_path: Path) -> None:
    if shutil.which("mypy", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("mypy is not installed (it comes with the dev extra)")
    package = tmp_path / "apidouble"
    package.mkdir()
    for source in (ROOT / "apidouble").glob("*.py"):
        (package / source.name).symlink_to(source)
    for name, folder in FOLDERS.items():
        (package / name).symlink_to(ROOT / folder, target_is_directory=True)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"),
         "--cache-dir", str(ROOT / ".mypy_cache"), "-p", "apidouble"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
