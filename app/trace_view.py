"""Render an AskResult's trace as HTML for the Trace tab: why the SQL is what it is."""

from __future__ import annotations

import html

from engine.result import AskResult


def trace_html(result: AskResult) -> str:
    t = result.trace
    esc = html.escape
    parts = [f"<h3>Trace</h3><p><b>Model:</b> {esc(t.model)} &nbsp; <b>Mode:</b> {esc(t.mode)}</p>"]
    if t.timings:
        cells = "".join(f"<td>{esc(k)}</td><td align=right>{v * 1000:.0f} ms</td>" for k, v in t.timings.items())
        parts.append(f"<h4>Timings</h4><table cellspacing=4><tr>{cells}</tr></table>")
    if t.tables:
        rows = "".join(
            f"<tr><td>{esc(x['name'])}</td><td>{esc(x['why'])}</td><td align=right>{x['score']:.3f}</td></tr>" for x in t.tables
        )
        parts.append(f"<h4>Tables in the prompt</h4><table cellspacing=4><tr><th>table</th><th>why</th><th>score</th></tr>{rows}</table>")
    if t.examples:
        rows = "".join(f"<li>{esc(e['question'])}<br><code>{esc(e['sql'])}</code> ({e['score']:.3f})</li>" for e in t.examples)
        parts.append(f"<h4>Retrieved examples</h4><ul>{rows}</ul>")
    if t.lacks:
        parts.append("<p><b>The answer lacks what the question asks for:</b> " + esc("; ".join(t.lacks)) + "</p>")
    if t.notes:
        parts.append("<h4>Notes</h4><ul>" + "".join(f"<li>{esc(n)}</li>" for n in t.notes) + "</ul>")
    for i, a in enumerate(t.attempts, 1):
        status = f"<span style='color:#b00'>{esc(a.error)}</span>" if a.error else "<span style='color:#070'>passed</span>"
        fixes = "".join(f"<br>linked: {esc(f)}" for f in a.fixes)
        parts.append(f"<h4>Attempt {i}</h4><p>raw model output: <code>{esc(a.raw_output)}</code><br>SQL: <code>{esc(a.sql)}</code>{fixes}<br>{status}</p>")
    if result.error:
        parts.append(f"<p><b>Result:</b> <span style='color:#b00'>{esc(result.error)}</span></p>")
    parts.append(f"<h4>Prompt</h4><pre>{esc(t.prompt)}</pre>")
    return "".join(parts)
