"""Throttles per client address and endpoint over five periods (QS-12, QS-13).

Thresholds default to the guide's 10 / 120 / 3600 / 43200 / 216000 and may be
overridden per endpoint, per client address, or both (``throttle_rules``,
managed through ``/__admin/throttles`` or a data file); the most specific rule
wins, period by period. Counting is the core's fixed-window limiter on the
shared clock, so every worker shares the counts.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..core import current_core
from ..core.ratelimit import Decision, RateLimit, Window
from .deviations import deviation_on

PERIODS = {"Second": 1, "Minute": 60, "Hour": 3600, "Day": 86400, "Week": 604800}
DEFAULTS = {"Second": 10, "Minute": 120, "Hour": 3600, "Day": 43200, "Week": 216000}
ANY = "*"


def thresholds(connection: Connection, endpoint: str, client: str) -> dict[str, int]:
    """Each period's threshold for this endpoint and client address."""
    rules = current_core().storage["throttle_rules"]
    rows = connection.execute(
        sa.select(rules.c.endpoint, rules.c.client, rules.c.period, rules.c.threshold)
        .where(rules.c.endpoint.in_((endpoint, ANY)), rules.c.client.in_((client, ANY)))
    ).all()
    found = dict(DEFAULTS)
    # least specific first, so the most specific rule is applied last
    for row in sorted(rows, key=lambda r: ((r.endpoint != ANY) * 2 + (r.client != ANY))):
        if row.period in found:
            found[row.period] = row.threshold
    return found


def check(endpoint: str, client: str) -> Decision | None:
    """Count this request; the decision (None when throttling is switched off)."""
    core = current_core()
    if not core.limiter.enabled:
        return None
    with core.storage.connect() as connection:
        limits = thresholds(connection, endpoint, client)
    windows = tuple(Window(limits[p], seconds, p) for p, seconds in PERIODS.items())
    subject = client if deviation_on("QS-12") else f"{client}|{endpoint}"
    return core.limiter.check(RateLimit("qses", windows), subject, core.clock.timestamp())


def rules_json(connection: Connection, storage: Any = None) -> list[dict[str, Any]]:
    rules = (storage or current_core().storage)["throttle_rules"]
    rows = connection.execute(sa.select(rules).order_by(rules.c.endpoint, rules.c.client)).all()
    grouped: dict[tuple[str, str], dict[str, int]] = {}
    for row in rows:
        grouped.setdefault((row.endpoint, row.client), {})[row.period] = row.threshold
    return [{"endpoint": e, "clientAddress": c, "limits": limits}
            for (e, c), limits in grouped.items()]


def replace_rule(connection: Connection, endpoint: str, client: str,
                 limits: dict[str, int], storage: Any = None) -> None:
    """Set one rule's thresholds (periods left out fall back to less specific rules)."""
    rules = (storage or current_core().storage)["throttle_rules"]
    connection.execute(rules.delete().where(rules.c.endpoint == endpoint,
                                            rules.c.client == client))
    if limits:
        connection.execute(rules.insert(), [
            {"endpoint": endpoint, "client": client, "period": period, "threshold": value}
            for period, value in limits.items()])
