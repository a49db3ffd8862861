"""AlisQI's rows of the benchmark (``python -m apidouble.load.bench``): the requests.

``getResults`` pages of 100 over the three seeded analysis sets, at every full
page's offset, unfiltered, filtered on a selection option (``{"line_":[{"value":n}]}``
and the shorthand ``{"product_":"..."}``) and sorted both ways, so consecutive
requests never ask for the same page.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from typing import Any

PAGE = 100
#: set id -> (a field filtered by option id, one filtered by label, results it holds at least)
SETS = {1: ("line_", "product_", 1400), 2: ("material_", "supplier_", 500),
        3: ("product_", "product_", 400)}


def page_paths(definitions: dict[int, dict[str, Any]]) -> list[str]:
    """Different 100-result pages: offsets, sort orders and filters over three sets."""
    paths = []
    for set_id, (option_field, label_field, size) in SETS.items():
        fields = {f["name"]: f for f in definitions[set_id]["fields"]}
        for offset in range(0, size - PAGE + 1, 100):
            paths.append(_path(set_id, offset=offset, sort="date:desc"))
            paths.append(_path(set_id, offset=offset, sort="date:asc"))
        if size < 1000:
            continue  # a filtered page of a smaller set is not full
        for option in fields[option_field]["options"][:2]:
            condition = json.dumps({option_field: [{"value": option["id"]}]})
            paths.append(_path(set_id, filter=condition))
        for option in fields[label_field]["options"][:2]:
            paths.append(_path(set_id, filter=json.dumps({label_field: option["label"]})))
    return paths


def _path(set_id: int, **params: Any) -> str:
    query = urllib.parse.urlencode({"setId": set_id, "limit": PAGE, **params})
    return f"/api/getResults?{query}"
