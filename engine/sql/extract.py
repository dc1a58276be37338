"""Pull the SQL out of whatever a small model printed around it."""

from __future__ import annotations

import re

_FENCE = re.compile(r"```(?:sql|SQL)?\s*(.*?)(?:```|$)", re.S)
_START = re.compile(r"\b(SELECT|WITH)\b", re.I)


def extract_sql(text: str, prefix: str = "") -> str:
    """`prefix` is what the prompt already wrote of the answer (e.g. 'SELECT')."""
    text = prefix + text
    fence = _FENCE.search(text)
    if fence and fence.group(1).strip():
        text = fence.group(1)  # whatever the model fenced is its answer, SELECT or not
    else:
        m = _START.search(text)
        if m:
            text = text[m.start():]
    # one statement: stop at the first top-level semicolon outside quotes
    out, quote = [], None
    for ch in text:
        if quote:
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
        elif ch == ";":
            break
        out.append(ch)
    sql = "".join(out)
    # drop trailing prose lines a chatty model adds after the query
    lines = [ln for ln in sql.strip().splitlines()]
    while len(lines) > 1 and re.match(r"^\s*(This|The|Note|Explanation|Answer|Question)\b", lines[-1]):
        lines.pop()
    return "\n".join(lines).strip()
