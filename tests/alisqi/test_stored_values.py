"""A result's stored values decode to what the stdlib's way gives, type for type."""

from __future__ import annotations

import json
from typing import Any

import pytest

from apidouble.mock_server.alisqi.blueprint import _number, decoded, rows_of
from apidouble.mock_server.alisqi.model import load_set
from apidouble.mock_server.alisqi.query import _equality_test, _field_test, _general_test
from apidouble.mock_server.core import current_core


def _typed(value: Any) -> Any:
    """The value with each number's type beside it, so ``1 == 1.0`` cannot pass."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return (type(value).__name__, repr(value))


@pytest.mark.parametrize("stored", [
    '{"mfi_": 1.9, "line_": 2, "density_": 41.0, "zero_": 0.0, "negative_zero_": -0.0}',
    '{"big_": 1e15, "below_": 999999999999999.0, "exp_": 1e2, "tiny_": 1e-7}',
    '{"tags_": [1, 2.0, 3.5], "file_": {"name": "a.pdf", "size": 12.0}, "ok_": true}',
    '{"text_": "caf\\u00e9 \\ud83d\\ude00", "none_": null, "nested_": [[4.0], {"x": -2.0}]}',
    '{"huge_": 123456789012345678901234567890, "lone_": "\\ud800"}',  # orjson refuses both
])
def test_decoded_values_match_the_stdlib_decoding(stored: str) -> None:
    decoded.cache_clear()
    expected = json.loads(stored, parse_float=_number)
    assert _typed(decoded(stored)) == _typed(expected)


def test_integral_floats_become_ints_and_the_rest_stay_floats() -> None:
    decoded.cache_clear()
    values = decoded('{"a": 41.0, "b": -0.0, "c": 1e15, "d": 2.5, "e": [3.0], "f": {"g": 1e2}}')
    assert _typed(values) == _typed({"a": 41, "b": -0.0, "c": 1e15, "d": 2.5, "e": [3],
                                     "f": {"g": 100}})
    assert str(values["b"]) == "-0.0"


def test_equality_filters_pass_exactly_the_results_the_general_test_passes(app: Any) -> None:
    """The membership shortcut for ``{"field": [values]}`` against the general test, over
    every seeded result of every set, with operands of the stored values, of other types
    (``"2"`` for 2, ``true`` for 1, a list) and of none."""
    shortcuts = 0
    with app.test_request_context("/api/getResults"):
        core = current_core()
        with core.storage.connect() as connection:
            set_ids = [row[0] for row in connection.exec_driver_sql(
                f"SELECT id FROM {core.storage['sets'].name}")]
            definitions = [load_set(core, connection, set_id) for set_id in set_ids]
        for definition in definitions:
            assert definition is not None
            rows = rows_of(definition)
            for name in definition.fields:
                seen = [values.get(name) for _id, _date, values, _modified in rows][:40]
                operands: list[Any] = [*seen, "2", 2, 2.0, True, None, [1, 2], "none such"]
                for index in range(0, len(operands), 3):
                    conditions = [("=", value) for value in operands[index:index + 3]]
                    chosen = _field_test(definition, name, conditions)
                    general = _general_test(definition, name, conditions)
                    shortcuts += chosen.__qualname__.startswith(_equality_test.__name__)
                    for _id, date, values, _modified in rows:
                        assert chosen(values, date) == general(values, date), (name, conditions)
    assert shortcuts > 0  # the shortcut was taken, so the comparison above tested it
