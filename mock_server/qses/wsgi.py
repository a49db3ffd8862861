"""Path normalisation in front of the app, as IIS and Web API routing do it.

A doubled slash is one slash (``/crms/api//contacts``), and the route part of
an API path is matched case-insensitively (``/crms/api/Contacts``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
SLASHES = re.compile(r"/{2,}")


class NormalisePath:
    def __init__(self, app: Wsgi) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]
                 ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        collapsed = SLASHES.sub("/", path)
        if collapsed.lower().startswith("/crms/"):
            collapsed = collapsed.lower()
        environ["PATH_INFO"] = collapsed
        return self.app(environ, start_response)
