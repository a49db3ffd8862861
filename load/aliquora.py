"""Aliquora LIMS: a lab's day on the v1 API, as a Locust profile.

    locust -f load/aliquora.py --host http://127.0.0.1:8000 [--api-key lk_...]
    apidouble load aliquora --base-url http://127.0.0.1:8000 --users 20 --run-time 5m
    python load/aliquora.py --host http://127.0.0.1:8000   # one user, every request printed

The host is the base URL without ``/api/v1`` (for ``apidouble serve`` without
``--root``: ``http://HOST:PORT/aliquora``). Without a key, our mock's demo keys
of API-plan organisations are dealt round-robin to the users, so the per-key
limit of 120/minute is not all that is measured.

Each user learns its organisation's test definitions, material types and
projects at start, then mixes: listing samples with filters and paging
(heaviest), reading a sample, listing its tests, creating a sample with tests,
entering results (one at a time and in bulk), verifying, reporting (``200`` or
``409 qc_failed``, both legitimate) and now and then a dry-run instrument
upload of a CSV built from real tracking ids and test codes. Races between
users of one organisation (``test_verified_locked``) and a used-up plan
allowance (``SAMPLE_LIMIT_EXCEEDED``) are legitimate outcomes, not failures.
"""

from __future__ import annotations

import random
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Any

from locust import task
from locust.exception import StopUser

from apidouble.load._common import ApiKeyUser, Reply, shape_from_env

API = "/api/v1"
STATUSES = ("pending", "received", "processing", "completed", "verified")
TEXT_RESULTS = ("clear", "colourless", "none detected", "slight", "odourless")
CLIENTS = ("Acme Water District", "Riverside Utilities", "County Public Works",
           "Lakeside Bottling", "Eastgate Treatment Works")
PLANTS = ("Intake", "Filter 2", "Clearwell", "Reservoir B")
#: a race with another user of the same organisation, not a fault of the target
LOCKED = "test_verified_locked"


class AliquoraUser(ApiKeyUser):
    error_fields = ("error", "code")  # plan limits answer {code, message} (AQ-14)
    rate_window = 60.0  # 120/minute per key, 20/minute for uploads: fixed one-minute windows
    default_think = (1.0, 4.0)

    def usable(self, credential: dict[str, Any]) -> bool:
        return credential.get("plan") == "api"

    def on_start(self) -> None:
        super().on_start()
        self.definitions = self._reference("test-definitions")
        self.materials = self._reference("material-types")
        self.projects = [p for p in self._reference("projects") if p.get("active", True)]
        if not self.definitions or not self.materials:
            raise StopUser()  # nothing to schedule: the organisation has no catalogue
        self.sample_ids: deque[int] = deque(maxlen=200)
        self.details: deque[dict[str, Any]] = deque(maxlen=20)
        self.pending: deque[dict[str, Any]] = deque(maxlen=200)
        self.entered: deque[int] = deque(maxlen=200)
        self.own_samples: deque[int] = deque(maxlen=50)
        self.can_create = True

    def _reference(self, path: str) -> list[dict[str, Any]]:
        with self.rest("GET", f"{API}/{path}?limit=500", name=f"{API}/{path}") as reply:
            return _page(reply)

    # ------------------------------------------------------------ reading

    @task(10)
    def list_samples(self) -> None:
        params: dict[str, Any] = {"limit": random.choice((25, 50, 50, 100))}
        if random.random() < 0.4:
            params["status"] = random.choice(STATUSES)
        if random.random() < 0.2:
            params["materialTypeId"] = random.choice(self.materials)["id"]
        if self.projects and random.random() < 0.2:
            params["projectId"] = random.choice(self.projects)["id"]
        if random.random() < 0.15:
            since = datetime.now(UTC) - timedelta(days=random.randint(7, 120))
            params["since"] = since.date().isoformat()
        for _ in range(random.choice((1, 1, 1, 2, 3))):  # sometimes page on
            with self.rest("GET", f"{API}/samples", params=params,
                           name=f"{API}/samples") as reply:
                self.sample_ids.extend(row["id"] for row in _page(reply))
            if not reply.succeeded or not reply.js.get("hasMore"):
                return
            params["cursor"] = reply.js["nextCursor"]

    @task(5)
    def read_sample(self) -> None:
        sample_id = self._some_sample()
        if sample_id is not None:
            self._read(sample_id)

    @task(4)
    def list_sample_tests(self) -> None:
        sample_id = self._some_sample()
        if sample_id is None:
            return
        with self.rest("GET", f"{API}/sample-tests", params={"sampleId": sample_id},
                       name=f"{API}/sample-tests") as reply:
            self._remember_tests(_page(reply))

    def _some_sample(self) -> int | None:
        if not self.sample_ids:
            self.list_samples()
        return random.choice(self.sample_ids) if self.sample_ids else None

    def _read(self, sample_id: int) -> dict[str, Any] | None:
        with self.rest("GET", f"{API}/samples/{sample_id}", name=f"{API}/samples/:id") as reply:
            if reply.succeeded:
                self._remember_detail(reply.js)
                return dict(reply.js)
        return None

    def _remember_detail(self, detail: dict[str, Any]) -> None:
        self.details.append(detail)
        self._remember_tests(detail.get("tests", []))

    def _remember_tests(self, tests: list[dict[str, Any]]) -> None:
        self.pending.extend(t for t in tests if t.get("status") == "pending")

    # ------------------------------------------------------------ writing

    @task(2)
    def create_sample(self) -> None:
        if not self.can_create:
            return
        body = self._new_sample()
        with self.rest("POST", f"{API}/samples", json=body, name=f"{API}/samples",
                       expect=(201,), allow=("SAMPLE_LIMIT_EXCEEDED",)) as reply:
            if reply.error_code == "SAMPLE_LIMIT_EXCEEDED":
                self.can_create = False  # the plan's monthly allowance is used up
            if reply.succeeded:
                self._remember_detail(reply.js)
                self.own_samples.append(reply.js["id"])

    def _new_sample(self) -> dict[str, Any]:
        definitions = random.sample(self.definitions, k=min(len(self.definitions),
                                                            random.randint(1, 4)))
        body: dict[str, Any] = {
            "clientName": random.choice(CLIENTS),
            "materialTypeId": random.choice(self.materials)["id"],
            "collectionDate": datetime.now(UTC).date().isoformat(),
            "priority": random.choice(("normal", "normal", "normal", "high")),
            "testDefinitionIds": [d["id"] for d in definitions],
        }
        if self.projects and random.random() < 0.7:
            project = random.choice(self.projects)
            body["projectId"] = project["id"]
            if project.get("usesCompositeIdentifier"):
                body["plantLocation"] = random.choice(PLANTS)
        return body

    @task(3)
    def enter_result(self) -> None:
        test = self._pending_test()
        if test is None:
            return
        with self.rest("PATCH", f"{API}/sample-tests/{test['id']}",
                       json={"result": self._result_for(test)},
                       name=f"{API}/sample-tests/:id", allow=(LOCKED,)) as reply:
            if reply.succeeded:
                self.entered.append(test["id"])

    @task(2)
    def bulk_results(self) -> None:
        tests = [t for t in (self._pending_test() for _ in range(random.randint(2, 6))) if t]
        if not tests:
            return
        updates = [{"sampleTestId": t["id"], "result": self._result_for(t)} for t in tests]
        with self.rest("POST", f"{API}/sample-tests/bulk-results", json={"updates": updates},
                       name=f"{API}/sample-tests/bulk-results") as reply:
            if reply.succeeded:
                self.entered.extend(row["sampleTestId"] for row in reply.js.get("results", [])
                                    if row.get("ok"))

    def _pending_test(self) -> dict[str, Any] | None:
        if not self.pending:
            with self.rest("GET", f"{API}/sample-tests", params={"status": "pending"},
                           name=f"{API}/sample-tests") as reply:
                self._remember_tests(_page(reply))
        return self.pending.popleft() if self.pending else None

    def _result_for(self, test: dict[str, Any]) -> str | float:
        definition = next((d for d in self.definitions if d["id"] == test.get(
            "testDefinitionId")), None)
        if definition is None or definition.get("resultType") != "numeric":
            return random.choice(TEXT_RESULTS)
        low, high = definition.get("specMin"), definition.get("specMax")
        low = 0.0 if low is None else low
        high = low + 10.0 if high is None else high
        if random.random() < 0.1:  # now and then out of spec, so QC gates get exercised
            return round(high * 1.5 + 1, 3)
        return round(random.uniform(low, high), 3)

    @task(2)
    def verify(self) -> None:
        test_id = self.entered.popleft() if self.entered else self._completed_test()
        if test_id is None:
            return
        with self.rest("POST", f"{API}/sample-tests/{test_id}/verify",
                       name=f"{API}/sample-tests/:id/verify", allow=(LOCKED,)):
            pass

    def _completed_test(self) -> int | None:
        with self.rest("GET", f"{API}/sample-tests", params={"status": "completed"},
                       name=f"{API}/sample-tests") as reply:
            tests = _page(reply)
        return random.choice(tests)["id"] if tests else None

    @task(1)
    def report(self) -> None:
        pool = self.own_samples if self.own_samples and random.random() < 0.7 else self.sample_ids
        if not pool:
            return
        with self.rest("POST", f"{API}/samples/{random.choice(pool)}/report",
                       name=f"{API}/samples/:id/report", allow=("qc_failed",)):
            pass

    @task(1)
    def instrument_upload(self) -> None:
        if not self.details:
            self.read_sample()
        csv = self._export_csv()
        if csv is None:
            return
        files = {"file": ("run.csv", csv.encode("utf-8"), "text/csv")}
        form = {"dryRun": "true", "confidenceThreshold": "0.8", "hint": "ICP-MS batch"}
        with self.rest("POST", f"{API}/instrument-uploads", files=files, data=form,
                       name=f"{API}/instrument-uploads") as reply:
            if reply.succeeded and reply.js.get("written"):
                reply.failure("a dry run wrote results")

    def _export_csv(self) -> str | None:
        """An instrument export: real tracking ids and test codes, plus one unknown sample."""
        rows = ["Sample ID,Analyte,Result,Units"]
        for detail in random.sample(list(self.details), k=min(3, len(self.details))):
            for test in detail.get("tests", [])[:4]:
                value = self._result_for(test)
                rows.append(f"{detail['trackingId']},{test['testCode']},{value},"
                            f"{test.get('unit') or ''}")
        if len(rows) == 1:
            return None
        rows.append("S-1999-999999,PH,7.0,pH")
        return "\n".join(rows) + "\n"


def _page(reply: Reply) -> list[dict[str, Any]]:
    """The ``data`` of a successful list response, else nothing."""
    if not reply.succeeded or not isinstance(reply.js, dict):
        return []
    data = reply.js.get("data")
    return data if isinstance(data, list) else []


#: used only when APIDOUBLE_SHAPE names a shape (see ``_common.SHAPES``)
AliquoraShape = shape_from_env()


if __name__ == "__main__":
    from locust import run_single_user

    run_single_user(AliquoraUser)
