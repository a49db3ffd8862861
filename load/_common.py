"""What every system's Locust profile shares: ``rest()``, rate-limit back-off, keys, shapes.

A profile (``load/<system>.py``) subclasses the abstract user for its
system's shape and adds weighted tasks. This file starts with ``_`` so that
``locust -f load/`` does not take it for a locustfile, and it is imported by
its absolute name because Locust loads a profile by path, not as part of the
``apidouble.load`` package.

* :class:`RestUser`: a ``FastHttpUser`` (geventhttpclient: Locust's client that
  spends a fraction of ``requests``' CPU on each request, so that one Locust
  core drives more load and takes less of a shared machine from the server).
  ``rest()`` sends one request with ``catch_response=True``,
  parses the JSON body, and fails it on an unexpected status or on the
  system's error envelope, unless the envelope's slug is listed in ``allow``
  (a legitimate outcome, such as ``409 qc_failed``); it yields a :class:`Reply`.
  A 429 is not a failure of the target: it is reported as a success under
  ``<name> (429 rate limited)``, and the user backs off for ``Retry-After``
  seconds (else the system's documented window) before its next task.
  ``--think-time MIN,MAX`` (``APIDOUBLE_THINK_TIME``) overrides a profile's wait;
  ``--tour`` (``APIDOUBLE_TOUR=1``) makes each user run every task once first.
* :class:`ApiKeyUser`: ``Authorization: Bearer <key>`` from ``--api-key`` /
  ``APIDOUBLE_API_KEY``; without one, the keys our mock publishes at
  ``<host>/__admin/credentials``, dealt round-robin to the users.
* :class:`StagesShape`: load shapes as data. Stages are shares of ``--users``
  and ``--run-time``; a profile exposes one only when ``APIDOUBLE_SHAPE`` names it.
"""

from __future__ import annotations

import itertools
import logging
import os
import random
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, cast

import gevent
import requests
from locust import FastHttpUser, LoadTestShape, events
from locust.argument_parser import LocustArgumentParser
from locust.contrib.fasthttp import ResponseContextManager, RestResponseContextManager
from locust.exception import InterruptTaskSet, RescheduleTask, StopUser

API_KEY_ENV = "APIDOUBLE_API_KEY"
THINK_TIME_ENV = "APIDOUBLE_THINK_TIME"
TOUR_ENV = "APIDOUBLE_TOUR"
SHAPE_ENV = "APIDOUBLE_SHAPE"
RATE_LIMITED = "(429 rate limited)"
MAX_BACKOFF = 120.0


@events.init_command_line_parser.add_listener
def _options(parser: LocustArgumentParser) -> None:
    parser.add_argument("--api-key", env_var=API_KEY_ENV, default="", is_secret=True,
                        help="API key of the target (default: our mock's demo keys)")
    parser.add_argument("--think-time", env_var=THINK_TIME_ENV, default="",
                        help="'MIN,MAX' seconds between a user's tasks (default: the profile's)")
    parser.add_argument("--tour", env_var=TOUR_ENV, action="store_true", default=False,
                        help="each user first runs every task once, in random order, then "
                             "follows the weights (short smoke runs see every request)")


def option(user: Any, name: str, default: Any = None) -> Any:
    """A command-line option of this run (None outside a full Locust run)."""
    parsed = getattr(user.environment, "parsed_options", None)
    return getattr(parsed, name, default) if parsed is not None else default


# ---------------------------------------------------------------- rest()


class Reply(RestResponseContextManager):
    """What ``rest()`` yields (typing only: the object is Locust's response, annotated)."""

    js: Any  # the parsed JSON body, or None
    error_code: str | None  # the slug (or code) of the system's error envelope, if any
    succeeded: bool  # an expected status and no error body; 429 and allowed errors are not


LOCUST_CONTROL = (StopUser, RescheduleTask, InterruptTaskSet)


class RestUser(FastHttpUser):
    """``rest()`` and rate-limit awareness, for JSON APIs; subclasses say how errors look."""

    abstract = True
    #: body fields that name an error (the first one holding a string wins)
    error_fields: ClassVar[tuple[str, ...]] = ("error",)
    #: seconds to back off after a 429 without ``Retry-After``
    rate_window: ClassVar[float] = 60.0
    default_think: ClassVar[tuple[float, float]] = (1.0, 5.0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: headers every ``rest()`` of this user sends (its credentials, once it has them)
        self.auth_headers: dict[str, str] = {}
        if option(self, "tour", False) or os.environ.get(TOUR_ENV, "") not in ("", "0"):
            self.tasks = [_touring(list(type(self).tasks))]

    def wait_time(self) -> float:
        low, high = _think_range(option(self, "think_time", "")) or self.default_think
        return random.uniform(low, high)

    def error_of(self, body: Any) -> str | None:
        """The error slug of the system's error envelope, or None for any other body."""
        if not isinstance(body, dict) or "message" not in body:
            return None
        for name in self.error_fields:
            if isinstance(body.get(name), str):
                return str(body[name])
        return None

    @contextmanager
    def rest(self, method: str, url: str, headers: dict | None = None, *,
             name: str | None = None, expect: Collection[int] = (200,),
             allow: Collection[str] = (), **kwargs: Any) -> Iterator[Reply]:
        """Send, parse and check one request; ``allow``: error slugs that are legitimate.

        ``name`` defaults to ``url`` without its query: pass it for every URL
        with an id in it. An exception raised in the ``with`` block fails the
        request and propagates, so Locust also records it.
        """
        headers = {"Accept": "application/json", **self.auth_headers, **(headers or {})}
        backoff = 0.0
        with self.client.request(method, url, name=name or url.split("?")[0], headers=headers,
                                 catch_response=True, **kwargs) as response:
            reply = self._check(response, expect, allow)
            if response.status_code == 429:
                backoff = self._rate_limited(response)
            try:
                yield reply
            except LOCUST_CONTROL:
                raise
            except Exception as error:
                response.failure(f"{type(error).__name__} in the task: {error}")
                raise
        if backoff:
            gevent.sleep(backoff)

    def _check(self, response: ResponseContextManager, expect: Collection[int],
               allow: Collection[str]) -> Reply:
        reply = cast(Reply, response)
        reply.js = _json(response)
        reply.error_code = code = self.error_of(reply.js)
        reply.succeeded = False
        status = response.status_code
        if status == 0:
            response.failure(f"no response: {getattr(response, 'error', None)}")
        elif status == 429 or (code is not None and code in allow):
            response.success()
        elif status not in expect:
            message = f": {reply.js.get('message')}" if code else ""
            response.failure(f"unexpected {status} {code or ''}{message}")
        elif code is not None:
            response.failure(f"{status} with an error body: {code}")
        elif reply.js is None and status != 204:
            response.failure(f"{status} without a JSON body")
        else:
            response.success()
            reply.succeeded = True
        return reply

    def _rate_limited(self, response: ResponseContextManager) -> float:
        """Report a 429 under its own name (not a failure); return the back-off delay."""
        meta = cast(dict[str, Any], response.request_meta)
        meta["name"] = f"{meta['name']} {RATE_LIMITED}"
        header = response.headers.get("Retry-After") if response.headers else None
        delay = retry_after(None if header is None else str(header))
        delay = self.rate_window if delay is None else delay
        return min(delay, MAX_BACKOFF) * random.uniform(1.0, 1.1)  # jitter: don't stampede


def _touring(weighted: list[Any]) -> Callable[[Any], None]:
    """One task that runs each distinct task once (random order), then picks by weight."""
    first_round = random.sample(list(dict.fromkeys(weighted)), k=len(set(weighted)))

    def next_task(user: Any) -> None:
        chosen = first_round.pop() if first_round else random.choice(weighted)
        chosen(user)

    return next_task


def _json(response: ResponseContextManager) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds (delta-seconds or an HTTP date), clamped at 0; else None."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


def _think_range(text: str | None) -> tuple[float, float] | None:
    if not text:
        return None
    try:
        low, high = (float(part) for part in text.split(","))
    except ValueError:
        low = high = -1.0
    if not 0 <= low <= high:
        raise ValueError(f"--think-time / {THINK_TIME_ENV} must be 'MIN,MAX' seconds with "
                         f"0 <= MIN <= MAX, not {text!r}")
    return low, high


# ---------------------------------------------------------------- API keys


class ApiKeyUser(RestUser):
    """Bearer API keys: the one given, or our mock's published keys, round-robin."""

    abstract = True
    _dealt: ClassVar[Iterator[int]] = itertools.count()
    _published: ClassVar[dict[str, list[dict[str, Any]]]] = {}

    credential: dict[str, Any]

    def on_start(self) -> None:
        self.credential = self.pick_credential()
        self.auth_headers["Authorization"] = f"Bearer {self.credential['apiKey']}"

    def pick_credential(self) -> dict[str, Any]:
        given = option(self, "api_key") or os.environ.get(API_KEY_ENV, "")
        if given:
            return {"apiKey": given}
        usable = [c for c in self.published_credentials() if self.usable(c)]
        if not usable:
            logging.error("%s: no API key; pass --api-key or set %s", type(self).__name__,
                          API_KEY_ENV)
            raise StopUser()
        # Workers of a distributed run start dealing at their own index, not all at key 0.
        worker = getattr(self.environment.runner, "worker_index", 0) or 0
        return usable[(next(self._dealt) + worker) % len(usable)]

    def usable(self, credential: dict[str, Any]) -> bool:
        """Whether one of the mock's published credentials may call the API."""
        return True

    def published_credentials(self) -> list[dict[str, Any]]:
        """``<host>/__admin/credentials`` when the host is our mock (outside Locust's stats)."""
        host = (self.host or "").rstrip("/")
        if host not in self._published:
            self._published[host] = _fetch_credentials(host)
        return self._published[host]


def _fetch_credentials(host: str) -> list[dict[str, Any]]:
    try:
        reply = requests.get(f"{host}/__admin/credentials", timeout=10)
        body = reply.json() if reply.ok else {}
    except (requests.RequestException, ValueError):
        return []
    credentials = body.get("credentials") if isinstance(body, dict) else None
    return [c for c in credentials or [] if isinstance(c, dict) and c.get("apiKey")]


# ---------------------------------------------------------------- load shapes


@dataclass(frozen=True)
class Stage:
    """``share`` of the run time spent at ``users`` times the peak (``--users``)."""

    share: float
    users: float


#: name -> stages; the shares of each add up to 1
SHAPES: dict[str, tuple[Stage, ...]] = {
    "ramp": (Stage(0.2, 0.25), Stage(0.2, 0.5), Stage(0.2, 0.75), Stage(0.4, 1.0)),
    "spike": (Stage(0.3, 0.2), Stage(0.2, 1.0), Stage(0.5, 0.2)),
    "steps": (Stage(0.25, 0.25), Stage(0.25, 0.5), Stage(0.25, 0.75), Stage(0.25, 1.0)),
    "soak": (Stage(0.1, 0.5), Stage(0.9, 1.0)),
}
DEFAULT_SHAPE_SECONDS = 600.0


class StagesShape(LoadTestShape):
    """Follows ``stages`` scaled to ``--users`` and ``--run-time`` (10 minutes if not given)."""

    abstract = True
    use_common_options = True
    stages: ClassVar[Sequence[Stage]] = ()

    def tick(self) -> tuple[int, float] | None:
        environment = self.runner.environment if self.runner else None
        parsed = getattr(environment, "parsed_options", None)
        peak = getattr(parsed, "num_users", None) or 10
        spawn_rate = getattr(parsed, "spawn_rate", None) or 1.0
        total = float(getattr(parsed, "run_time", None) or DEFAULT_SHAPE_SECONDS)
        return stage_at(self.stages, self.get_run_time(), total, peak, spawn_rate)


def stage_at(stages: Sequence[Stage], elapsed: float, total: float, peak: int,
             spawn_rate: float) -> tuple[int, float] | None:
    """(users, spawn rate) at ``elapsed`` seconds, or None once the last stage is over."""
    end = 0.0
    for stage in stages:
        end += stage.share * total
        if elapsed < end:
            return max(1, round(stage.users * peak)), spawn_rate
    return None


def shape_from_env(environ: dict[str, str] | None = None) -> type[StagesShape] | None:
    """The shape ``APIDOUBLE_SHAPE`` names, as a concrete class; None when unset."""
    name = (environ if environ is not None else os.environ).get(SHAPE_ENV, "").strip()
    if not name:
        return None
    if name not in SHAPES:
        raise ValueError(f"{SHAPE_ENV}={name!r}: known shapes are {', '.join(SHAPES)}")
    return type(f"{name.title()}Shape", (StagesShape,),
                {"abstract": False, "stages": SHAPES[name], "__module__": __name__})
