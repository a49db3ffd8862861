"""AlisQI: instruments pushing results, dashboards reading them, as a Locust profile.

    locust -f load/alisqi.py --host http://127.0.0.1:8000/alisqi [--api-key TOKEN]
    apidouble load alisqi --base-url http://127.0.0.1:8000/alisqi --users 20 --run-time 5m

Without a token, our mock's demo tokens without an IP whitelist are dealt
round-robin to the users (30 calls a minute per token: a 429 is reported under
its own name and waited out by ``X-RateLimit-Retry-After``). Each user reads the
installation's definitions at start (the data model is user defined), then
mixes: dashboards reading filtered, sorted, paged ``getResults`` (heaviest),
instruments pushing ``storeResults`` batches of 5-50 results built from the
set's definition (some keyed upserts), ``getStatistics`` and, now and then,
``getSpecificationEvaluation``.
"""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

import requests
from locust import task
from locust.exception import StopUser

from apidouble.load._common import MAX_BACKOFF, RATE_LIMITED, ApiKeyUser, shape_from_env

API = "/api"
SAMPLES: dict[str, Any] = {"text": "LOAD", "memo": "load test", "checkbox": True,
                           "date": "2026-01-02", "datetime": "2026-01-02 03:04:05"}


class AlisQIUser(ApiKeyUser):
    rate_window = 60.0
    default_think = (1.0, 3.0)

    def usable(self, credential: dict[str, Any]) -> bool:
        return not credential.get("ipWhitelist")

    def published_credentials(self) -> list[dict[str, Any]]:
        """Our mock's demo tokens (``token``, not ``apiKey``), fetched once per host."""
        host = (self.host or "").rstrip("/")
        if host not in self._published:
            try:
                body = requests.get(f"{host}/__admin/credentials", timeout=10).json()
            except (requests.RequestException, ValueError):
                body = {}
            found = body.get("credentials") if isinstance(body, dict) else None
            self._published[host] = [c for c in found or [] if isinstance(c, dict)
                                     and c.get("token")]
        return self._published[host]

    def on_start(self) -> None:
        self.credential = self.pick_credential()
        token = self.credential.get("token") or self.credential.get("apiKey")
        self.auth_headers["Authorization"] = f"Bearer {token}"
        self.sets = self._definitions()
        if not self.sets:
            raise StopUser()
        granted = self.credential.get("permissions")
        self.writable = [s for s in self.sets if s["type"] == "analysis" and (
            granted is None or granted.get(str(s["id"])) == "write")]
        self.batches: list[str] = []

    def error_of(self, body: Any) -> str | None:
        """``{"error": "..."}``, the system's only error body."""
        return str(body["error"]) if isinstance(body, dict) and isinstance(
            body.get("error"), str) else None

    def _rate_limited(self, response: Any) -> float:
        response.request_meta["name"] = f"{response.request_meta['name']} {RATE_LIMITED}"
        try:
            delay = float(response.headers.get("X-RateLimit-Retry-After", ""))
        except ValueError:
            delay = self.rate_window
        return min(max(delay, 1.0), MAX_BACKOFF) * random.uniform(1.0, 1.1)

    def _definitions(self) -> list[dict[str, Any]]:
        with self.rest("GET", f"{API}/getAllSets") as reply:
            sets = reply.js if reply.succeeded and isinstance(reply.js, list) else []
        return [s for s in sets if isinstance(s, dict) and isinstance(s.get("fields"), list)]

    def _numbers(self, definition: dict[str, Any]) -> list[str]:
        return [f["name"] for f in definition["fields"] if f["type"] == "number"]

    def _selection(self, definition: dict[str, Any]) -> dict[str, Any] | None:
        fields = [f for f in definition["fields"] if f["type"] == "selection" and f["options"]]
        return random.choice(fields) if fields else None

    # ------------------------------------------------------------ dashboards

    @task(8)
    def dashboard(self) -> None:
        definition = random.choice(self.sets)
        params: dict[str, Any] = {"setId": definition["id"], "limit": random.choice((25, 100)),
                                  "offset": random.choice((0, 0, 100, 200))}
        chosen = self._selection(definition)
        if chosen is not None and random.random() < 0.6:
            option = random.choice(chosen["options"])
            params["filter"] = json.dumps({chosen["name"]: [{"value": option["id"]}]})
        if random.random() < 0.3:
            params["sort"] = "date:asc"
        with self.rest("GET", f"{API}/getResults", params=params, expect=(200, 304)):
            pass

    @task(2)
    def statistics(self) -> None:
        candidates = [s for s in self.sets if self._numbers(s)]
        if not candidates:
            return
        definition = random.choice(candidates)
        params = {"setId": definition["id"], "fields": ",".join(self._numbers(definition))}
        with self.rest("GET", f"{API}/getStatistics", params=params):
            pass

    @task(1)
    def evaluation(self) -> None:
        candidates = [s for s in self.sets if s["type"] == "analysis" and s.get("indexField")
                      and self._numbers(s)]
        if not candidates:
            return
        definition = random.choice(candidates)
        params = {"setId": definition["id"], "fields": self._numbers(definition)[0]}
        with self.rest("GET", f"{API}/getSpecificationEvaluation", params=params):
            pass

    # ------------------------------------------------------------ instruments

    @task(3)
    def push_batch(self) -> None:
        if not self.writable:
            return
        definition = random.choice(self.writable)
        results = [self._result(definition) for _ in range(random.randint(5, 50))]
        form: dict[str, Any] = {"setId": definition["id"], "results": json.dumps(results)}
        keys = [f["name"] for f in definition["fields"] if f["type"] == "text"]
        if keys and random.random() < 0.3:
            form["keyField"] = keys[0]
        with self.rest("POST", f"{API}/storeResults", data=form) as reply:
            if reply.succeeded and any(reply.js):
                reply.failure(f"results refused: {[e for e in reply.js if e][:2]}")

    def _result(self, definition: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in definition["fields"]:
            if f["name"] == "date" or (not f["required"] and random.random() < 0.3):
                continue
            if f["type"] == "number":
                out[f["name"]] = round(random.uniform(0.5, 50), f.get("decimals") or 0)
            elif f["type"] == "selection" and f["options"]:
                out[f["name"]] = random.choice(f["options"])["label"]
            elif f["type"] == "multiselection" and f["options"]:
                out[f["name"]] = [random.choice(f["options"])["label"]]
            elif f["type"] in SAMPLES:
                out[f["name"]] = SAMPLES[f["type"]]
        for f in definition["fields"]:
            if f["type"] == "text":
                out[f["name"]] = f"LOAD-{uuid.uuid4().hex[:8]}"
                break
        return out


#: used only when APIDOUBLE_SHAPE names a shape (see ``_common.SHAPES``)
AlisQIShape = shape_from_env()

if __name__ == "__main__":
    from locust import run_single_user

    run_single_user(AlisQIUser)
