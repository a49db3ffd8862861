"""Alemba ASM: a service desk's day on the REST API, as a Locust profile.

    locust -f load/alemba.py --host http://127.0.0.1:8833
    apidouble load alemba --base-url http://127.0.0.1:8833 --users 10 --run-time 5m
    python load/alemba.py --host http://127.0.0.1:8833   # one user, every request printed

The host is the base URL before ``/alemba.web`` and ``/alemba.api`` (for
``apidouble serve alemba`` without ``--root``: ``http://HOST:PORT/alemba``; for a
real deployment ``https://host/<system>``). Credentials: ``--username`` /
``--password`` (``APIDOUBLE_USERNAME`` / ``APIDOUBLE_PASSWORD``) with
``APIDOUBLE_CLIENT_ID`` (and ``APIDOUBLE_CLIENT_SECRET``, ``APIDOUBLE_SCOPE``);
without them, our mock's published password logins are dealt round-robin.

Each user logs in once (one licence: the pool is finite, so a user whose login
is refused for want of a licence stops rather than retrying), refreshes its
token a minute before it expires (never on every request), and logs out when
it stops. The mix is search-heavy: call searches with realistic ``$filter``,
``$select`` through relations, ``$orderby`` and paging, counts, people and
reference-data lookups, record reads and metadata; analysts also create calls,
submit them and move them through lock, forward, close and reopen. A record
locked by someone else (``403 Record locked by ...``) is a legitimate outcome.
"""

from __future__ import annotations

import itertools
import logging
import os
import random
import time
from collections import deque
from typing import Any, ClassVar

from locust import task
from locust.exception import StopUser

from apidouble.load._common import Reply, RestUser, shape_from_env

LOGIN = "/alemba.web/oauth/login"
API = "/alemba.api/api/v1"
REFRESH_MARGIN = 60.0  # seconds before expiry
CALL_SELECT = "Ref,ShortDescription,Status,Priority.Name,LoggedDate,User.Name"
CALL_FILTERS = (
    "Priority==1",
    "Priority<=2&&!@IsDeleted",
    'Status=="Open"',
    'Status=="Open"&&Priority==2',
    "LoggedDate>@NowOffset(-7,0,0)",
    "LoggedDate>=@DateTime(2025-01-01T00:00:00.000Z)&&LoggedDate<=@Now",
    'ShortDescription.Contains("email")',
    'ShortDescription.StartsWith("Cannot")||ShortDescription.Contains("VPN")',
    "(Priority==1||Priority==2)&&Urgent",
    "User==@UserId",
    "Officer==@UserId&&Status!=\"Closed\"",
    "Service.Name==\"Email\"",
    "Partition==1",
)
PERSON_FILTERS = ('Name.StartsWith("A")', "IsAnalyst", "Active&&!IsAnalyst",
                  "Organization.Ref==2", 'Email.EndsWith("example.com")')
REFERENCE = ("call-priority", "ipk-status", "ipk-stream", "service", "location",
             "organization")
#: outcomes of races between users, not faults of the target
RACES = ("Record locked by", "is not available for call", "before you")


class AlembaUser(RestUser):
    default_think = (1.0, 4.0)
    _dealt: ClassVar[itertools.count] = itertools.count()
    _published: ClassVar[dict[str, list[dict[str, Any]]]] = {}

    # ------------------------------------------------------------ errors

    def error_of(self, body: Any) -> str | None:
        """``{Type, SubStatus, Message}`` on the API, ``{error, ...}`` at the login endpoint."""
        if not isinstance(body, dict):
            return None
        if isinstance(body.get("error"), str):
            return str(body["error"])
        if isinstance(body.get("Type"), str) and "Message" in body:
            return f"{body['Type']}: {body['Message']}"
        return None

    def call(self, method: str, path: str, *, name: str, expect: tuple[int, ...] = (200,),
             **kwargs: Any) -> Reply:
        """One API request with the session's token; a 401 refreshes once and retries."""
        self.ensure_fresh()
        reply = self._send(method, path, name=name, expect=expect, **kwargs)
        if reply.status_code == 401 and self.renew():
            reply = self._send(method, path, name=name, expect=expect, **kwargs)
        return reply

    def _send(self, method: str, path: str, *, name: str, expect: tuple[int, ...],
              **kwargs: Any) -> Reply:
        headers = {"Authorization": f"Bearer {self.access_token}", "Accept": "application/json"}
        with self.rest(method, API + path, name=name, expect=(*expect, 401), headers=headers,
                       **kwargs) as reply:
            error = reply.error_code or ""
            if reply.status_code == 401 or (reply.status_code == 403 and
                                       any(race in error for race in RACES)):
                reply.success()  # renewed and retried / a race with another user
            return reply

    # ----------------------------------------------------------- session

    def on_start(self) -> None:
        self.credential = self.pick_credential()
        self.access_token = self.refresh_token = ""
        self.expires_at = 0.0
        if not self.login():
            raise StopUser()
        self.calls: deque[int] = deque(maxlen=300)
        self.mine: deque[int] = deque(maxlen=30)
        self.reference: dict[str, list[int]] = {}
        for resource in ("ipk-status", "ipk-stream", "call-priority"):
            self.reference[resource] = self._refs(resource, "Ref>=0")
        self.analysts = self._refs("person", "IsAnalyst&&Active")
        self.partitions = self._partitions()

    def on_stop(self) -> None:
        if not self.refresh_token:
            return
        self.ensure_fresh()
        with self.rest("POST", LOGIN, name=f"{LOGIN} [logout]", expect=(200, 404),
                       data={"token": self.refresh_token},
                       headers={"Authorization": f"Bearer {self.access_token}"}):
            pass
        self.refresh_token = ""

    def pick_credential(self) -> dict[str, Any]:
        username = os.environ.get("APIDOUBLE_USERNAME", "")
        if username:
            return {"username": username, "password": os.environ.get("APIDOUBLE_PASSWORD", ""),
                    "client_id": os.environ.get("APIDOUBLE_CLIENT_ID", "alemba-analyst"),
                    "client_secret": os.environ.get("APIDOUBLE_CLIENT_SECRET") or None,
                    "scope": os.environ.get("APIDOUBLE_SCOPE", "session-type:Analyst"),
                    "sessionType": "Analyst"}
        usable = [c for c in self.published_credentials()
                  if c.get("grantType") == "password" and c.get("loginEnabled")
                  and c.get("clientEnabled")]
        if not usable:
            logging.error("AlembaUser: no credentials; pass --username/--password and "
                          "APIDOUBLE_CLIENT_ID")
            raise StopUser()
        return usable[next(self._dealt) % len(usable)]

    def published_credentials(self) -> list[dict[str, Any]]:
        host = (self.host or "").rstrip("/")
        if host not in self._published:
            try:
                body = self.client.get("/__admin/credentials", name="/__admin/credentials").json()
            except ValueError:
                body = {}
            self._published[host] = [c for c in body.get("credentials", [])
                                      if isinstance(c, dict)]
        return self._published[host]

    def _grant(self, form: dict[str, Any], kind: str, expect: tuple[int, ...]) -> Reply:
        fields = {"client_id": self.credential["client_id"], **form}
        if self.credential.get("client_secret"):
            fields["client_secret"] = self.credential["client_secret"]
        if self.credential.get("scope"):
            fields["scope"] = self.credential["scope"]
        with self.rest("POST", LOGIN, name=f"{LOGIN} [{kind}]", expect=expect,
                       data=fields) as reply:
            if reply.status_code == 401 and kind == "refresh_token":
                reply.success()  # the session is gone: the caller logs in again
            if reply.succeeded:
                self.access_token = str(reply.js.get("access_token", ""))
                self.refresh_token = str(reply.js.get("refresh_token", ""))
                self.expires_at = time.monotonic() + float(reply.js.get("expires_in", 600))
            return reply

    def login(self) -> bool:
        reply = self._grant({"grant_type": "password", "username": self.credential["username"],
                             "password": self.credential["password"]}, "password", (200,))
        if not reply.succeeded:
            logging.warning("login of %s refused (%s): no free licence?",
                            self.credential["username"], reply.error_code)
        return reply.succeeded

    def renew(self) -> bool:
        """Refresh the pair; a 401 on refresh means the session is gone: log in again."""
        reply = self._grant({"grant_type": "refresh_token", "refresh_token": self.refresh_token},
                            "refresh_token", (200, 401))
        if reply.succeeded:
            return True
        return self.login()

    def ensure_fresh(self) -> None:
        if time.monotonic() > self.expires_at - REFRESH_MARGIN:
            self.renew()

    @property
    def analyst(self) -> bool:
        return self.credential.get("sessionType") == "Analyst"

    # ------------------------------------------------------------ reading

    @task(12)
    def search_calls(self) -> None:
        params: dict[str, Any] = {"$select": CALL_SELECT, "$top": random.choice((25, 50, 50, 100)),
                                  "$orderby": random.choice(("LoggedDate desc", "Ref desc",
                                                             "Priority asc, Ref desc"))}
        if random.random() < 0.8:
            params["$filter"] = random.choice(CALL_FILTERS)
        if random.random() < 0.15:
            params["$inlinecount"] = "true"
        for page in range(random.choice((1, 1, 1, 2, 3))):
            params["$skip"] = page * params["$top"]
            reply = self.call("GET", "/call", params=params, name=f"{API}/call [search]")
            rows = _results(reply)
            self.calls.extend(r["Ref"] for r in rows if isinstance(r.get("Ref"), int))
            if len(rows) < params["$top"]:
                return

    @task(3)
    def count_calls(self) -> None:
        self.ensure_fresh()
        params = {"$count": "true", "$filter": random.choice(CALL_FILTERS)}
        with self.client.get(API + "/call", params=params, name=f"{API}/call [$count]",
                             headers={"Authorization": f"Bearer {self.access_token}"},
                             catch_response=True) as response:
            if response.status_code != 200 or not response.text.strip().isdigit():
                response.failure(f"$count: {response.status_code} {response.text[:80]}")

    @task(4)
    def search_people(self) -> None:
        self.call("GET", "/person", name=f"{API}/person [search]", params={
            "$filter": random.choice(PERSON_FILTERS), "$top": 50, "$orderby": "Name",
            "$select": "Ref,Name,Email,Organization.Name,Location.City"})

    @task(3)
    def reference_data(self) -> None:
        resource = random.choice(REFERENCE)
        self.call("GET", f"/{resource}", name=f"{API}/{resource}",
                  params={"$select": "Ref,Name", "$orderby": "Name", "$top": 100})

    @task(5)
    def read_call(self) -> None:
        if not self.calls:
            self.search_calls()
        if self.calls:
            self.call("GET", f"/call/{random.choice(self.calls)}", name=f"{API}/call/:id",
                      expect=(200, 404))

    @task(1)
    def metadata(self) -> None:
        path = random.choice(("/call/$metadata", "/person/$metadata", "/call/$create",
                              "/incident/$metadata"))
        self.call("GET", path, params={"$options": ""}, name=f"{API}{path}")

    # ------------------------------------------------------------ writing

    @task(2)
    def create_call(self) -> None:
        if not (self.analyst and self.partitions and all(self.reference.values())):
            return
        body = {"ShortDescription": random.choice(("Cannot print", "VPN drops", "New laptop",
                                                   "Email bounce", "Password reset")),
                "Description": "Logged by the apidouble load profile.",
                "IpkStatus": random.choice(self.reference["ipk-status"]),
                "IpkStream": random.choice(self.reference["ipk-stream"]),
                "Priority": random.choice(self.reference["call-priority"]),
                "Partition": random.choice(self.partitions)}
        reply = self.call("POST", "/call", json=body, name=f"{API}/call [create]",
                          expect=(201,))
        if reply.succeeded and isinstance(reply.js.get("Ref"), int):
            ref = reply.js["Ref"]
            self.call("PUT", f"/call/{ref}/submit", name=f"{API}/call/:id/submit")
            self.mine.append(ref)

    @task(2)
    def work_a_call(self) -> None:
        """Lock, then forward or close (both unlock), or just unlock; reopen closed ones."""
        if not (self.analyst and self.mine):
            return
        ref = random.choice(self.mine)
        record = self.call("GET", f"/call/{ref}", name=f"{API}/call/:id", expect=(200, 404))
        actions = record.js.get("_actions", {}) if record.succeeded else {}
        if "Reopen" in actions:
            self.call("PUT", f"/call/{ref}/reopen", name=f"{API}/call/:id/reopen", expect=(200,))
            return
        if "Lock" in actions:
            locked = self.call("PUT", f"/call/{ref}/lock", name=f"{API}/call/:id/lock")
            if locked.status_code != 200:
                return
        choice = random.random()
        if choice < 0.4 and self.analysts:
            self.call("PUT", f"/call/{ref}/forward", name=f"{API}/call/:id/forward",
                      json={"$action": {"Officer": random.choice(self.analysts)}})
        elif choice < 0.7:
            self.call("PUT", f"/call/{ref}/close", name=f"{API}/call/:id/close",
                      json={"$action": {"Resolution": "Resolved by the load profile."}})
        else:
            self.call("PUT", f"/call/{ref}/unlock", name=f"{API}/call/:id/unlock")

    # ------------------------------------------------------------ helpers

    def _refs(self, resource: str, filter_: str) -> list[int]:
        reply = self.call("GET", f"/{resource}", name=f"{API}/{resource} [refs]",
                          params={"$filter": filter_, "$select": "Ref", "$top": 200})
        return [r["Ref"] for r in _results(reply) if isinstance(r.get("Ref"), int)]

    def _partitions(self) -> list[int]:
        reply = self.call("GET", "/call", name=f"{API}/call [partitions]",
                          params={"$select": "Partition", "$top": 200})
        return sorted({r["Partition"] for r in _results(reply)
                       if isinstance(r.get("Partition"), int)})


def _results(reply: Reply) -> list[dict[str, Any]]:
    if not reply.succeeded or not isinstance(reply.js, dict):
        return []
    rows = reply.js.get("results")
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


#: used only when APIDOUBLE_SHAPE names a shape (see ``_common.SHAPES``)
AlembaShape = shape_from_env()


if __name__ == "__main__":
    from locust import run_single_user

    run_single_user(AlembaUser)
