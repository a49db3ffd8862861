"""``report.html``: one self-contained page (no external assets) from report.json's body.

Per rule: verdict, reason, the rule's text from the guide, and for failing
tests their messages, the captured requests and responses and Schemathesis'
reproduction lines.
"""

from __future__ import annotations

from html import escape
from typing import Any

STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1b1b1b;max-width:70em}
h1{font-size:1.4em}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}
.v,td:first-child{font-weight:600;white-space:nowrap}.passed{color:#1a7f37}.failed{color:#cf222e}
.not-checkable{color:#9a6700}.not-checked{color:#57606a}.tool-check{color:#0969da}
details{margin:.3em 0}pre{background:#f6f8fa;padding:.5em;overflow-x:auto;
white-space:pre-wrap;word-break:break-all;font-size:12px}.text{color:#444;font-size:.92em}
.summary span{margin-right:1.2em}
"""


def render(body: dict[str, Any]) -> str:
    rows = "\n".join(_rule_row(rule) for rule in body.get("rules", []))
    tally = "".join(f'<span class="{_css(v)}">{n} {escape(v)}</span>'
                    for v, n in body.get("counts", {}).items() if n)
    broken = "".join(f"<p class=failed>broken: {escape(b)}</p>" for b in body.get("broken", []))
    title = f"apidouble check {escape(str(body.get('system', '')))}"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>{STYLE}</style></head><body>
<h1>{title}</h1>
<p>Target <code>{escape(str(body.get('baseUrl', '')))}</code>
{'(our mock)' if body.get('isMock') else ''} · writes
{'allowed' if body.get('allowWrites') else 'not allowed'} ·
{float(body.get('duration', 0)):.1f}s · exit {body.get('exitCode')}:
{escape(str(body.get('exitMeaning', '')))}</p>
<p class=summary>{tally}</p>{broken}
<table><thead><tr><th>rule</th><th>verdict</th><th>time</th><th>details</th></tr></thead>
<tbody>
{rows}
</tbody></table></body></html>
"""


def _css(verdict: str) -> str:
    return verdict.replace(" ", "-")


def _rule_row(rule: dict[str, Any]) -> str:
    text = rule.get("text") or rule.get("summary", "")
    parts = [f"<div>{escape(rule.get('summary', ''))}</div>"]
    if rule.get("text"):
        parts.append(f"<div class=text>{escape(text)}</div>")
    if rule.get("reason"):
        parts.append(f"<div><em>{escape(rule['reason'])}</em></div>")
    parts += [_failed_test(test) for test in rule.get("tests", [])
              if test.get("outcome") in ("failed", "note")]
    verdict = rule.get("verdict", "")
    return (f'<tr id="{escape(rule["rule"])}"><td>{escape(rule["rule"])}</td>'
            f'<td class="v {_css(verdict)}">{escape(verdict)}</td>'
            f"<td>{float(rule.get('duration', 0)):.1f}s</td><td>{''.join(parts)}</td></tr>")


def _failed_test(test: dict[str, Any]) -> str:
    inner = [f"<pre>{escape(test.get('message', ''))}</pre>"]
    inner += [f"<pre>{escape(note)}</pre>" for note in test.get("notes", [])]
    for exchange in test.get("exchanges", []):
        inner.append(f"<pre>{escape(_exchange_text(exchange))}</pre>")
    for line in test.get("reproduction", []):
        inner.append(f"<pre>{escape(line)}</pre>")
    label = "note" if test.get("outcome") == "note" else "failed"
    return (f"<details open><summary>{label} ({escape(test.get('kind', ''))}): "
            f"{escape(test.get('test', ''))}</summary>{''.join(inner)}</details>")


def _exchange_text(exchange: dict[str, Any]) -> str:
    sent = [f"{exchange.get('method')} {exchange.get('url')}"]
    sent += [f"{k}: {v}" for k, v in exchange.get("requestHeaders", {}).items()]
    if exchange.get("requestBody"):
        sent += ["", exchange["requestBody"]]
    got = [f"→ {exchange.get('status')}"]
    got += [f"{k}: {v}" for k, v in exchange.get("responseHeaders", {}).items()]
    if exchange.get("responseBody"):
        got += ["", exchange["responseBody"]]
    return "\n".join(sent + [""] + got)
