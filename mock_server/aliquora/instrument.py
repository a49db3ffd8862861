"""Deterministic extraction of results from instrument exports (CSV or TSV).

The real service uses a remote AI model; the mock does the same job with the
fixed rules written into ``spec/aliquora.yaml`` (``uploadInstrumentFile``), so
its answers are repeatable and it never calls out: find the columns by header
aliases, normalise tracking ids, and lower a match's confidence for every
uncertainty.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

ROLES = ("tracking", "test", "result", "unit")
ALIASES = {
    "tracking": ("trackingid", "tracking", "sampleid", "sample", "samplename", "sampleno",
                 "samplenumber", "labid"),
    "test": ("testcode", "test", "code", "analyte", "parameter", "analysis", "determinand"),
    "result": ("result", "value", "reading", "measurement", "concentration", "conc"),
    "unit": ("unit", "units", "uom"),
}
FUZZY_HEADER, NORMALISED_ID, UNIT_MISMATCH, NOT_NUMERIC = 0.1, 0.15, 0.3, 0.4
MAX_ROWS = 10_000
TRACKING = re.compile(r"^S[-_ ]?(\d{4})[-_ ]?(\d{1,6})$")


class ExportError(ValueError):
    """The file cannot be read as an instrument export."""


@dataclass(frozen=True)
class Column:
    index: int
    fuzzy: bool


@dataclass(frozen=True)
class ExportRow:
    row: int
    tracking_id: str | None
    tracking_normalised: bool
    test: str | None
    result: str | None
    unit: str | None
    fuzzy_headers: int  # fuzzy-matched columns among those this row uses


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExportError("The file must be UTF-8 text.") from None


def parse_export(text: str) -> tuple[str, list[ExportRow]]:
    """(``csv`` or ``tsv``, the data rows numbered from 1) or ExportError."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ExportError("The file is empty.")
    fmt, delimiter = ("tsv", "\t") if "\t" in lines[0] else ("csv", ",")
    reader = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
    columns = find_columns(next(reader))
    rows = []
    for number, cells in enumerate(reader, start=1):
        if number > MAX_ROWS:
            raise ExportError(f"The file has more than {MAX_ROWS} data rows.")
        rows.append(_row(number, cells, columns))
    return fmt, rows


def find_columns(header: list[str]) -> dict[str, Column]:
    """Exact aliases first; then, per missing role, the first free header containing one."""
    names = [re.sub(r"[^a-z0-9]", "", cell.lower()) for cell in header]
    columns: dict[str, Column] = {}
    for role in ROLES:
        for index, name in enumerate(names):
            if name in ALIASES[role] and index not in _taken(columns):
                columns[role] = Column(index, fuzzy=False)
                break
    for role in ROLES:
        if role in columns:
            continue
        for index, name in enumerate(names):
            if index not in _taken(columns) and any(a in name for a in ALIASES[role]):
                columns[role] = Column(index, fuzzy=True)
                break
    missing = [role for role in ("tracking", "test", "result") if role not in columns]
    if missing:
        labels = {"tracking": "tracking id", "test": "test code", "result": "result"}
        raise ExportError("No column found for: " + ", ".join(labels[m] for m in missing) + ".")
    return columns


def _taken(columns: dict[str, Column]) -> set[int]:
    return {column.index for column in columns.values()}


def _cell(cells: list[str], column: Column | None) -> str | None:
    if column is None or column.index >= len(cells):
        return None
    return cells[column.index].strip() or None


def _row(number: int, cells: list[str], columns: dict[str, Column]) -> ExportRow:
    raw_id = _cell(cells, columns["tracking"])
    tracking = normalise_tracking_id(raw_id)
    unit = _cell(cells, columns.get("unit"))
    used = ["tracking", "test", "result"] + (["unit"] if unit is not None else [])
    return ExportRow(
        row=number,
        tracking_id=tracking,
        tracking_normalised=tracking is not None and tracking != raw_id,
        test=_cell(cells, columns["test"]),
        result=_cell(cells, columns["result"]),
        unit=unit,
        fuzzy_headers=sum(columns[role].fuzzy for role in used),
    )


def normalise_tracking_id(raw: str | None) -> str | None:
    """``S-YYYY-NNNNNN`` when the cell can be read as a tracking id, else the cell as is."""
    if raw is None:
        return None
    match = TRACKING.match(raw.strip().upper())
    if not match:
        return raw
    return f"S-{match.group(1)}-{int(match.group(2)):06d}"


def same_unit(first: str, second: str) -> bool:
    return re.sub(r"\s", "", first.lower()) == re.sub(r"\s", "", second.lower())


def confidence(row: ExportRow, unit: str | None, numeric_test: bool) -> float:
    score = 1.0 - FUZZY_HEADER * row.fuzzy_headers
    if row.tracking_normalised:
        score -= NORMALISED_ID
    if row.unit and unit and not same_unit(row.unit, unit):
        score -= UNIT_MISMATCH
    if numeric_test and not is_number(row.result):
        score -= NOT_NUMERIC
    return max(round(score, 2), 0.0)


def is_number(text: str | None) -> bool:
    try:
        float(text or "")
    except ValueError:
        return False
    return True
