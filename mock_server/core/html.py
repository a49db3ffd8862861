"""A generic browsable-API page (as Django REST Framework's): the JSON response,
pretty-printed with its links clickable, the response headers, and a raw-content
form for the methods that take a body. Plain HTML and a little CSS, no scripts."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from html import escape
from typing import Any

LINK = re.compile(r"&quot;((?:https?://|/)[^&\s]*?)&quot;")
STYLE = """body{font-family:system-ui,sans-serif;margin:0;background:#f5f5f5;color:#222}
header{background:#2c3e50;color:#fff;padding:12px 24px}header a{color:#fff}
main{padding:16px 24px}pre{background:#fff;border:1px solid #ddd;padding:12px;overflow:auto}
.request{color:#555}form{background:#fff;border:1px solid #ddd;padding:12px;margin-top:16px}
textarea{width:100%;height:10em;font-family:monospace}"""


def browsable_page(*, title: str, site: str, method: str, url: str, status: int,
                   reason: str, headers: Iterable[tuple[str, str]], body: Any,
                   forms: Iterable[str] = (), home: str = "/") -> str:
    """The page for one response; ``forms`` are the body-taking methods to offer."""
    pretty = escape(json.dumps(body, indent=4, ensure_ascii=False))
    linked = LINK.sub(lambda m: f'&quot;<a href="{m.group(1)}" rel="nofollow">'
                      f'{m.group(1)}</a>&quot;', pretty)
    head = "\n".join(f"<b>{escape(name)}:</b> {escape(value)}" for name, value in headers)
    form_html = "".join(_form(url, verb) for verb in forms)
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)} – {escape(site)}</title><style>{STYLE}</style></head>"
        f"<body><header><a href=\"{escape(home)}\">{escape(site)}</a></header><main>"
        f"<h1>{escape(title)}</h1>"
        f"<pre class=\"request\"><b>{escape(method)}</b> {escape(url)}</pre>"
        f"<pre class=\"response-info\"><b>HTTP {status} {escape(reason)}</b>\n{head}\n\n"
        f"{linked}</pre>{form_html}</main></body></html>"
    )


def _form(url: str, verb: str) -> str:
    return (
        f'<form method="post" action="{escape(url)}" class="raw-form" data-method="{verb}">'
        f"<h2>{verb}</h2>"
        '<input type="hidden" name="_content_type" value="application/json">'
        '<label for="content">Content (application/json):</label>'
        f'<textarea name="_content" id="content-{verb.lower()}">{{}}</textarea>'
        f'<button type="submit">{verb}</button></form>'
    )
