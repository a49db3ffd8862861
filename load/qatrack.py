"""QATrack+: a clinic's daily QA on the JSON API, as a Locust profile.

    locust -f load/qatrack.py --host http://127.0.0.1:8822
    apidouble load qatrack --base-url http://HOST --username physicist --password ...
    python load/qatrack.py --host http://127.0.0.1:8822   # one user, every request printed

The host is the server's root (the part before ``/api/``). Each user logs in
once (``POST /api/get-token/``, with ``APIDOUBLE_USERNAME``/``APIDOUBLE_PASSWORD``,
or ``APIDOUBLE_TOKEN``; against our mock, its published user who may perform
QA), finds its unit test collection (``APIDOUBLE_UNIT_TEST_COLLECTION``, a URL
or id; on our mock, any collection of a plain test list) and learns its tests
and references. Then it mixes: reading history with filters (heaviest),
paging through test instances, re-reading the collection, searching
collections by unit name, and performing the test list with values within
tolerance (now and then one outside). Performing writes records that cannot
be deleted: point this at a real server only on purpose.

Throttles: 1000 requests/minute per user, 500/minute for performing; a 429 is
reported as ``<name> (429 rate limited)`` and waited out by ``Retry-After``.
"""

from __future__ import annotations

import logging
import os
import random
import uuid
from datetime import date, timedelta
from typing import Any, ClassVar
from urllib.parse import urlsplit

import requests
from locust import task
from locust.exception import StopUser

from apidouble.load._common import Reply, RestUser, shape_from_env

UTC_PATH = "/api/qa/unittestcollections/"
TLI_PATH = "/api/qa/testlistinstances/"
TI_PATH = "/api/qa/testinstances/"
CALCULATED = {"composite", "scomposite", "constant"}


def _id(url: str) -> str:
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


class QatrackUser(RestUser):
    """Token auth; DRF errors are ``{"detail": ...}``; 60 s windows with ``Retry-After``."""

    abstract = False
    rate_window = 60.0
    default_think = (1.0, 4.0)
    _published: ClassVar[dict[str, dict[str, Any]]] = {}

    def error_of(self, body: Any) -> str | None:
        if isinstance(body, dict) and len(body) == 1 and isinstance(body.get("detail"), str):
            return "detail"
        return None

    # ---------------------------------------------------------------- start

    def on_start(self) -> None:
        self.auth_headers["Authorization"] = f"Token {self._token()}"
        self.utc = self._collection()
        self.unit_number = self._json(self.utc["unit"], "/api/units/units/:id/").get("number")
        self.tests = self._tests()

    def _token(self) -> str:
        token = os.environ.get("APIDOUBLE_TOKEN", "")
        username = os.environ.get("APIDOUBLE_USERNAME", "")
        password = os.environ.get("APIDOUBLE_PASSWORD", "")
        if not token and not username:
            user = self._mock_user()
            token, username, password = (user.get("token", ""), user.get("username", ""),
                                         user.get("password", ""))
        if token:
            return token
        with self.rest("POST", "/api/get-token/", data={"username": username,
                                                         "password": password}) as reply:
            if not reply.succeeded:
                raise StopUser()
            return str(reply.js["token"])

    def _mock_user(self) -> dict[str, Any]:
        host = (self.host or "").rstrip("/")
        if host not in self._published:
            try:
                body = requests.get(f"{host}/__admin/credentials", timeout=10).json()
            except (requests.RequestException, ValueError):
                body = {}
            users = [c for c in body.get("credentials", []) if isinstance(c, dict)
                     and c.get("active", True) and c.get("can_perform", c.get("canPerform"))]
            self._published[host] = users[0] if users else {}
        if not self._published[host]:
            logging.error("qatrack: no credentials; set APIDOUBLE_USERNAME/PASSWORD")
            raise StopUser()
        return self._published[host]

    def _collection(self) -> dict[str, Any]:
        given = os.environ.get("APIDOUBLE_UNIT_TEST_COLLECTION", "")
        if given:
            url = given if "/" in given else f"{UTC_PATH}{given}/"
            return self._json(url, f"{UTC_PATH}:id/")
        with self.rest("GET", UTC_PATH, params={"limit": 200}) as reply:
            plain = [u for u in (reply.js or {}).get("results", [])
                     if "/testlists/" in u.get("tests_object", "")]
        if not plain:
            raise StopUser()
        return random.choice(plain)

    def _tests(self) -> list[dict[str, Any]]:
        test_list = self._json(self.utc["tests_object"], "/api/qa/testlists/:id/")
        tests = [self._json(url, "/api/qa/tests/:id/") for url in test_list.get("tests", [])]
        references: dict[str, float] = {}
        with self.rest("GET", "/api/qa/unittestinfos/",
                       params={"unit__number": self.unit_number, "limit": 500}) as reply:
            for info in (reply.js or {}).get("results", []):
                if info.get("reference") and _id(info.get("unit", "")) == _id(self.utc["unit"]):
                    value = self._json(info["reference"], "/api/qa/references/:id/").get("value")
                    if isinstance(value, int | float):
                        references[_id(info["test"])] = float(value)
        for test in tests:
            test["reference_value"] = references.get(_id(test.get("url", "")))
        return [t for t in tests if t.get("type") not in CALCULATED]

    def _json(self, url: str, name: str) -> dict[str, Any]:
        with self.rest("GET", url, name=name) as reply:
            return reply.js if reply.succeeded and isinstance(reply.js, dict) else {}

    # ---------------------------------------------------------------- tasks

    @task(5)
    def history(self) -> None:
        since = date.today() - timedelta(days=random.choice((7, 30, 90, 365)))
        params = {"unit_test_collection__unit__number": self.unit_number,
                  "work_completed_min": since.isoformat(), "ordering": "-work_completed"}
        with self.rest("GET", TLI_PATH, params=params, name=f"{TLI_PATH}?unit&since"):
            pass

    @task(4)
    def page_test_instances(self) -> None:
        url: str | None = TI_PATH
        params: dict[str, Any] | None = {"unit_test_info__unit__number": self.unit_number,
                                         "limit": 50, "ordering": "-work_completed"}
        for _ in range(3):
            if not url:
                break
            with self.rest("GET", url, params=params, name=f"{TI_PATH}?unit (page)") as reply:
                url = (reply.js or {}).get("next") if reply.succeeded else None
            params = None

    @task(2)
    def read_collection(self) -> None:
        with self.rest("GET", self.utc["url"], name=f"{UTC_PATH}:id/"):
            pass

    @task(1)
    def find_collection(self) -> None:
        unit = self._json(self.utc["unit"], "/api/units/units/:id/").get("name", "")
        with self.rest("GET", UTC_PATH, params={"unit__name__icontains": unit},
                       name=f"{UTC_PATH}?unit__name__icontains"):
            pass

    @task(2)
    def perform(self) -> None:
        today = date.today()
        stamp = f"{today.year}-{today.month}-{today.day}"
        body = {"unit_test_collection": self.utc["url"], "in_progress": False,
                "include_for_scheduling": True, "work_started": f"{stamp} 08:00",
                "work_completed": f"{stamp} 08:20", "user_key": f"load-{uuid.uuid4()}",
                "tests": {t["slug"]: self._value(t) for t in self.tests}}
        with self.rest("POST", TLI_PATH, json=body, expect=(201,)) as reply:
            self._check_performed(reply)

    def _value(self, test: dict[str, Any]) -> dict[str, Any]:
        kind = test.get("type")
        if kind == "boolean":
            return {"value": True}
        if kind == "multchoice":
            return {"value": (test.get("choices") or "a").split(",")[0].strip()}
        if kind == "string":
            return {"value": "ok"}
        if kind == "upload":
            return {"filename": "daily.txt", "value": "daily output", "encoding": "text"}
        if kind in ("date", "datetime"):
            return {"skipped": True, "comment": "load test"}
        reference = test.get("reference_value") or 1.0
        drift = 0.2 if random.random() < 0.9 else 10.0  # mostly within tolerance
        return {"value": round(reference * (1 + random.uniform(-drift, drift) / 100), 4)}

    def _check_performed(self, reply: Reply) -> None:
        if reply.succeeded and not isinstance((reply.js or {}).get("tests"), dict):
            reply.failure("201 without tests")


#: used only when APIDOUBLE_SHAPE names a shape (see ``_common.SHAPES``)
QatrackShape = shape_from_env()


if __name__ == "__main__":
    from locust import run_single_user

    run_single_user(QatrackUser)
