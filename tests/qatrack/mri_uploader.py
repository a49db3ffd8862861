"""An uploader-style client for an MRI site: the way a site's script talks to QATrack+.

It authenticates with its token, finds its unit test collection by unit and list
name, and posts one test list instance with values (the composite SNR is left to
the server). Usage: ``python mri_uploader.py BASE_URL TOKEN``; prints the response.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import requests

UNIT, TEST_LIST = "MR1", "MRI Daily QA"


def find_collection(session: requests.Session, base: str) -> dict[str, Any]:
    units = session.get(f"{base}/api/units/units/", params={"name": UNIT}, timeout=10)
    units.raise_for_status()
    unit_id = units.json()["results"][0]["url"].rstrip("/").rsplit("/", 1)[-1]
    found = session.get(f"{base}/api/qa/unittestcollections/",
                        params={"unit": unit_id}, timeout=10)
    found.raise_for_status()
    return next(c for c in found.json()["results"] if c["name"] == TEST_LIST)


def upload(base: str, token: str, signal: float, noise: float) -> requests.Response:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    collection = find_collection(session, base)
    body = {
        "unit_test_collection": collection["url"],
        "work_started": "2026-10-01 08:00", "work_completed": "2026-10-01 08:20",
        "tests": {
            "mri_signal": {"value": signal}, "mri_noise": {"value": noise},
            "mri_ghosting": {"value": 1.2}, "mri_table": {"value": True},
            "mri_phantom_image": {"filename": "acr.txt", "value": "phantom slice 7",
                                  "encoding": "text"},
        },
    }
    return session.post(f"{base}/api/qa/testlistinstances/", json=body, timeout=10)


if __name__ == "__main__":
    answer = upload(sys.argv[1].rstrip("/"), sys.argv[2], 1250.0, 10.0)
    print(answer.status_code, json.dumps(answer.json(), indent=2))
