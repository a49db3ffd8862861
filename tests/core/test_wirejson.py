"""JSON bodies as the real stacks write them (``core/wirejson.py``)."""

from __future__ import annotations

import collections
import json
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from apidouble.mock_server.core import Config
from apidouble.mock_server.core.wirejson import WireJSONProvider, dotnet, javascript, php, python
from apidouble.mock_server.systems import create_app

#: every kind of character a JSON encoder treats differently
AWKWARD = ["é/ü", "😀", "\u2028\u2029", "\t\n\r\b\f\x00\x1f\x7f", '"\\', "</script>&'<>",
           "ﬀ\ufeff", ""]
DOCUMENTS: list[Any] = [
    {"a": 1, "b": "x/y", "c": [1.5, 0.1, 7.25, 1.0, -0.0, 123456789.123], "d": {}, "e": []},
    AWKWARD,
    {text or "empty": text for text in AWKWARD},
    [None, True, False, 0, -1, 2**53, 9223372036854775807, {"nested": [{"k": "v/w"}]}],
]

floats = st.floats(allow_nan=False, allow_infinity=False)
values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | floats | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20)
#: numbers of every spelling: integral, tiny, huge, 15-17 digits, both signs
SPELLINGS = [0.0, -0.0, 1.0, -41.0, 0.1, 7.25, 0.9237, 1e-4, 1.2e-4, 1e-5, 1.5e-5, 1e-6, 1e-7,
             1.5e-7, 2.5e-10, 1e14, 123456789012345.0, 1e15, 1.5e15, 9.5e15, 1e16, 1.5e16, 1e17,
             123456789012345678.0, 1e20, 1e21, 1.5e22, 0.30000000000000004, 1 / 3, 2**53 + 0.0,
             5e-324, 1.7976931348623157e308]

#: floats of every magnitude a stack switches notation around, with 1 to 17 digits
_random = random.Random(20261207)
SAMPLED = [round(_random.uniform(-10, 10), _random.randint(0, 16))
           * 10.0 ** _random.randint(-25, 25) for _ in range(600)]


@settings(max_examples=400, deadline=None)
@given(values)
def test_python_is_what_drf_writes(value: Any) -> None:
    """DRF: ``json.dumps(..., separators=(",", ":"), ensure_ascii=False)`` as UTF-8."""
    assert python(value) == _drf(value)


def _drf(value: Any) -> bytes:
    """What DRF 3.x's ``JSONRenderer.render`` does with ``UNICODE_JSON`` and no indent."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode("utf-8")


def test_python_escapes_the_line_separators_as_drf_does() -> None:
    assert python(DOCUMENTS[1]) == _drf(DOCUMENTS[1])
    assert b"\\u2028\\u2029" in python(DOCUMENTS[1])


def test_dotnet_escapes_the_line_breaks_json_net_escapes() -> None:
    assert dotnet(["\x85\u2028\u2029é…", "\u2028"]) == (
        b'["\\u0085\\u2028\\u2029\xc3\xa9\xe2\x80\xa6","\\u2028"]')
    assert javascript("\u2028") == b'"\xe2\x80\xa8"'  # JSON.stringify leaves them


def test_python_spells_each_number_as_the_stdlib_does_even_alone() -> None:
    numbers = SPELLINGS + SAMPLED
    assert [python(x) for x in numbers] == [json.dumps(x).encode() for x in numbers]
    assert python([1.00005676265649, 10.00001]) == b"[1.00005676265649,10.00001]"


@settings(max_examples=300, deadline=None)
@given(values)
def test_every_writer_reads_back_the_same_value(value: Any) -> None:
    """As a JSON reader sees it: a number is its double (JS and PHP write 5.6e16 as digits)."""
    for write in (python, dotnet, javascript, php):
        assert _as_doubles(json.loads(write(value))) == _as_doubles(value)
    data = php(value)
    assert data.isascii() and b"/" not in data.replace(b"\\/", b"")


def _as_doubles(value: Any) -> Any:
    if isinstance(value, list):
        return [_as_doubles(item) for item in value]
    if isinstance(value, dict):
        return {key: _as_doubles(item) for key, item in value.items()}
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else value


def test_php_is_byte_for_byte_what_json_encode_writes() -> None:
    found = shutil.which("php")
    if found is None:
        pytest.skip("php-cli is not installed")
    documents = [*DOCUMENTS, SPELLINGS, [[x] for x in SPELLINGS], {"v": SPELLINGS}, *SPELLINGS,
                 *SAMPLED, SAMPLED]
    script = ('ini_set("serialize_precision", "-1"); '
              'foreach (json_decode(stream_get_contents(STDIN)) as $d) '
              '{ echo json_encode($d), "\\n"; }')
    done = subprocess.run([found, "-r", script], input=python(documents), capture_output=True,
                          timeout=30, check=True)
    assert done.stdout.splitlines() == [php(document) for document in documents]


def test_javascript_is_byte_for_byte_what_json_stringify_writes() -> None:
    """Express's ``res.json``; number formats included."""
    found = shutil.which("node")
    if found is None:
        pytest.skip("node is not installed")
    # a JavaScript number holds integers up to 2**53 only: none bigger on a Node server
    documents = [*DOCUMENTS[:3], DOCUMENTS[3][:6], SPELLINGS, [[x] for x in SPELLINGS[:5]],
                 *SPELLINGS, *SAMPLED, SAMPLED]
    script = ("let s='';process.stdin.on('data',c=>s+=c).on('end',()=>"
              "JSON.parse(s).forEach(d=>console.log(JSON.stringify(d))))")
    done = subprocess.run([found, "-e", script], input=python(documents), capture_output=True,
                          timeout=30, check=True)
    assert done.stdout.splitlines() == [javascript(document) for document in documents]


def test_dotnet_spells_numbers_as_json_net_does() -> None:
    """``double.ToString("R")`` plus Json.NET's ``.0`` for an integral value."""
    assert dotnet([0.0, 1.0, -41.0, 0.1, 7.25, 1e-4, 1e-5, 1.5e-7, 1e14, 123456789012345.0,
                   1e15, 1.5e15, 1e16, 1e21, 3, "1.0,"]) == (
        b'[0.0,1.0,-41.0,0.1,7.25,0.0001,1E-05,1.5E-07,100000000000000.0,'
        b'123456789012345.0,1E+15,1.5E+15,1E+16,1E+21,3,"1.0,"]')


@pytest.mark.parametrize("write", [python, dotnet, javascript, php])
def test_ordinary_numbers_and_strings_are_never_respelt(write: Any) -> None:
    """Text that looks like a number inside a string stays as it is."""
    body = {"t": "x:41.0,1e-7,0.00001]", "n": [41, 0.9237, 7.25], "u": "a/b"}
    assert json.loads(write(body)) == body
    assert b'"x:41.0,1e-7,0.00001]"' in write(body)


def test_what_orjson_refuses_still_goes_out_as_valid_json() -> None:
    record = collections.namedtuple("record", "a b")
    assert python({"r": record(1, "é")}) == b'{"r":[1,"\xc3\xa9"]}'
    assert dotnet({1: "x"}) == b'{"1":"x"}'
    assert javascript("\ud800") == b'"\\ud800"'
    assert python(["\ud800", 1e-7]) == b'["\\ud800",1e-07]'
    assert php({"a/b": "\ud800é"}) == b'{"a\\/b":"\\ud800\\u00e9"}'
    with pytest.raises(TypeError):
        python(object())


#: a path in each system's API that matches no route: its error body in its own format
UNMATCHED = {"aliquora": "/api/v1/no-such-thing", "qatrack": "/api/no-such-thing/",
             "alemba": "/alemba.api/api/v1/no-such-thing",
             "alisqi": "/api/no/such-thing", "qses": "/crms/api/no-such-thing"}
WIRE = {"aliquora": javascript, "qatrack": python, "alemba": dotnet, "alisqi": php,
        "qses": dotnet}


@pytest.mark.parametrize("system", sorted(UNMATCHED))
def test_each_system_answers_in_its_stacks_bytes(system: str, tmp_path: Path) -> None:
    app = create_app(system, Config(db_url=f"sqlite:///{tmp_path}/db.sqlite3"))
    with app.test_client() as client:
        answer = client.get(UNMATCHED[system])
        assert answer.status_code in (400, 401, 404)
        assert answer.data == WIRE[system](json.loads(answer.data))
        assert not answer.data.endswith(b"\n")


def test_a_view_returning_a_dict_goes_through_the_writer() -> None:
    app = Flask(__name__)
    app.json = WireJSONProvider(app, php)
    app.add_url_rule("/dict", "dict_view", lambda: {"a/b": "é", "n": 41.0})
    answer = app.test_client().get("/dict")
    assert answer.data == b'{"a\\/b":"\\u00e9","n":41}'
    assert answer.mimetype == "application/json"


@pytest.mark.parametrize("system", sorted(UNMATCHED))
def test_the_admin_interface_answers_alike_whatever_the_system(system: str,
                                                              tmp_path: Path) -> None:
    """It imitates no vendor: compact UTF-8, and its own error body even for URLs and
    methods its routes lack (which the system's envelope used to answer)."""
    app = create_app(system, Config(db_url=f"sqlite:///{tmp_path}/db.sqlite3"))
    with app.test_client() as client:
        clock = client.get("/__admin/clock")
        assert clock.status_code == 200 and clock.data == python(json.loads(clock.data))
        unknown = client.get("/__admin/no-such-thing")
        assert (unknown.status_code, unknown.get_json()["error"]) == (404, "not_found")
        wrong = client.put("/__admin/clock")
        assert (wrong.status_code, wrong.get_json()["error"]) == (405, "method_not_allowed")
        assert "GET" in wrong.headers["Allow"]
        assert set(wrong.get_json()) == {"error", "message"}
