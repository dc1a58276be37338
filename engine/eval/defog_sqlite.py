"""Build a SQLite copy of a defog PostgreSQL script (DDL + INSERTs transpiled by sqlglot)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlglot
from sqlglot import exp

from engine.catalog.ddl import read_text_file, split_statements


def build_sqlite(script: Path, out: Path) -> list[str]:
    """Write `out` (atomically) and return the statements that could not be carried over."""
    out = Path(out)
    if out.exists():
        return []
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".partial")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    failed: list[str] = []
    for line, stmt in split_statements(read_text_file(script), "postgres"):
        head = stmt.split(None, 1)[0].upper() if stmt else ""
        if head in ("SET", "SELECT", "ALTER", "COMMENT", "GRANT", "REVOKE") or head == "CREATE" and "SCHEMA" in stmt.split("(")[0].upper():
            continue
        try:
            tree = sqlglot.parse_one(stmt, read="postgres")
            for t in tree.find_all(exp.Table):  # SQLite has no schemas: consumer_div.users -> users
                t.set("db", None)
                t.set("catalog", None)
            tree = to_sqlite_dates(tree)
            con.execute(tree.sql(dialect="sqlite"))
        except Exception as exc:  # noqa: BLE001 - reported, not fatal
            failed.append(f"line {line}: {str(exc).splitlines()[0][:120]}")
    con.commit()
    con.close()
    tmp.replace(out)
    return failed


_UNITS = {"min": "minutes", "mins": "minutes", "minute": "minutes", "minutes": "minutes", "hour": "hours",
          "hours": "hours", "day": "days", "days": "days", "month": "months", "months": "months",
          "year": "years", "years": "years", "sec": "seconds", "second": "seconds", "seconds": "seconds"}


def _fn(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def _interval_modifier(node: exp.Interval, sign: int) -> str | None:
    """INTERVAL '5 days' / INTERVAL '5' DAY -> '+5 days' (weeks become days)."""
    text = node.this.name if node.this is not None else ""
    unit = node.unit.name if node.args.get("unit") is not None else ""
    parts = (text + " " + unit).split()
    if len(parts) < 2:
        return None
    try:
        n = float(parts[0])
    except ValueError:
        return None
    u = parts[1].lower()
    if u.startswith("week"):
        n, u = n * 7, "days"
    u = _UNITS.get(u)
    if u is None:
        return None
    n *= sign
    return f"{'+' if n >= 0 else '-'}{abs(n):g} {u}"


def _rewrite(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.CurrentDate):
        return _fn("date", exp.Literal.string("now"))
    if isinstance(node, (exp.CurrentTimestamp, exp.CurrentDatetime)) or (
        isinstance(node, exp.Anonymous) and node.name.lower() == "now"
    ):
        return _fn("datetime", exp.Literal.string("now"))
    if isinstance(node, (exp.DateTrunc, exp.TimestampTrunc)):
        unit = (node.args.get("unit").name if node.args.get("unit") is not None else "").lower()
        mods = {"month": ["start of month"], "year": ["start of year"], "day": [], "week": ["-6 days", "weekday 1"]}.get(unit)
        if mods is not None:
            return _fn("date", node.this, *[exp.Literal.string(m) for m in mods])
    if isinstance(node, (exp.Add, exp.Sub)) and isinstance(node.expression, exp.Interval):
        mod = _interval_modifier(node.expression, -1 if isinstance(node, exp.Sub) else 1)
        if mod:
            return _fn("datetime", node.this, exp.Literal.string(mod))
    if isinstance(node, exp.Extract):
        fmt = {"year": "%Y", "month": "%m", "day": "%d", "hour": "%H", "epoch": "%s"}.get(node.this.name.lower())
        if fmt:
            return exp.Cast(this=_fn("strftime", exp.Literal.string(fmt), node.expression), to=exp.DataType.build("INTEGER"))
    if isinstance(node, exp.ColumnDef):
        for cons in node.constraints:
            if isinstance(cons.kind, exp.DefaultColumnConstraint) and not isinstance(cons.kind.this, (exp.Literal, exp.Paren, exp.Null)):
                cons.kind.set("this", exp.Paren(this=cons.kind.this))
    return node


def to_sqlite_dates(tree: exp.Expression) -> exp.Expression:
    """PostgreSQL date arithmetic in INSERTs -> SQLite date()/datetime() modifiers, innermost first."""
    for child in list(tree.iter_expressions()):
        new = to_sqlite_dates(child)
        if new is not child:
            child.replace(new)
    return _rewrite(tree)
