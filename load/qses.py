"""QS Enrolment Solutions (CRMS): an international office's enquiry intake, as a Locust profile.

    locust -f load/qses.py --host http://127.0.0.1:8000
    apidouble load qses --base-url http://127.0.0.1:8000/qses --users 10 --run-time 5m
    python load/qses.py --host http://127.0.0.1:8000   # one user, every request printed

The host is the base URL before ``/crms/api``. Credentials: ``--username`` /
``--password`` (``APIDOUBLE_USERNAME`` / ``APIDOUBLE_PASSWORD``); without them
the accounts our mock publishes that may upsert contacts are dealt round-robin.
Each user logs in once and, as the vendor's guide recommends, logs in again
on a ``401`` and retries once.

The mix is an enquiry form's: search contacts by e-mail (the heaviest task),
upsert the enquirer (``processes/upsertcontact``), record the enquiry as an
other-communication, look up courses with filters and pages, and now and
then read a contact, its phone calls, or preview a batch of upserts.

**Throttles.** The API counts requests per client IP and endpoint (10 a
second, 120 a minute, ...), and every user of one Locust process shares the
IP. A process-wide pacer keeps each endpoint under ``APIDOUBLE_QSES_PACE``
requests a second (default 8) and 110 a minute; ``APIDOUBLE_QSES_PACE=0``
switches it off (for a mock run with ``--no-rate-limits``). A ``429`` that
still arrives is waited out for its ``Retry-After``.
"""

from __future__ import annotations

import itertools
import logging
import os
import random
import time
import uuid
from collections import deque
from typing import Any, ClassVar

import gevent
import requests
from locust import task
from locust.exception import StopUser

from apidouble.load._common import Reply, RestUser, shape_from_env

API = "/crms/api"
PACE_ENV = "APIDOUBLE_QSES_PACE"
PER_MINUTE = 110
SURNAMES = ("Chen", "Nguyen", "Sharma", "Santos", "Kim", "Tanaka", "Yilmaz", "Garcia", "Wang")
NAMES = ("Mei", "Linh", "Arjun", "Ana", "Ji-woo", "Haruto", "Elif", "Mateo", "Yan")
COUNTRIES = ("CN", "VN", "IN", "BR", "KR", "JP", "TR", "CO", "ID")
INTAKES = ("2026 Semester 2", "2027 Semester 1", "2027 Semester 2")
HEADLINES = ("Website enquiry", "Scholarship question", "Entry requirements",
             "Brochure request", "Virtual fair follow-up")


class Pacer:
    """Per endpoint, at most ``per_second`` a second and ``PER_MINUTE`` a minute."""

    def __init__(self, per_second: float) -> None:
        self.per_second = per_second
        self.sent: dict[str, deque[float]] = {}

    def wait(self, endpoint: str) -> None:
        if self.per_second <= 0:
            return
        sent = self.sent.setdefault(endpoint, deque())
        while True:
            now = time.monotonic()
            while sent and now - sent[0] > 60:
                sent.popleft()
            last_second = sum(1 for moment in sent if now - moment < 1)
            if last_second < self.per_second and len(sent) < PER_MINUTE:
                sent.append(now)
                return
            gevent.sleep(0.05 + random.random() * 0.1)


class QsesUser(RestUser):
    rate_window = 1.0  # most 429s are the per-second window
    default_think = (1.0, 3.0)
    _dealt: ClassVar[itertools.count] = itertools.count()
    _pacer: ClassVar[Pacer | None] = None

    def error_of(self, body: Any) -> str | None:
        """``{"Message": ...}`` (Web API) or ``{"error": ...}`` (the token endpoint)."""
        if not isinstance(body, dict):
            return None
        for name in ("error", "Message"):
            if isinstance(body.get(name), str):
                return str(body[name])
        return None

    # ------------------------------------------------------------ session

    def on_start(self) -> None:
        if QsesUser._pacer is None:
            QsesUser._pacer = Pacer(float(os.environ.get(PACE_ENV, "8") or 0))
        self.credential = self.pick_credential()
        self.granted = set(self.credential.pop("endpoints", None) or ())
        self.token = ""
        if not self.login():
            raise StopUser()
        self.contacts: deque[int] = deque(maxlen=200)
        self.emails: deque[str] = deque(maxlen=200)
        self.courses = [c["Id"] for c in self.page("/courses", "courses", limit=50)
                        ] if self.may("GET courses") else []

    def may(self, endpoint: str) -> bool:
        """Granted to this account (an account given on the command line: assumed)."""
        return not self.granted or endpoint in self.granted

    def pick_credential(self) -> dict[str, Any]:
        username = os.environ.get("APIDOUBLE_USERNAME", "")
        if username:
            return {"username": username, "password": os.environ.get("APIDOUBLE_PASSWORD", "")}
        try:
            published = requests.get(f"{self.host}/__admin/credentials", timeout=10).json()
        except (requests.RequestException, ValueError):
            published = {}
        usable = [c for c in published.get("credentials", []) if c.get("password")
                  and "POST processes/upsertcontact" in c.get("endpoints", [])
                  and "GET contacts" in c.get("endpoints", [])]
        if not usable:
            logging.error("qses: no account; pass --username and --password")
            raise StopUser()
        chosen = usable[next(self._dealt) % len(usable)]
        return {"username": chosen["username"], "password": chosen["password"],
                "endpoints": chosen["endpoints"]}

    def login(self) -> bool:
        self.pace("POST token")
        with self.rest("POST", f"{API}/token", name=f"{API}/token",
                       data={"grant_type": "password", **self.credential}) as reply:
            self.token = reply.js.get("access_token", "") if reply.succeeded else ""
        return bool(self.token)

    def pace(self, endpoint: str) -> None:
        if self._pacer is not None:
            self._pacer.wait(endpoint)

    def call(self, method: str, path: str, *, endpoint: str, expect: tuple[int, ...] = (200,),
             **kwargs: Any) -> Reply:
        """One API request; a 401 (an expired token) logs in again and retries once."""
        for attempt in (1, 2):
            self.pace(endpoint)
            headers = {"Authorization": f"Bearer {self.token}"}
            with self.rest(method, API + path,
                           name=f"{API}/{endpoint.split(' ', 1)[1]}", headers=headers,
                           expect=(*expect, 401) if attempt == 1 else expect,
                           **kwargs) as reply:
                if reply.status_code == 401 and attempt == 1:
                    reply.success()
            if reply.status_code != 401 or attempt == 2 or not self.login():
                return reply
        return reply

    def page(self, path: str, endpoint: str, **params: Any) -> list[dict[str, Any]]:
        reply = self.call("GET", path, endpoint=f"GET {endpoint}", params=params)
        data = reply.js.get("Data") if reply.succeeded and isinstance(reply.js, dict) else None
        return [row for row in data if isinstance(row, dict)] if isinstance(data, list) else []

    # ------------------------------------------------------------ tasks

    @task(6)
    def search_by_email(self) -> None:
        if self.emails and random.random() < 0.6:
            email = random.choice(self.emails)
        else:
            email = f"{uuid.uuid4().hex[:10]}@example.org"  # a first-time enquirer
        for row in self.page("/contacts", "contacts", emailAddress=email):
            self.contacts.append(row["CrmNumber"])

    @task(4)
    def upsert_enquirer(self) -> None:
        name, surname = random.choice(NAMES), random.choice(SURNAMES)
        email = (random.choice(self.emails) if self.emails and random.random() < 0.3
                 else f"{name}.{surname}.{uuid.uuid4().hex[:6]}@example.org".lower())
        mobile = f"+61 4{random.randint(10, 99)} {random.randint(100, 999)} " \
                 f"{random.randint(100, 999)}"
        body: dict[str, Any] = {
            "Name": name, "Surname": surname, "EmailAddress": email, "Mobile": mobile,
            "CountryOfCitizenship": random.choice(COUNTRIES),
            "Intake": random.choice(INTAKES), "SubChannel": "Website enquiry form"}
        if self.courses:
            body["Courses"] = [{"CourseId": random.choice(self.courses), "Preference": 1,
                                "Active": True}]
        reply = self.call("POST", "/processes/upsertcontact",
                          endpoint="POST processes/upsertcontact", json=body)
        if reply.succeeded and isinstance(reply.js, int):
            self.contacts.append(reply.js)
            self.emails.append(email)

    @task(3)
    def post_communication(self) -> None:
        if not self.contacts or not self.may("POST othercommunications"):
            return
        self.call("POST", "/othercommunications", endpoint="POST othercommunications",
                  expect=(201,), json={
                      "CrmNumber": random.choice(self.contacts), "Incoming": True,
                      "CommunicationTypeId": random.choice((1, 2, 3)),
                      "CommunicationCategoryId": 1, "SubChannelId": 1,
                      "Headline": random.choice(HEADLINES)})

    @task(3)
    def browse_courses(self) -> None:
        if not self.may("GET courses"):
            return
        params: dict[str, Any] = {"limit": 50, "offset": random.choice((0, 0, 50))}
        if random.random() < 0.5:
            params["facultyId"] = random.randint(1, 5)
        if random.random() < 0.3:
            params["nameContains"] = random.choice(("Engineering", "Data", "Business"))
        self.page("/courses", "courses", **params)

    @task(1)
    def read_contact(self) -> None:
        if self.contacts and self.may("GET contacts/{id}"):
            self.call("GET", f"/contacts/{random.choice(self.contacts)}",
                      endpoint="GET contacts/{id}")

    @task(1)
    def preview_batch(self) -> None:
        if not self.may("POST processes/preprocessupsertcontacts"):
            return
        batch = [{"Name": random.choice(NAMES), "Surname": random.choice(SURNAMES),
                  "EmailAddress": random.choice(self.emails) if self.emails
                  else "someone@example.org"} for _ in range(random.randint(1, 5))]
        self.call("POST", "/processes/preprocessupsertcontacts",
                  endpoint="POST processes/preprocessupsertcontacts", json=batch)


QsesShape = shape_from_env()


if __name__ == "__main__":
    from locust import run_single_user

    run_single_user(QsesUser)
