"""Descriptive statistics and process capability, as documented in ``spec/alisqi.yaml``.

- Standard deviation is the sample one (n - 1); fewer than two values give null.
- Within-subgroup sigma for individual values: the average moving range of
  consecutive values (by result date, then id) divided by d2 = 1.128.
- Cp = (USL - LSL) / 6 sigma_within; Cpk = min(USL - mean, mean - LSL) / 3 sigma_within
  (one-sided when only one limit exists); Pp and Ppk the same with the overall
  sample standard deviation. An index is null when its limits or sigma are missing
  or sigma is zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

D2 = 1.128


def mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def sample_sd(values: Sequence[float]) -> float | None:
    if len(values) < 2:
        return None
    centre = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((v - centre) ** 2 for v in values) / (len(values) - 1))


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def describe(values: Sequence[float], censored: int) -> dict[str, Any]:
    """getStatistics for one field: the numeric values (operator values only counted)."""
    return {
        "count": len(values),
        "censoredCount": censored,
        "mean": mean(values),
        "standardDeviation": sample_sd(values),
        "minimum": min(values) if values else None,
        "maximum": max(values) if values else None,
        "median": median(values),
        "range": (max(values) - min(values)) if values else None,
        "sum": math.fsum(values) if values else None,
    }


def sigma_within(values: Sequence[float]) -> float | None:
    if len(values) < 2:
        return None
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    return math.fsum(ranges) / len(ranges) / D2


def _indices(centre: float | None, sigma: float | None, lsl: float | None,
             usl: float | None) -> tuple[float | None, float | None]:
    if centre is None or sigma is None or sigma == 0 or (lsl is None and usl is None):
        return None, None
    spread = (usl - lsl) / (6 * sigma) if lsl is not None and usl is not None else None
    sides = [(usl - centre) / (3 * sigma)] if usl is not None else []
    sides += [(centre - lsl) / (3 * sigma)] if lsl is not None else []
    return spread, min(sides)


def capability(values: Sequence[float], lsl: float | None, usl: float | None) -> dict[str, Any]:
    """``values`` in time order; the limits of one specification version."""
    centre, overall, within = mean(values), sample_sd(values), sigma_within(values)
    cp, cpk = _indices(centre, within, lsl, usl)
    pp, ppk = _indices(centre, overall, lsl, usl)
    return {"count": len(values), "mean": centre, "standardDeviation": overall,
            "sigmaWithin": within, "cp": cp, "cpk": cpk, "pp": pp, "ppk": ppk}
