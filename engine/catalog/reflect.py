"""Build a SchemaCatalog from a live database through SQLAlchemy."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from engine.catalog.model import Column, ForeignKey, SchemaCatalog, Table
from engine.execute.connect import ConnectionProblem, explain_db_error, open_engine

SAMPLE_VALUES = 5
LOW_CARDINALITY = 30
_TEXTY = ("CHAR", "TEXT", "STRING", "CLOB", "VARCHAR", "NVARCHAR", "ENUM")

Progress = Callable[[int, int, str], None]


def reflect_catalog(
    url: str,
    name: str | None = None,
    samples: bool = True,
    progress: Progress | None = None,
) -> SchemaCatalog:
    """Reflect tables, keys, comments and a few sample values of low-cardinality text columns."""
    engine = open_engine(url)
    try:
        dialect = _dialect_name(engine)
        if dialect == "duckdb":
            tables = _reflect_duckdb(engine)
        else:
            tables = _reflect_sqlalchemy(engine, progress)
        if samples:
            with engine.connect() as conn:
                for i, t in enumerate(tables):
                    if progress:
                        progress(i, len(tables), f"sampling {t.name}")
                    _add_samples(conn, engine.dialect, t)
        return SchemaCatalog(name=name or _default_name(url), dialect=dialect, tables=tables)
    except sa.exc.DBAPIError as exc:  # wrong password, server gone, no permission: say what to do
        raise ConnectionProblem(explain_db_error(exc, url)) from exc
    finally:
        engine.dispose()


def _dialect_name(engine: sa.Engine) -> str:
    name = engine.dialect.name
    return {"postgresql": "postgres", "mariadb": "mysql"}.get(name, name)


def _default_name(url: str) -> str:
    u = sa.make_url(url)
    base = (u.database or "db").rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[0] if "." in base else base


def _reflect_sqlalchemy(engine: sa.Engine, progress: Progress | None) -> list[Table]:
    insp = sa.inspect(engine)
    schema = None
    if engine.dialect.name == "postgresql":
        schema = insp.default_schema_name
    names = insp.get_table_names(schema=schema)
    tables: list[Table] = []
    for i, tname in enumerate(names):
        if progress:
            progress(i, len(names), f"reflecting {tname}")
        pk = set(insp.get_pk_constraint(tname, schema=schema).get("constrained_columns") or [])
        cols = [
            Column(
                name=c["name"],
                type=_type_str(c["type"]),
                primary_key=c["name"] in pk,
                nullable=bool(c.get("nullable", True)),
                comment=c.get("comment") or "",
            )
            for c in insp.get_columns(tname, schema=schema)
        ]
        fks = [
            ForeignKey(
                columns=list(fk["constrained_columns"]),
                ref_table=fk["referred_table"],
                ref_columns=list(fk["referred_columns"]),
            )
            for fk in insp.get_foreign_keys(tname, schema=schema)
            if fk.get("referred_table")
        ]
        try:
            comment = (insp.get_table_comment(tname, schema=schema) or {}).get("text") or ""
        except NotImplementedError:
            comment = ""
        tables.append(Table(name=tname, columns=cols, foreign_keys=fks, comment=comment))
    return tables


def _type_str(t: object) -> str:
    try:
        return str(t)
    except Exception:  # some dialect types cannot compile without a dialect
        return type(t).__name__.upper()


def _reflect_duckdb(engine: sa.Engine) -> list[Table]:
    """duckdb-engine's reflection breaks on SQLAlchemy 2.1; read DuckDB's own catalog views."""
    tables: dict[str, Table] = {}
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT table_name, column_name, data_type, is_nullable, comment "
            "FROM duckdb_columns() WHERE NOT internal ORDER BY table_name, column_index"
        ).fetchall()
        for tname, cname, ctype, nullable, comment in rows:
            t = tables.setdefault(tname, Table(name=tname))
            t.columns.append(Column(name=cname, type=ctype, nullable=bool(nullable), comment=comment or ""))
        for tname, comment in conn.exec_driver_sql("SELECT table_name, comment FROM duckdb_tables() WHERE NOT internal").fetchall():
            if tname in tables:
                tables[tname].comment = comment or ""
        cons = conn.exec_driver_sql(
            "SELECT table_name, constraint_type, constraint_column_names, "
            "referenced_table, referenced_column_names FROM duckdb_constraints()"
        ).fetchall()
        for tname, ctype, cols, ref_table, ref_cols in cons:
            t = tables.get(tname)
            if t is None:
                continue
            if ctype == "PRIMARY KEY":
                for c in t.columns:
                    if c.name in cols:
                        c.primary_key = True
            elif ctype == "FOREIGN KEY" and ref_table:
                t.foreign_keys.append(ForeignKey(list(cols), ref_table, list(ref_cols or [])))
    return list(tables.values())


def _add_samples(conn: sa.Connection, dialect: sa.Dialect, table: Table) -> None:
    prep = dialect.identifier_preparer
    qt = prep.quote(table.name)
    for col in table.columns:
        if not any(k in col.type.upper() for k in _TEXTY) and col.type:
            continue
        qc = prep.quote(col.name)
        sql = (
            f"SELECT DISTINCT {qc} FROM (SELECT {qc} FROM {qt} WHERE {qc} IS NOT NULL "
            f"LIMIT 2000) s LIMIT {LOW_CARDINALITY + 1}"
        )
        try:
            values = [r[0] for r in conn.exec_driver_sql(sql).fetchall()]
        except Exception:
            conn.rollback()
            continue
        if 0 < len(values) <= LOW_CARDINALITY:
            col.samples = [str(v)[:60] for v in values[:SAMPLE_VALUES]]

