"""A $filter of a thousand terms is Alemba's own 400, with a message, never a 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from apidouble.mock_server.alemba.demo import Demo


@pytest.fixture(scope="module")
def demo() -> Demo:
    started = Demo.start()
    started.login("analyst")
    return started


@pytest.mark.parametrize("terms", [1000, 1500])
@pytest.mark.parametrize("joiner", ["||", "&&"])
def test_too_many_terms_is_a_400(demo: Demo, terms: int, joiner: str) -> None:
    text = joiner.join(f"Ref=={i}" for i in range(terms))
    response = demo.get(f"call?$filter={quote(text)}")
    assert response.status_code == 400
    assert response.json["Type"] == "QueryParseException"
    assert "more than 500 terms" in response.json["Message"]


def test_a_long_but_reasonable_filter_works(demo: Demo) -> None:
    text = "||".join(f"Ref=={i}" for i in range(500))
    assert demo.get(f"call?$filter={quote(text)}").status_code == 200


def test_deep_nesting_is_a_400(demo: Demo) -> None:
    text = "!(" * 1000 + "Ref==1" + ")" * 1000
    response = demo.get(f"call?$filter={quote(text)}")
    assert response.status_code == 400 and "nests" in response.json["Message"]
