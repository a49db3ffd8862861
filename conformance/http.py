"""Small HTTP helpers every suite's client uses: verb methods over one ``request`` and
reading a JSON object out of any response, however malformed."""

from __future__ import annotations

from typing import Any

import requests


class Verbs:
    """``get``/``post``/``put``/``patch``/``delete`` over the subclass's ``request``."""

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        raise NotImplementedError

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)


def body_of(response: requests.Response) -> dict[str, Any]:
    """The JSON object of a response, or {} when there is none."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
