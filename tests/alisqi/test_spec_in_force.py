"""AlisQI mock: which specification version is in force for a result (``InForce``)."""

from __future__ import annotations

from datetime import datetime

from apidouble.mock_server.alisqi.api_specs import InForce


def version(index_value: str, number: int, start: datetime) -> dict:
    return {"indexValue": index_value, "version": number, "start": start}


JAN, FEB, MAR = datetime(2026, 1, 1), datetime(2026, 2, 1), datetime(2026, 3, 1)
FOUND = [  # as ``versions`` reads them: oldest first per index value
    version("A", 1, JAN), version("A", 2, FEB), version("A", 3, FEB),
    version("B", 1, MAR),
]


def test_the_last_version_started_by_the_moment() -> None:
    in_force = InForce(FOUND)
    assert in_force.at("A", datetime(2026, 1, 15))["version"] == 1
    assert in_force.at("A", datetime(2026, 6, 1))["version"] == 3
    assert in_force.at("B", MAR)["version"] == 1, "a version is in force from its start"


def test_of_versions_started_together_the_highest() -> None:
    assert InForce(FOUND).at("A", FEB)["version"] == 3


def test_none_before_the_first_or_for_another_index_value() -> None:
    in_force = InForce(FOUND)
    assert in_force.at("A", datetime(2025, 12, 31)) is None
    assert in_force.at("B", FEB) is None
    assert in_force.at("C", MAR) is None
