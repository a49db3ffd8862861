"""The deterministic instrument-export extraction (spec: uploadInstrumentFile)."""

from __future__ import annotations

import pytest

from apidouble.mock_server.aliquora.instrument import (
    ExportError,
    confidence,
    decode,
    find_columns,
    normalise_tracking_id,
    parse_export,
)


def test_csv_and_tsv_are_told_apart_and_rows_numbered() -> None:
    fmt, rows = parse_export("Sample ID,Analyte,Result,Units\nS-2026-001001,PH,7.2,pH\n\n")
    assert fmt == "csv" and rows[0].row == 1 and rows[0].test == "PH"
    fmt, rows = parse_export("TrackingID\tTest\tValue\tUnit\nS-2026-001001\tPH\t7.2\tpH\n")
    assert fmt == "tsv" and rows[0].result == "7.2"


def test_exact_headers_win_over_fuzzy_ones() -> None:
    columns = find_columns(["Sample Description", "Sample", "Test Code", "Result (final)"])
    assert columns["tracking"].index == 1 and not columns["tracking"].fuzzy
    assert columns["result"].fuzzy


def test_missing_columns_are_named() -> None:
    with pytest.raises(ExportError, match="test code, result"):
        parse_export("Sample ID,Comment\nS-2026-001001,ok\n")
    with pytest.raises(ExportError):
        decode(b"\xff\xfe\x00bad")


@pytest.mark.parametrize("raw, expected", [
    ("S-2026-001234", "S-2026-001234"), ("S2026001234", "S-2026-001234"),
    ("s_2026 1234", "S-2026-001234"), ("X-1", "X-1"), (None, None),
])
def test_tracking_ids_are_normalised(raw: str | None, expected: str | None) -> None:
    assert normalise_tracking_id(raw) == expected


def test_confidence_is_lowered_for_each_uncertainty() -> None:
    _, rows = parse_export("Sample ID,Test Code,Result,Unit\n"
                           "S2026001001,PB,abc,ppb\nS-2026-001001,PB,5,ug/L\n")
    messy, clean = rows
    assert confidence(clean, "µg/L", numeric_test=True) == 0.7  # unit differs
    assert confidence(clean, "ug/L", numeric_test=True) == 1.0
    assert confidence(messy, "ug/L", numeric_test=True) == pytest.approx(0.15)
