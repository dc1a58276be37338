"""Read-only gate: one SELECT (or WITH … SELECT, or a set operation of them), nothing else.

The database session is read-only as well (engine/execute/connect.py); this gate gives
the clear message and keeps harmful text from ever reaching the driver.
"""

from __future__ import annotations

import unicodedata

import sqlglot
from sqlglot import exp

from engine.sql.errors import SqlRejected

MAX_SQL_CHARS = 20_000

_FORBIDDEN_NODES = tuple(
    getattr(exp, name)
    for name in (
        "Insert", "Update", "Delete", "Merge", "Create", "Drop", "Alter", "Command", "Pragma",
        "Set", "Transaction", "Commit", "Rollback", "Copy", "Into", "Lock", "Attach", "Detach",
        "Use", "LoadData", "Grant", "Revoke", "Analyze", "TruncateTable", "Kill", "Refresh",
        "Cache", "Uncache", "Describe", "Summarize", "Declare", "Execute",
    )
    if hasattr(exp, name)
)

# Functions with side effects or file/network access, and ones that only stall.
FORBIDDEN_FUNCTIONS = frozenset(
    {
        "load_extension", "readfile", "writefile", "edit", "fts3_tokenizer", "zipfile",
        "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "pg_ls_logdir",
        "pg_ls_waldir", "pg_ls_tmpdir", "lo_import", "lo_export", "lo_unlink", "lo_create",
        "lo_open", "lo_put", "lo_from_bytea", "lowrite", "dblink", "dblink_exec", "dblink_connect",
        "dblink_send_query", "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf",
        "pg_rotate_logfile", "pg_promote", "pg_switch_wal", "pg_create_restore_point",
        "set_config", "pg_sleep", "pg_sleep_for", "pg_sleep_until", "pg_advisory_lock",
        "pg_advisory_xact_lock", "pg_try_advisory_lock", "pg_notify", "nextval", "setval",
        "currval", "txid_current", "pg_current_xact_id", "pg_logical_emit_message",
        "pg_replication_origin_create", "pg_file_write", "pg_file_unlink", "pg_file_rename",
        "query_to_xml", "query_to_xml_and_xmlschema", "cursor_to_xml", "table_to_xml",
        "pg_stat_reset", "pg_backup_start", "pg_backup_stop", "pg_import_system_collations",
        "sleep", "benchmark", "load_file", "sys_exec", "sys_eval", "get_lock", "release_lock",
        "read_csv", "read_csv_auto", "read_parquet", "read_json", "read_json_auto", "read_text",
        "read_blob", "glob", "copy", "install", "load",
    }
)


def check_text(sql: str) -> None:
    if not sql or not sql.strip():
        raise SqlRejected("empty", "The model returned no SQL.")
    if len(sql) > MAX_SQL_CHARS:
        raise SqlRejected("too_long", f"The SQL is {len(sql):,} characters long; the limit is {MAX_SQL_CHARS:,}.")
    for ch in sql:
        if ch in "\t\n\r":
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Co", "Cs"):
            raise SqlRejected(
                "control_char",
                f"The SQL contains an invisible or control character (U+{ord(ch):04X}); refused.",
            )


def parse_single_select(sql: str, dialect: str) -> exp.Expression:
    """Parse and return the one read-only statement, or raise SqlRejected saying why not."""
    check_text(sql)
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except sqlglot.errors.SqlglotError as exc:  # ParseError and TokenError (unterminated string)
        first = str(exc).splitlines()[0][:300]
        raise SqlRejected("parse", f"The SQL does not parse: {first}") from exc
    except RecursionError as exc:  # a small model looping on "CAST((CAST((…": sqlglot parses recursively
        raise SqlRejected("parse", "The SQL is nested too deeply to parse; write it with fewer nested parentheses.") from exc
    if not statements:
        raise SqlRejected("empty", "The model returned no SQL.")
    if len(statements) > 1:
        raise SqlRejected("multi_statement", "Only one statement may run at a time; the SQL holds several.")
    tree = statements[0]
    check_read_only(tree)
    return tree


def check_read_only(tree: exp.Expression) -> None:
    if not isinstance(tree, (exp.Select, exp.SetOperation)) and not (
        isinstance(tree, exp.Subquery) and isinstance(tree.unnest(), (exp.Select, exp.SetOperation))
    ):
        kind = tree.key.upper()
        raise SqlRejected("not_select", f"Only SELECT queries are allowed; this is a {kind} statement.")
    for node in tree.walk():
        if isinstance(node, _FORBIDDEN_NODES):
            what = "SELECT … INTO" if isinstance(node, exp.Into) else node.key.upper()
            if isinstance(node, exp.Lock):
                what = "SELECT … FOR UPDATE/SHARE"
            raise SqlRejected("not_read_only", f"{what} can change data or the session; only reads are allowed.")
        if isinstance(node, exp.Func):
            name = (node.name if isinstance(node, exp.Anonymous) else node.sql_name()).lower()
            if name in FORBIDDEN_FUNCTIONS:
                raise SqlRejected("forbidden_function", f"The function {name}() is not allowed: it has side effects.")
