"""A PHP integration (php-cli + curl) works against ``apidouble serve qses --root``.

Skipped only when php is absent, and never when the environment variable CI
is set (CI installs php-cli and php-curl).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from .test_mock_throttles import gunicorn_base  # noqa: F401 (fixture)

CLIENT = Path(__file__).with_name("php") / "crms_client.php"


def php() -> str:
    found = shutil.which("php")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("php is not installed, and CI must run this test")
        pytest.skip("php is not installed")
    modules = subprocess.run([found, "-m"], capture_output=True, text=True).stdout
    if "curl" not in modules.split():
        if os.environ.get("CI"):
            pytest.fail("php's curl extension is not installed")
        pytest.skip("php's curl extension is not installed")
    return found


def test_the_php_client_logs_in_searches_upserts_and_posts(gunicorn_base: str) -> None:  # noqa: F811
    binary = php()
    with urllib.request.urlopen(f"{gunicorn_base}/__admin/credentials") as response:
        account = next(c for c in json.load(response)["credentials"]
                       if c["username"] == "enquiry.portal")
    run = lambda: subprocess.run(  # noqa: E731
        [binary, str(CLIENT), gunicorn_base, account["username"].upper(), account["password"],
         "mei.chen.php@example.cn"], capture_output=True, text=True, timeout=60)
    first = run()
    assert first.returncode == 0, first.stdout + first.stderr
    result = json.loads(first.stdout)
    assert result["foundBefore"] == 0 and result["crmNumber"] > 100000
    assert result["location"].endswith(f"/crms/api/othercommunications/"
                                       f"{result['communicationId']}")
    second = json.loads(run().stdout)
    assert second["foundBefore"] == 1 and second["crmNumber"] == result["crmNumber"]
