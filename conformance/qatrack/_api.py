"""A token-authenticated client for a QATrack+ target and the helpers the tests share."""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from ..http import Verbs
from ..target import Target

NOT_PROVIDED = "Authentication credentials were not provided."
INVALID_TOKEN = "Invalid token."
NO_PERMISSION = "You do not have permission to perform this action."
USER_KEY_EXISTS = "test list instance with this user key already exists."
#: test types whose value the server calculates or fixes: never submitted
CALCULATED = {"composite", "scomposite"}
CONSTANT = "constant"


@dataclass
class Api(Verbs):
    """One identity's view of the target: ``Authorization: Token <key>`` on every request."""

    target: Target
    token: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Accept": "application/json", **self.headers, **kwargs.pop("headers", {})}
        if self.token is not None:
            headers.setdefault("Authorization", f"Token {self.token}")
        return self.target.request(method, path, headers=headers, **kwargs)

    def json(self, path: str, rule: str, **kwargs: Any) -> Any:
        """GET that must answer 200 with JSON; the assertion names ``rule``."""
        response = self.get(path, **kwargs)
        assert response.status_code == 200, (
            f"{rule}: GET {path} answered {response.status_code}: {response.text[:200]}")
        return response.json()

    def pages(self, path: str, rule: str, **params: Any) -> Iterator[dict[str, Any]]:
        """Every page of a list, following ``next``."""
        url: str | None = path
        first = True
        while url:
            page = self.json(url, rule, params=params if first else None)
            first = False
            yield page
            url = page.get("next")

    def everything(self, path: str, rule: str, **params: Any) -> list[dict[str, Any]]:
        return [item for page in self.pages(path, rule, **params) for item in page["results"]]


def record_id(url: str) -> str:
    """The last path segment of a hyperlink (``.../unittestcollections/7/`` -> ``7``)."""
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def resource_kind(url: str) -> str:
    """The resource segment of a hyperlink (``.../api/qc/testlists/7/`` -> ``testlists``)."""
    parts = urlsplit(url).path.rstrip("/").split("/")
    return parts[-2] if len(parts) >= 2 else ""


def is_absolute(url: Any) -> bool:
    return isinstance(url, str) and urlsplit(url).scheme in ("http", "https") and bool(
        urlsplit(url).netloc)


def detail_pattern(app: str, resource: str) -> re.Pattern[str]:
    apps = "(qa|qc)" if app in ("qa", "qc") else app
    return re.compile(rf"^https?://[^/]+(/.*)?/api/{apps}/{resource}/\d+/$")


def messages(body: Any) -> list[str]:
    """Every message of a DRF error body, one per line (``non_field_errors`` joins with \\n)."""
    found: list[str] = []
    if isinstance(body, dict):
        for value in body.values():
            found += messages(value)
    elif isinstance(body, list):
        for value in body:
            found += messages(value)
    elif isinstance(body, str):
        found += body.split("\n")
    return found


# ---------------------------------------------------------------- the tests of a list


@dataclass
class TestInfo:
    slug: str
    type: str
    url: str
    name: str = ""
    choices: str = ""
    calculation_procedure: str = ""
    reference: float | None = None
    tolerance: dict[str, Any] | None = None


@dataclass
class Collection:
    """A unit test collection with what performing it needs."""

    url: str
    body: dict[str, Any]
    tests_object: dict[str, Any]
    is_cycle: bool
    tests: dict[str, TestInfo]

    @property
    def days(self) -> int:
        return len(self.tests_object.get("test_lists") or [])

    def of_type(self, *types: str) -> list[TestInfo]:
        return [t for t in self.tests.values() if t.type in types]


def load_collection(api: Api, url: str, rule: str) -> Collection:
    body = api.json(url, rule)
    tests_object = api.json(body["tests_object"], rule)
    is_cycle = "test_lists" in tests_object and "tests" not in tests_object
    lists = ([api.json(link, rule) for link in tests_object["test_lists"]]
             if is_cycle else [tests_object])
    tests: dict[str, TestInfo] = {}
    for test_list in lists:
        for test_url in _test_urls(api, test_list, rule):
            test = api.json(test_url, rule)
            tests.setdefault(test["slug"], TestInfo(
                slug=test["slug"], type=test.get("type", "simple"), url=test["url"],
                name=test.get("name", ""), choices=test.get("choices") or "",
                calculation_procedure=test.get("calculation_procedure") or ""))
    _attach_references(api, body, tests, rule)
    return Collection(url=body["url"], body=body, tests_object=tests_object,
                      is_cycle=is_cycle, tests=tests)


def _test_urls(api: Api, test_list: dict[str, Any], rule: str) -> list[str]:
    urls = list(test_list.get("tests") or [])
    for link in test_list.get("sublists") or []:
        sub = api.json(link, rule)
        child = api.json(sub["child"], rule) if "child" in sub else sub
        urls += [u for u in child.get("tests") or [] if u not in urls]
    return urls


def _attach_references(api: Api, utc: dict[str, Any], tests: dict[str, TestInfo],
                       rule: str) -> None:
    """Each test's reference value and tolerance on the collection's unit, where set."""
    by_url = {record_id(t.url): t for t in tests.values()}
    unit_id = record_id(utc["unit"])
    for info in api.everything("/api/qa/unittestinfos/", rule, limit=500):
        if record_id(info.get("unit", "")) != unit_id:
            continue
        test = by_url.get(record_id(info.get("test", "")))
        if test is None:
            continue
        if info.get("reference"):
            test.reference = api.json(info["reference"], rule).get("value")
        if info.get("tolerance"):
            test.tolerance = api.json(info["tolerance"], rule)


def value_for(test: TestInfo) -> dict[str, Any]:
    """A submission for one test that its reference and tolerance judge OK."""
    if test.type == "boolean":
        return {"value": bool(test.reference) if test.reference is not None else True}
    if test.type == "multchoice":
        choices = [c.strip() for c in test.choices.split(",") if c.strip()]
        passing = (test.tolerance or {}).get("mc_pass_choices") or ""
        first_pass = next((c.strip() for c in passing.split(",") if c.strip()), None)
        return {"value": first_pass or (choices[0] if choices else "")}
    if test.type in ("string",):
        return {"value": "apidouble"}
    if test.type == "upload":
        return {"filename": f"{test.slug}.txt", "value": "apidouble upload", "encoding": "text"}
    if test.type in ("date", "datetime"):
        return {"skipped": True, "comment": "apidouble conformance: not entered"}
    return {"value": float(test.reference) if test.reference is not None else 1.0}


def submitted_tests(collection: Collection) -> dict[str, dict[str, Any]]:
    return {slug: value_for(t) for slug, t in collection.tests.items()
            if t.type not in CALCULATED and t.type != CONSTANT}


# ------------------------------------------------------------ composite expectations

_OPERATORS: dict[type, Any] = {ast.Add: operator.add, ast.Sub: operator.sub,
                               ast.Mult: operator.mul, ast.Div: operator.truediv}


def simple_composite(procedure: str, slug: str, values: dict[str, float]) -> float | None:
    """The value of a one-line arithmetic procedure (``result = a + b``), else None.

    Only procedures this small are predicted; others are checked for a value only.
    """
    try:
        tree = ast.parse(procedure.strip())
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assign):
        return None
    statement = tree.body[0]
    targets = statement.targets
    if len(targets) != 1 or not isinstance(targets[0], ast.Name) or targets[0].id not in (
            "result", slug):
        return None
    try:
        return _arith(statement.value, values)
    except (KeyError, ZeroDivisionError, TypeError):
        return None


def _arith(node: ast.expr, values: dict[str, float]) -> float:
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.Name):
        return float(values[node.id])
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return float(_OPERATORS[type(node.op)](_arith(node.left, values),
                                               _arith(node.right, values)))
    raise TypeError("not simple arithmetic")
