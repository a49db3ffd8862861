"""An independent computation of what getStatistics and getSpecificationEvaluation report,
in every standard convention a server may use, and a lenient finder for other shapes."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator
from typing import Any

D2 = 1.128
TOLERANCE = 1e-6


def numbers(values: list[Any]) -> list[float]:
    return [float(v) for v in values
            if isinstance(v, int | float) and not isinstance(v, bool)]


def deviations(values: list[float]) -> list[float]:
    """Sample and population standard deviations (both standard)."""
    if len(values) < 2:
        return []
    return [statistics.stdev(values), statistics.pstdev(values)]


def within(values: list[float]) -> list[float]:
    """Within-subgroup sigmas for individual values: moving range / d2, or the overall."""
    if len(values) < 2:
        return []
    moving = statistics.fmean(abs(b - a) for a, b in zip(values, values[1:], strict=False))
    return [moving / D2, *deviations(values)]


def indices(centre: float, sigma: float, lsl: float | None, usl: float | None
            ) -> tuple[float | None, float | None]:
    if sigma == 0 or (lsl is None and usl is None):
        return None, None
    spread = (usl - lsl) / (6 * sigma) if lsl is not None and usl is not None else None
    sides = [x for x in ((usl - centre) / (3 * sigma) if usl is not None else None,
                         (centre - lsl) / (3 * sigma) if lsl is not None else None)
             if x is not None]
    return spread, min(sides)


def all_numbers(body: Any) -> Iterator[float]:
    if isinstance(body, bool):
        return
    if isinstance(body, int | float):
        yield float(body)
    elif isinstance(body, dict):
        for value in body.values():
            yield from all_numbers(value)
    elif isinstance(body, list):
        for value in body:
            yield from all_numbers(value)
    elif isinstance(body, str):
        try:
            yield float(body)
        except ValueError:
            return


def close(a: float, b: float, tolerance: float = TOLERANCE) -> bool:
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=1e-12)


def reported(body: Any, candidates: list[float]) -> bool:
    """Does the answer report one of the candidate figures somewhere?"""
    found = list(all_numbers(body))
    return any(close(value, candidate) for value in found for candidate in candidates)
