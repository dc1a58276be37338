"""Build a SchemaCatalog from DDL text alone: no database needed.

Statements sqlglot cannot parse are skipped and reported, the rest imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.tokens import TokenType

from engine.catalog.model import Column, ForeignKey, SchemaCatalog, Table

_SCHEMA_VERBS = ("CREATE", "ALTER", "COMMENT")


class DDLFileError(ValueError):
    pass


@dataclass
class DDLImport:
    catalog: SchemaCatalog
    skipped: list[str] = field(default_factory=list)  # "line N: reason"
    ignored_statements: int = 0  # INSERTs, SETs and other non-schema statements


def read_text_file(path: Path) -> str:
    raw = Path(path).read_bytes()
    for enc in ("utf-8-sig", "utf-16") if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig",):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DDLFileError(
            f"{path} is not UTF-8 text (byte {exc.start} is invalid). "
            "Re-save it as UTF-8, e.g. iconv -f latin1 -t utf-8."
        ) from exc


def import_ddl_files(paths: list[Path], dialect: str = "postgres", name: str | None = None) -> DDLImport:
    """Every file's tables in one catalog; what cannot be used is listed in `skipped`, with why.

    Raises DDLFileError when nothing at all could be imported, so the caller keeps its previous
    catalog instead of replacing it with an empty one.
    """
    result = DDLImport(SchemaCatalog(name=name or Path(paths[0]).stem, dialect=dialect))
    seen: dict[str, str] = {}
    for p in paths:
        text = read_text_file(Path(p))
        if not text.strip():
            result.skipped.append(f"{p}: the file is empty")
            continue
        part = import_ddl(text, dialect=dialect, name=result.catalog.name, source=str(p))
        for t in part.catalog.tables:
            if t.name.lower() in seen:
                result.skipped.append(f"{p}: duplicate table {t.name} (already defined in {seen[t.name.lower()]}); this definition skipped")
                continue
            seen[t.name.lower()] = str(p)
            result.catalog.tables.append(t)
        result.skipped.extend(part.skipped)
        result.ignored_statements += part.ignored_statements
    result.skipped += drop_dangling_keys(result.catalog)
    if not result.catalog.tables:
        files = ", ".join(str(p) for p in paths)
        reasons = "; ".join(result.skipped[:3])
        raise DDLFileError(
            f"No CREATE TABLE could be imported from {files}{f' ({reasons})' if reasons else ''}. "
            "Nothing was changed; check the file and its --dialect."
        )
    return result


def drop_dangling_keys(catalog: SchemaCatalog) -> list[str]:
    """Foreign keys to tables the import does not have would mislead FK expansion: drop and list them."""
    names = {t.name.lower() for t in catalog.tables}
    notes = []
    for t in catalog.tables:
        keep = []
        for fk in t.foreign_keys:
            if fk.ref_table.lower() in names:
                keep.append(fk)
            else:
                notes.append(f"foreign key {t.name}({', '.join(fk.columns)}) → {fk.ref_table}: no table {fk.ref_table} in the import; key dropped")
        t.foreign_keys = keep
    return notes


def split_statements(text: str, dialect: str) -> list[tuple[int, str]]:
    """(line, statement) pairs, split on top-level semicolons using sqlglot's tokenizer."""
    try:
        tokens = sqlglot.Dialect.get_or_raise(dialect).tokenize(text)
    except SqlglotError:
        chunks, line = [], 1
        for chunk in text.split(";"):
            if chunk.strip():
                chunks.append((line + chunk[: len(chunk) - len(chunk.lstrip())].count("\n"), chunk.strip()))
            line += chunk.count("\n")
        return chunks
    out: list[tuple[int, str]] = []
    start_tok = None
    for tok in tokens:
        if tok.token_type == TokenType.SEMICOLON:
            if start_tok is not None:
                out.append((start_tok.line, text[start_tok.start : tok.start].strip()))
            start_tok = None
        elif start_tok is None:
            start_tok = tok
    if start_tok is not None:
        out.append((start_tok.line, text[start_tok.start :].strip()))
    return out


def import_ddl(text: str, dialect: str = "postgres", name: str = "ddl", source: str = "") -> DDLImport:
    result = DDLImport(SchemaCatalog(name=name, dialect=dialect))
    tables: dict[str, Table] = {}
    where = f"{source} line " if source else "line "
    for line, stmt in split_statements(text, dialect):
        head = stmt.lstrip("( \n\t").split(None, 1)[0].upper() if stmt.strip() else ""
        if head not in _SCHEMA_VERBS:
            result.ignored_statements += 1
            continue
        try:
            tree = sqlglot.parse_one(stmt, read=dialect)
        except SqlglotError as exc:
            result.skipped.append(f"{where}{line}: cannot parse ({str(exc).splitlines()[0][:120]})")
            continue
        if isinstance(tree, exp.Create) and tree.kind == "TABLE":
            t = _table_from_create(tree)
            if t is None:
                result.skipped.append(f"{where}{line}: CREATE TABLE without columns (AS SELECT?)")
                continue
            if t.name.lower() in tables:
                result.skipped.append(f"{where}{line}: duplicate table {t.name}; the first definition is kept")
                continue
            tables[t.name.lower()] = t
        elif isinstance(tree, exp.Alter):
            _apply_alter(tree, tables)
        elif isinstance(tree, exp.Comment):
            _apply_comment(tree, tables)
        elif isinstance(tree, exp.Create):
            result.ignored_statements += 1  # indexes, views, sequences
        else:
            result.skipped.append(f"{where}{line}: not a schema statement sqlglot understands ({head})")
    result.catalog.tables = list(tables.values())
    return result


def _table_from_create(tree: exp.Create) -> Table | None:
    schema = tree.this
    if not isinstance(schema, exp.Schema):
        return None
    table = Table(name=schema.this.name)
    pk_cols: set[str] = set()
    for item in schema.expressions:
        if isinstance(item, exp.ColumnDef):
            col = Column(name=item.name, type=item.args["kind"].sql() if item.args.get("kind") else "")
            for cons in item.constraints:
                kind = cons.kind
                if isinstance(kind, exp.PrimaryKeyColumnConstraint):
                    col.primary_key = True
                elif isinstance(kind, exp.NotNullColumnConstraint):
                    col.nullable = bool(kind.args.get("allow_null"))
                elif isinstance(kind, exp.CommentColumnConstraint):
                    col.comment = kind.this.name if kind.this else ""
                elif isinstance(kind, exp.Reference):
                    _add_reference(table, [col.name], kind)
            # `col INTEGER REFERENCES t(id)` appears as a Reference constraint kind
            table.columns.append(col)
        elif isinstance(item, exp.PrimaryKey):
            pk_cols.update(e.name for e in item.expressions)
        elif isinstance(item, exp.ForeignKey):
            ref = item.args.get("reference")
            if ref is not None:
                _add_reference(table, [e.name for e in item.expressions], ref)
        elif isinstance(item, exp.Constraint):
            for sub in item.expressions:
                if isinstance(sub, exp.PrimaryKey):
                    pk_cols.update(e.name for e in sub.expressions)
                elif isinstance(sub, exp.ForeignKey) and sub.args.get("reference") is not None:
                    _add_reference(table, [e.name for e in sub.expressions], sub.args["reference"])
    for c in table.columns:
        if c.name in pk_cols:
            c.primary_key = True
    for prop in (tree.args.get("properties") or exp.Properties()).expressions:
        if isinstance(prop, exp.SchemaCommentProperty):
            table.comment = prop.this.name
    return table


def _add_reference(table: Table, columns: list[str], ref: exp.Reference) -> None:
    target = ref.this
    if isinstance(target, exp.Schema):
        ref_table = target.this.name
        ref_cols = [e.name for e in target.expressions]
    else:
        ref_table = target.name
        ref_cols = []
    table.foreign_keys.append(ForeignKey(columns=columns, ref_table=ref_table, ref_columns=ref_cols))


def _apply_alter(tree: exp.Alter, tables: dict[str, Table]) -> None:
    t = tables.get(tree.this.name.lower())
    if t is None:
        return
    for action in tree.args.get("actions") or []:
        for node in action.find_all(exp.ForeignKey):
            if node.args.get("reference") is not None:
                _add_reference(t, [e.name for e in node.expressions], node.args["reference"])
        for node in action.find_all(exp.PrimaryKey):
            names = {e.name for e in node.expressions}
            for c in t.columns:
                if c.name in names:
                    c.primary_key = True
        if isinstance(action, exp.ColumnDef):
            t.columns.append(Column(name=action.name, type=action.args["kind"].sql() if action.args.get("kind") else ""))


def _apply_comment(tree: exp.Comment, tables: dict[str, Table]) -> None:
    kind = (tree.args.get("kind") or "").upper()
    text = tree.expression.name if tree.expression else ""
    target = tree.this
    if kind == "TABLE":
        t = tables.get(target.name.lower())
        if t:
            t.comment = text
    elif kind == "COLUMN" and isinstance(target, exp.Column):
        t = tables.get(target.table.lower())
        col = t.column(target.name) if t else None
        if col:
            col.comment = text
