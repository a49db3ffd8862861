"""The issue's scenario: an MRI site's own test list, declared in a data file given to
``apidouble serve --data``, performed by an uploader-style client over real HTTP (201,
composite computed and pass/fail judged by the server); the admin data interface over
HTTP; ``serve --data`` refusing a bad file before serving."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from servers import serve

from apidouble.commands import check_data_files

HERE = Path(__file__).parent
MRI = HERE / "data" / "mri_site.yaml"
TOKEN = "5d0b1f0c8e2a4b6d9f3e7a1c2b4d6f8a0c2e4a6b"


def _uploader() -> Any:
    spec = importlib.util.spec_from_file_location("mri_uploader", HERE / "mri_uploader.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


upload = _uploader().upload


@pytest.fixture()
def base(tmp_path: Path) -> Iterator[str]:
    """``apidouble serve qatrack --root --data mri_site.yaml`` in a subprocess."""
    with serve("qatrack", "--root", "--db", f"sqlite:///{tmp_path / 'serve.sqlite3'}",
               "--data", str(MRI), ready_path="/") as url:
        yield url


def test_the_sites_uploader_performs_its_own_list(base: str) -> None:
    """One server for the whole story (starting one is the expensive part)."""
    response = upload(base, TOKEN, signal=1250.0, noise=10.0)
    assert response.status_code == 201, response.text
    tests = response.json()["tests"]
    assert tests["mri_snr"]["value"] == 125.0, "the composite is computed by the server"
    assert tests["mri_snr"]["pass_fail"] == ["ok", "OK"]  # 125 vs 120: 4.2 % < 10 %
    assert tests["mri_ghosting"]["pass_fail"] == ["ok", "OK"]
    assert tests["mri_signal"]["pass_fail"] == ["no_tol", "No Tol Set"]
    low = upload(base, TOKEN, signal=900.0, noise=10.0)  # SNR 90: -25 % of 120
    assert low.status_code == 201 and low.json()["tests"]["mri_snr"]["pass_fail"][0] == "action"
    refused = requests.get(f"{base}/api/units/units/", timeout=10,
                           headers={"Authorization": f"Token {'0' * 40}"})
    assert refused.status_code == 401
    check_admin_data_over_http(base)


def check_admin_data_over_http(base: str) -> None:
    exported = requests.get(f"{base}/__admin/data?format=yaml", timeout=10)
    assert exported.headers["Content-Type"].startswith("application/yaml")
    world = yaml.safe_load(exported.text)
    assert world["mode"] == "replace" and world["system"] == "qatrack"
    token = next(t for t in world["qatrack"]["tokens"] if t["key"].startswith("sha256:"))
    assert "5d0b1f0c" not in exported.text, "secrets are exported as their hashes"
    assert token["key"] != TOKEN
    extra = "system: qatrack\nversion: 1\nqatrack:\n  units:\n    - {number: 102, name: MR2}\n"
    added = requests.post(f"{base}/__admin/data", data=extra, timeout=10,
                          headers={"Content-Type": "application/yaml"})
    assert added.status_code == 200 and added.json()["applied"] is True
    bad = requests.post(f"{base}/__admin/data", timeout=10, json={
        "system": "qatrack", "version": 1, "qatrack": {"units": [{"number": 103, "name": 7}]}})
    assert bad.status_code == 400
    assert bad.json() == {"error": "invalid_data", "line": 1,
                          "path": "$.qatrack.units[0].name",
                          "message": "request:1: $.qatrack.units[0].name: must be of type "
                                     "string"}
    as_json = requests.get(f"{base}/__admin/data", timeout=10).json()
    assert "MR2" in [u["name"] for u in as_json["qatrack"]["units"]]
    requests.post(f"{base}/__admin/reset", timeout=10)
    names = [u["name"] for u in requests.get(f"{base}/__admin/data", timeout=10)
             .json()["qatrack"]["units"]]
    assert "MR1" in names and "MR2" not in names


def run_serve(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "apidouble", "serve", *args, "--db",
                           f"sqlite:///{tmp_path / 's.sqlite3'}", "--port", "1"],
                          capture_output=True, text=True, timeout=60)


def test_serve_refuses_a_bad_file_before_serving(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("system: qatrack\nversion: 1\nqatrack:\n  tests:\n    - {name: X}\n")
    done = run_serve("qatrack", "--data", str(bad), tmp_path=tmp_path)
    assert done.returncode == 2
    assert done.stderr == f"apidouble: {bad}:5: $.qatrack.tests[0]: 'slug' is a required " \
                          "property\n"
    missing = check_data_files([str(tmp_path / "none.json")], ("qatrack",))
    assert missing == f"{tmp_path / 'none.json'}:0: $: cannot read the file: No such file " \
                      "or directory"
    elsewhere = check_data_files([str(MRI)], ("aliquora",))
    assert elsewhere == f"{MRI}:2: $.system: 'qatrack' is not served (serving: aliquora)"


def test_serve_reports_a_semantic_error_with_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("system: qatrack\nversion: 1\nqatrack:\n  testlists:\n"
                   "    - {name: L, slug: l, tests: [no-such-test]}\n")
    done = run_serve("qatrack", "--data", str(bad), tmp_path=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        f"apidouble: {bad}:5: $.qatrack.testlists[0].tests[0]: "
        "no tests record named 'no-such-test'")
